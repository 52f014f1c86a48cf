"""Software: catalogue, install/uninstall requests, the inventory of each device, and copies.

- 禁止私自安装 (p01.4.2.b-a): software is installed on a request the administrator approved
  (p01.4.2.b-b, p01.4.1.a) or as the standard configuration (p01.4.2.a); anything found on a
  device without either is recorded as a violation with its penalty (p01.8.1.a).
- 严禁安装非法盗版软件 (p07.16-b): unlicensed software is never approved, copied or issued.
- 外来盘片不得带入装服务器 (p15.2.8-c): an installation on a server names a registered medium.
- 软件复制及领用登记簿 (p07.13): copies and issues within the licence's seats.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record, snapshot
from xinan.core.services import instance_archive, instance_create, instance_update, require

from .. import workflows
from ..models import Equipment, Software, SoftwareCopy, SoftwareInstallation, SoftwareRequest, StorageMedium
from ..models.common import next_number
from .common import need_active_person, need_status, need_usable_equipment, person_of, step
from .penalty import penalty_record


def _check_software(data: dict) -> None:
    if data.get("standard") and data.get("license") == Software.License.UNLICENSED:
        raise ValidationError({"standard": _("未授权软件不能列入标准配置 / unlicensed software cannot be standard")})


def software_create(actor, *, reason: str = "", **data) -> Software:
    _check_software(data)
    return instance_create(actor, Software, data, reason=reason)


def software_update(actor, software: Software, *, reason: str = "", **data) -> Software:
    _check_software({"standard": software.standard, "license": software.license, **data})
    return instance_update(actor, software, data, reason=reason)


def _unlicensed(software: Software) -> ValidationError:
    return ValidationError({"software": _("%(s)s 为未授权/盗版软件,严禁安装、复制或领用 / %(s)s is unlicensed: it may not be "
                                          "installed, copied or issued") % {"s": software}})


# --- 安装/删除申请 (p01.4.2.b-b) ------------------------------------------------------------

def _check_request(data: dict) -> None:
    equipment, software, action = data["equipment"], data["software"], data.get("action", SoftwareRequest.Action.INSTALL)
    need_usable_equipment(equipment)
    if action == SoftwareRequest.Action.INSTALL:
        if software.license == Software.License.UNLICENSED:
            raise _unlicensed(software)
        medium = data.get("source_medium")
        if equipment.kind == Equipment.Kind.SERVER and medium is None:
            raise ValidationError({"source_medium": _("服务器安装软件须使用已登记的介质,严禁外来盘片 / a server install "
                                                      "must name a registered medium")})
        if medium is not None and medium.status in (StorageMedium.Status.DESTROYED, StorageMedium.Status.LOST):
            raise ValidationError({"source_medium": _("安装介质已销毁或丢失 / the medium is destroyed or lost")})
    elif not SoftwareInstallation.objects.filter(equipment=equipment, software=software, removed_at__isnull=True).exists():
        raise ValidationError({"software": _("该设备上没有登记此软件,无需删除 / the software is not recorded on the device")})


def software_request_submit(actor, *, equipment: Equipment, software: Software, justification: str,
                            action: str = SoftwareRequest.Action.INSTALL, requested_by=None, source_medium=None,
                            reason: str = "") -> SoftwareRequest:
    """向管理员提出安装或删除申请."""
    require(actor, "assets.softwarerequest.add", equipment.department_id)
    data = dict(equipment=equipment, software=software, action=action, source_medium=source_medium)
    _check_request(data)
    requested_by = requested_by or person_of(actor)
    if requested_by is None:
        raise ValidationError({"requested_by": _("请填写申请人 / name who asks")})
    need_active_person(requested_by, "requested_by", _("申请人"))
    req = SoftwareRequest(number=next_number(SoftwareRequest, "RJ"), department=equipment.department,
                          requested_by=requested_by, justification=justification, requested_at=timezone.now(), **data)
    with audited_write():
        req.full_clean()
        req.save()
        record(actor, "assets.softwarerequest.create", req, after=snapshot(req), reason=reason)
        workflows.start(req, actor, workflows.SOFTWARE_REQUEST, reason=justification)  # 管理员审核 in the engine
    return req


def software_request_create(actor, *, reason: str = "", **data) -> SoftwareRequest:
    return software_request_submit(actor, reason=reason, **data)


def software_request_update(actor, req: SoftwareRequest, *, reason: str = "", **data) -> SoftwareRequest:
    need_status(req, SoftwareRequest.Status.REQUESTED)
    _check_request({k: data.get(k, getattr(req, k)) for k in ("equipment", "software", "action", "source_medium")})
    return instance_update(actor, req, data, department_field="department", reason=reason)


def software_request_archive(actor, req: SoftwareRequest, *, reason: str = "") -> SoftwareRequest:
    if req.status in (SoftwareRequest.Status.REQUESTED, SoftwareRequest.Status.APPROVED):
        raise ValidationError(_("未办结的申请不能归档 / an open request cannot be archived"))
    return instance_archive(actor, req, department_field="department", reason=reason)


def software_request_decide(actor, req: SoftwareRequest, *, approve: bool, note: str = "",
                            reason: str = "") -> SoftwareRequest:
    """管理员检查是否符合要求并审批 (p01.4.1.a); never one's own request."""
    require(actor, "assets.softwarerequest.approve")
    need_status(req, SoftwareRequest.Status.REQUESTED)
    if actor is not None and getattr(actor, "person_id", None) == req.requested_by_id:
        raise PermissionDenied(_("不得审批本人的软件申请 / you may not decide your own request"))
    if approve:
        _check_request({k: getattr(req, k) for k in ("equipment", "software", "action", "source_medium")})
    elif not (note or reason).strip():
        raise ValidationError(_("不批准须说明理由 / give the reason for the refusal"))
    instance = workflows.running(req, workflows.SOFTWARE_REQUEST)
    if instance is not None:  # the engine decides; its hooks update the request
        workflows.act(actor, instance, "approve" if approve else "reject", note or reason)
        req.refresh_from_db()
        return req
    with audited_write():
        before = snapshot(req, ["status"])
        req.status = SoftwareRequest.Status.APPROVED if approve else SoftwareRequest.Status.REJECTED
        req.checked_by, req.checked_at, req.check_note = actor, timezone.now(), note or reason
        step(actor, "assets.softwarerequest.approve" if approve else "assets.softwarerequest.reject", req,
             ["status", "checked_by", "checked_at", "check_note"], before, reason)
    return req


