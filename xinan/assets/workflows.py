"""Where the assets records meet the workflow engine (``xinan.workflows``).

A record that needs an approval starts its workflow when a person creates it (调用记录单,
送外维修, 报废, 软件安装删除申请); the engine runs the approval (who may act, separation of
duties, deadlines, audit) and its completion hooks below apply the effect to the record, in the
engine's transaction: the record becomes approved, or rejected / cancelled (a device waiting on a
refused scrapping goes back into use). A hook also checks the domain's own scope (a department
head approves only their department's scrapping) and refuses, which undoes the engine's step.

Records created by the system itself (the demo bundle, imports run without a person) have no
workflow; their approval is taken by the step services directly, with the same rules.

Definitions (``xinan/workflows/definitions/assets_*.yaml``): ``assets_transfer`` (副总经理签字认可,
p01.2.7.b-b), ``assets_external_repair`` (送外维修须经负责人批准, p02.1.2-b), ``assets_scrapping``
(管理员鉴定、部门经理批准, p01.2.8.a), ``assets_software_request`` (管理员审核, p01.4.2.b-b).
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import record, snapshot
from xinan.org import permissions

TRANSFER = "assets_transfer"
EXTERNAL_REPAIR = "assets_external_repair"
SCRAPPING = "assets_scrapping"
SOFTWARE_REQUEST = "assets_software_request"


def engine_ready(code: str) -> bool:
    if not apps.is_installed("xinan.workflows"):
        return False
    from xinan.workflows.definitions import current

    return current(code) is not None


def start(obj, actor, code: str, reason: str = ""):
    """Start ``code`` on ``obj`` when a person created it (the system's own records have none)."""
    if actor is None or not engine_ready(code):
        return None
    from xinan.workflows.services import workflow_start

    return workflow_start(actor, code, obj, reason=reason)


def running(obj, code: str):
    """The record's running instance of ``code`` (None when it has none)."""
    if not apps.is_installed("xinan.workflows"):
        return None
    from django.contrib.contenttypes.models import ContentType

    from xinan.workflows.models import WorkflowInstance

    return WorkflowInstance.objects.filter(
        code=code, subject_type=ContentType.objects.get_for_model(obj), subject_id=str(obj.pk),
        state=WorkflowInstance.State.RUNNING).select_related("current_step").first()


def act(actor, instance, decision: str, comment: str = ""):
    from xinan.workflows.services import workflow_act

    return workflow_act(actor, instance, decision, comment)


def cancel(actor, instance, reason: str = ""):
    from xinan.workflows.services import workflow_cancel

    return workflow_cancel(actor, instance, reason=reason)


def _subject(instance, model, *open_statuses):
    """The record the instance is about, locked. Completing an approval of a record that is no
    longer waiting for one (started again from the register after it moved on) is refused."""
    obj = model.objects.select_for_update().get(pk=int(instance.subject_id))
    if open_statuses and obj.status not in open_statuses:
        raise ValidationError(_("%(obj)s 当前状态为“%(s)s”,不在待审批状态 / %(obj)s is “%(s)s”, not awaiting this approval")
                              % {"obj": obj, "s": obj.get_status_display()})
    return obj


def _actions(instance, decision=None):
    qs = instance.actions.select_related("step", "actor").order_by("at", "pk")
    return qs.filter(decision=decision) if decision else qs


def _last_comment(instance) -> str:
    last = _actions(instance).last()
    return (last.comment or "") if last else ""


def _save(actor, action, obj, fields, before):
    obj.save(update_fields=fields)
    record(actor, action, obj, before=before, after=snapshot(obj, fields))


def _need_scope(actor, perm, department_id):
    ids = permissions.department_ids_in_scope(actor, perm) if actor is not None else None
    if actor is not None and (not permissions.has_perm(actor, perm) or (ids is not None and department_id not in ids)):
        raise PermissionDenied(_("该记录的部门不在您的审批范围内 / that department is outside your approval scope"))


# --- 调用记录单 ------------------------------------------------------------------------------

def transfer_approved(instance, actor):
    from .models import Transfer

    transfer = _subject(instance, Transfer, Transfer.Status.REQUESTED)
    before = snapshot(transfer, ["status"])
    transfer.status, transfer.approved_by, transfer.approved_at = Transfer.Status.APPROVED, actor, timezone.now()
    transfer.decision_note = _last_comment(instance)
    _save(actor, "assets.transfer.approve", transfer, ["status", "approved_by", "approved_at", "decision_note"], before)


def transfer_ended(instance, actor):
    from .models import Transfer

    transfer = _subject(instance, Transfer)
    if transfer.status != Transfer.Status.REQUESTED:
        return  # the record moved on by another path; nothing to undo
    before = snapshot(transfer, ["status"])
    rejected = instance.state == instance.State.REJECTED
    transfer.status = Transfer.Status.REJECTED if rejected else Transfer.Status.CANCELLED
    fields = ["status"]
    if rejected:
        transfer.approved_by, transfer.approved_at, transfer.decision_note = actor, timezone.now(), _last_comment(instance)
        fields += ["approved_by", "approved_at", "decision_note"]
    _save(actor, "assets.transfer.reject" if rejected else "assets.transfer.cancel", transfer, fields, before)


# --- 送外维修 --------------------------------------------------------------------------------

def repair_external_approved(instance, actor):
    from .models import Repair

    repair = _subject(instance, Repair, Repair.Status.AWAITING_APPROVAL)
    _need_scope(actor, "assets.repair.approve", repair.department_id)
    before = snapshot(repair, ["status"])
    repair.status, repair.approved_by, repair.approved_at = Repair.Status.APPROVED, actor, timezone.now()
    repair.decision_note = _last_comment(instance)
    _save(actor, "assets.repair.approve", repair, ["status", "approved_by", "approved_at", "decision_note"], before)


def repair_external_ended(instance, actor):
    from .models import Repair

    repair = _subject(instance, Repair)
    if repair.status != Repair.Status.AWAITING_APPROVAL:
        return
    before = snapshot(repair, ["status"])
    rejected = instance.state == instance.State.REJECTED
    if rejected:
        _need_scope(actor, "assets.repair.approve", repair.department_id)
        repair.status, repair.approved_by, repair.approved_at = Repair.Status.REJECTED, actor, timezone.now()
    else:  # the administrator withdrew the proposal: repair goes on in house
        repair.status, repair.external, repair.vendor = Repair.Status.DIAGNOSED, False, ""
    repair.decision_note = _last_comment(instance)
    _save(actor, "assets.repair.reject" if rejected else "assets.repair.withdraw_external", repair,
          ["status", "approved_by", "approved_at", "decision_note", "external", "vendor"], before)


# --- 报废 ---------------------------------------------------------------------------------

def _appraisal(scrapping, instance):
    """Copy the administrator's appraisal (the first step) from the engine to the record."""
    act_ = _actions(instance).filter(step__code="appraise").exclude(decision="comment").last()
    if act_ is not None and scrapping.appraised_at is None:
        scrapping.appraised_by, scrapping.appraised_at, scrapping.appraisal = act_.actor, act_.at, act_.comment
    return ["appraised_by", "appraised_at", "appraisal"]


def scrapping_approved(instance, actor):
    from .models import Scrapping

    scrapping = _subject(instance, Scrapping, Scrapping.Status.PROPOSED, Scrapping.Status.APPRAISED)
    _need_scope(actor, "assets.scrapping.approve", scrapping.department_id)
    before = snapshot(scrapping, ["status"])
    fields = _appraisal(scrapping, instance)
    scrapping.status, scrapping.approved_by, scrapping.approved_at = Scrapping.Status.APPROVED, actor, timezone.now()
    scrapping.decision_note = _last_comment(instance)
    _save(actor, "assets.scrapping.approve", scrapping, fields + ["status", "approved_by", "approved_at",
                                                                  "decision_note"], before)


def scrapping_ended(instance, actor):
    from .models import Equipment, Scrapping

    scrapping = _subject(instance, Scrapping)
    if scrapping.status not in Scrapping.OPEN:
        return
    last = _actions(instance).last()
    if instance.state == instance.State.REJECTED and last is not None and last.step.code == "approve":
        _need_scope(actor, "assets.scrapping.approve", scrapping.department_id)
    before = snapshot(scrapping, ["status"])
    fields = _appraisal(scrapping, instance)
    scrapping.status, scrapping.decision_note = Scrapping.Status.REJECTED, _last_comment(instance)
    _save(actor, "assets.scrapping.reject", scrapping, fields + ["status", "decision_note"], before)
    equipment = scrapping.equipment
    if equipment.status == Equipment.Status.SCRAPPING:
        before = snapshot(equipment, ["status"])
        equipment.status = Equipment.Status.IN_USE
        _save(actor, "assets.equipment.status", equipment, ["status"], before)


# --- 软件安装删除申请 -----------------------------------------------------------------------

def software_request_approved(instance, actor):
    from .models import SoftwareRequest

    req = _subject(instance, SoftwareRequest, SoftwareRequest.Status.REQUESTED)
    before = snapshot(req, ["status"])
    req.status, req.checked_by, req.checked_at = SoftwareRequest.Status.APPROVED, actor, timezone.now()
    req.check_note = _last_comment(instance)
    _save(actor, "assets.softwarerequest.approve", req, ["status", "checked_by", "checked_at", "check_note"], before)


def software_request_ended(instance, actor):
    from .models import SoftwareRequest

    req = _subject(instance, SoftwareRequest)
    if req.status != SoftwareRequest.Status.REQUESTED:
        return
    before = snapshot(req, ["status"])
    req.status, req.checked_by, req.checked_at = SoftwareRequest.Status.REJECTED, actor, timezone.now()
    req.check_note = _last_comment(instance)
    _save(actor, "assets.softwarerequest.reject", req, ["status", "checked_by", "checked_at", "check_note"], before)
