"""远程接入申请 (p15.2.26-a 任何部门和个人使用远程接入服务必须向信息科申请).

A person (or the IT section on their behalf) submits an application naming the applicant, the
remote-access account, the reason and the period; the IT section (holders of
``network.remoteaccessapplication.approve``, the system administrator) approves or rejects it. Neither the
person who submitted it nor the applicant may decide on it. The accounts the gateway really has are
imported as observed facts (``facts.facts_import`` kind ``remote_accounts``) and the check
``p15.2.26-a`` (``checks_infra``) flags an enabled account without an approved application
covering the day.

An application submitted by a person runs through the workflow engine (``remote_access_approval``,
the IT section's step) when someone other than the submitter can take that step; approve / reject /
withdraw then act on the workflow, so pages, API and the workflow inbox are one path. Applications
written by the system, or made while nobody else holds the step, are decided here directly with
the same rules.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record, snapshot
from xinan.core.services import instance_archive, instance_create, instance_update, require

from .models import RemoteAccessApplication

Status = RemoteAccessApplication.Status
APPROVE = "network.remoteaccessapplication.approve"
WORKFLOW = "remote_access_approval"
DECISION_FIELDS = ["status", "approved_by", "approved_at", "decision_note"]


def _is_user(actor) -> bool:
    return actor is not None and not isinstance(actor, str) and getattr(actor, "pk", None) is not None


def _next_number() -> str:
    prefix = f"RA{timezone.localdate():%Y}-"
    taken = RemoteAccessApplication.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    highest = max((int(n[len(prefix):]) for n in taken if n[len(prefix):].isdigit()), default=0)
    return f"{prefix}{highest + 1:04d}"


def remote_access_create(actor, *, reason: str = "", **data) -> RemoteAccessApplication:
    """提交远程接入申请 (numbered RAyyyy-nnnn unless the number is given)."""
    data = dict(data)
    data["account"] = (data.get("account") or "").strip()
    data["number"] = (data.get("number") or "").strip() or _next_number()
    if _is_user(actor):
        data["requested_by"] = actor
    with audited_write():
        application = instance_create(actor, RemoteAccessApplication, data, department_field="department", reason=reason)
        if _is_user(actor) and _routable(actor, WORKFLOW):
            from xinan.workflows.services import workflow_start

            workflow_start(actor, WORKFLOW, application, reason=reason)
    return application


def remote_access_update(actor, application: RemoteAccessApplication, *, reason: str = "", **data):
    if application.status != Status.SUBMITTED:
        raise ValidationError(_("已审批的申请不能修改 / a decided application cannot be changed"))
    return instance_update(actor, application, data, department_field="department", reason=reason)


def remote_access_archive(actor, application: RemoteAccessApplication, *, reason: str = ""):
    return instance_archive(actor, application, department_field="department", reason=reason)


def _decide(actor, application: RemoteAccessApplication, action: str, status: str, note: str):
    if application.status != Status.SUBMITTED:
        raise ValidationError(_("该申请已处理 / the application is already decided"))
    instance = workflow_of(application)
    if instance is not None:
        from xinan.workflows.services import workflow_act, workflow_cancel

        if action == "withdraw":
            workflow_cancel(actor, instance, reason=note)
        else:
            workflow_act(actor, instance, action, note)
        application.refresh_from_db()
        return application
    if action != "withdraw":
        require(actor, APPROVE)
        if _is_user(actor):
            person_id = getattr(actor, "person_id", None)
            if actor.pk == application.requested_by_id or (person_id and person_id == application.applicant_id):
                raise PermissionDenied(_("申请人不得审批本人的远程接入申请 / the requester cannot decide their own "
                                         "remote-access application"))
    with audited_write():
        before = snapshot(application, DECISION_FIELDS)
        application.status = status
        application.decision_note = note
        if action == "approve":
            application.approved_by = actor if _is_user(actor) else None
            application.approved_at = timezone.now()
        application.save()
        record(actor, f"network.remoteaccessapplication.{action}", application, before=before,
               after=snapshot(application, DECISION_FIELDS), reason=note)
    return application


def remote_access_approve(actor, application: RemoteAccessApplication, *, note: str = "") -> RemoteAccessApplication:
    """信息科批准 (p15.2.26-a): only a holder of the approve permission, never the requester or applicant."""
    return _decide(actor, application, "approve", Status.APPROVED, note)


def remote_access_reject(actor, application: RemoteAccessApplication, *, note: str = "") -> RemoteAccessApplication:
    return _decide(actor, application, "reject", Status.REJECTED, note)


def remote_access_withdraw(actor, application: RemoteAccessApplication, *, note: str = "") -> RemoteAccessApplication:
    """The requester (or someone who may change it) withdraws a pending application."""
    if _is_user(actor) and actor.pk != application.requested_by_id:
        require(actor, "network.remoteaccessapplication.change", application.department_id)
    return _decide(actor, application, "withdraw", Status.WITHDRAWN, note)


# --- workflow (definition remote_access_approval) ---------------------------------------------


def _routable(actor, code: str) -> bool:
    from .access import _routable as routable

    return routable(actor, code)


def workflow_of(application: RemoteAccessApplication, running: bool = True):
    """The application's approval workflow instance (the running one by default), or None."""
    from django.apps import apps

    if not apps.is_installed("xinan.workflows") or application.pk is None:
        return None
    from django.contrib.contenttypes.models import ContentType
    from xinan.workflows.models import WorkflowInstance

    qs = WorkflowInstance.objects.filter(subject_type=ContentType.objects.get_for_model(RemoteAccessApplication),
                                         subject_id=str(application.pk))
    if running:
        qs = qs.filter(state=WorkflowInstance.State.RUNNING)
    return qs.order_by("-pk").first()


def _subject(instance) -> RemoteAccessApplication:
    return RemoteAccessApplication.objects.select_for_update().get(pk=instance.subject_id)


def on_workflow_approved(instance, actor) -> None:
    """The IT section's approval in the workflow: the application records who approved and when."""
    application = _subject(instance)
    before = snapshot(application, DECISION_FIELDS)
    action = instance.actions.filter(decision="approve").select_related("actor").order_by("-pk").first()
    application.status = Status.APPROVED
    application.approved_by = action.actor if action is not None else None
    application.approved_at = action.at if action is not None else timezone.now()
    application.decision_note = action.comment if action is not None else ""
    application.save()
    record(actor, "network.remoteaccessapplication.approve", application, before=before,
           after=snapshot(application, DECISION_FIELDS), reason=f"workflow {instance.pk}")


def on_workflow_ended(instance, actor) -> None:
    """Rejected or cancelled in the workflow: the application is rejected or withdrawn."""
    application = _subject(instance)
    before = snapshot(application, DECISION_FIELDS)
    last = instance.actions.order_by("-pk").first()
    application.status = Status.WITHDRAWN if instance.state == "cancelled" else Status.REJECTED
    application.decision_note = last.comment if last is not None else ""
    application.save()
    action = "withdraw" if application.status == Status.WITHDRAWN else "reject"
    record(actor, f"network.remoteaccessapplication.{action}", application, before=before,
           after=snapshot(application, DECISION_FIELDS), reason=f"workflow {instance.pk}")
