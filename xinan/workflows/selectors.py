"""Reads of the workflow engine: the inbox (待我审批), a record's workflows, overdue steps and an
instance's timeline.

The inbox is one query over the running instances: the current step's actor rule is matched in
SQL against what the user holds (roles, post, the departments they head, being the requester),
and the instances where the separation rules would refuse them are left out in the same query
(a ``NOT EXISTS`` over the instance's earlier actions at conflicting steps).
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from xinan.org import permissions

from . import rules
from .models import WorkflowAction, WorkflowDefinition, WorkflowInstance, WorkflowStep

RELATED = ("definition", "current_step", "requester__person", "subject_type")


def _blocked(user, f: rules.Facts):
    """Instances where an earlier action at a step conflicting with the current one was the
    user's (or, for 篇20 pairs, by a holder of the user's 三员 role)."""
    same = Q(actor_id=user.pk)
    if f.triad:
        same |= Q(actor_triad=f.triad, step__conflicted_by__triad=True)
    acts = WorkflowAction.objects.filter(
        Q(instance_id=OuterRef("pk"), decision__in=rules.ACTING, step__conflicted_by__step_id=OuterRef("current_step_id"))
        & same)
    return Exists(acts)


def inbox(user):
    """待我审批: running instances whose current step this user may act on now."""
    f = rules.facts(user)
    if not f.active or not permissions._token_allows(user, "workflows.instance.act"):
        return WorkflowInstance.objects.none()
    return (WorkflowInstance.objects.filter(state=WorkflowInstance.State.RUNNING).filter(rules.candidate_q(f))
            .filter(~_blocked(user, f)).select_related(*RELATED).order_by("due_at", "started_at", "pk"))


def inbox_count(user) -> int:
    return inbox(user).count()


def requested_by(user):
    """我发起的."""
    return WorkflowInstance.objects.filter(requester=user).select_related(*RELATED).order_by("-started_at", "-pk")


def handled_by(user):
    """我办理过的 (decisions, not comments or the start)."""
    acted = WorkflowAction.objects.filter(instance_id=OuterRef("pk"), actor=user,
                                          decision__in=("approve", "reject", "execute"))
    return WorkflowInstance.objects.filter(Exists(acted)).select_related(*RELATED).order_by("-started_at", "-pk")


def overdue(as_of: datetime | None = None):
    """Running instances whose current step is past its deadline (for the dashboard and the check)."""
    as_of = as_of or timezone.now()
    return (WorkflowInstance.objects.filter(state=WorkflowInstance.State.RUNNING, due_at__lt=as_of)
            .select_related(*RELATED).order_by("due_at", "pk"))


def for_subject(obj):
    """The workflows started on one record, newest first."""
    content_type = ContentType.objects.get_for_model(obj)
    return (WorkflowInstance.objects.filter(subject_type=content_type, subject_id=str(obj.pk))
            .select_related(*RELATED).order_by("-started_at", "-pk"))


@dataclass
class RegisterPanel:
    instances: list
    starts: list  # [(name, label)] the user may start


def register_panel(register, obj, user, *, can_change: bool) -> RegisterPanel:
    """The register detail page's workflow card: the record's instances and the 发起 buttons."""
    names = {d.code: d.name for d in WorkflowDefinition.objects.filter(code__in=register.workflows.values(),
                                                                        is_current=True)}
    starts = []
    if can_change and not getattr(obj, "archived_at", None):
        starts = [(name, names.get(code, name)) for name, code in register.workflows.items() if code in names]
    return RegisterPanel(instances=list(for_subject(obj)[:50]), starts=starts)


@dataclass
class Entry:
    kind: str  # "action", "attachment", "pending", "upcoming"
    step: WorkflowStep
    at: datetime | None = None
    actor: object = None
    decision: str = ""
    decision_label: str = ""
    comment: str = ""
    due_at: datetime | None = None
    late: bool = False
    attachments: tuple = ()
    holders: tuple = ()


def timeline(instance: WorkflowInstance) -> list[Entry]:
    """What happened, in order, then the pending step (with its deadline and who may act) and the
    steps still to come."""
    actions = list(instance.actions.select_related("step", "actor__person").prefetch_related("attachments"))
    loose = [a for a in instance.attachments.select_related("step", "uploaded_by__person") if a.action_id is None]
    entries = []
    for a in actions:
        entries.append(Entry("action", a.step, a.at, a.actor, a.decision, a.get_decision_display(), a.comment,
                             a.due_at, bool(a.due_at and a.at > a.due_at), tuple(a.attachments.all())))
    for f in loose:
        entries.append(Entry("attachment", f.step, f.at, f.uploaded_by, attachments=(f,)))
    entries.sort(key=lambda e: e.at)
    if instance.current_step_id:
        step = instance.current_step
        holders = rules.holders(step, requester_id=instance.requester_id,
                                requester_department_id=instance.requester_department_id)
        entries.append(Entry("pending", step, due_at=instance.due_at,
                             late=bool(instance.due_at and timezone.now() > instance.due_at),
                             holders=tuple(holders.select_related("person")[:20])))
        for upcoming in instance.definition.steps.filter(order__gt=step.order).order_by("order"):
            entries.append(Entry("upcoming", upcoming))
    return entries
