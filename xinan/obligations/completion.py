"""Completing a task by hand (with the evidence the obligation asks for), cancelling one, and
marking notifications read. Every write is audited (``obligations.task.complete`` / ``.cancel``);
the comment appears in the audit image only as its keyed digest."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record, snapshot
from xinan.org import permissions
from xinan.org.models import Person, RoleAssignment

from .models import Notification, Task
from .registry import Obligation, registry


def _zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


def may_complete(user, task: Task) -> bool:
    """The task is the user's: assigned to their person, to a role they actively hold, or to
    their post (and an API token's scopes allow ``obligations.task.complete``)."""
    person = getattr(user, "person", None) if user is not None else None
    if person is None or person.status != Person.Status.ACTIVE:
        return False
    if not permissions._token_allows(user, "obligations.task.complete"):
        return False
    if task.assignee_person_id:
        return task.assignee_person_id == person.pk
    if task.assignee_post_id:
        return task.assignee_post_id == person.post_id
    if task.assignee_role_id:
        return RoleAssignment.objects.filter(person=person, role_id=task.assignee_role_id,
                                             status=RoleAssignment.Status.ACTIVE).exists()
    return False


def evidence_queryset(user, task: Task):
    """The records of the obligation's evidence register the user may see and cite for this task
    (unarchived, scoped like the register's own list), or None when it names no register."""
    from xinan.core.registers import registry as registers

    ob = registry.get(task.obligation)
    if ob is None or not ob.evidence_register:
        return None
    register = registers.get(ob.evidence_register)
    qs = permissions.scope_queryset(user, register.perm("view"), register.base_queryset(), register.department_field)
    if register.archivable:
        qs = qs.filter(archived_at__isnull=True)
    return qs.filter(ob.evidence_q(task))


def task_complete(actor, task: Task, *, evidence=None, comment: str = "", reason: str = "") -> Task:
    """办结: the assignee meets the task with a record of the obligation's evidence register that
    they may see (or, when it names none, with a comment saying what was done). Audited."""
    comment = (comment or "").strip()
    if not may_complete(actor, task):
        raise PermissionDenied(_("只有任务的责任人可以办结 / only the task's assignee may complete it"))
    ob = registry.get(task.obligation)
    if ob is not None and not ob.manual:
        raise ValidationError(_("此任务由记录自动办结,不能手工办结 / this task is met by the records, not by hand"))
    qs = evidence_queryset(actor, task)
    if qs is not None:
        if evidence is None:
            raise ValidationError({"evidence": [_("请选择作为证据的登记记录 / choose the record that evidences it")]})
        if not isinstance(evidence, qs.model):
            raise ValidationError({"evidence": [_("证据须为《%(r)s》中的记录 / the evidence must be a record of the %(slug)s register")
                                                % {"r": _zh(_register_title(ob)), "slug": ob.evidence_register}]})
        if not qs.filter(pk=evidence.pk).exists():
            raise ValidationError({"evidence": [_("该记录不存在、已归档、不符合本任务或不在您的查看范围内 / "
                                                  "the record does not exist, is archived, does not fit this task "
                                                  "or is outside what you may see")]})
    elif evidence is not None:
        raise ValidationError({"evidence": [_("此任务不以登记记录为证,请填写办理说明 / this task takes a comment, not a record")]})
    elif not comment:
        raise ValidationError({"comment": [_("请填写办理说明 / describe what was done")]})
    now = timezone.now()
    with audited_write():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if not task.is_pending:
            raise ValidationError(_("任务已办结或已取消 / the task is already closed"))
        before = snapshot(task, ["status"])
        task.status, task.done_by, task.done_at, task.comment = Task.Status.DONE, actor, now, comment
        if evidence is not None:
            task.evidence_type = ContentType.objects.get_for_model(evidence)
            task.evidence_id, task.evidence_label = str(evidence.pk), str(evidence)[:255]
        task.save()
        record(actor, "obligations.task.complete", task, before=before,
               after=snapshot(task, ["status", "done_by", "done_at", "evidence_type", "evidence_id",
                                     "evidence_label", "comment"]), reason=reason)
    return task


def _register_title(ob: Obligation):
    from xinan.core.registers import registry as registers

    return registers.get(ob.evidence_register).title


def task_cancel(actor, task: Task, *, reason: str) -> Task:
    """撤销: a task opened in error (a departure recorded by mistake); permission
    ``obligations.task.cancel``, with a reason. Audited."""
    from xinan.core.services import require

    require(actor, "obligations.task.cancel")
    if not (reason or "").strip():
        raise ValidationError(_("请填写撤销理由 / give the reason for cancelling"))
    with audited_write():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if not task.is_pending:
            raise ValidationError(_("任务已办结或已取消 / the task is already closed"))
        before = snapshot(task, ["status"])
        task.status, task.done_at = Task.Status.CANCELLED, timezone.now()
        task.save(update_fields=["status", "done_at"])
        record(actor, "obligations.task.cancel", task, before=before, after=snapshot(task, ["status", "done_at"]),
               reason=reason)
    return task


def notifications_read(user, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when ``ids`` is None)."""
    person = getattr(user, "person", None)
    if person is None:
        return 0
    qs = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
