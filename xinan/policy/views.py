"""合规仪表盘 and its pages: the dashboard (charts), the clause table and a clause's detail (from
the clause down to its findings, their subjects and evidence, and its attestations), the findings
list, Excel exports (audited as ``policy.export``), and the 篇21 self-assessment report.

Every page needs ``policy.report.view`` (the auditor, the deputy general manager and the security
administrator hold it; the system administrator does not: 403). Clause: p21.1 (自评估).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xinan.core.excel import xlsx_response
from xinan.org.permissions import has_perm

from . import catalogue, selectors
from .compliance import clause_status, clause_statuses, filter_statuses, tally
from .explain import clause_parameters, describe_ref, evidence_items, subject_type_label, subject_url
from .exports import EXPORT_LIMIT, REPORT_PERMISSION, export_record
from .filters import ClauseFilterForm, FindingFilterForm
from .labels import SEVERITY_LABELS
from .models import Attestation, Finding

PAGE_SIZE = 100


def permission_required(perm: str):
    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not has_perm(request.user, perm):
                raise PermissionDenied(_("无权查看合规报告(需要权限 %(perm)s) / permission %(perm)s required") % {"perm": perm})
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def _query(request, form) -> str:
    from urllib.parse import urlencode

    return urlencode([(k, v) for k, v in request.GET.items() if k in form.base_fields and v])


@require_GET
@permission_required(REPORT_PERMISSION)
def dashboard(request):
    data = selectors.dashboard()
    return render(request, "policy/dashboard.html", {**data, "chart_data": data["charts"]})


@require_GET
@permission_required(REPORT_PERMISSION)
def clause_list(request):
    form = ClauseFilterForm(request.GET or None)
    items = clause_statuses()
    shown = filter_statuses(items, **form.filters())
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "policy/clause_list.html", {
        "form": form, "page": page, "total": tally(shown), "query": _query(request, form),
        "rows": [(i, selectors.mechanism_label(i)) for i in page.object_list],
    })


@require_GET
@permission_required(REPORT_PERMISSION)
def clause_export(request):
    form = ClauseFilterForm(request.GET or None)
    filters = form.filters()
    headers, rows = selectors.clause_rows(filter_statuses(clause_statuses(), **filters))
    export_record(request.user, "clauses", filters, len(rows))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(f"合规条款-{stamp}.xlsx", _("合规条款"), headers, rows)


def _finding_view(f, names) -> dict:
    return {"finding": f, "severity": SEVERITY_LABELS.get(f.severity, f.severity),
            "subject_type": subject_type_label(f.subject_type), "subject_url": subject_url(f.subject_type, f.subject_id),
            "department": names.get((f.subject_type, f.subject_id), ""), "evidence": evidence_items(f.evidence)}


@require_GET
@permission_required(REPORT_PERMISSION)
def clause_detail(request, clause_id: str):
    cat = catalogue.load()
    if clause_id not in cat:
        raise Http404(_("目录中没有该条款 / no such clause"))
    clause = cat.get(clause_id)
    status = clause_status(clause_id)
    open_qs = (Finding.objects.filter(clause=clause_id, resolved_at__isnull=True)
               .order_by("severity", "subject_label"))  # violations first
    resolved_qs = Finding.objects.filter(clause=clause_id, resolved_at__isnull=False).order_by("-resolved_at")
    open_rows = list(open_qs[:PAGE_SIZE])
    resolved_rows = list(resolved_qs[:PAGE_SIZE // 2])
    names = selectors.department_names(open_rows + resolved_rows)
    attestations = (Attestation.objects.filter(clause=clause_id).select_related("signer", "approver")
                    .order_by("-period_end")[:50])
    return render(request, "policy/clause_detail.html", {
        "clause": clause, "status": status, "mechanism": selectors.mechanism_label(status),
        "refs": [describe_ref(r) for r in status.by], "parameters": clause_parameters(clause_id),
        "open_findings": [_finding_view(f, names) for f in open_rows], "open_total": open_qs.count(),
        "resolved_findings": [_finding_view(f, names) for f in resolved_rows], "resolved_total": resolved_qs.count(),
        "attestations": attestations, "page_size": PAGE_SIZE,
    })


def _finding_form(request):
    from xinan.org.models import Department

    departments = Department.objects.filter(archived_at__isnull=True).order_by("code").values_list("pk", "name")
    types = Finding.objects.values_list("subject_type", flat=True).distinct().order_by()
    return FindingFilterForm(request.GET or None, departments=list(departments), subject_types=list(types))


@require_GET
@permission_required(REPORT_PERMISSION)
def finding_list(request):
    form = _finding_form(request)
    qs = selectors.findings_filtered(**form.filters())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    names = selectors.department_names(rows)
    cat = catalogue.load()
    return render(request, "policy/finding_list.html", {
        "form": form, "page": page, "query": _query(request, form),
        "rows": [dict(_finding_view(f, names), title=cat.get(f.clause).title if f.clause in cat else "") for f in rows],
    })


@require_GET
@permission_required(REPORT_PERMISSION)
def finding_export(request):
    form = _finding_form(request)
    filters = form.filters()
    qs = selectors.findings_filtered(**filters)
    headers, rows = selectors.finding_rows(qs, EXPORT_LIMIT + 1)
    truncated = len(rows) > EXPORT_LIMIT
    rows = rows[:EXPORT_LIMIT]
    export_record(request.user, "findings", filters, len(rows), truncated=truncated)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = xlsx_response(f"检查发现-{stamp}.xlsx", _("检查发现"), headers, rows)
    response["X-Export-Rows"] = str(len(rows))
    return response


@require_GET
@permission_required(REPORT_PERMISSION)
def report(request):
    from .reports.content import build

    return render(request, "policy/report.html", {"report": build(assessor=_assessor(request.user))})


def _assessor(user) -> str:
    person = getattr(user, "person", None)
    return person.name if person is not None else user.get_username()


@require_GET
@permission_required(REPORT_PERMISSION)
def report_download(request, fmt: str):
    from .reports.services import CONTENT_TYPES, report_generate

    if fmt not in CONTENT_TYPES:
        raise Http404()
    data, filename = report_generate(request.user, fmt, assessor=_assessor(request.user))
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
