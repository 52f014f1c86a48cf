"""API shapes of the workflow engine (also used by the generic register routes)."""

from datetime import datetime
from typing import Literal, Optional

from django.utils import timezone
from ninja import Schema
from pydantic import Field

from . import rules


class StartIn(Schema):
    reason: str = Field("", max_length=2000)


class ActIn(Schema):
    decision: Literal["approve", "reject", "execute", "comment"]
    comment: str = Field("", max_length=4000)


class CancelIn(Schema):
    reason: str = Field("", max_length=2000)


class InstanceOut(Schema):
    id: int
    definition: str
    version: int
    name: str
    state: str
    subject_type: str
    subject_id: str
    subject_label: str
    requester: str
    step: Optional[str] = None
    step_name: Optional[str] = None
    step_kind: Optional[str] = None
    decisions: list[str] = []
    due_at: Optional[datetime] = None
    overdue: bool = False
    started_at: datetime
    finished_at: Optional[datetime] = None


class ActionOut(Schema):
    step: str
    step_name: str
    actor: str
    decision: str
    comment: str
    at: datetime
    due_at: Optional[datetime] = None
    late: bool


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sm3: str
    sha256: str
    step: Optional[str] = None
    uploaded_by: str
    at: datetime


class InstanceDetailOut(InstanceOut):
    reason: str
    actions: list[ActionOut]
    attachments: list[AttachmentOut]


class StepOut(Schema):
    order: int
    code: str
    name: str
    kind: str
    actor_kind: str
    actor_value: str
    deadline: str


class DefinitionOut(Schema):
    code: str
    version: int
    name: str
    description: str
    clauses: list[str]
    steps: list[StepOut]


def instance_out(instance) -> dict:
    step = instance.current_step
    return {
        "id": instance.pk, "definition": instance.code, "version": instance.definition.version,
        "name": instance.definition.name, "state": instance.state,
        "subject_type": f"{instance.subject_type.app_label}.{instance.subject_type.model}",
        "subject_id": instance.subject_id, "subject_label": instance.subject_label,
        "requester": instance.requester.username,
        "step": step.code if step else None, "step_name": step.name if step else None,
        "step_kind": step.kind if step else None,
        "decisions": list(rules.DECISIONS.get(step.kind, ())) if step else [],
        "due_at": instance.due_at, "overdue": bool(instance.due_at and instance.due_at < timezone.now()),
        "started_at": instance.started_at, "finished_at": instance.finished_at,
    }


def attachment_out(a) -> dict:
    return {"id": a.pk, "name": a.name, "content_type": a.content_type, "size": a.size, "sm3": a.sm3,
            "sha256": a.sha256, "step": a.step.code if a.step_id else None, "uploaded_by": a.uploaded_by.username,
            "at": a.at}


def detail_out(instance) -> dict:
    actions = instance.actions.select_related("step", "actor").order_by("at", "pk")
    files = instance.attachments.select_related("step", "uploaded_by").order_by("at", "pk")
    return {
        **instance_out(instance), "reason": instance.reason,
        "actions": [{"step": a.step.code, "step_name": a.step.name, "actor": a.actor.username, "decision": a.decision,
                     "comment": a.comment, "at": a.at, "due_at": a.due_at, "late": bool(a.due_at and a.at > a.due_at)}
                    for a in actions],
        "attachments": [attachment_out(a) for a in files],
    }
