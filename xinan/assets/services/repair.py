"""电脑维修记录表 (p01.7-a/b, p01.2.3-a/b/c; 篇14 item 7: p02.1.2-a/b, p14.7-c/d, p17.6.5).

report (the responsible person) → diagnose (the administrator: cause and measures; a personal
fault records a penalty) → either repair on site (outside technicians supervised, parts replaced
only after the administrator's diagnosis, the device restored) or external repair: request →
approval by someone other than the administrator who asked → dispatch, refused until the data is
backed up and wiped with a witness (and an escort is named for a classified device) → return with
acceptance, virus scan and registration.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record, snapshot
from xinan.core.services import instance_archive, instance_update, require

from .. import workflows
from ..models import Equipment, Repair, Sanitisation
from ..models.common import next_number
from .common import need_active_person, need_status, need_usable_equipment, not_same_user, person_of, step
from .equipment import equipment_holding_classified_media
from .penalty import penalty_record


def _set_equipment_status(actor, equipment: Equipment, status, reason) -> None:
    before = snapshot(equipment, ["status"])
    equipment.status = status
    equipment.save(update_fields=["status"])
    record(actor, "assets.equipment.status", equipment, before=before, after=snapshot(equipment, ["status"]),
           reason=reason)


def repair_report(actor, *, equipment: Equipment, reported_by=None, fault: str, reason: str = "") -> Repair:
    """报修: the responsible person reports the fault (the administrator may report for them)."""
    require(actor, "assets.repair.add", equipment.department_id)
    need_usable_equipment(equipment)
    reported_by = reported_by or person_of(actor)
    if reported_by is None:
        raise ValidationError({"reported_by": _("请填写报修人 / name who reports the fault")})
    need_active_person(reported_by, "reported_by", _("报修人"))
    if equipment.repairs.filter(status__in=Repair.OPEN, archived_at__isnull=True).exists():
        raise ValidationError({"equipment": _("该设备已有未完成的维修记录 / the device already has an open repair")})
    if equipment.status == Equipment.Status.SCRAPPING:
        raise ValidationError({"equipment": _("设备正在报废流程中 / the device is being scrapped")})
    now = timezone.now()
    repair = Repair(number=next_number(Repair, "WX"), equipment=equipment, department=equipment.department,
                    reported_by=reported_by, reported_at=now, fault=fault)
    with audited_write():
        repair.full_clean()
        repair.save()
        record(actor, "assets.repair.create", repair, after=snapshot(repair), reason=reason)
        _set_equipment_status(actor, equipment, Equipment.Status.REPAIR, repair.number)
    return repair


def repair_create(actor, *, reason: str = "", **data) -> Repair:
    return repair_report(actor, reason=reason, **data)


def repair_update(actor, repair: Repair, *, reason: str = "", **data) -> Repair:
    """The report may be corrected until it is diagnosed."""
    need_status(repair, Repair.Status.REPORTED)
    if "equipment" in data and data["equipment"] != repair.equipment:
        raise ValidationError({"equipment": _("不能改为其他设备 / the device cannot be changed")})
    return instance_update(actor, repair, data, department_field="department", reason=reason)


def repair_archive(actor, repair: Repair, *, reason: str = "") -> Repair:
    if repair.status in Repair.OPEN:
        raise ValidationError(_("未完成的维修记录不能归档 / an open repair cannot be archived"))
    return instance_archive(actor, repair, department_field="department", reason=reason)


def repair_diagnose(actor, repair: Repair, *, cause: str, diagnosis: str, measures: str = "",
                    reason: str = "") -> Repair:
    """管理员查明故障原因,提出整改措施 (p01.2.3-b); 如属个人原因,对负责人做出处罚 (p01.2.3-c)."""
    require(actor, "assets.repair.diagnose")
    need_status(repair, Repair.Status.REPORTED)
    if cause not in Repair.Cause.values:
        raise ValidationError({"cause": _("请选择故障原因类别 / choose the kind of cause")})
    if not diagnosis.strip():
        raise ValidationError({"diagnosis": _("请填写故障原因 / state the cause")})
    with audited_write():
        before = snapshot(repair, ["status"])
        repair.status, repair.cause, repair.diagnosis, repair.measures = Repair.Status.DIAGNOSED, cause, diagnosis, measures
        repair.diagnosed_by, repair.diagnosed_at = actor, timezone.now()
        step(actor, "assets.repair.diagnose", repair,
             ["status", "cause", "diagnosis", "measures", "diagnosed_by", "diagnosed_at"], before, reason)
        if cause == Repair.Cause.PERSONAL:
            person = repair.equipment.responsible or repair.reported_by
            penalty_record(actor, person=person, clause="p01.2.3-c", equipment=repair.equipment,
                           offence=_("计算机故障属个人原因(维修单 %(n)s):%(d)s") % {"n": repair.number, "d": diagnosis})
    return repair


def repair_complete(actor, repair: Repair, *, work_done: str, restored: bool, parts_replaced: str = "",
                    technician: str = "", supervisor=None, cost=None, reason: str = "") -> Repair:
    """管理员维修完成 (on site). Parts are replaced only after the administrator's diagnosis
    (p01.2.3-a); an outside technician works under a named supervisor (p02.1.2-a); the device is
    restored (p01.5.1.c)."""
    require(actor, "assets.repair.diagnose")
    need_status(repair, Repair.Status.DIAGNOSED, Repair.Status.REJECTED)
    errors = {}
    if not work_done.strip():
        errors["work_done"] = _("请填写维修内容 / describe the work done")
    if not restored:
        errors["restored"] = _("维修完成须将设备复原 / the device must be restored")
    if technician.strip() and supervisor is None:
        errors["supervisor"] = _("外来人员维修须由本单位技术人员现场全程监督 / name who supervised the outside technician")
    if errors:
        raise ValidationError(errors)
    need_active_person(supervisor, "supervisor", _("现场监督人"))
    return _finish(actor, repair, "assets.repair.complete", reason, work_done=work_done, restored=True,
                   parts_replaced=parts_replaced, technician=technician, supervisor=supervisor, cost=cost)


def _finish(actor, repair, action, reason, **values):
    with audited_write():
        before = snapshot(repair, ["status"])
        for name, value in values.items():
            setattr(repair, name, value)
        repair.status, repair.completed_by, repair.completed_at = Repair.Status.COMPLETED, actor, timezone.now()
        step(actor, action, repair, ["status", "completed_by", "completed_at", *values], before, reason)
        _set_equipment_status(actor, repair.equipment, Equipment.Status.IN_USE, repair.number)
    return repair


def repair_request_external(actor, repair: Repair, *, vendor: str, reason: str = "") -> Repair:
    """The administrator proposes external repair (送外维修); it needs approval (p02.1.2-b)."""
    require(actor, "assets.repair.diagnose")
    need_status(repair, Repair.Status.DIAGNOSED)
    if not vendor.strip():
        raise ValidationError({"vendor": _("请填写维修单位 / name the repairer")})
    with audited_write():
        before = snapshot(repair, ["status"])
        repair.status, repair.external, repair.vendor = Repair.Status.AWAITING_APPROVAL, True, vendor
        step(actor, "assets.repair.request_external", repair, ["status", "external", "vendor"], before, reason)
        workflows.start(repair, actor, workflows.EXTERNAL_REPAIR, reason=reason or vendor)
    return repair


def repair_approve_external(actor, repair: Repair, *, approve: bool = True, reason: str = "") -> Repair:
    """送外维修须经设备管理机构负责人批准; the administrator who diagnosed it may not approve it."""
    require(actor, "assets.repair.approve", repair.department_id)
    need_status(repair, Repair.Status.AWAITING_APPROVAL)
    not_same_user(actor, repair.diagnosed_by_id,
                  _("不得批准本人提出的送外维修 / you may not approve an external repair you proposed"))
    if not approve and not reason.strip():
        raise ValidationError(_("不批准须说明理由 / give the reason for the refusal"))
    instance = workflows.running(repair, workflows.EXTERNAL_REPAIR)
    if instance is not None:  # the engine decides; its hooks update the record
        workflows.act(actor, instance, "approve" if approve else "reject", reason)
        repair.refresh_from_db()
        return repair
    with audited_write():
        before = snapshot(repair, ["status"])
        repair.status = Repair.Status.APPROVED if approve else Repair.Status.REJECTED
        repair.approved_by, repair.approved_at, repair.decision_note = actor, timezone.now(), reason
        step(actor, "assets.repair.approve" if approve else "assets.repair.reject", repair,
             ["status", "approved_by", "approved_at", "decision_note"], before, reason)
    return repair


def repair_dispatch(actor, repair: Repair, *, sanitisation: Sanitisation, escort=None, reason: str = "") -> Repair:
    """送出维修. Refused until the device's data was backed up and wiped with a witness
    (p14.7-c, p17.6.5); a classified device, or one holding classified media, needs an escort
    for the whole repair (p15.3.9-c)."""
    require(actor, "assets.repair.diagnose")
    need_status(repair, Repair.Status.APPROVED)
    errors = {}
    if sanitisation is None or sanitisation.equipment_id != repair.equipment_id:
        errors["sanitisation"] = _("送修前须登记该设备的数据备份与清除记录 / record the backup and wipe of this device first")
    elif not sanitisation.backed_up or sanitisation.method != Sanitisation.Method.WIPE:
        errors["sanitisation"] = _("送修前须先备份再清除数据 / the data must be backed up, then wiped")
    elif sanitisation.performed_at < repair.reported_at:
        errors["sanitisation"] = _("数据清除记录早于本次报修 / the wipe predates this repair")
    classified = repair.equipment.classified or repair.equipment_id in equipment_holding_classified_media(
        [repair.equipment_id])
    if classified and escort is None:
        errors["escort"] = _("涉密设备送修须指定全程跟踪人 / a classified device needs an escort")
    if errors:
        raise ValidationError(errors)
    need_active_person(escort, "escort", _("全程跟踪人"))
    with audited_write():
        before = snapshot(repair, ["status"])
        repair.status, repair.sanitisation, repair.escort, repair.sent_at = (
            Repair.Status.SENT_OUT, sanitisation, escort, timezone.now())
        step(actor, "assets.repair.dispatch", repair, ["status", "sanitisation", "escort", "sent_at"], before, reason)
        _set_equipment_status(actor, repair.equipment, Equipment.Status.EXTERNAL_REPAIR, repair.number)
    return repair


def repair_return(actor, repair: Repair, *, accepted: bool, virus_scan: str, work_done: str = "",
                  parts_replaced: str = "", cost=None, reason: str = "") -> Repair:
    """修复返回: acceptance, virus scan and registration (p14.7-d) before the device is used."""
    require(actor, "assets.repair.diagnose")
    need_status(repair, Repair.Status.SENT_OUT)
    errors = {}
    if not accepted:
        errors["accepted"] = _("设备须验收合格后方可登记返回 / the device must pass acceptance")
    if not virus_scan.strip():
        errors["virus_scan"] = _("请填写病毒检测结果 / record the virus scan")
    if errors:
        raise ValidationError(errors)
    return _finish(actor, repair, "assets.repair.return", reason, virus_scan=virus_scan, restored=True,
                   work_done=work_done or _("送外修复(%(v)s)") % {"v": repair.vendor},
                   parts_replaced=parts_replaced, cost=cost, returned_at=timezone.now(), accepted_by=actor)
