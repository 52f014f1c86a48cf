"""Records around storage media: movements between sites (p14.2), migration plans and migration
records of long-term media (p14.6-a/b), authorisations to use classified media and devices with
the joint review (p08.9.4-a), machine-room removal passes (p15.2.8-d) and outside technicians'
visits (p17.6.5)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record, snapshot
from xinan.core.services import instance_create, instance_update, require

from ..models import (Classification, MediumAuthorisation, MediumMigration, MediumMigrationPlan, MediumMovement,
                      RemovalPass, Sanitisation, StorageMedium, TechnicianVisit)
from ..models.common import next_number
from .common import need_active_person, need_status, not_same_user, step

GONE = (StorageMedium.Status.DESTROYED, StorageMedium.Status.LOST)


def _present(medium, field="medium", errors=None):
    if medium is not None and (medium.status in GONE or medium.archived_at):
        errors[field] = _("介质已销毁、丢失或归档 / the medium is destroyed, lost or archived")


def _fixed(obj, data, allowed):
    fixed = {k for k in data if k not in allowed and data[k] != getattr(obj, k)}
    if fixed:
        raise ValidationError({k: _("登记后不能修改 / cannot be changed once recorded") for k in fixed})


def _people(model, data, *names):
    for name in names:
        need_active_person(data.get(name), name, model._meta.get_field(name).verbose_name)


# --- 介质转运 (p14.2) ---------------------------------------------------------------------------

def movement_create(actor, *, reason: str = "", **data) -> MediumMovement:
    """起运登记. A classified medium travels in a sealed container with its seal number and an
    escort besides the carrier."""
    medium = data.get("medium")
    errors = {}
    _present(medium, errors=errors)
    if medium is not None and medium.classification > Classification.NONE:
        if not data.get("sealed_container"):
            errors["sealed_container"] = _("涉密介质须装入密封容器转运 / a classified medium travels sealed")
        if not (data.get("seal_no") or "").strip():
            errors["seal_no"] = _("请填写封条编号 / record the seal number")
        if data.get("escort") is None or data.get("escort") == data.get("carrier"):
            errors["escort"] = _("涉密介质转运须另有押运人 / a classified medium needs an escort besides the carrier")
    if (data.get("from_place") or "").strip() and data.get("from_place") == data.get("to_place"):
        errors["to_place"] = _("目的地点与起运地点相同 / the destination is the origin")
    if data.get("handed_over_at") and data["handed_over_at"] > timezone.now():
        errors["handed_over_at"] = _("交接时间不能晚于现在 / the time cannot be in the future")
    if errors:
        raise ValidationError(errors)
    _people(MediumMovement, data, "carrier", "escort")
    data.update(number=next_number(MediumMovement, "ZY"), department=medium.department, recorded_by=actor)
    return instance_create(actor, MediumMovement, data, department_field="department", reason=reason)


def movement_update(actor, movement: MediumMovement, *, reason: str = "", **data) -> MediumMovement:
    """Only the places' wording may be corrected, before arrival."""
    if movement.received_at:
        raise ValidationError(_("已接收的转运不能修改 / a received movement cannot be changed"))
    _fixed(movement, data, ("from_place", "to_place"))
    return instance_update(actor, movement, data, department_field="department", reason=reason)


