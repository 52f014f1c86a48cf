"""Information systems (信息系统台账), their maintenance, changes and the regulation documents.

- p27.2.4-b: a system may not move past design (开发建设, 运行) unless its design includes the
  user-to-level authorisation function, with the design document named.
- p27.2.10: a system stops running only through ``system_decommission``, which records what
  data was migrated and what destroyed, who did it and who witnessed it (two different people).
- p27.2.5-a, p15.2.30.3, p19.5.10-b: a change (function, parameter, hardware, program or data
  load) is requested, approved in the workflow engine by the leadership (never the requester),
  and only then implemented by a named person; implementing an unapproved change is refused.
- p24.6, p24.8: the organisation names its 电教/信息 office (``assets.it_office``).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinan.audit.services import audited_write, record, snapshot
from xinan.core.parameters import define
from xinan.core.parameters import get as parameter
from xinan.core.services import instance_archive, instance_create, instance_update, require
from xinan.policy.durations import IsoDuration

from .. import workflows
from ..models import InformationSystem, RegulationDocument, SystemChange, SystemMaintenance
from ..models.common import next_number
from . import systems_secrecy as secrecy
from .common import need_active_person, need_open_record, need_status, person_of, step

IT_OFFICE = define(
    "assets.it_office", "信息技术部",
    gettext_lazy("信息管理部门(电教/信息中心;名称或编码):负责课件与应用软件开发、OA 维护,统一申请备件耗材"),
    kind=str, clauses=("p24.6", "p24.8", "p15.5.4"))
OA_MAINTENANCE_PERIOD = define(
    "assets.oa_maintenance_period", "P1M", gettext_lazy("OA 系统日常维护记录的最长间隔"), kind=IsoDuration,
    clauses=("p24.8",))

SYSTEM_CHANGE = "assets_system_change"
S = InformationSystem.Status


def office_department_ids() -> set[int]:
    """The 电教/信息 office named by ``assets.it_office`` and its sub-departments."""
    from xinan.org.models import Department
    from xinan.org.selectors import department_subtree_ids

    names = {n.strip() for n in str(parameter(IT_OFFICE.key) or "").replace(",", ",").split(",")} - {""}
    if not names:
        return set()
    roots = Department.objects.filter(Q(name__in=names) | Q(code__in=names)).values_list("pk", flat=True)
    return department_subtree_ids(set(roots))


# --- 信息系统台账 ------------------------------------------------------------------------------

def _check_system(data: dict) -> None:
    """p27.2.4-b: past design only with the authorisation function in the design document."""
    status = data.get("status")
    if status == S.DECOMMISSIONED:
        raise ValidationError({"status": _("停止运行须通过“停止运行登记”办理 / decommission through its own step")})
    if status in InformationSystem.PAST_DESIGN:
        errors = {}
        if not data.get("design_includes_authorisation"):
            errors["design_includes_authorisation"] = _(
                "设计方案未包含用户与授权级别对应关系设置功能,不能进入开发建设或运行 / the design lacks the "
                "user-to-level authorisation function; the system cannot move past design")
        if not (data.get("design_document") or "").strip():
            errors["design_document"] = _("请登记设计文档 / name the design document")
        if errors:
            raise ValidationError(errors)
    need_active_person(data.get("maintainer"), "maintainer", _("维护负责人"))


def system_create(actor, *, reason: str = "", **data) -> InformationSystem:
    _check_system(data)
    secrecy.check_classified(data)  # p08.4-a, p08.4-b, p08.12-b
    with audited_write():
        system = instance_create(actor, InformationSystem, data, department_field="department", reason=reason)
        secrecy.after_system_create(actor, system)  # p08.9.6: the 定密 goes to the secrecy office
    return system


def system_update(actor, system: InformationSystem, *, reason: str = "", **data) -> InformationSystem:
    if system.status == S.DECOMMISSIONED:
        raise ValidationError(_("已停止运行的系统不能修改 / a decommissioned system cannot be changed"))
    _check_system({k: data.get(k, getattr(system, k)) for k in
                   ("status", "design_includes_authorisation", "design_document", "maintainer")})
    secrecy.check_update(system, data)  # p08.4-a, p08.4-b, p08.9.6, p08.12-b
    return instance_update(actor, system, data, department_field="department", reason=reason)


def system_archive(actor, system: InformationSystem, *, reason: str = "") -> InformationSystem:
    if system.status in InformationSystem.PAST_DESIGN:
        raise ValidationError(_("运行或建设中的系统不能归档,请先办理停止运行 / decommission it first"))
    return instance_archive(actor, system, department_field="department", reason=reason)


def system_decommission(actor, system: InformationSystem, *, data_migrated: str, data_destroyed: str,
                        performed_by, witness, decommissioned_on=None, reason: str = "") -> InformationSystem:
    """停止运行 (p27.2.10): 做好有价值及涉密信息的销毁、转移等善后工作, recorded with who did it
    and who witnessed it."""
    require(actor, "assets.informationsystem.change", system.department_id)
    need_open_record(system)
    if system.status == S.DECOMMISSIONED:
        raise ValidationError(_("该系统已停止运行 / already decommissioned"))
    errors = {}
    if not (data_migrated or "").strip():
        errors["data_migrated"] = _("请说明数据转移情况(无须转移时写明) / state what data was migrated")
    if not (data_destroyed or "").strip():
        errors["data_destroyed"] = _("请说明数据销毁情况(无须销毁时写明) / state what data was destroyed")
    if performed_by is None:
        errors["performed_by"] = _("请填写执行人 / name who did it")
    if witness is None:
        errors["witness"] = _("请填写监督人 / name the witness")
    elif performed_by is not None and witness.pk == performed_by.pk:
        errors["witness"] = _("监督人不得是执行人 / the witness may not be the performer")
    if errors:
        raise ValidationError(errors)
    need_active_person(performed_by, "performed_by", _("执行人"))
    need_active_person(witness, "witness", _("监督人"))
    with audited_write():
        before = snapshot(system, ["status"])
        system.status = S.DECOMMISSIONED
        system.decommissioned_on = decommissioned_on or timezone.localdate()
        system.data_migrated, system.data_destroyed = data_migrated.strip(), data_destroyed.strip()
        system.decommissioned_by, system.decommission_witness = performed_by, witness
        system.decommission_recorded_at = timezone.now()
        step(actor, "assets.informationsystem.decommission", system,
             ["status", "decommissioned_on", "data_migrated", "data_destroyed", "decommissioned_by",
              "decommission_witness", "decommission_recorded_at"], before, reason)
    return system


# --- 系统维护记录 ------------------------------------------------------------------------------

def system_maintenance_create(actor, *, reason: str = "", **data) -> SystemMaintenance:
    """The record's department is the maintaining person's (p24.8: it shows who maintained it)."""
    system = data.get("system")
    if system is not None and (system.status == S.DECOMMISSIONED or system.archived_at):
        raise ValidationError({"system": _("系统已停止运行或归档 / the system is decommissioned or archived")})
    performer = data.get("performed_by")
    need_active_person(performer, "performed_by", _("维护人"))
    if performer is not None:
        data["department"] = performer.department
    return instance_create(actor, SystemMaintenance, data, department_field="department", reason=reason)


def system_maintenance_update(actor, record_: SystemMaintenance, *, reason: str = "", **data) -> SystemMaintenance:
    if data.get("performed_by") is not None:
        data["department"] = data["performed_by"].department
    return instance_update(actor, record_, data, department_field="department", reason=reason)


# --- 系统变更记录 ------------------------------------------------------------------------------

def _check_change(data: dict) -> None:
    system = data.get("system")
    if system is not None and (system.status == S.DECOMMISSIONED or system.archived_at):
        raise ValidationError({"system": _("系统已停止运行或归档 / the system is decommissioned or archived")})


def system_change_request(actor, *, system: InformationSystem, kind: str, description: str, justification: str,
                          requested_by=None, reason: str = "") -> SystemChange:
    """提出变更申请; a person's request starts ``assets_system_change`` (leadership approval)."""
    require(actor, "assets.systemchange.add", system.department_id)
    _check_change({"system": system})
    requested_by = requested_by or person_of(actor)
    if requested_by is None:
        raise ValidationError({"requested_by": _("请填写申请人 / name who asks")})
    need_active_person(requested_by, "requested_by", _("申请人"))
    change = SystemChange(number=next_number(SystemChange, "BG"), system=system, department=system.department,
                          kind=kind, description=description, justification=justification, requested_by=requested_by,
                          requested_at=timezone.now())
    with audited_write():
        change.full_clean()
        change.save()
        record(actor, "assets.systemchange.create", change, after=snapshot(change), reason=reason)
        workflows.start(change, actor, SYSTEM_CHANGE, reason=justification)
    return change


