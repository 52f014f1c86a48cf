"""Every write of the workflow engine: start, act (approve / reject / execute), comment, attach,
cancel. Each is one transaction with its audit event (``workflow.start``, ``workflow.approve`` …);
each refusal is audited as ``workflow.refused`` (in its own transaction, the attempt wrote
nothing) and raised with a Chinese / English message.

Who may act at a step comes from its actor rule (``rules``); the separation rules are read from
the instance's history: 篇20 incompatible duties (p20.1.6: requester ≠ approver, approver ≠
executor, executor ≠ checker, reviewer ≠ recorder, recorder ≠ checker), holders of one 三员 role
counted as one person for them (p08.10.4-b), and the definition's own ``distinct`` rules.
A definition's completion hook runs inside the same transaction, so the subject's domain applies
the effect (or refuses, and nothing happens).
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record
from xinan.org import permissions
from xinan.policy.durations import Duration

from . import attachments, rules
from .definitions import current
from .models import StepKind, WorkflowAction, WorkflowAttachment, WorkflowConflict, WorkflowInstance, WorkflowStep

ACT_SCOPE = "workflows.instance.act"
VIEW_ALL = "workflows.instance.view"
Decision = WorkflowAction.Decision
State = WorkflowInstance.State


def _messages(exc) -> str:
    return "; ".join(getattr(exc, "messages", None) or [str(exc)])


def _refused(actor, subject, attempt: dict, exc, reason: str = "") -> None:
    with audited_write():
        record(actor, "workflow.refused", subject, after={**attempt, "refused": _messages(exc)}, reason=reason)


def _subject_ref(obj) -> tuple:
    return (obj._meta.label_lower, obj.pk, str(obj))


def _due(step: WorkflowStep, start):
    return Duration.parse(step.deadline).after(start) if step.deadline else None


def _active_actor(actor) -> rules.Facts:
    f = rules.facts(actor)
    if not f.active:
        raise PermissionDenied(_("只有在岗人员的账号可以办理流程 / only an active person's account may take part in a workflow"))
    return f


# --- who may act ---------------------------------------------------------------------------------


def separation_problem(actor, f: rules.Facts, instance: WorkflowInstance, step: WorkflowStep) -> str | None:
    """Why ``actor`` may not act at ``step`` of ``instance`` given who did what before (or None)."""
    conflicts = {}
    for c in WorkflowConflict.objects.filter(step=step):
        conflicts.setdefault(c.other_id, []).append(c)
    if not conflicts:
        return None
    acts = (WorkflowAction.objects.filter(instance=instance, step_id__in=list(conflicts), decision__in=rules.ACTING)
            .select_related("step").order_by("at", "pk"))
    for act in acts:
        for c in conflicts[act.step_id]:
            if act.actor_id == actor.pk:
                clause = f"({c.clause})" if c.clause else ""
                return (_("不相容职责分离(%(rule)s)%(clause)s:您已办理本流程的「%(done)s」,不得再办理「%(step)s」 / "
                          "separation of duties (%(rule)s): you acted at “%(done)s” and may not act at “%(step)s”")
                        % {"rule": c.label, "clause": clause, "done": act.step.name, "step": step.name})
            if c.triad and f.triad and act.actor_triad == f.triad:
                return (_("三员相互制约(%(rule)s)(p08.10.4-b):「%(done)s」已由同一三员角色的人员办理,须由其他人员办理「%(step)s」 / "
                          "三员 checks (%(rule)s): “%(done)s” was done by a holder of your 三员 role; someone else must act at “%(step)s”")
                        % {"rule": c.label, "done": act.step.name, "step": step.name})
    return None


def act_refusal(actor, instance: WorkflowInstance, decision: str | None = None) -> Exception | None:
    """Why ``actor`` may not take ``decision`` on ``instance`` now, as the exception to raise
    (PermissionDenied: not theirs to do; ValidationError: not possible now), or None."""
    f = rules.facts(actor)
    if not f.active:
        return PermissionDenied(_("只有在岗人员的账号可以办理流程 / only an active person's account may take part in a workflow"))
    if not permissions._token_allows(actor, ACT_SCOPE):
        return PermissionDenied(_("令牌的权限范围不含流程办理 / the API token's scopes do not include %(scope)s")
                                % {"scope": ACT_SCOPE})
    if instance.state != State.RUNNING or instance.current_step_id is None:
        return ValidationError(_("流程已结束 / the workflow has ended"))
    step = instance.current_step
    if decision is not None and decision not in rules.DECISIONS.get(step.kind, ()):
        return ValidationError(_("「%(step)s」不能作出此办理结果:%(decision)s / “%(step)s” does not accept the decision %(decision)s")
                               % {"step": step.name, "decision": decision})
    if not rules.matches(f, step, requester_id=instance.requester_id,
                         requester_department_id=instance.requester_department_id):
        return PermissionDenied(_("您不是「%(step)s」的办理人(%(who)s) / you are not who acts at “%(step)s” (%(who)s)")
                                % {"step": step.name, "who": rules.describe(step)})
    problem = separation_problem(actor, f, instance, step)
    return PermissionDenied(problem) if problem else None


def act_problem(actor, instance: WorkflowInstance, decision: str | None = None) -> str | None:
    """The message of ``act_refusal`` (None: the actor may act); pages use it to choose forms."""
    refusal = act_refusal(actor, instance, decision)
    return _messages(refusal) if refusal is not None else None


# --- start ---------------------------------------------------------------------------------------


def workflow_start(actor, definition_code: str, subject, *, reason: str = "") -> WorkflowInstance:
    """发起: start the current version of a definition on a record. The requester is the actor."""
    attempt = {"attempt": "start", "definition": definition_code, "subject_type": subject._meta.label_lower,
               "subject_id": str(subject.pk)}
    try:
        f = _active_actor(actor)
        definition = current(definition_code)
        if definition is None:
            raise ValidationError(_("没有流程定义 %(code)s / no workflow definition %(code)s") % {"code": definition_code})
        if subject.pk is None or getattr(subject, "archived_at", None):
            raise ValidationError(_("已归档或未保存的记录不能发起流程 / an archived or unsaved record cannot start a workflow"))
        steps = list(definition.steps.order_by("order"))
        request, first = steps[0], steps[1]
        if not rules.matches(f, request, requester_id=actor.pk, requester_department_id=f.department_id):
            raise PermissionDenied(_("您不能发起「%(name)s」(发起人:%(who)s) / you may not start “%(name)s” (who may: %(who)s)")
                                   % {"name": definition.name, "who": rules.describe(request)})
        content_type = ContentType.objects.get_for_model(subject)
        if WorkflowInstance.objects.filter(code=definition.code, subject_type=content_type, subject_id=str(subject.pk),
                                           state=State.RUNNING).exists():
            raise ValidationError(_("该记录已有办理中的「%(name)s」 / this record already has “%(name)s” running")
                                  % {"name": definition.name})
        holders = rules.holders(first, requester_id=actor.pk, requester_department_id=f.department_id)
        if WorkflowConflict.objects.filter(step=first, other=request).exists():
            holders = holders.exclude(pk=actor.pk)
        if not holders.exists():
            raise ValidationError(_("「%(step)s」没有可以办理的人员(%(who)s),无法发起 / nobody can act at “%(step)s” (%(who)s)")
                                  % {"step": first.name, "who": rules.describe(first)})
        with audited_write():
            now = timezone.now()
            instance = WorkflowInstance(
                definition=definition, code=definition.code, subject_type=content_type, subject_id=str(subject.pk),
                subject_label=str(subject)[:255], requester=actor, requester_department_id=f.department_id,
                reason=reason, current_step=first, step_started_at=now, due_at=_due(first, now))
            try:
                instance.save()
            except IntegrityError as exc:
                raise ValidationError(_("该记录已有办理中的同类流程 / this record already has that workflow running")) from exc
            WorkflowAction(instance=instance, step=request, actor=actor, actor_triad=f.triad,
                           decision=Decision.START, comment=reason).save()
            record(actor, "workflow.start", instance, after={
                "definition": definition.code, "version": definition.version, "subject_type": attempt["subject_type"],
                "subject_id": attempt["subject_id"], "step": first.code, "due_at": instance.due_at}, reason=reason)
    except (ValidationError, PermissionDenied) as exc:
        _refused(actor, _subject_ref(subject), attempt, exc, reason)
        raise
    return instance


def register_workflow_start(actor, register, obj, name: str, *, reason: str = "") -> WorkflowInstance:
    """发起 from a register's record: the register names the workflow (``workflows``) and starting
    it needs the register's ``change`` permission over the record's department."""
    code = register.workflows.get(name)
    try:
        if code is None:
            raise ValidationError(_("登记簿「%(register)s」没有流程 %(name)s / the register has no workflow %(name)s")
                                  % {"register": register.title, "name": name})
        perm = register.perm("change")
        permissions.require(actor, perm)
        field = register.department_field
        department_id = obj.pk if field == "self" else (getattr(obj, f"{field}_id", None) if field else None)
        if department_id is not None:
            scope = permissions.department_ids_in_scope(actor, perm)
            if scope is not None and department_id not in scope:
                raise PermissionDenied(_("该部门不在您的管理范围内 / that department is outside your scope"))
    except (ValidationError, PermissionDenied) as exc:
        _refused(actor, _subject_ref(obj), {"attempt": "start", "register": register.slug, "workflow": name}, exc, reason)
        raise
    return workflow_start(actor, code, obj, reason=reason)


# --- act -----------------------------------------------------------------------------------------


def _hook(path: str, instance, actor) -> None:
    if path:
        import_string(path)(instance, actor)


def _store(files) -> list:
    stored = []
    try:
        for item in files or ():
            name, content = item if isinstance(item, tuple) else attachments.read(item)
            stored.append(attachments.store(name, content))
    except ValidationError:
        for s in stored:
            attachments.discard(s)
        raise
    return stored


def _attach_rows(instance, step, action, actor, stored) -> list[WorkflowAttachment]:
    rows = []
    for s in stored:
        row = WorkflowAttachment(instance=instance, step=step, action=action, uploaded_by=actor, name=s.name,
                                 content_type=s.content_type, size=s.size, sm3=s.sm3, sha256=s.sha256, path=s.path)
        row.save()
        rows.append(row)
    return rows


def workflow_act(actor, instance: WorkflowInstance, decision: str, comment: str = "", *, files=()) -> WorkflowInstance:
    """办理: approve / reject (approve, review, check steps) or execute / reject (execute, record
    steps) the current step, with a comment and files. The last positive decision ends the
    workflow (approved, or done when the last step is an execution) and calls ``on_complete``;
    a rejection ends it and calls ``on_end``."""
    attempt = {"attempt": decision, "step": instance.current_step.code if instance.current_step_id else None}
    stored = []
    try:
        stored = _store(files)
        with audited_write():
            locked = (WorkflowInstance.objects.select_for_update(of=("self",))
                      .select_related("definition", "current_step").get(pk=instance.pk))
            refusal = act_refusal(actor, locked, decision)
            if refusal is not None:
                raise refusal
            step, now = locked.current_step, timezone.now()
            if step.kind in (StepKind.APPROVE, StepKind.REVIEW, StepKind.CHECK) and decision == Decision.REJECT \
                    and not comment.strip():
                raise ValidationError(_("驳回须填写意见 / a rejection needs a comment"))
            f = rules.facts(actor)
            action = WorkflowAction(instance=locked, step=step, actor=actor, actor_triad=f.triad, decision=decision,
                                    comment=comment, due_at=locked.due_at)
            action.save()
            rows = _attach_rows(locked, step, action, actor, stored)
            before = {"state": locked.state, "step": step.code}
            following = None
            if decision != Decision.REJECT:
                following = locked.definition.steps.filter(order__gt=step.order).order_by("order").first()
            if following is not None:
                locked.current_step, locked.step_started_at, locked.due_at = following, now, _due(following, now)
            else:
                if decision == Decision.REJECT:
                    locked.state = State.REJECTED
                else:
                    locked.state = State.DONE if step.kind in (StepKind.EXECUTE, StepKind.RECORD) else State.APPROVED
                locked.current_step, locked.due_at, locked.finished_at = None, None, now
            locked.save()
            record(actor, f"workflow.{decision}", locked, before=before, after={
                "state": locked.state, "step": following.code if following else None, "due_at": locked.due_at,
                "definition": locked.code, "version": locked.definition.version,
                "late": bool(action.due_at and now > action.due_at), "attachments": [r.sm3 for r in rows]},
                reason=comment)
            if locked.state in (State.APPROVED, State.DONE):
                _hook(locked.definition.on_complete, locked, actor)
            elif locked.state == State.REJECTED:
                _hook(locked.definition.on_end, locked, actor)
    except (ValidationError, PermissionDenied) as exc:
        for s in stored:
            attachments.discard(s)
        _refused(actor, instance, attempt, exc, comment)
        raise
    instance.refresh_from_db()
    return locked


def workflow_cancel(actor, instance: WorkflowInstance, *, reason: str = "") -> WorkflowInstance:
    """撤销: only the requester, only while it runs; calls the definition's ``on_end``."""
    attempt = {"attempt": "cancel"}
    try:
        with audited_write():
            locked = WorkflowInstance.objects.select_for_update(of=("self",)).select_related("definition").get(pk=instance.pk)
            if actor is None or locked.requester_id != actor.pk:
                raise PermissionDenied(_("只有申请人可以撤销流程 / only the requester may cancel"))
            if locked.state != State.RUNNING:
                raise ValidationError(_("流程已结束 / the workflow has ended"))
            step = locked.current_step
            WorkflowAction(instance=locked, step=step, actor=actor, actor_triad=rules.facts(actor).triad,
                           decision=Decision.CANCEL, comment=reason, due_at=locked.due_at).save()
            before = {"state": locked.state, "step": step.code}
            locked.state, locked.current_step, locked.due_at, locked.finished_at = State.CANCELLED, None, None, timezone.now()
            locked.save()
            record(actor, "workflow.cancel", locked, before=before, after={"state": locked.state}, reason=reason)
            _hook(locked.definition.on_end, locked, actor)
    except (ValidationError, PermissionDenied) as exc:
        _refused(actor, instance, attempt, exc, reason)
        raise
    instance.refresh_from_db()
    return locked


