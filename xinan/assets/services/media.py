"""Storage media: registration, labels, contents, loans, handovers, destruction, and the records
of wiping a device's data (p05.0.3.2-b, p15.3.9-b, p05.0.3.3, p10.36.3-a/b/d, p01.2.5-c/d,
p15.5.3-a, p15.3.10, p06.9-a, p14.7-c, p14.8, p17.6.5).

Rules enforced here:
- a medium's label is at least the highest classification recorded on it and never goes down
  (every label it carried is kept, so the check for p15.3.9-b can prove it);
- system discs (软件盘、系统盘、驱动盘) never leave the company on loan (p01.2.5-d);
- destroying a medium needs an approval by someone else; a classified medium needs the
  leadership's approval (p15.3.10); destruction and wiping name a witness other than the person
  who did it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record, snapshot
from xinan.core.services import instance_archive, instance_create, instance_update, require

from xinan.org.selectors import holders_of

from ..models import Classification, MediumContent, MediumHandover, MediumLabel, MediumLoan, Sanitisation, StorageMedium
from ..models.media import PAPER_KINDS, REMOVABLE_KINDS
from ..models.common import next_number
from .common import need_active_person, need_open_record, not_same_user

GONE = (StorageMedium.Status.DESTROYED, StorageMedium.Status.LOST)
SECURITY_SECTION = "security_admin"  # 信息安全科: the role that writes classified data to removable media


def _label(actor, medium: StorageMedium) -> None:
    MediumLabel(medium=medium, classification=medium.classification, labelled_by=actor).save()


def _need_present(medium: StorageMedium, field: str = "medium") -> None:
    if medium.status in GONE or medium.archived_at:
        raise ValidationError({field: _("介质已销毁、丢失或归档 / the medium is destroyed, lost or archived")})


def medium_create(actor, *, reason: str = "", **data) -> StorageMedium:
    """介质登记入账 (p15.5.3-a): with its label (p05.0.3.2-b) and custodian (p10.36.3-a)."""
    for name in ("custodian", "offsite_custodian"):
        need_active_person(data.get(name), name, StorageMedium._meta.get_field(name).verbose_name)
    data["status"] = StorageMedium.Status.IN_USE if data.get("installed_in") else StorageMedium.Status.IN_STORE
    with audited_write():
        medium = instance_create(actor, StorageMedium, data, department_field="department", reason=reason)
        _label(actor, medium)
    return medium


def medium_update(actor, medium: StorageMedium, *, reason: str = "", **data) -> StorageMedium:
    """Edits a medium. Its label may be raised, never lowered (p15.3.9-b)."""
    _need_present(medium, "label_no")
    new = data.get("classification", medium.classification)
    if new < medium.classification:
        raise ValidationError({"classification": _(
            "存储过涉密信息的介质不能降低密级使用(现为%(old)s) / a medium's classification can never be lowered "
            "(now %(old)s)") % {"old": medium.get_classification_display()}})
    if "installed_in" in data and data["installed_in"] != medium.installed_in:
        if medium.status == StorageMedium.Status.LENT:
            raise ValidationError({"installed_in": _("介质借出中 / the medium is on loan")})
        data["status"] = StorageMedium.Status.IN_USE if data["installed_in"] else StorageMedium.Status.IN_STORE
    for name in ("custodian", "offsite_custodian"):
        if name in data and data[name] != getattr(medium, name):
            need_active_person(data[name], name, StorageMedium._meta.get_field(name).verbose_name)
    raised = new > medium.classification
    with audited_write():
        instance_update(actor, medium, data, department_field="department", reason=reason)
        if raised:
            _label(actor, medium)
    return medium


def medium_archive(actor, medium: StorageMedium, *, reason: str = "") -> StorageMedium:
    if medium.status not in GONE:
        raise ValidationError(_("只能归档已销毁或丢失的介质 / only destroyed or lost media can be archived"))
    return instance_archive(actor, medium, department_field="department", reason=reason)


def medium_raise_to(actor, medium: StorageMedium, level: int, reason: str) -> None:
    """Raise the label to ``level`` when what is stored on the medium is higher (p05.0.3.2-b)."""
    if level <= medium.classification:
        return
    before = snapshot(medium, ["classification"])
    medium.classification = level
    medium.save(update_fields=["classification"])
    _label(actor, medium)
    record(actor, "assets.storagemedium.label", medium, before=before, after=snapshot(medium, ["classification"]),
           reason=reason)


# --- 存储内容 ------------------------------------------------------------------------------

def _content_rules(actor, medium: StorageMedium, data: dict) -> None:
    """p05.4.1 / p05.4.2: company-secret and sensitive files only encrypted, only on a medium
    already registered as classified. p05.0.3.2-a: classified information is written to a
    removable medium only by the information security section (安全保密管理员)."""
    errors = {}
    if data.get("sensitivity"):
        if medium.classification == Classification.NONE:
            errors["medium"] = _("涉及公司秘密或敏感信息的文档只能存于已登记的涉密介质 / company-secret or sensitive "
                                 "files belong only on a registered classified medium")
        if not data.get("encrypted"):
            errors["encrypted"] = _("涉及公司秘密或敏感信息的文档须加密存储 / company-secret or sensitive files must "
                                    "be encrypted")
    if errors:
        raise ValidationError(errors)
    if _security_write(actor, medium, data):
        if not holders_of(SECURITY_SECTION).filter(pk=getattr(actor, "person_id", None)).exists():
            raise PermissionDenied(_("涉密信息须到信息安全科(安全保密管理员)转存到可移动介质 / classified information "
                                     "is written to removable media only by the information security section"))
        require(actor, "assets.mediumcontent.write_classified", medium.department_id)


def _security_write(actor, medium, data) -> bool:
    """A classified write to a removable medium by a person (the system itself, loading a bundle,
    records without a writer; the check for p05.0.3.2-a then finds the row)."""
    level = data.get("classification", 0)
    return (actor is not None and level in Classification.values and level > Classification.NONE
            and medium.kind in REMOVABLE_KINDS)  # an invalid level is left to the model's validation


def medium_content_create(actor, *, reason: str = "", **data) -> MediumContent:
    """登记介质上存储的内容 (the record of the write, p05.0.3.2-a); the label follows the
    highest classification stored."""
    medium = data["medium"]
    _need_present(medium)
    _content_rules(actor, medium, data)
    data["department"] = medium.department
    data["recorded_by"] = actor
    with audited_write():
        if _security_write(actor, medium, data):  # the security section's own right, not the register's add
            entry = MediumContent(**data)
            entry.full_clean()
            entry.save()
            record(actor, "assets.mediumcontent.create", entry, after=snapshot(entry), reason=reason)
        else:
            entry = instance_create(actor, MediumContent, data, department_field="department", reason=reason)
        medium_raise_to(actor, medium, entry.classification, _("存储内容 %(d)s") % {"d": entry.description})
    return entry


def medium_content_update(actor, entry: MediumContent, *, reason: str = "", **data) -> MediumContent:
    if "medium" in data and data["medium"] != entry.medium:
        raise ValidationError({"medium": _("不能改为其他介质 / the medium cannot be changed")})
    merged = {k: data.get(k, getattr(entry, k)) for k in ("classification", "sensitivity", "encrypted")}
    if any(merged[k] != getattr(entry, k) for k in merged):
        _content_rules(actor, entry.medium, merged)
    with audited_write():
        instance_update(actor, entry, data, department_field="department", reason=reason)
        medium_raise_to(actor, entry.medium, entry.classification, _("存储内容 %(d)s") % {"d": entry.description})
    return entry


# --- 借用与归还 (p10.36.3-b) ---------------------------------------------------------------

def medium_lend(actor, *, medium: StorageMedium, borrower, purpose: str, due_back, offsite: bool = False,
                reason: str = "") -> MediumLoan:
    require(actor, "assets.mediumloan.add", medium.department_id)
    _need_present(medium)
    errors = {}
    if medium.status != StorageMedium.Status.IN_STORE:
        errors["medium"] = _("介质不在库(借出中或装在设备中),不能借出 / the medium is not in store")
    if offsite and medium.kind == StorageMedium.Kind.SYSTEM_DISC:
        errors["offsite"] = _("计算机系统专用资料(软件盘、系统盘、驱动盘)不得带出公司 / system discs may not leave the "
                              "company")
    if due_back is not None and due_back < timezone.localdate():
        errors["due_back"] = _("应还日期不能早于今天 / the return date is in the past")
    if errors:
        raise ValidationError(errors)
    need_active_person(borrower, "borrower", _("借用人"))
    loan = MediumLoan(number=next_number(MediumLoan, "JY"), medium=medium, department=medium.department,
                      borrower=borrower, purpose=purpose, due_back=due_back, offsite=offsite, lent_at=timezone.now(),
                      lent_by=actor)
    with audited_write():
        loan.full_clean()
        loan.save()
        record(actor, "assets.mediumloan.create", loan, after=snapshot(loan), reason=reason)
        before = snapshot(medium, ["status"])
        medium.status = StorageMedium.Status.LENT
        medium.save(update_fields=["status"])
        record(actor, "assets.storagemedium.lend", medium, before=before, after=snapshot(medium, ["status"]),
               reason=loan.number)
    return loan


def medium_loan_create(actor, *, reason: str = "", **data) -> MediumLoan:
    return medium_lend(actor, reason=reason, **data)


def medium_loan_update(actor, loan: MediumLoan, *, reason: str = "", **data) -> MediumLoan:
    need_open_record(loan)
    fixed = {k for k in ("medium", "borrower", "offsite") if k in data and data[k] != getattr(loan, k)}
    if fixed:
        raise ValidationError({k: _("借用登记的介质、借用人和去向不能修改 / cannot be changed") for k in fixed})
    return instance_update(actor, loan, data, department_field="department", reason=reason)


def medium_return(actor, loan: MediumLoan, *, reason: str = "") -> MediumLoan:
    require(actor, "assets.mediumloan.change", loan.department_id)
    if loan.returned_at:
        raise ValidationError(_("该介质已归还 / already returned"))
    medium = loan.medium
    with audited_write():
        before = snapshot(loan, ["returned_at"])
        loan.returned_at, loan.received_by = timezone.now(), actor
        loan.save(update_fields=["returned_at", "received_by"])
        record(actor, "assets.mediumloan.return", loan, before=before, after=snapshot(loan, ["returned_at",
                                                                                           "received_by"]),
               reason=reason)
        if medium.status == StorageMedium.Status.LENT:
            medium.status = StorageMedium.Status.IN_STORE
            medium.save(update_fields=["status"])
            record(actor, "assets.storagemedium.return", medium, after={"status": medium.status}, reason=loan.number)
    return loan


def medium_loan_archive(actor, loan: MediumLoan, *, reason: str = "") -> MediumLoan:
    if loan.returned_at is None:
        raise ValidationError(_("未归还的借用不能归档 / a loan not yet returned cannot be archived"))
    return instance_archive(actor, loan, department_field="department", reason=reason)


def medium_handover(actor, medium: StorageMedium, *, to_custodian, reason: str = "",
                    _disposal=None) -> MediumHandover:
    """介质移交: the custodian changes, both named (p05.0.3.3), carrying out an approved handover
    or assignment (p14.3: ``services.media_disposal``); refused without one."""
    require(actor, "assets.storagemedium.change", medium.department_id)
    _need_present(medium)
    need_active_person(to_custodian, "to_custodian", _("接收人"))
    if medium.custodian_id == to_custodian.pk:
        raise ValidationError({"to_custodian": _("接收人即现保管人 / already the custodian")})
    if _disposal is None:
        from .media_disposal import approved_handover

        _disposal = approved_handover(medium, to_custodian)
        if _disposal is None:
            raise ValidationError({"to_custodian": _("介质移交须先经逐级审批(介质处置审批单)/ a handover needs its "
                                                     "approvals first")})
        from .media_disposal import disposal_complete

        return disposal_complete(actor, _disposal, reason=reason).handovers.get()
    with audited_write():
        handover = MediumHandover(medium=medium, from_custodian=medium.custodian, to_custodian=to_custodian,
                                  handed_at=timezone.now(), recorded_by=actor, reason=reason, disposal=_disposal)
        handover.save()
        before = snapshot(medium, ["custodian"])
        medium.custodian = to_custodian
        medium.save(update_fields=["custodian"])
        record(actor, "assets.storagemedium.handover", medium, before=before, after=snapshot(medium, ["custodian"]),
               reason=reason)
    return handover


# --- 销毁 (p06.9-a, p15.3.10, p10.36.3-d) ----------------------------------------------------

def medium_destruction_approve(actor, medium: StorageMedium, *, reason: str = "") -> StorageMedium:
    """批准销毁. A classified medium needs the leadership (p15.3.10)."""
    require(actor, "assets.storagemedium.approve_destruction")
    if medium.classification > Classification.NONE:
        require(actor, "assets.storagemedium.approve_classified_destruction")
    _need_present(medium)
    if medium.status == StorageMedium.Status.LENT:
        raise ValidationError(_("介质借出中,归还后再批准销毁 / the medium is on loan"))
    with audited_write():
        before = snapshot(medium, ["destruction_approved_by"])
        medium.destruction_approved_by, medium.destruction_approved_at = actor, timezone.now()
        medium.save(update_fields=["destruction_approved_by", "destruction_approved_at"])
        record(actor, "assets.storagemedium.approve_destruction", medium, before=before,
               after=snapshot(medium, ["destruction_approved_by", "destruction_approved_at"]), reason=reason)
    return medium


def medium_destroy(actor, medium: StorageMedium, *, method: str, performed_by, witness, performed_at=None,
                   backed_up: bool = False, backup_location: str = "", note: str = "", reason: str = "") -> Sanitisation:
    """销毁介质 with its record; the approver may not be the one who records it."""
    require(actor, "assets.sanitisation.add", medium.department_id)
    _need_present(medium)
    if medium.destruction_approved_by_id is None:
        raise PermissionDenied(_("介质销毁须先经批准 / the destruction has not been approved"))
    not_same_user(actor, medium.destruction_approved_by_id,
                  _("批准人不得自行登记销毁 / the approver may not also record the destruction"))
    if medium.kind in PAPER_KINDS:
        if method not in (Sanitisation.Method.SHRED, Sanitisation.Method.DESTROY):
            raise ValidationError({"method": _("纸质资料须碎纸或销毁 / shred or destroy paper records")})
    elif method not in (Sanitisation.Method.DESTROY, Sanitisation.Method.DEGAUSS):
        raise ValidationError({"method": _("介质销毁须物理销毁或消磁 / destroy or degauss the medium")})
    with audited_write():
        record_ = sanitisation_create(actor, purpose=Sanitisation.Purpose.DESTRUCTION, medium=medium, method=method,
                                      performed_by=performed_by, witness=witness,
                                      performed_at=performed_at or timezone.now(), backed_up=backed_up,
                                      backup_location=backup_location, note=note, reason=reason, _internal=True)
        before = snapshot(medium, ["status"])
        medium.status = StorageMedium.Status.DESTROYED
        medium.save(update_fields=["status"])
        record(actor, "assets.storagemedium.destroy", medium, before=before, after=snapshot(medium, ["status"]),
               reason=record_.number)
    return record_


# --- 数据清除与销毁记录 ----------------------------------------------------------------------

def sanitisation_create(actor, *, reason: str = "", _internal: bool = False, **data) -> Sanitisation:
    """Records data backed up and wiped (before repair, scrapping or reuse) or a medium destroyed.
    The witness is someone other than the person who did it; before repair or scrapping the data
    is backed up first (p14.7-c, p14.8)."""
    equipment, medium = data.get("equipment"), data.get("medium")
    purpose = data.get("purpose")
    errors = {}
    if equipment is None and medium is None:
        errors["equipment"] = _("请指定设备或介质 / name the device or the medium")
    if purpose == Sanitisation.Purpose.DESTRUCTION and not _internal:
        errors["purpose"] = _("介质销毁请在介质页面经批准后办理 / destroy media from the medium page, after approval")
    if purpose in (Sanitisation.Purpose.REPAIR, Sanitisation.Purpose.SCRAPPING) and not data.get("backed_up"):
        errors["backed_up"] = _("须先备份数据再清除 / back the data up before wiping it")
    if purpose == Sanitisation.Purpose.REPAIR and data.get("method") != Sanitisation.Method.WIPE:
        errors["method"] = _("送修前应擦除数据 / wipe the data before repair")
    if data.get("performed_by") is not None and data.get("performed_by") == data.get("witness"):
        errors["witness"] = _("见证人不能是处理人本人 / the witness must be someone else")
    performed_at = data.get("performed_at")
    if performed_at and performed_at > timezone.now():
        errors["performed_at"] = _("处理时间不能晚于现在 / the time cannot be in the future")
    if errors:
        raise ValidationError(errors)
    for name in ("performed_by", "witness"):
        need_active_person(data.get(name), name, Sanitisation._meta.get_field(name).verbose_name)
    data["department"] = (equipment or medium.installed_in or medium).department if equipment or medium else None
    data["number"] = next_number(Sanitisation, "XH")
    return instance_create(actor, Sanitisation, data, department_field="department", reason=reason)


def sanitisation_update(actor, entry: Sanitisation, *, reason: str = "", **data) -> Sanitisation:
    """What was done stays as recorded; only the note and the backup place may be completed."""
    fixed = {k for k in data if k not in ("note", "backup_location") and data[k] != getattr(entry, k)}
    if fixed:
        raise ValidationError({k: _("处理记录不能修改 / the record cannot be altered") for k in fixed})
    return instance_update(actor, entry, data, department_field="department", reason=reason)