def system_change_create(actor, *, reason: str = "", **data) -> SystemChange:
    return system_change_request(actor, reason=reason, **data)


def system_change_update(actor, change: SystemChange, *, reason: str = "", **data) -> SystemChange:
    need_status(change, SystemChange.Status.REQUESTED)
    if "system" in data and data["system"] != change.system:
        raise ValidationError({"system": _("不能改为其他系统,请撤销后重新申请 / cancel and request again")})
    return instance_update(actor, change, data, department_field="department", reason=reason)


def system_change_archive(actor, change: SystemChange, *, reason: str = "") -> SystemChange:
    if change.status in SystemChange.OPEN:
        raise ValidationError(_("未办结的变更不能归档,请先撤销 / cancel an open change first"))
    return instance_archive(actor, change, department_field="department", reason=reason)


def _not_requester(actor, change: SystemChange):
    if actor is not None and getattr(actor, "person_id", None) == change.requested_by_id:
        raise PermissionDenied(_("不得审批本人提出的变更 / you may not decide a change you requested"))


def system_change_decide(actor, change: SystemChange, *, approve: bool, note: str = "",
                         reason: str = "") -> SystemChange:
    """领导审批 (p27.2.5-a): never the requester; in the engine when a workflow runs."""
    require(actor, "assets.systemchange.approve")
    need_status(change, SystemChange.Status.REQUESTED)
    _not_requester(actor, change)
    note = note or reason
    if not approve and not note.strip():
        raise ValidationError(_("不批准须说明理由 / give the reason for the refusal"))
    instance = workflows.running(change, SYSTEM_CHANGE)
    if instance is not None:
        workflows.act(actor, instance, "approve" if approve else "reject", note)
        change.refresh_from_db()
        return change
    with audited_write():
        before = snapshot(change, ["status"])
        change.status = SystemChange.Status.APPROVED if approve else SystemChange.Status.REJECTED
        change.approved_by, change.approved_at, change.decision_note = actor, timezone.now(), note
        step(actor, "assets.systemchange.approve" if approve else "assets.systemchange.reject", change,
             ["status", "approved_by", "approved_at", "decision_note"], before, reason)
    return change


