"""REST API of the obligations engine: ``GET /api/tasks`` (the caller's tasks, or all tasks for
a holder of ``obligations.task.view_all``), ``POST /api/tasks/{id}/complete`` (evidence by the
record's id in the obligation's evidence register, or a comment), ``GET /api/tasks/notifications``."""

from datetime import datetime
from typing import Literal, Optional

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from xinan.core.api import api
from xinan.org.permissions import has_perm

from . import selectors, services
from .models import Task
from .registry import registry

router = Router(tags=["义务与任务 / obligations"])


class TaskOut(Schema):
    id: int
    obligation: str
    clause: str
    title: str
    title_en: str
    status: str
    escalation_level: int
    period_start: datetime
    due_at: datetime
    remind_at: datetime
    assignee_person: Optional[int] = None
    assignee_role: Optional[str] = None
    assignee_post: Optional[str] = None
    department: Optional[int] = None
    subject: Optional[str] = None
    evidence: Optional[str] = None
    evidence_register: Optional[str] = None
    done_at: Optional[datetime] = None
    done_by: Optional[str] = None


class TaskFilters(Schema):
    scope: Literal["mine", "all"] = Field("mine", description="mine: 我的待办; all: 全部任务(需 obligations.task.view_all)")
    status: Literal["", "open", "done", "overdue", "escalated", "cancelled", "pending"] = ""
    obligation: str = Field("", max_length=80)
    overdue: bool = False
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**7)


class CompleteIn(Schema):
    evidence_id: Optional[str] = Field(None, max_length=64, description="证据登记簿中记录的编号 / id of the evidence record")
    comment: str = Field("", max_length=4000)


class NotificationOut(Schema):
    id: int
    kind: str
    task: Optional[int] = None
    message: str
    message_en: str
    created_at: datetime
    read_at: Optional[datetime] = None


def task_out(t: Task) -> dict:
    ob = registry.get(t.obligation)
    return {
        "id": t.pk, "obligation": t.obligation, "clause": t.clause, "title": t.title_zh, "title_en": t.title_en,
        "status": t.status, "escalation_level": t.escalation_level, "period_start": t.period_start, "due_at": t.due_at,
        "remind_at": t.remind_at, "assignee_person": t.assignee_person_id,
        "assignee_role": t.assignee_role.code if t.assignee_role_id else None,
        "assignee_post": t.assignee_post.code if t.assignee_post_id else None, "department": t.department_id,
        "subject": f"{t.subject_type}:{t.subject_id}" if t.subject_type else None,
        "evidence": t.evidence_label or None, "evidence_register": ob.evidence_register if ob else None,
        "done_at": t.done_at, "done_by": t.done_by.username if t.done_by_id else None,
    }


@router.get("", response=list[TaskOut])
def task_list(request, filters: Query[TaskFilters]):
    user = request.auth
    if filters.scope == "all":
        if not has_perm(user, "obligations.task.view_all"):
            raise PermissionDenied(_("无权查看全部任务 / permission obligations.task.view_all required"))
        qs = selectors.tasks_filtered(obligation=filters.obligation, overdue=filters.overdue)
    else:
        qs = selectors.tasks_mine(user, pending=False).order_by("due_at", "pk")
        if filters.obligation:
            qs = qs.filter(obligation=filters.obligation)
        if filters.overdue:
            qs = qs.filter(selectors.overdue_q())
    if filters.status == "pending":
        qs = qs.filter(status__in=Task.PENDING)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    return [task_out(t) for t in qs[filters.offset:filters.offset + filters.limit]]


@router.get("/notifications", response=list[NotificationOut])
def notification_list(request, unread: bool = False, limit: int = Query(50, ge=1, le=500)):
    qs = selectors.notifications_for(request.auth)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return [{"id": n.pk, "kind": n.kind, "task": n.task_id, "message": n.message_zh, "message_en": n.message_en,
             "created_at": n.created_at, "read_at": n.read_at} for n in qs[:limit]]


def evidence_record(task: Task, evidence_id):
    """The record named by ``evidence_id`` in the task's evidence register (None if not given)."""
    if evidence_id in (None, ""):
        return None
    ob = registry.get(task.obligation)
    if ob is None or not ob.evidence_register:
        raise ValidationError({"evidence": [_("此任务不以登记记录为证,请填写办理说明 / this task takes a comment, not a record")]})
    from xinan.core.registers import registry as registers

    model = registers.get(ob.evidence_register).model
    try:
        record = model._default_manager.filter(pk=evidence_id).first()
    except (ValueError, TypeError, ValidationError):
        record = None
    if record is None:
        raise ValidationError({"evidence": [_("证据记录不存在 / no such evidence record")]})
    return record


@router.post("/{int:task_id}/complete", response=TaskOut)
def task_complete(request, task_id: int, payload: CompleteIn):
    task = get_object_or_404(Task, pk=task_id)
    record = evidence_record(task, payload.evidence_id)
    services.task_complete(request.auth, task, evidence=record, comment=payload.comment)
    return task_out(Task.objects.select_related(*selectors.RELATED).get(pk=task.pk))


api.add_router("/tasks", router)