def movement_receive(actor, movement: MediumMovement, *, received_by, seal_intact: bool, received_at=None,
                     reason: str = "") -> MediumMovement:
    """到达接收: who received it, when, whether the seal was intact; the medium is then kept there."""
    require(actor, "assets.mediummovement.change", movement.department_id)
    if movement.received_at:
        raise ValidationError(_("已接收 / already received"))
    received_at = received_at or timezone.now()
    errors = {}
    if received_at < movement.handed_over_at or received_at > timezone.now():
        errors["received_at"] = _("接收时间须在起运之后、不晚于现在 / received after it left, not in the future")
    if movement.sealed_container and not seal_intact and not reason.strip():
        errors["seal_intact"] = _("封条不完好须说明情况 / explain the broken seal")
    if errors:
        raise ValidationError(errors)
    need_active_person(received_by, "received_by", _("接收人"))
    medium = movement.medium
    with audited_write():
        before = snapshot(movement, ["received_at"])
        movement.received_at, movement.received_by, movement.seal_intact = received_at, received_by, seal_intact
        step(actor, "assets.mediummovement.receive", movement, ["received_at", "received_by", "seal_intact"], before,
             reason)
        where = {"location": movement.to_place}
        if movement.purpose == MediumMovement.Purpose.OFFSITE_BACKUP:
            where = {"offsite_location": movement.to_place}
        elif movement.purpose == MediumMovement.Purpose.RETURN:
            where["offsite_location"] = ""
        m_before = snapshot(medium, list(where))
        for name, value in where.items():
            setattr(medium, name, value)
        medium.save(update_fields=list(where))
        record(actor, "assets.storagemedium.move", medium, before=m_before, after=snapshot(medium, list(where)),
               reason=movement.number)
    return movement


# --- 转存方案与转存记录 (p14.6-a/b) -------------------------------------------------------------

def migration_plan_create(actor, *, reason: str = "", **data) -> MediumMigrationPlan:
    """转存方案: for a medium with a recorded expiry, migrating by a date before it."""
    medium = data.get("medium")
    errors = {}
    _present(medium, errors=errors)
    if medium is not None and medium.expires_on is None:
        errors["medium"] = _("该介质未登记有效期 / the medium has no recorded expiry date")
    elif medium is not None and data.get("migrate_by") and data["migrate_by"] > medium.expires_on:
        errors["migrate_by"] = _("转存日期须在介质有效期(%(d)s)之内 / migrate before the expiry (%(d)s)") % {
            "d": medium.expires_on}
    if not (data.get("method") or "").strip():
        errors["method"] = _("请填写转存方案及查询使用方法 / describe the plan and how the data is queried")
    if errors:
        raise ValidationError(errors)
    data.update(number=next_number(MediumMigrationPlan, "ZC"), department=medium.department, planned_by=actor)
    return instance_create(actor, MediumMigrationPlan, data, department_field="department", reason=reason)


def migration_plan_update(actor, plan: MediumMigrationPlan, *, reason: str = "", **data) -> MediumMigrationPlan:
    need_status(plan, MediumMigrationPlan.Status.PLANNED)
    _fixed(plan, data, ("method", "target_kind", "migrate_by"))
    if data.get("migrate_by") and data["migrate_by"] > plan.medium.expires_on:
        raise ValidationError({"migrate_by": _("转存日期须在介质有效期之内 / migrate before the expiry")})
    return instance_update(actor, plan, data, department_field="department", reason=reason)


def migration_record(actor, *, reason: str = "", **data) -> MediumMigration:
    """转存记录: what, from, to, the count and digest verified on the new medium, who; the plan
    is then done."""
    plan, target = data.get("plan"), data.get("target")
    errors = {}
    if plan is None or plan.status != MediumMigrationPlan.Status.PLANNED:
        errors["plan"] = _("请选择待转存的转存方案 / choose a plan not yet carried out")
    _present(target, "target", errors)
    if target is not None and plan is not None and target.pk == plan.medium_id:
        errors["target"] = _("新介质不能是原介质 / the target is the source medium")
    if not data.get("verified"):
        errors["verified"] = _("转存后须校验数量与校验值一致 / verify the count and digest on the new medium")
    for name, label in (("contents", _("转存内容")), ("digest", _("校验值"))):
        if not (data.get(name) or "").strip():
            errors[name] = _("请填写%(f)s / required") % {"f": label}
    if not data.get("item_count"):
        errors["item_count"] = _("请填写文件数量 / record how many files")
    if data.get("performed_at") and data["performed_at"] > timezone.now():
        errors["performed_at"] = _("转存时间不能晚于现在 / the time cannot be in the future")
    if errors:
        raise ValidationError(errors)
    _people(MediumMigration, data, "performed_by")
    data.update(number=next_number(MediumMigration, "ZJ"), source=plan.medium, department=plan.department,
                recorded_by=actor)
    with audited_write():
        entry = instance_create(actor, MediumMigration, data, department_field="department", reason=reason)
        before = snapshot(plan, ["status"])
        plan.status = MediumMigrationPlan.Status.DONE
        step(actor, "assets.mediummigrationplan.done", plan, ["status"], before, entry.number)
    return entry