# --- comments and attachments ---------------------------------------------------------------------


def is_participant(user, instance: WorkflowInstance) -> bool:
    """The requester, anyone who acted or may act now: they may comment and attach files."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if instance.requester_id == user.pk:
        return True
    if WorkflowAction.objects.filter(instance=instance, actor=user).exists():
        return True
    return bool(instance.current_step_id and rules.matches(
        rules.facts(user), instance.current_step, requester_id=instance.requester_id,
        requester_department_id=instance.requester_department_id))


def may_view(user, instance: WorkflowInstance) -> bool:
    """Participants, holders of ``workflows.instance.view``, and whoever may see the record in
    its register (read only)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if permissions.has_perm(user, VIEW_ALL) or is_participant(user, instance):
        return True
    from xinan.core.registers import registry
    from xinan.core.selectors import visible_rows

    register = registry.for_model(instance.subject_type.model_class())
    return register is not None and visible_rows(register, user).filter(pk=instance.subject_id).exists()


def _participant(actor, instance, attempt):
    if not rules.facts(actor).active or not is_participant(actor, instance):
        raise PermissionDenied(_("只有流程的申请人和办理人可以添加意见或附件 / only the requester and the workflow's "
                                 "actors may comment or add files"))
    if attempt == "attach" and instance.state != State.RUNNING:
        raise ValidationError(_("流程已结束,不能再添加附件 / the workflow has ended"))


