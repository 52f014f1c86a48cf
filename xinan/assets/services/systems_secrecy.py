"""涉密信息系统 (classified information systems) on the information systems register.

- p08.4-a: a classified system enters service only with its milestones recorded under the named
  national secrecy standards: 设计 → 实施 → 测评 (body and report) → 审批 (文号) → 验收, in that order.
- p08.4-b: 未通过国家审批的涉密信息系统,不得投入使用 — a classified system enters service only with a
  national approval dated on or before its go-live date.
- p08.12-b: a classified system in development or service links its second-level secrecy regulation
  (制度文件登记, topic 保密管理, in force).
- p08.9.6: 定密、变更密级和解密 go through ``classification_request`` and the secrecy office's
  ``classification_review`` (permission ``assets.systemclassificationchange.review``, held by the
  security administrator; never the requester); the system's level changes only on approval, and
  an edit of the system cannot change it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record, snapshot
from xinan.core.services import instance_archive, instance_update, require

from ..models import Classification, InformationSystem, RegulationDocument, SystemClassificationChange
from .common import need_active_person, need_status, person_of, step

S = InformationSystem.Status
CC = SystemClassificationChange
# The fields this module reads when a system is created or edited.
SECRECY_FIELDS = ("classification", "status", "in_service_on", "security_standards", "designed_on", "implemented_on",
                  "evaluated_on", "evaluation_body", "evaluation_report", "approved_on", "approval_document_no",
                  "accepted_on", "secrecy_regulation")
# p08.4-a: the milestones, in the order they must happen.
MILESTONES = ("designed_on", "implemented_on", "evaluated_on", "approved_on", "accepted_on")


def _date(value):
    return value if hasattr(value, "toordinal") else None


def check_classified(data: dict) -> None:
    """p08.4-a, p08.4-b, p08.12-b: what a classified system needs before development or service."""
    try:
        level = int(data.get("classification") or 0)
    except (TypeError, ValueError):
        return  # the field's own validation reports it
    status = data.get("status")
    errors = {}
    regulation = data.get("secrecy_regulation")
    if isinstance(regulation, RegulationDocument) and (
            regulation.topic != RegulationDocument.Topic.SECRECY or regulation.archived_at
            or regulation.status != RegulationDocument.Status.IN_FORCE):
        errors["secrecy_regulation"] = _("须为现行有效的保密管理制度 / must be an in-force secrecy regulation")
    if level > Classification.NONE and status in InformationSystem.PAST_DESIGN and regulation is None:
        errors["secrecy_regulation"] = _("涉密信息系统须关联二级保密管理制度 / a classified system needs its "
                                         "second-level secrecy regulation")
    if level > Classification.NONE and status == S.IN_SERVICE:
        missing = _("涉密信息系统投入运行前须登记 / a classified system entering service needs this")
        for field in MILESTONES + ("in_service_on",):
            if _date(data.get(field)) is None:
                errors.setdefault(field, missing)
        for field in ("security_standards", "evaluation_body", "evaluation_report", "approval_document_no"):
            if not str(data.get(field) or "").strip():
                errors.setdefault(field, missing)
        dates = [(f, _date(data.get(f))) for f in MILESTONES + ("in_service_on",)]
        for (f1, d1), (f2, d2) in zip(dates, dates[1:]):
            if d1 and d2 and d2 < d1:
                errors.setdefault(f2, _("须按设计、实施、测评、审批、验收、投入运行的顺序 / design, implementation, "
                                        "evaluation, approval, acceptance and go-live must follow each other"))
        approved, live = _date(data.get("approved_on")), _date(data.get("in_service_on"))
        if approved and live and live < approved:
            errors["in_service_on"] = _("未通过国家审批的涉密信息系统不得投入使用:投入运行日期早于国家审批日期 / "
                                        "a classified system may not go live before its national approval")
    if errors:
        raise ValidationError(errors)


def check_update(system: InformationSystem, data: dict) -> None:
    """The level of an existing system changes only through a reviewed classification change (p08.9.6)."""
    if "classification" in data and data["classification"] is not None:
        try:
            changed = int(data["classification"]) != system.classification
        except (TypeError, ValueError):
            return
        if changed:
            raise ValidationError({"classification": _(
                "定密、变更密级和解密须提出申请并经保密办审核 / a classification change needs a request reviewed by "
                "the secrecy office")})
    check_classified({k: data.get(k, getattr(system, k)) for k in SECRECY_FIELDS})


def _kind(from_level: int, to_level: int) -> str:
    if from_level == Classification.NONE:
        return CC.Kind.CLASSIFY
    return CC.Kind.DECLASSIFY if to_level == Classification.NONE else CC.Kind.RECLASSIFY


def classification_request(actor, *, system: InformationSystem, to_level, grounds: str, requested_by=None,
                           from_level=None, reason: str = "") -> SystemClassificationChange:
    """提出定密、变更密级或解密申请 (p08.9.6)."""
    require(actor, "assets.systemclassificationchange.add", system.department_id)
    errors = {}
    if system.archived_at or system.status == S.DECOMMISSIONED:
        errors["system"] = _("系统已停止运行或归档 / the system is decommissioned or archived")
    try:
        to_level = int(to_level)
        Classification(to_level)
    except (TypeError, ValueError):
        errors["to_level"] = _("密级无效 / not a classification level")
    from_level = system.classification if from_level is None else from_level
    if "to_level" not in errors and to_level == from_level:
        errors["to_level"] = _("拟定密级与原密级相同 / the level is unchanged")
    if not (grounds or "").strip():
        errors["grounds"] = _("请填写定密依据 / state the grounds")
    if CC.objects.filter(system=system, status=CC.Status.REQUESTED).exists():
        errors["system"] = _("该系统已有待审核的密级变更申请 / the system already has a pending request")
    requested_by = requested_by or person_of(actor)
    if requested_by is None:
        errors["requested_by"] = _("请填写申请人 / name who asks")
    if errors:
        raise ValidationError(errors)
    need_active_person(requested_by, "requested_by", _("申请人"))
    change = CC(system=system, department=system.department, kind=_kind(from_level, to_level), from_level=from_level,
                to_level=to_level, grounds=grounds.strip(), requested_by=requested_by, requested_at=timezone.now())
    with audited_write():
        change.full_clean()
        change.save()
        record(actor, "assets.systemclassificationchange.create", change, after=snapshot(change), reason=reason)
    return change


def classification_create(actor, *, reason: str = "", **data) -> SystemClassificationChange:
    return classification_request(actor, reason=reason, **data)


def classification_update(actor, change: SystemClassificationChange, *, reason: str = "",
                          **data) -> SystemClassificationChange:
    need_status(change, CC.Status.REQUESTED)
    if "system" in data and data["system"] != change.system:
        raise ValidationError({"system": _("不能改为其他系统 / the system cannot be changed")})
    if "to_level" in data and data["to_level"] is not None and int(data["to_level"]) == change.from_level:
        raise ValidationError({"to_level": _("拟定密级与原密级相同 / the level is unchanged")})
    if "to_level" in data and data["to_level"] is not None:
        data["kind"] = _kind(change.from_level, int(data["to_level"]))
    return instance_update(actor, change, data, department_field="department", reason=reason)


def classification_archive(actor, change: SystemClassificationChange, *, reason: str = ""):
    if change.status == CC.Status.REQUESTED:
        raise ValidationError(_("待审核的申请不能归档 / a pending request cannot be archived"))
    return instance_archive(actor, change, department_field="department", reason=reason)


def classification_review(actor, change: SystemClassificationChange, *, approve: bool, note: str = "",
                          reason: str = "") -> SystemClassificationChange:
    """保密办审核 (p08.9.6): a named reviewer holding the secrecy office's permission, never the
    requester; on approval the system takes the new level (and must then meet p08.4/p08.12-b)."""
    require(actor, "assets.systemclassificationchange.review")
    need_status(change, CC.Status.REQUESTED)
    if actor is None or getattr(actor, "person_id", None) is None:
        raise PermissionDenied(_("保密办审核须由具名人员办理 / the review needs a named reviewer"))
    if actor.person_id == change.requested_by_id:
        raise PermissionDenied(_("不得审核本人提出的密级变更 / you may not review a change you requested"))
    note = (note or reason or "").strip()
    if not approve and not note:
        raise ValidationError(_("审核不通过须说明理由 / give the reason for the refusal"))
    system = change.system
    if approve:
        if system.archived_at or system.status == S.DECOMMISSIONED:
            raise ValidationError(_("系统已停止运行或归档 / the system is decommissioned or archived"))
        check_classified({**{k: getattr(system, k) for k in SECRECY_FIELDS}, "classification": change.to_level})
    with audited_write():
        before = snapshot(change, ["status"])
        change.status = CC.Status.APPROVED if approve else CC.Status.REJECTED
        change.reviewed_by, change.reviewed_at, change.review_note = actor, timezone.now(), note
        step(actor, "assets.systemclassificationchange." + ("approve" if approve else "reject"), change,
             ["status", "reviewed_by", "reviewed_at", "review_note"], before, reason)
        if approve and system.classification != change.to_level:
            before = snapshot(system, ["classification"])
            system.classification = change.to_level
            step(actor, "assets.informationsystem.classify", system, ["classification"], before, reason)
    return change


def after_system_create(actor, system: InformationSystem) -> None:
    """A system registered with a level: its 定密 is put to the secrecy office for review (p08.9.6)."""
    if system.classification > Classification.NONE and person_of(actor) is not None:
        classification_request(actor, system=system, to_level=system.classification, from_level=Classification.NONE,
                               grounds=_("登记信息系统时确定的密级 / level set when the system was registered"))