def migration_update(actor, entry: MediumMigration, *, reason: str = "", **data) -> MediumMigration:
    """The description may be completed; what was verified stays as recorded."""
    _fixed(entry, data, ("contents",))
    if "contents" in data and not (data["contents"] or "").strip():
        raise ValidationError({"contents": _("请填写转存内容 / required")})
    return instance_update(actor, entry, data, department_field="department", reason=reason)


# --- 涉密介质设备授权与联合审查 (p08.9.4-a) -------------------------------------------------------

REVIEWS = {"secrecy": ("assets.mediumauthorisation.review_secrecy", "secrecy_reviewed"),
           "technology": ("assets.mediumauthorisation.review_technology", "technology_reviewed")}


def authorisation_create(actor, *, reason: str = "", **data) -> MediumAuthorisation:
    medium, equipment = data.get("medium"), data.get("equipment")
    errors = {}
    if (medium is None) == (equipment is None):
        errors["medium"] = _("请指定一个介质或一台设备 / name one medium or one device")
    elif (medium or equipment).classification == Classification.NONE:
        errors["medium" if medium else "equipment"] = _("授权对象须为涉密介质或设备 / only classified media and "
                                                        "devices are authorised here")
    _present(medium, errors=errors)
    if errors:
        raise ValidationError(errors)
    _people(MediumAuthorisation, data, "person")
    data.update(number=next_number(MediumAuthorisation, "SQ"), department=(medium or equipment).department,
                granted_by=actor)
    return instance_create(actor, MediumAuthorisation, data, department_field="department", reason=reason)


def authorisation_update(actor, auth: MediumAuthorisation, *, reason: str = "", **data) -> MediumAuthorisation:
    _fixed(auth, data, ("valid_until", "purpose"))
    return instance_update(actor, auth, data, department_field="department", reason=reason)


def authorisation_review(actor, auth: MediumAuthorisation, *, side: str, reason: str = "") -> MediumAuthorisation:
    """会同审查: the secrecy office and the technology-information department each sign; two people."""
    if side not in REVIEWS:
        raise ValidationError({"side": _("审查方须为保密办或科技信息部 / secrecy or technology")})
    perm, prefix = REVIEWS[side]
    require(actor, perm)
    if getattr(auth, f"{prefix}_by_id"):
        raise ValidationError(_("该方已审查 / already reviewed by that side"))
    other = REVIEWS["technology" if side == "secrecy" else "secrecy"][1]
    not_same_user(actor, getattr(auth, f"{other}_by_id"),
                  _("联合审查须由两个部门的不同人员 / the joint review needs two different people"))
    with audited_write():
        setattr(auth, f"{prefix}_by", actor)
        setattr(auth, f"{prefix}_at", timezone.now())
        step(actor, f"assets.mediumauthorisation.review_{side}", auth, [f"{prefix}_by", f"{prefix}_at"], {}, reason)
    return auth


# --- 机房设备数据带出 (p15.2.8-d) ---------------------------------------------------------------

def removal_pass_create(actor, *, reason: str = "", **data) -> RemovalPass:
    equipment, medium = data.get("equipment"), data.get("medium")
    errors = {}
    if equipment is None and medium is None:
        errors["equipment"] = _("请指定设备或介质 / name the device or the medium")
    _present(medium, errors=errors)
    if errors:
        raise ValidationError(errors)
    _people(RemovalPass, data, "carried_by")
    data.update(number=next_number(RemovalPass, "DC"), department=(equipment or medium).department,
                requested_by=actor)
    return instance_create(actor, RemovalPass, data, department_field="department", reason=reason)


def removal_pass_update(actor, rp: RemovalPass, *, reason: str = "", **data) -> RemovalPass:
    need_status(rp, RemovalPass.Status.REQUESTED)
    return instance_update(actor, rp, data, department_field="department", reason=reason)


