"""远程接入申请 (p15.2.26-a 任何部门和个人使用远程接入服务必须向信息科申请).

A person (or the IT section on their behalf) submits an application naming the applicant, the
remote-access account, the reason and the period; the IT section (holders of
``network.remoteaccessapplication.approve``, the system administrator) approves or rejects it. Neither the
person who submitted it nor the applicant may decide on it. The accounts the gateway really has are
imported as observed facts (``facts.facts_import`` kind ``remote_accounts``) and the check
``p15.2.26-a`` (``checks_infra``) flags an enabled account without an approved application
covering the day.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record, snapshot
from xinan.core.services import instance_archive, instance_create, instance_update, require

from .models import RemoteAccessApplication

Status = RemoteAccessApplication.Status
APPROVE = "network.remoteaccessapplication.approve"
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
        return instance_create(actor, RemoteAccessApplication, data, department_field="department", reason=reason)


def remote_access_update(actor, application: RemoteAccessApplication, *, reason: str = "", **data):
    if application.status != Status.SUBMITTED:
        raise ValidationError(_("已审批的申请不能修改 / a decided application cannot be changed"))
    return instance_update(actor, application, data, department_field="department", reason=reason)


def remote_access_archive(actor, application: RemoteAccessApplication, *, reason: str = ""):
    return instance_archive(actor, application, department_field="department", reason=reason)


def _decide(actor, application: RemoteAccessApplication, action: str, status: str, note: str):
    if application.status != Status.SUBMITTED:
        raise ValidationError(_("该申请已处理 / the application is already decided"))
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