def software_request_perform(actor, req: SoftwareRequest, *, reason: str = "") -> SoftwareRequest:
    """由管理员或在管理员监督下安装或删除; the device's inventory follows."""
    require(actor, "assets.softwarerequest.approve")
    need_status(req, SoftwareRequest.Status.APPROVED)
    now = timezone.now()
    with audited_write():
        if req.action == SoftwareRequest.Action.INSTALL:
            inst = SoftwareInstallation(equipment=req.equipment, department=req.equipment.department,
                                        software=req.software, found_on=timezone.localdate(now),
                                        basis=SoftwareInstallation.Basis.REQUEST, request=req)
            inst.save()
            record(actor, "assets.softwareinstallation.create", inst, after=snapshot(inst), reason=req.number)
        else:
            for inst in SoftwareInstallation.objects.filter(equipment=req.equipment, software=req.software,
                                                            removed_at__isnull=True):
                _remove(actor, inst, req.number, now)
        before = snapshot(req, ["status"])
        req.status, req.performed_by, req.performed_at = SoftwareRequest.Status.DONE, actor, now
        step(actor, "assets.softwarerequest.perform", req, ["status", "performed_by", "performed_at"], before, reason)
    return req


# --- 设备软件清单 -------------------------------------------------------------------------

def _remove(actor, inst, reason, now=None):
    before = snapshot(inst, ["removed_at"])
    inst.removed_at = now or timezone.now()
    inst.save(update_fields=["removed_at"])
    record(actor, "assets.softwareinstallation.remove", inst, before=before, after=snapshot(inst, ["removed_at"]),
           reason=reason)


