"""The security auditor's pages (安全审计员): events, one event, the chain's status, Excel export.

Only holders of ``audit.event.view`` (the auditor role) may read events, and of
``audit.event.export`` export them; the system administrator holds neither and gets 403 on every
page here (三员分立, p08.10.4-a). There is no view that edits or deletes an event. Reading an event
is not itself audited (it would double the chain with noise); exporting is (``audit.export``).

Clauses: p08.13.3-a (审计跟踪分析与监督检查), p10.37-b (人员、时间、地点、事项), p08.10.4-a.
"""

import json
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xinan.core.excel import xlsx_response
from xinan.org.permissions import has_perm

from . import selectors
from .chain import GENESIS, HASHED_FIELDS, event_hash
from .checkpoints import claim_from_row, trusted_public_key
from .exports import EXPORT_LIMIT, HEADERS, ExportState, export_cells, export_record
from .forms import EventFilterForm
from .models import AuditEvent
from .verify import verify_and_record

PAGE_SIZES = (25, 50, 100, 200)


def permission_required(perm: str):
    """Signed in (else to the login page) and holding ``perm`` (else 403)."""

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not has_perm(request.user, perm):
                raise PermissionDenied(_("无权查看审计记录(需要权限 %(perm)s) / permission %(perm)s required") % {"perm": perm})
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _filter_query(request) -> str:
    """The request's filter parameters (no paging), to carry into links."""
    keep = [(k, v) for k, v in request.GET.items() if k in EventFilterForm.base_fields and v]
    return urlencode(keep)


@require_GET
@permission_required("audit.event.view")
def event_list(request):
    form = EventFilterForm(request.GET or None)
    invalid = form.is_bound and not form.is_valid()
    size = _int(request.GET.get("size"))
    size = size if size in PAGE_SIZES else 50
    if invalid:
        page = selectors.EventPage([], False, False, None, None)
    else:
        qs = selectors.events_filtered(**form.filters()) if form.is_bound else selectors.events_filtered()
        page = selectors.event_page(qs, before=_int(request.GET.get("before")), after=_int(request.GET.get("after")), size=size)
    query = _filter_query(request)
    paging = f"{query}&size={size}" if query else f"size={size}"
    return render(request, "audit/event_list.html", {
        "form": form, "page": page, "query": query, "paging": paging, "size": size, "page_sizes": PAGE_SIZES,
        "can_export": has_perm(request.user, "audit.event.export"), "export_limit": EXPORT_LIMIT,
    })


def _image_rows(before, after) -> list[tuple]:
    """(field, before, after, changed) for two dict images; values shown as compact JSON."""
    if not isinstance(before, dict) and not isinstance(after, dict):
        return []
    before, after = before if isinstance(before, dict) else {}, after if isinstance(after, dict) else {}
    names = list(before) + [k for k in after if k not in before]
    missing = object()
    rows = []
    for name in names:
        b, a = before.get(name, missing), after.get(name, missing)
        show = lambda v: "" if v is missing else json.dumps(v, ensure_ascii=False)  # noqa: E731
        rows.append((name, show(b), show(a), b != a))
    return rows


@require_GET
@permission_required("audit.event.view")
def event_detail(request, seq: int):
    event = AuditEvent.objects.filter(seq=seq).first()
    if event is None:
        raise Http404(_("审计事件不存在 / no such audit event"))
    previous_seq, next_seq = selectors.event_neighbours(seq)
    previous_hash = GENESIS if seq == 1 else (
        AuditEvent.objects.filter(seq=seq - 1).values_list("hash", flat=True).first()
    )
    fields = {name: getattr(event, name) for name in HASHED_FIELDS}
    return render(request, "audit/event_detail.html", {
        "event": event,
        "previous_seq": previous_seq, "next_seq": next_seq,
        "hash_ok": event_hash(event.prev_hash, fields) == event.hash,
        "link_ok": previous_hash is not None and previous_hash == event.prev_hash,
        "previous_hash": previous_hash,
        "image_rows": _image_rows(event.before, event.after),
        "before_json": json.dumps(event.before, ensure_ascii=False, indent=2, sort_keys=True) if event.before is not None else "",
        "after_json": json.dumps(event.after, ensure_ascii=False, indent=2, sort_keys=True) if event.after is not None else "",
    })


@require_GET
@permission_required("audit.event.view")
def status(request):
    key = trusted_public_key()
    checkpoints = [(cp, claim_from_row(cp).signature_valid(key)) for cp in selectors.recent_checkpoints()]
    return render(request, "audit/status.html", {"status": selectors.chain_status(), "checkpoints": checkpoints})


@require_POST
@permission_required("audit.event.view")
def verify(request):
    """Verify the chain now (read-only work; the run is recorded as an ``audit.verify`` event)."""
    result = verify_and_record(request.user)
    if result.ok:
        messages.success(request, _("审计链完整:已校验 %(n)s 个事件,用时 %(s).2f 秒") % {"n": result.checked, "s": result.elapsed})
    else:
        messages.error(request, _("审计链在序号 %(seq)s 处断裂:%(reason)s") % {"seq": result.first_broken_seq, "reason": result.reason})
    return redirect("audit:status")


@require_GET
@permission_required("audit.event.export")
def export(request):
    """The filtered events as Excel (newest first, at most ``EXPORT_LIMIT``), itself audited."""
    form = EventFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("筛选条件无效,未导出 / invalid filter, nothing exported"))
        return redirect("audit:event_list")
    filters = form.filters() if form.is_bound else {}
    state = ExportState()
    rows = selectors.export_rows(selectors.events_filtered(**filters), EXPORT_LIMIT + 1)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = xlsx_response(f"审计事件-{stamp}.xlsx", _("审计事件"), [str(h) for h in HEADERS],
                             export_cells(rows, EXPORT_LIMIT, state))
    export_record(request.user, filters, state)
    response["X-Export-Rows"] = str(state.rows)
    response["X-Export-Truncated"] = "1" if state.truncated else "0"
    return response
