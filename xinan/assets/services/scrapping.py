"""计算机报废 (p01.2.8.a/b/c, p10.36.3-d, p14.8, p15.3.10).

propose (the using department) → appraise (the administrator, against the conditions: major
parts broken beyond repair, or a repair costing at or near a replacement) → approve (the
department manager, not the appraiser) → finance write-off, refused until the device's storage
was backed up and wiped or destroyed with a witness → remnants disposed of in one batch.

A device with classified media recorded in it is refused at the proposal: classified disks are
replaced or destroyed only under the classified-media rules (p15.3.10).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record, snapshot
from xinan.core.parameters import get as parameter
from xinan.core.services import instance_archive, instance_update, require

from .. import workflows
from ..models import Equipment, RemnantBatch, Sanitisation, Scrapping, StorageMedium
from ..models.common import next_number
from .common import need_active_person, need_status, need_usable_equipment, not_same_user, person_of, step


def _refuse_classified_media(equipment: Equipment) -> None:
    held = list(StorageMedium.objects.filter(installed_in=equipment, classification__gt=0)
                .exclude(status=StorageMedium.Status.DESTROYED).values_list("label_no", flat=True))
    if held:
        raise ValidationError({"equipment": _(
            "设备 %(e)s 中登记有涉密存储介质 %(m)s,不能申请报废;须经领导批准后按涉密介质规定登记封存或销毁 / "
            "the device %(e)s holds classified media %(m)s; they must be sealed or destroyed under the classified-media "
            "rules before the device can be scrapped") % {"e": equipment.asset_no, "m": "、".join(held)}})


def _check_condition(data: dict) -> None:
    """p01.2.8.c: condition (2) needs both amounts, and the repair at or near the replacement."""
    if data.get("condition") != Scrapping.Condition.COSTLY:
        return
    estimate, value = data.get("repair_estimate"), data.get("replacement_value")
    if estimate is None or not value:
        raise ValidationError({"repair_estimate": _("按条件(2)报废须填写修理费用和同等效能设备价值 / give both amounts")})
    percent = parameter("assets.scrap_cost_percent")
    if estimate * 100 < value * percent:
        raise ValidationError({"repair_estimate": _(
            "修理费用 %(e)s 元未接近同等效能设备价值 %(v)s 元(不足 %(p)s%%),不符合报废条件(2) / the repair cost of %(e)s CNY is not "
            "near the replacement value of %(v)s CNY (below %(p)s%%)") % {"e": estimate, "v": value, "p": percent}})


def scrapping_propose(actor, *, equipment: Equipment, proposed_by=None, grounds: str, condition: str,
                      repair_estimate=None, replacement_value=None, reason: str = "") -> Scrapping:
    """使用部门提出报废."""
    require(actor, "assets.scrapping.add", equipment.department_id)
    need_usable_equipment(equipment)
    proposed_by = proposed_by or person_of(actor)
    if proposed_by is None:
        raise ValidationError({"proposed_by": _("请填写提出人 / name who proposes")})
    need_active_person(proposed_by, "proposed_by", _("提出人"))
    _refuse_classified_media(equipment)
    if equipment.scrappings.filter(status__in=Scrapping.OPEN, archived_at__isnull=True).exists():
        raise ValidationError({"equipment": _("该设备已有未完成的报废申请 / the device already has an open scrapping")})
    if equipment.status in (Equipment.Status.EXTERNAL_REPAIR, Equipment.Status.SCRAPPING):
        raise ValidationError({"equipment": _("设备正在送外维修或报废中 / the device is away for repair or being scrapped")})
    data = dict(condition=condition, repair_estimate=repair_estimate, replacement_value=replacement_value)
    _check_condition(data)
    scrapping = Scrapping(number=next_number(Scrapping, "BF"), equipment=equipment, department=equipment.department,
                          proposed_by=proposed_by, proposed_at=timezone.now(), grounds=grounds, **data)
    with audited_write():
        scrapping.full_clean()
        scrapping.save()
        record(actor, "assets.scrapping.create", scrapping, after=snapshot(scrapping), reason=reason)
        before = snapshot(equipment, ["status"])
        equipment.status = Equipment.Status.SCRAPPING
        equipment.save(update_fields=["status"])
        record(actor, "assets.equipment.status", equipment, before=before, after=snapshot(equipment, ["status"]),
               reason=scrapping.number)
        workflows.start(scrapping, actor, workflows.SCRAPPING, reason=grounds)  # 鉴定、批准 in the engine
    return scrapping


def scrapping_create(actor, *, reason: str = "", **data) -> Scrapping:
    return scrapping_propose(actor, reason=reason, **data)


def scrapping_update(actor, scrapping: Scrapping, *, reason: str = "", **data) -> Scrapping:
    need_status(scrapping, Scrapping.Status.PROPOSED)
    if "equipment" in data and data["equipment"] != scrapping.equipment:
        raise ValidationError({"equipment": _("不能改为其他设备 / the device cannot be changed")})
    _check_condition({k: data.get(k, getattr(scrapping, k)) for k in ("condition", "repair_estimate",
                                                                       "replacement_value")})
    return instance_update(actor, scrapping, data, department_field="department", reason=reason)


def scrapping_archive(actor, scrapping: Scrapping, *, reason: str = "") -> Scrapping:
    if scrapping.status in Scrapping.OPEN:
        raise ValidationError(_("未完成的报废申请不能归档 / an open scrapping cannot be archived"))
    return instance_archive(actor, scrapping, department_field="department", reason=reason)


def _restore_equipment(actor, scrapping, status, reason):
    equipment = scrapping.equipment
    before = snapshot(equipment, ["status"])
    equipment.status = status
    equipment.save(update_fields=["status"])
    record(actor, "assets.equipment.status", equipment, before=before, after=snapshot(equipment, ["status"]),
           reason=reason)


def scrapping_appraise(actor, scrapping: Scrapping, *, agree: bool, appraisal: str, reason: str = "") -> Scrapping:
    """管理员根据使用、升级情况组织鉴定 (p01.2.8.a), against the conditions (p01.2.8.c)."""
    require(actor, "assets.scrapping.appraise")
    need_status(scrapping, Scrapping.Status.PROPOSED)
    if not appraisal.strip():
        raise ValidationError({"appraisal": _("请填写鉴定意见 / state the appraisal")})
    _refuse_classified_media(scrapping.equipment)
    instance = workflows.running(scrapping, workflows.SCRAPPING)
    with audited_write():
        if instance is not None:  # the engine records the appraisal; a refusal ends it (its hook restores the device)
            workflows.act(actor, instance, "approve" if agree else "reject", appraisal)
            scrapping.refresh_from_db()
            if not agree:
                return scrapping
        before = snapshot(scrapping, ["status"])
        scrapping.status = Scrapping.Status.APPRAISED if agree else Scrapping.Status.REJECTED
        scrapping.appraised_by, scrapping.appraised_at, scrapping.appraisal = actor, timezone.now(), appraisal
        step(actor, "assets.scrapping.appraise", scrapping, ["status", "appraised_by", "appraised_at", "appraisal"],
             before, reason)
        if not agree:
            _restore_equipment(actor, scrapping, Equipment.Status.IN_USE, scrapping.number)
    return scrapping


def scrapping_approve(actor, scrapping: Scrapping, *, approve: bool = True, reason: str = "") -> Scrapping:
    """报部门经理批准. The appraiser and the proposer may not approve."""
    require(actor, "assets.scrapping.approve", scrapping.department_id)
    need_status(scrapping, Scrapping.Status.APPRAISED)
    not_same_user(actor, scrapping.appraised_by_id, _("鉴定人不得批准同一报废 / the appraiser may not approve"))
    if actor is not None and getattr(actor, "person_id", None) == scrapping.proposed_by_id:
        raise PermissionDenied(_("不得批准本人提出的报废 / you may not approve a scrapping you proposed"))
    if not approve and not reason.strip():
        raise ValidationError(_("不批准须说明理由 / give the reason for the refusal"))
    instance = workflows.running(scrapping, workflows.SCRAPPING)
    if instance is not None:  # the engine decides; its hooks update the record and the device
        workflows.act(actor, instance, "approve" if approve else "reject", reason)
        scrapping.refresh_from_db()
        return scrapping
    with audited_write():
        before = snapshot(scrapping, ["status"])
        scrapping.status = Scrapping.Status.APPROVED if approve else Scrapping.Status.REJECTED
        scrapping.approved_by, scrapping.approved_at, scrapping.decision_note = actor, timezone.now(), reason
        step(actor, "assets.scrapping.approve" if approve else "assets.scrapping.reject", scrapping,
             ["status", "approved_by", "approved_at", "decision_note"], before, reason)
        if not approve:
            _restore_equipment(actor, scrapping, Equipment.Status.IN_USE, scrapping.number)
    return scrapping


def scrapping_write_off(actor, scrapping: Scrapping, *, sanitisation: Sanitisation, finance_ref: str,
                        reason: str = "") -> Scrapping:
    """到财务部办理报废手续. Refused until the storage was backed up and wiped or destroyed, with
    a witness (p14.8, p10.36.3-d)."""
    require(actor, "assets.scrapping.finance")
    need_status(scrapping, Scrapping.Status.APPROVED)
    if sanitisation is None or sanitisation.equipment_id != scrapping.equipment_id:
        raise ValidationError({"sanitisation": _("须先登记该设备存储数据的清除或销毁记录 / record the wipe or destruction "
                                                 "of this device's storage first")})
    if not sanitisation.backed_up:
        raise ValidationError({"sanitisation": _("报废设备中的程序、数据须先备份后清除 / back the data up before wiping")})
    if not finance_ref.strip():
        raise ValidationError({"finance_ref": _("请填写财务报废单号 / give the finance reference")})
    _refuse_classified_media(scrapping.equipment)
    with audited_write():
        before = snapshot(scrapping, ["status"])
        scrapping.status, scrapping.sanitisation, scrapping.finance_ref = (
            Scrapping.Status.WRITTEN_OFF, sanitisation, finance_ref)
        scrapping.finance_by, scrapping.finance_at = actor, timezone.now()
        step(actor, "assets.scrapping.write_off", scrapping,
             ["status", "sanitisation", "finance_ref", "finance_by", "finance_at"], before, reason)
        _restore_equipment(actor, scrapping, Equipment.Status.SCRAPPED, scrapping.number)
    return scrapping


def remnants_dispose(actor, *, scrappings: list[Scrapping], disposed_on, method: str, handled_by, note: str = "",
                     reason: str = "") -> RemnantBatch:
    """报废残件由管理员回收,一次性处理 (p01.2.8.b): one batch, one event, for all of them."""
    require(actor, "assets.remnantbatch.add")
    if not scrappings:
        raise ValidationError(_("请选择要处理的报废设备 / choose the scrapped devices"))
    scrappings = list(Scrapping.objects.filter(pk__in=[s.pk for s in scrappings]).order_by("number"))  # as stored now
    not_ready = [s.number for s in scrappings if s.status != Scrapping.Status.WRITTEN_OFF or s.remnant_batch_id]
    if not_ready:
        raise ValidationError(_("以下报废单未办理完财务手续或已处理:%(n)s / not written off or already disposed of: %(n)s")
                              % {"n": "、".join(not_ready)})
    need_active_person(handled_by, "handled_by", _("处理人"))
    batch = RemnantBatch(number=next_number(RemnantBatch, "CJ"), disposed_on=disposed_on, method=method,
                         handled_by=handled_by, note=note, recorded_by=actor)
    with audited_write():
        batch.full_clean()
        batch.save()
        ids = [s.pk for s in scrappings]
        Scrapping.objects.filter(pk__in=ids).update(remnant_batch=batch, status=Scrapping.Status.DISPOSED)
        record(actor, "assets.remnantbatch.create", batch,
               after={**snapshot(batch), "scrappings": [s.number for s in scrappings]}, reason=reason)
    return batch