def system_change_implement(actor, change: SystemChange, *, implemented_by=None, note: str = "",
                            reason: str = "") -> SystemChange:
    """实施变更: only an approved change, by a named person, at a recorded time."""
    require(actor, "assets.systemchange.implement")
    need_status(change, SystemChange.Status.APPROVED,
                message=_("变更未经批准,不得实施 / the change is not approved and may not be implemented"))
    if change.approved_at is None:
        raise PermissionDenied(_("变更未经批准,不得实施 / the change is not approved"))
    implemented_by = implemented_by or person_of(actor)
    if implemented_by is None:
        raise ValidationError({"implemented_by": _("请填写实施人 / name who implemented it")})
    need_active_person(implemented_by, "implemented_by", _("实施人"))
    with audited_write():
        before = snapshot(change, ["status"])
        change.status, change.implemented_by, change.implemented_at = (
            SystemChange.Status.IMPLEMENTED, implemented_by, timezone.now())
        change.implementation_note = note or reason
        step(actor, "assets.systemchange.implement", change,
             ["status", "implemented_by", "implemented_at", "implementation_note"], before, reason)
    return change


def system_change_cancel(actor, change: SystemChange, *, reason: str = "") -> SystemChange:
    require(actor, "assets.systemchange.add", change.department_id)
    need_status(change, *SystemChange.OPEN)
    instance = workflows.running(change, SYSTEM_CHANGE)
    if instance is not None:
        workflows.cancel(actor, instance, reason)
        change.refresh_from_db()
        return change
    with audited_write():
        before = snapshot(change, ["status"])
        change.status = SystemChange.Status.CANCELLED
        step(actor, "assets.systemchange.cancel", change, ["status"], before, reason)
    return change


# Engine hooks (``assets_system_change.yaml``), in the engine's transaction.

def system_change_approved(instance, actor):
    change = workflows._subject(instance, SystemChange, SystemChange.Status.REQUESTED)
    before = snapshot(change, ["status"])
    change.status, change.approved_by, change.approved_at = SystemChange.Status.APPROVED, actor, timezone.now()
    change.decision_note = workflows._last_comment(instance)
    workflows._save(actor, "assets.systemchange.approve", change,
                    ["status", "approved_by", "approved_at", "decision_note"], before)


def system_change_ended(instance, actor):
    change = workflows._subject(instance, SystemChange)
    if change.status != SystemChange.Status.REQUESTED:
        return
    before = snapshot(change, ["status"])
    rejected = instance.state == instance.State.REJECTED
    change.status = SystemChange.Status.REJECTED if rejected else SystemChange.Status.CANCELLED
    fields = ["status"]
    if rejected:
        change.approved_by, change.approved_at = actor, timezone.now()
        change.decision_note = workflows._last_comment(instance)
        fields += ["approved_by", "approved_at", "decision_note"]
    workflows._save(actor, "assets.systemchange.reject" if rejected else "assets.systemchange.cancel", change,
                    fields, before)


# --- 制度文件登记 ------------------------------------------------------------------------------

def regulation_create(actor, *, reason: str = "", **data) -> RegulationDocument:
    _check_regulation(data)
    return instance_create(actor, RegulationDocument, data, department_field="department", reason=reason)


def regulation_update(actor, doc: RegulationDocument, *, reason: str = "", **data) -> RegulationDocument:
    _check_regulation({k: data.get(k, getattr(doc, k)) for k in ("issued_on", "next_review_on")})
    return instance_update(actor, doc, data, department_field="department", reason=reason)


def _check_regulation(data: dict) -> None:
    issued, review = data.get("issued_on"), data.get("next_review_on")
    if issued and review and hasattr(issued, "toordinal") and hasattr(review, "toordinal") and review <= issued:
        raise ValidationError({"next_review_on": _("复审日期须晚于发布日期 / review must follow issue")})
