"""介质处置审批 (p14.3, p15.3.10): handovers, assignments to another department, sealing (封存)
and the replacement of a disk inside a device, each approved level by level before it is done.

The chain: the information technology department first (``assets.storagemedium.approve_destruction``,
the administrators), then for a classified medium the leadership
(``assets.storagemedium.approve_classified_destruction``, the deputy general manager) — the
same rights that approve destruction. The requester approves nothing, the two levels are two
different people, and the one who carries it out is not an approver. A replaced classified disk
is then registered and sealed, or destroyed with a witnessed record (p15.3.10).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record, snapshot
from xinan.core.services import instance_create, instance_update, require

from ..models import Classification, MediumDisposal, Sanitisation, StorageMedium
from ..models.common import next_number
from .common import need_active_person, need_status, not_same_user, step

D = MediumDisposal
LEVEL_1 = "assets.storagemedium.approve_destruction"
LEVEL_2 = "assets.storagemedium.approve_classified_destruction"


def approved_handover(medium: StorageMedium, to_custodian):
    return D.objects.filter(medium=medium, to_custodian=to_custodian, status=D.Status.APPROVED,
                            kind__in=(D.Kind.HANDOVER, D.Kind.ASSIGNMENT)).order_by("pk").first()


def disposal_request(actor, *, kind: str, medium: StorageMedium, grounds: str, equipment=None, to_custodian=None,
                     to_department=None, reason: str = "") -> MediumDisposal:
    """申请: what is to happen to which medium, and why."""
    require(actor, "assets.mediumdisposal.add", medium.department_id)
    errors = {}
    if medium.status in (StorageMedium.Status.DESTROYED, StorageMedium.Status.LOST) or medium.archived_at:
        errors["medium"] = _("介质已销毁、丢失或归档 / the medium is destroyed, lost or archived")
    elif medium.status == StorageMedium.Status.SEALED:
        errors["medium"] = _("介质已封存 / the medium is sealed")
    if kind in (D.Kind.HANDOVER, D.Kind.ASSIGNMENT) and to_custodian is None:
        errors["to_custodian"] = _("请指定接收人 / name who receives it")
    if to_custodian is not None and to_custodian.pk == medium.custodian_id:
        errors["to_custodian"] = _("接收人即现保管人 / already the custodian")
    if kind == D.Kind.ASSIGNMENT and (to_department is None or to_department.pk == medium.department_id):
        errors["to_department"] = _("调拨须指定另一调入部门 / an assignment names another department")
    if kind == D.Kind.DISK_REPLACEMENT:
        if equipment is None or medium.installed_in_id != equipment.pk:
            errors["equipment"] = _("请指定该硬盘所在的设备 / name the device the disk is in")
    if not (grounds or "").strip():
        errors["grounds"] = _("请填写事由 / state the grounds")
    if kind in D.Kind.values and D.objects.filter(medium=medium, status__in=(D.Status.REQUESTED, D.Status.APPROVED)
                                                  ).exists():
        errors["medium"] = _("该介质已有未办结的处置审批单 / the medium already has an open request")
    if errors:
        raise ValidationError(errors)
    need_active_person(to_custodian, "to_custodian", _("接收人"))
    data = dict(number=next_number(D, "CZ"), kind=kind, medium=medium, equipment=equipment,
                department=medium.department, to_custodian=to_custodian, to_department=to_department, grounds=grounds,
                classified=medium.classification > Classification.NONE, requested_by=actor)
    return instance_create(actor, D, data, department_field="department", reason=reason)


def disposal_create(actor, *, reason: str = "", **data) -> MediumDisposal:
    return disposal_request(actor, reason=reason, **data)


def disposal_update(actor, disposal: MediumDisposal, *, reason: str = "", **data) -> MediumDisposal:
    """Only the grounds may be corrected while it waits; what and who are fixed."""
    need_status(disposal, D.Status.REQUESTED)
    fixed = {k for k in data if k != "grounds" and data[k] != getattr(disposal, k)}
    if fixed:
        raise ValidationError({k: _("审批单的处置内容不能修改 / cannot be changed") for k in fixed})
    return instance_update(actor, disposal, data, department_field="department", reason=reason)


def disposal_approve(actor, disposal: MediumDisposal, *, approve: bool = True, reason: str = "") -> MediumDisposal:
    """逐级审批: the next level approves (or refuses, with a reason)."""
    need_status(disposal, D.Status.REQUESTED)
    first = disposal.reviewed_by_id is None
    require(actor, LEVEL_1 if first else LEVEL_2)
    not_same_user(actor, disposal.requested_by_id, _("不得审批本人的申请 / you may not approve your own request"))
    not_same_user(actor, disposal.reviewed_by_id, _("两级审批须由不同人员 / the two levels are two people"))
    if not approve and not reason.strip():
        raise ValidationError(_("不批准须说明理由 / give the reason for the refusal"))
    now = timezone.now()
    with audited_write():
        before = snapshot(disposal, ["status"])
        if first:
            disposal.reviewed_by, disposal.reviewed_at = actor, now
            fields = ["reviewed_by", "reviewed_at"]
        else:
            disposal.leader_approved_by, disposal.leader_approved_at = actor, now
            fields = ["leader_approved_by", "leader_approved_at"]
        if not approve:
            disposal.status = D.Status.REJECTED
        elif not first or not disposal.classified:
            disposal.status = D.Status.APPROVED
        disposal.decision_note = reason
        step(actor, "assets.mediumdisposal.approve" if approve else "assets.mediumdisposal.reject", disposal,
             ["status", "decision_note", *fields], before, reason)
    return disposal


def _set_medium(actor, medium, action, reason, **values):
    before = snapshot(medium, list(values))
    for name, value in values.items():
        setattr(medium, name, value)
    medium.save(update_fields=list(values))
    record(actor, action, medium, before=before, after=snapshot(medium, list(values)), reason=reason)


def disposal_complete(actor, disposal: MediumDisposal, *, outcome: str = "", seal_no: str = "",
                      seal_location: str = "", sealed_by=None, method: str = "", performed_by=None, witness=None,
                      reason: str = "") -> MediumDisposal:
    """办理: the approved handover, assignment, sealing or disk replacement is carried out. A
    replaced disk is then sealed (seal number, place, who) or destroyed (with a witness)."""
    require(actor, "assets.storagemedium.change", disposal.department_id)
    need_status(disposal, D.Status.APPROVED)
    if actor is not None and actor.pk in (disposal.reviewed_by_id, disposal.leader_approved_by_id):
        raise PermissionDenied(_("审批人不得自行办理 / an approver may not also carry it out"))
    medium = disposal.medium
    if disposal.kind == D.Kind.SEAL:
        outcome = D.Outcome.SEAL
    elif disposal.kind != D.Kind.DISK_REPLACEMENT:
        outcome = ""
    errors = {}
    if disposal.kind == D.Kind.DISK_REPLACEMENT and outcome not in (D.Outcome.SEAL, D.Outcome.DESTROY):
        errors["outcome"] = _("更换下的硬盘须登记封存或按规定销毁 / seal or destroy the replaced disk")
    if outcome == D.Outcome.SEAL:
        for name, value, label in (("seal_no", seal_no, _("封条编号")), ("seal_location", seal_location, _("封存地点")),
                                   ("sealed_by", sealed_by, _("封存人"))):
            if not value or (isinstance(value, str) and not value.strip()):
                errors[name] = _("请填写%(f)s / required for sealing") % {"f": label}
    if outcome == D.Outcome.DESTROY:
        if method not in (Sanitisation.Method.DESTROY, Sanitisation.Method.DEGAUSS):
            errors["method"] = _("介质销毁须物理销毁或消磁 / destroy or degauss the medium")
        if performed_by is None or witness is None or performed_by == witness:
            errors["witness"] = _("销毁须有处理人和另一名见证人 / name who destroys it and another witness")
    if errors:
        raise ValidationError(errors)
    need_active_person(sealed_by, "sealed_by", _("封存人"))
    with audited_write():
        before = snapshot(disposal, ["status"])
        if disposal.kind in (D.Kind.HANDOVER, D.Kind.ASSIGNMENT):
            from .media import medium_handover

            medium_handover(actor, medium, to_custodian=disposal.to_custodian, reason=reason or disposal.grounds,
                            _disposal=disposal)
            if disposal.kind == D.Kind.ASSIGNMENT:
                _set_medium(actor, medium, "assets.storagemedium.assign", disposal.number,
                            department=disposal.to_department)
        if disposal.kind == D.Kind.DISK_REPLACEMENT:
            _set_medium(actor, medium, "assets.storagemedium.remove", disposal.number, installed_in=None,
                        status=StorageMedium.Status.IN_STORE)
        fields = ["status", "outcome", "done_by", "done_at"]
        if outcome == D.Outcome.SEAL:
            disposal.seal_no, disposal.seal_location, disposal.sealed_by = seal_no, seal_location, sealed_by
            fields += ["seal_no", "seal_location", "sealed_by"]
            _set_medium(actor, medium, "assets.storagemedium.seal", disposal.number,
                        status=StorageMedium.Status.SEALED, location=seal_location)
        elif outcome == D.Outcome.DESTROY:
            from .media import sanitisation_create

            disposal.sanitisation = sanitisation_create(
                actor, purpose=Sanitisation.Purpose.DESTRUCTION, medium=medium, method=method,
                performed_by=performed_by, witness=witness, performed_at=timezone.now(),
                note=_("硬盘更换 %(n)s") % {"n": disposal.number}, reason=disposal.number, _internal=True)
            fields.append("sanitisation")
            _set_medium(actor, medium, "assets.storagemedium.destroy", disposal.number,
                        status=StorageMedium.Status.DESTROYED)
        disposal.status, disposal.outcome, disposal.done_by, disposal.done_at = (
            D.Status.DONE, outcome, actor, timezone.now())
        step(actor, "assets.mediumdisposal.complete", disposal, fields, before, reason)
    return disposal
