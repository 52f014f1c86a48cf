"""调用记录单 (p01.2.7.a, p01.2.7.b-a, p01.2.7.b-b): the administrator requests a move of a
device, the deputy general manager approves it (never the requester), the administrator executes
it — the device passes directly to the new department and person, the change of responsible
person is filed at that moment — and files the signed form.

Each step checks its permission, the record's status and the separation of duties, and appends
one audit event. A request made by a person starts the engine's ``assets_transfer`` workflow; the
approval (and a rejection or cancellation) then goes through the engine, whose hooks in
``xinan.assets.workflows`` update the record. Records the system created approve directly.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record, snapshot
from xinan.core.services import instance_archive, instance_update, require

from .. import workflows
from ..models import Equipment, Transfer
from ..models.common import next_number
from .common import need_active_person, need_status, need_usable_equipment, not_same_user, step
from .equipment import _file


def _check_request(equipment: Equipment, data: dict, exclude_pk=None) -> None:
    need_usable_equipment(equipment)
    errors = {}
    if equipment.status in (Equipment.Status.REPAIR, Equipment.Status.EXTERNAL_REPAIR, Equipment.Status.SCRAPPING):
        errors["equipment"] = _("设备正在维修或报废流程中,不能调用 / the device is in repair or scrapping")
    open_transfers = Transfer.objects.filter(equipment=equipment, status__in=Transfer.OPEN, archived_at__isnull=True)
    if exclude_pk:
        open_transfers = open_transfers.exclude(pk=exclude_pk)
    if open_transfers.exists():
        errors["equipment"] = _("该设备已有未完成的调用记录单 / the device already has an open transfer")
    to_department = data.get("to_department")
    if to_department is not None and to_department.archived_at:
        errors["to_department"] = _("调入部门已归档 / the receiving department is archived")
    to_responsible = data.get("to_responsible")
    if (to_responsible is not None and to_department is not None and to_responsible.pk == equipment.responsible_id
            and to_department.pk == equipment.department_id
            and (data.get("to_location") or equipment.location) == equipment.location):
        errors["to_responsible"] = _("调入部门、负责人与地点均与现状相同 / nothing would change")
    if errors:
        raise ValidationError(errors)
    need_active_person(to_responsible, "to_responsible", _("新负责人"))


def transfer_request(actor, *, equipment: Equipment, to_department, to_responsible, purpose: str,
                     to_location: str = "", reason: str = "") -> Transfer:
    """管理员填写调用记录单 (p01.2.7.a)."""
    require(actor, "assets.transfer.add", equipment.department_id)
    data = dict(to_department=to_department, to_responsible=to_responsible, to_location=to_location)
    _check_request(equipment, data)
    now = timezone.now()
    transfer = Transfer(
        number=next_number(Transfer, "DY"), equipment=equipment, department=equipment.department,
        from_responsible=equipment.responsible, from_location=equipment.location, purpose=purpose,
        requested_by=actor, requested_at=now, **data)
    with audited_write():
        transfer.full_clean()
        transfer.save()
        record(actor, "assets.transfer.create", transfer, after=snapshot(transfer), reason=reason)
        workflows.start(transfer, actor, workflows.TRANSFER, reason=purpose)  # 副总经理签字认可 in the engine
    return transfer


def transfer_create(actor, *, reason: str = "", **data) -> Transfer:
    return transfer_request(actor, reason=reason, **data)


def transfer_update(actor, transfer: Transfer, *, reason: str = "", **data) -> Transfer:
    """The request may be corrected while it awaits approval."""
    need_status(transfer, Transfer.Status.REQUESTED)
    if "equipment" in data and data["equipment"] != transfer.equipment:
        raise ValidationError({"equipment": _("不能改为其他设备,请撤销后重新申请 / cancel and request again")})
    merged = {k: data.get(k, getattr(transfer, k)) for k in ("to_department", "to_responsible", "to_location")}
    _check_request(transfer.equipment, merged, exclude_pk=transfer.pk)
    return instance_update(actor, transfer, data, department_field="department", reason=reason)


def transfer_archive(actor, transfer: Transfer, *, reason: str = "") -> Transfer:
    if transfer.status in Transfer.OPEN:
        raise ValidationError(_("未完成的调用记录单不能归档,请先撤销 / cancel an open transfer first"))
    return instance_archive(actor, transfer, department_field="department", reason=reason)


def transfer_approve(actor, transfer: Transfer, *, reason: str = "") -> Transfer:
    """副总经理签字认可 (p01.2.7.b-b). The requester may never approve their own request."""
    require(actor, "assets.transfer.approve")
    need_status(transfer, Transfer.Status.REQUESTED)
    not_same_user(actor, transfer.requested_by_id,
                  _("不得批准本人发起的调用申请 / you may not approve a transfer you requested"))
    instance = workflows.running(transfer, workflows.TRANSFER)
    if instance is not None:  # the engine decides; its completion hook marks the record approved
        workflows.act(actor, instance, "approve", reason)
        transfer.refresh_from_db()
        return transfer
    return _decide(actor, transfer, Transfer.Status.APPROVED, "assets.transfer.approve", reason)


def transfer_reject(actor, transfer: Transfer, *, reason: str = "") -> Transfer:
    require(actor, "assets.transfer.approve")
    need_status(transfer, Transfer.Status.REQUESTED)
    not_same_user(actor, transfer.requested_by_id,
                  _("不得审批本人发起的调用申请 / you may not decide a transfer you requested"))
    if not reason.strip():
        raise ValidationError(_("不批准须说明理由 / give the reason for the refusal"))
    instance = workflows.running(transfer, workflows.TRANSFER)
    if instance is not None:
        workflows.act(actor, instance, "reject", reason)
        transfer.refresh_from_db()
        return transfer
    return _decide(actor, transfer, Transfer.Status.REJECTED, "assets.transfer.reject", reason)


def _decide(actor, transfer, status, action, reason):
    with audited_write():
        before = snapshot(transfer, ["status"])
        transfer.status, transfer.approved_by, transfer.approved_at = status, actor, timezone.now()
        transfer.decision_note = reason
        step(actor, action, transfer, ["status", "approved_by", "approved_at", "decision_note"], before, reason)
    return transfer


def transfer_cancel(actor, transfer: Transfer, *, reason: str = "") -> Transfer:
    require(actor, "assets.transfer.add", transfer.department_id)
    need_status(transfer, *Transfer.OPEN)
    instance = workflows.running(transfer, workflows.TRANSFER)
    if instance is not None:  # only the requester cancels a running approval; the hook records it
        workflows.cancel(actor, instance, reason)
        transfer.refresh_from_db()
        return transfer
    with audited_write():
        before = snapshot(transfer, ["status"])
        transfer.status = Transfer.Status.CANCELLED
        step(actor, "assets.transfer.cancel", transfer, ["status"], before, reason)
    return transfer


def transfer_execute(actor, transfer: Transfer, *, reason: str = "") -> Transfer:
    """管理员执行调用: the device moves directly to the new department, person and place; the
    change of responsible person is filed at the same moment (on time by construction)."""
    require(actor, "assets.transfer.execute")
    need_status(transfer, Transfer.Status.APPROVED)
    if transfer.approved_at is None:
        raise PermissionDenied(_("调用记录单未经副总经理批准 / the transfer has no approval"))
    equipment = transfer.equipment
    need_usable_equipment(equipment)
    now = timezone.now()
    with audited_write():
        before_eq = snapshot(equipment, ["department", "responsible", "user", "location"])
        from_person = equipment.responsible
        equipment.department = transfer.to_department
        equipment.location = transfer.to_location or equipment.location
        moved = ["department", "location"]
        if equipment.responsible_id != transfer.to_responsible_id:
            equipment.responsible = equipment.user = transfer.to_responsible
            moved += ["responsible", "user"]
        equipment.save(update_fields=moved)
        record(actor, "assets.equipment.transfer", equipment, before=before_eq,
               after=snapshot(equipment, ["department", "responsible", "user", "location"]),
               reason=transfer.number)
        if "responsible" in moved:
            _file(actor, equipment, from_person, transfer.to_responsible, now,
                  _("调用记录单 %(n)s") % {"n": transfer.number})
        before = snapshot(transfer, ["status"])
        transfer.status, transfer.executed_by, transfer.executed_at = Transfer.Status.EXECUTED, actor, now
        step(actor, "assets.transfer.execute", transfer, ["status", "executed_by", "executed_at"], before, reason)
    return transfer


def transfer_file(actor, transfer: Transfer, *, reason: str = "") -> Transfer:
    """经副总经理签字认可后交管理员存档."""
    require(actor, "assets.transfer.execute")
    need_status(transfer, Transfer.Status.EXECUTED)
    with audited_write():
        before = snapshot(transfer, ["status"])
        transfer.status, transfer.filed_by, transfer.filed_at = Transfer.Status.FILED, actor, timezone.now()
        step(actor, "assets.transfer.file", transfer, ["status", "filed_by", "filed_at"], before, reason)
    return transfer
