"""Reads for the compliance pages: the dashboard's figures and charts, filtered findings, and the
rows of the Excel exports. A constant number of queries each, whatever the number of findings."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import catalogue
from .attribution import ORGANISATION, by_department, department_q, departments_of, organisation_q
from .compliance import by_domain, clause_statuses, findings_open_at, tally
from .explain import describe_ref, evidence_items, subject_type_label
from .labels import SEVERITY_LABELS, STATUS_COLOURS, STATUS_LABELS, STATUSES, NOT_APPLICABLE, domain_label
from .models import Finding
from .snapshots import trend

MECHANISM_LABELS = {"implemented": gettext_lazy("已实现"), "attestation": gettext_lazy("以声明为证"),
                    "not_applicable": gettext_lazy("不适用"), "missing": gettext_lazy("未实现")}
CHART_STATUSES = [s for s in STATUSES if s != NOT_APPLICABLE]


def mechanism_label(item) -> str:
    if item.mechanism == "missing" and item.by:
        return str(_("未实现(部分覆盖)"))
    return str(MECHANISM_LABELS.get(item.mechanism, item.mechanism))


def dashboard(days: int = 90) -> dict:
    """Everything the dashboard shows: overall and per-domain tallies, per-department rows, the
    trend, and the chart data (with the URLs a click on a bar leads to)."""
    items = clause_statuses()
    overall = tally(items)
    domains = by_domain(items)
    departments = by_department(items, findings_open_at())
    points = trend(days, current=overall)
    clause_url, finding_url = reverse("policy:clause_list"), reverse("policy:finding_list")
    shown_departments = [d for d in departments if d["findings"] or d["key"] != ORGANISATION]
    charts = {
        "overall": {"percent": overall["percent"] or 0, "evaluated_percent": overall["evaluated_percent"] or 0,
                    "label": _("合规率"), "evaluated_label": _("可评估条款合规率"),
                    "statuses": [{"code": s, "name": str(STATUS_LABELS[s]), "value": overall[s],
                                  "colour": STATUS_COLOURS[s], "url": f"{clause_url}?status={s}"} for s in STATUSES]},
        "domains": {
            "labels": [d["label"] for d in domains],
            "urls": [f"{clause_url}?domain={d['domain']}" for d in domains],
            "percent": [d["percent"] for d in domains],
            "series": [{"code": s, "name": str(STATUS_LABELS[s]), "colour": STATUS_COLOURS[s],
                        "data": [d[s] for d in domains]} for s in CHART_STATUSES],
        },
        "departments": {
            "labels": [d["label"] for d in shown_departments],
            "urls": [f"{finding_url}?department={d['key']}" for d in shown_departments],
            "series": [
                {"code": "violation", "name": str(SEVERITY_LABELS["violation"]), "colour": STATUS_COLOURS["noncompliant"],
                 "data": [d["violations"] for d in shown_departments]},
                {"code": "warning", "name": str(SEVERITY_LABELS["warning"]), "colour": STATUS_COLOURS["partly"],
                 "data": [d["warnings"] for d in shown_departments]},
            ],
        },
        "trend": {
            "days": [p["day"] for p in points],
            "sources": [p["source"] for p in points],
            "series": [
                {"code": "percent", "name": _("合规率(%)"), "axis": 0, "data": [p["percent"] for p in points]},
                {"code": "evaluated_percent", "name": _("可评估条款合规率(%)"), "axis": 0,
                 "data": [p["evaluated_percent"] for p in points]},
                {"code": "violations", "name": _("未消除违规"), "axis": 1, "data": [p["violations"] for p in points]},
                {"code": "warnings", "name": _("未消除警告"), "axis": 1, "data": [p["warnings"] for p in points]},
            ],
            "axes": [_("百分比"), _("发现数")],
        },
    }
    worst = sorted((i for i in items if i.status in ("noncompliant", "partly")),
                   key=lambda i: (i.status != "noncompliant", -i.violations, -i.warnings, i.id))[:10]
    return {"overall": overall, "domains": domains, "departments": departments, "trend": points,
            "charts": charts, "worst": worst}


def findings_filtered(*, clause: str = "", severity: str = "", state: str = "open", subject_type: str = "",
                      department: str = "", q: str = "", check: str = ""):
    qs = Finding.objects.all()
    if state == "open":
        qs = qs.filter(resolved_at__isnull=True)
    elif state == "resolved":
        qs = qs.filter(resolved_at__isnull=False)
    if clause:
        qs = qs.filter(clause=clause.strip())
    if severity:
        qs = qs.filter(severity=severity)
    if subject_type:
        qs = qs.filter(subject_type=subject_type)
    if check:
        qs = qs.filter(check_id=check)
    if department == ORGANISATION:
        qs = qs.filter(organisation_q())
    elif department and str(department).isdigit():
        qs = qs.filter(department_q([int(department)]))
    if q:
        qs = qs.filter(Q(subject_label__icontains=q) | Q(message_zh__icontains=q) | Q(message_en__icontains=q))
    return qs.order_by("resolved_at", "-first_seen_at", "clause", "pk") if state != "open" else qs.order_by("-first_seen_at", "clause", "pk")


def department_names(rows) -> dict[tuple[str, str], str]:
    """{(subject_type, subject_id): department name} for a page of findings (constant queries)."""
    from xinan.org.models import Department

    owner = departments_of((r.subject_type, r.subject_id) for r in rows)
    names = dict(Department.objects.filter(pk__in={d for d in owner.values() if d}).values_list("pk", "name"))
    return {key: names.get(dep, "") for key, dep in owner.items()}


def clause_rows(items) -> tuple[list[str], list[list]]:
    """Headers and rows of the clause table export."""
    cat = catalogue.load()
    headers = [_("条款"), _("标题"), _("条款原文"), _("领域"), _("类型"), _("实现方式"), _("合规状态"), _("未消除违规"),
               _("未消除警告"), _("声明有效期至"), _("实现机制"), _("说明")]
    rows = []
    for i in items:
        rows.append([i.id, i.title, cat.get(i.id).text, domain_label(i.domain), i.kind_label, mechanism_label(i),
                     i.status_label, i.violations, i.warnings, i.attested_until,
                     "\n".join(f"{r.kind_label}:{r.label}" for r in map(describe_ref, i.by)), i.note])
    return [str(h) for h in headers], rows


def finding_rows(qs, limit: int):
    """Headers and rows (at most ``limit``) of the findings export; the department column is
    filled in batches so the query count stays bounded by the number of batches."""
    headers = [_("条款"), _("条款标题"), _("严重程度"), _("对象类型"), _("对象编号"), _("对象"), _("部门"), _("说明"),
               _("起始时间"), _("首次发现"), _("消除时间"), _("证据")]
    cat = catalogue.load()
    found = list(qs[:limit])
    names = department_names(found)
    rows = []
    for f in found:
        title = cat.get(f.clause).title if f.clause in cat else ""
        evidence = ";".join(f"{label or key}:{text}" for key, label, text in evidence_items(f.evidence))
        rows.append([f.clause, title, str(SEVERITY_LABELS.get(f.severity, f.severity)), subject_type_label(f.subject_type),
                     f.subject_id, f.subject_label, names.get((f.subject_type, f.subject_id), "") or str(_("全单位")),
                     f.message_zh, f.since, f.first_seen_at, f.resolved_at, evidence])
    return [str(h) for h in headers], rows