def installation_record(actor, *, equipment: Equipment, software: Software | None = None, name_found: str = "",
                        found_on=None, notes: str = "", reason: str = "") -> SoftwareInstallation:
    """登记设备上的软件 (e.g. from an inventory of the device). Standard software is recorded as
    the standard configuration, software installed on an approved request as such; anything else
    is 私自安装: recorded as unapproved with a penalty against the responsible person (p01.8.1.a)."""
    require(actor, "assets.softwareinstallation.add", equipment.department_id)
    need_usable_equipment(equipment)
    if software is None and not name_found.strip():
        raise ValidationError({"name_found": _("请选择软件或填写发现的软件名称 / choose the software or give its name")})
    basis = SoftwareInstallation.Basis.UNAPPROVED
    req = None
    if software is not None and software.standard and software.license in Software.LICENSED:
        basis = SoftwareInstallation.Basis.STANDARD
    elif software is not None:
        installed = SoftwareInstallation.objects.filter(equipment=equipment, software=software, removed_at__isnull=True)
        req = (SoftwareRequest.objects.filter(equipment=equipment, software=software, status=SoftwareRequest.Status.DONE,
                                              action=SoftwareRequest.Action.INSTALL)
               .exclude(pk__in=installed.values("request_id")).order_by("-performed_at").first())
        if req is not None:
            basis = SoftwareInstallation.Basis.REQUEST
    inst = SoftwareInstallation(equipment=equipment, department=equipment.department, software=software,
                                name_found=name_found, found_on=found_on or timezone.localdate(), basis=basis,
                                request=req, notes=notes)
    with audited_write():
        inst.full_clean()
        inst.save()
        record(actor, "assets.softwareinstallation.create", inst, after=snapshot(inst), reason=reason)
        person = equipment.responsible or equipment.user
        if basis == SoftwareInstallation.Basis.UNAPPROVED and person is not None:
            penalty_record(actor, person=person, clause="p01.8.1.a", equipment=equipment, occurred_on=inst.found_on,
                           offence=_("设备 %(e)s 私自安装未经许可的软件:%(s)s") % {
                               "e": equipment.asset_no, "s": software or name_found})
    return inst


def installation_create(actor, *, reason: str = "", **data) -> SoftwareInstallation:
    return installation_record(actor, reason=reason, **data)


def installation_update(actor, inst: SoftwareInstallation, *, reason: str = "", **data) -> SoftwareInstallation:
    fixed = {k for k in data if k != "notes" and data[k] != getattr(inst, k)}
    if fixed:
        raise ValidationError({k: _("软件清单只能补充备注;删除软件请通过申请办理 / only the note may change") for k in fixed})
    return instance_update(actor, inst, data, department_field="department", reason=reason)


def installation_remove(actor, inst: SoftwareInstallation, *, reason: str = "") -> SoftwareInstallation:
    """卸载 an item found without approval (the violation stays on record)."""
    require(actor, "assets.softwarerequest.approve")
    if inst.removed_at:
        raise ValidationError(_("该软件已删除 / already removed"))
    with audited_write():
        _remove(actor, inst, reason)
    return inst


# --- 软件复制及领用登记簿 (p07.13) -----------------------------------------------------------

def _check_copy(data: dict, exclude_pk=None) -> None:
    software = data["software"]
    if software.license == Software.License.UNLICENSED:
        raise _unlicensed(software)
    if software.seats is not None and data.get("returned_on") is None:
        out = SoftwareCopy.objects.filter(software=software, returned_on__isnull=True, archived_at__isnull=True)
        if exclude_pk:
            out = out.exclude(pk=exclude_pk)
        used = out.aggregate(n=Sum("quantity"))["n"] or 0
        if used + (data.get("quantity") or 0) > software.seats:
            raise ValidationError({"quantity": _("超出授权数量:已领用 %(u)d 套,授权 %(s)d 套 / more than the licence "
                                                 "allows: %(u)d issued of %(s)d seats") % {"u": used, "s": software.seats}})


def software_copy_create(actor, *, reason: str = "", **data) -> SoftwareCopy:
    recipient = data.get("recipient")
    need_active_person(recipient, "recipient", _("领用人"))
    _check_copy(data)
    data.update(number=next_number(SoftwareCopy, "LY"), department=recipient.department if recipient else None,
                issued_by=actor)
    return instance_create(actor, SoftwareCopy, data, department_field="department", reason=reason)


def software_copy_update(actor, copy: SoftwareCopy, *, reason: str = "", **data) -> SoftwareCopy:
    if "recipient" in data and data["recipient"] != copy.recipient:
        raise ValidationError({"recipient": _("领用人不能修改 / the recipient cannot be changed")})
    _check_copy({k: data.get(k, getattr(copy, k)) for k in ("software", "quantity", "returned_on")}, exclude_pk=copy.pk)
    return instance_update(actor, copy, data, department_field="department", reason=reason)
