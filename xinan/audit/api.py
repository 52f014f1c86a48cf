"""Read-only REST API of the audit chain (``/api/audit/…``), for the security auditor.

Same filters as the auditor's page, keyset pagination (``before``/``after`` a sequence number,
newest first, no total count), permission ``audit.event.view``. There is no write operation: no
role can edit or delete events. Clauses: p08.13.3-a, p08.10.4-a.
"""

from datetime import datetime
from typing import Any, Optional

from ninja import Field, Path, Query, Router, Schema

from xinan.core.api import api
from xinan.org.permissions import require

from . import selectors
from .models import AuditEvent

# The one place the API's authentication is chosen: the project's (token or session) when it is
# there, else ninja's session auth.
try:
    from xinan.core.api_auth import default_auth
except ImportError:  # pragma: no cover - the project provides it
    from ninja.security import django_auth as default_auth

MAX_SEQ = 2**63 - 1
router = Router(tags=["审计链 / audit"], auth=default_auth)


class EventFilters(Schema):
    at_from: Optional[datetime] = Field(None, description="起始时间(含)/ from (inclusive)")
    at_to: Optional[datetime] = Field(None, description="截止时间(不含)/ to (exclusive)")
    actor: str = Field("", max_length=150, description="操作人用户名或编号 / actor name or id")
    action: str = Field("", max_length=80, description="动作前缀 / action prefix, e.g. org.person.")
    subject_type: str = Field("", max_length=80)
    subject_id: str = Field("", max_length=64)
    request_id: str = Field("", max_length=64)
    q: str = Field("", max_length=100, description="对象名称包含 / subject label contains")
    before: Optional[int] = Field(None, ge=0, le=MAX_SEQ, description="只列出序号小于此值的事件 / events below this seq")
    after: Optional[int] = Field(None, ge=0, le=MAX_SEQ, description="列出紧接在此序号之上的一页 / the page just above this seq")
    limit: int = Field(50, ge=1, le=500)


class EventOut(Schema):
    seq: int
    at: datetime
    actor_id: Optional[int] = None
    actor_label: str
    action: str
    subject_type: str
    subject_id: str
    subject_label: str
    reason: str
    request_id: str


class EventDetailOut(EventOut):
    before: Any = None
    after: Any = None
    prev_hash: str
    hash: str


class EventPageOut(Schema):
    items: list[EventOut]
    next_before: Optional[int] = Field(None, description="下一页(较早)的 before 参数 / `before` for the next, older page")
    previous_after: Optional[int] = Field(None, description="上一页(较新)的 after 参数 / `after` for the previous, newer page")


class ChainStatusOut(Schema):
    head_seq: int
    head_hash: str
    checkpoint_seq: Optional[int] = None
    checkpoint_at: Optional[datetime] = None
    events_since_checkpoint: int
    ok: Optional[bool] = None
    checked_at: Optional[datetime] = None
    checked_by: str
    checked: Optional[int] = None
    first_broken_seq: Optional[int] = None
    message: str


def _caller(request):
    return getattr(request, "auth", None) or request.user


@router.get("/events", response=EventPageOut, operation_id="audit_events_list",
            summary="审计事件 / audit events")
def events_list(request, filters: Query[EventFilters]):
    """Events newest first, filtered; follow ``next_before`` for older events."""
    require(_caller(request), "audit.event.view")
    data = filters.dict()
    before, after, limit = data.pop("before"), data.pop("after"), data.pop("limit")
    page = selectors.event_page(selectors.events_filtered(**data), before=before, after=after, size=limit)
    return {"items": page.items, "next_before": page.next_before, "previous_after": page.previous_after}


@router.get("/events/{seq}", response=EventDetailOut, operation_id="audit_events_detail",
            summary="审计事件详情 / one audit event")
def events_detail(request, seq: Path[int]):
    require(_caller(request), "audit.event.view")
    if not 0 <= seq <= MAX_SEQ:
        raise AuditEvent.DoesNotExist
    return selectors.event_get(seq)


@router.get("/status", response=ChainStatusOut, operation_id="audit_chain_status",
            summary="审计链状态 / chain status")
def chain_status(request):
    """Head, latest checkpoint and the last verification's outcome (it does not verify)."""
    require(_caller(request), "audit.event.view")
    return selectors.chain_status()


api.add_router("/audit", router)