def removal_pass_approve(actor, rp: RemovalPass, *, approve: bool = True, reason: str = "") -> RemovalPass:
    """批准带出: the administrators' approval right; never the requester."""
    require(actor, "assets.removalpass.approve")
    need_status(rp, RemovalPass.Status.REQUESTED)
    not_same_user(actor, rp.requested_by_id, _("不得批准本人的申请 / you may not approve your own request"))
    if not approve and not reason.strip():
        raise ValidationError(_("不批准须说明理由 / give the reason for the refusal"))
    with audited_write():
        before = snapshot(rp, ["status"])
        rp.status = RemovalPass.Status.APPROVED if approve else RemovalPass.Status.REJECTED
        rp.approved_by, rp.approved_at = actor, timezone.now()
        step(actor, "assets.removalpass.approve", rp, ["status", "approved_by", "approved_at"], before, reason)
    return rp


def removal_pass_out(actor, rp: RemovalPass, *, reason: str = "") -> RemovalPass:
    """出门查验: only an approved pass lets the equipment or medium out."""
    require(actor, "assets.removalpass.change", rp.department_id)
    if rp.status != RemovalPass.Status.APPROVED:
        raise PermissionDenied(_("带出须先经批准 / the removal has not been approved"))
    with audited_write():
        before = snapshot(rp, ["status"])
        rp.status, rp.taken_out_at = RemovalPass.Status.OUT, timezone.now()
        step(actor, "assets.removalpass.out", rp, ["status", "taken_out_at"], before, reason)
    return rp


def removal_pass_return(actor, rp: RemovalPass, *, reason: str = "") -> RemovalPass:
    require(actor, "assets.removalpass.change", rp.department_id)
    need_status(rp, RemovalPass.Status.OUT)
    with audited_write():
        before = snapshot(rp, ["status"])
        rp.status, rp.returned_at = RemovalPass.Status.RETURNED, timezone.now()
        step(actor, "assets.removalpass.return", rp, ["status", "returned_at"], before, reason)
    return rp


# --- 外来人员维修 (p17.6.5) ---------------------------------------------------------------------

def technician_visit_create(actor, *, reason: str = "", **data) -> TechnicianVisit:
    """外来人员上门维修登记: refused unless the device's data was wiped before the visit (a
    sanitisation record of this device) or the data is recorded as protected with the work
    supervised throughout (the measures named, the decision by who records it)."""
    equipment, sanitisation = data.get("equipment"), data.get("sanitisation")
    protection, visited_at = data.get("protection"), data.get("visited_at")
    errors = {}
    if equipment is None:
        errors["equipment"] = _("请指定设备 / name the device")
    if protection == TechnicianVisit.Protection.SANITISED:
        if sanitisation is None or equipment is None or sanitisation.equipment_id != equipment.pk:
            errors["sanitisation"] = _("请选择该设备的数据清除记录 / choose this device's wipe record")
        elif sanitisation.method != Sanitisation.Method.WIPE or (visited_at and sanitisation.performed_at > visited_at):
            errors["sanitisation"] = _("须在维修前擦除数据 / the data must be wiped before the visit")
    elif protection == TechnicianVisit.Protection.SUPERVISED:
        if not (data.get("protection_note") or "").strip():
            errors["protection_note"] = _("请填写数据保护措施 / describe how the data is protected")
    repair = data.get("repair")
    if repair is not None and equipment is not None and repair.equipment_id != equipment.pk:
        errors["repair"] = _("维修记录不是该设备的 / the repair is for another device")
    if visited_at and visited_at > timezone.now():
        errors["visited_at"] = _("维修时间不能晚于现在 / the time cannot be in the future")
    if errors:
        raise ValidationError(errors)
    _people(TechnicianVisit, data, "supervisor")
    data.update(number=next_number(TechnicianVisit, "WL"), department=equipment.department, decided_by=actor)
    return instance_create(actor, TechnicianVisit, data, department_field="department", reason=reason)


def technician_visit_update(actor, visit: TechnicianVisit, *, reason: str = "", **data) -> TechnicianVisit:
    _fixed(visit, data, ("company",))
    return instance_update(actor, visit, data, department_field="department", reason=reason)