def workflow_comment(actor, instance: WorkflowInstance, comment: str) -> WorkflowAction:
    """意见: a comment by the requester or an actor (past or current); it decides nothing."""
    try:
        _participant(actor, instance, "comment")
        if not (comment or "").strip():
            raise ValidationError(_("意见不能为空 / the comment is empty"))
        with audited_write():
            step = instance.current_step or instance.definition.steps.order_by("-order").first()
            action = WorkflowAction(instance=instance, step=step, actor=actor, actor_triad=rules.facts(actor).triad,
                                    decision=Decision.COMMENT, comment=comment)
            action.save()
            record(actor, "workflow.comment", instance, after={"step": step.code}, reason=comment)
    except (ValidationError, PermissionDenied) as exc:
        _refused(actor, instance, {"attempt": "comment"}, exc, comment)
        raise
    return action


def workflow_attach(actor, instance: WorkflowInstance, upload, *, comment: str = "") -> WorkflowAttachment:
    """附件: a file added while the workflow runs (``upload``: an uploaded file or ``(name, bytes)``)."""
    stored = []
    try:
        _participant(actor, instance, "attach")
        stored = _store([upload])
        with audited_write():
            row = _attach_rows(instance, instance.current_step, None, actor, stored)[0]
            record(actor, "workflow.attach", instance, after={
                "attachment": row.pk, "name": row.name, "size": row.size, "sm3": row.sm3, "sha256": row.sha256},
                reason=comment)
    except (ValidationError, PermissionDenied) as exc:
        for s in stored:
            attachments.discard(s)
        name = upload[0] if isinstance(upload, tuple) else getattr(upload, "name", "")
        _refused(actor, instance, {"attempt": "attach", "name": str(name)[:255]}, exc, comment)
        raise
    return row


def attachment_read(actor, attachment: WorkflowAttachment) -> bytes:
    """The file's bytes for someone who may see the instance; the download is audited."""
    if not may_view(actor, attachment.instance):
        raise PermissionDenied(_("您不能查看该流程的附件 / you may not see this workflow's files"))
    content = attachments.open_file(attachment)
    with audited_write():
        record(actor, "workflow.attachment_download", attachment.instance,
               after={"attachment": attachment.pk, "sm3": attachment.sm3})
    return content


__all__ = ["workflow_start", "register_workflow_start", "workflow_act", "workflow_cancel", "workflow_comment",
           "workflow_attach", "attachment_read", "act_problem", "act_refusal", "may_view", "is_participant", "separation_problem"]
