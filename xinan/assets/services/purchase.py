"""备件、易耗件采购 (p15.5.4): 由信息管理部门统一申请,经科室负责人并上报院长同意后,由后勤
采购进行统一购置,统一给各科室配置.

The requesting department must be the IT office (``assets.it_office``). A person's request starts
``assets_purchase`` (科室负责人 → 副总经理/院长); the hook copies both approvals onto the record.
Logistics records the purchase only for a request carrying both approvals, and then the
distribution. Nobody approves or buys against their own request.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record, snapshot
from xinan.core.services import instance_archive, instance_update, require

from .. import workflows
from ..models import PurchaseRequest
from ..models.common import next_number
from .common import need_active_person, need_status, person_of, step
from .systems import office_department_ids

PURCHASE = "assets_purchase"
P = PurchaseRequest.Status


def _check_department(department) -> None:
    if department is not None and department.pk not in office_department_ids():
        raise ValidationError({"department": _("备件耗材须由信息管理部门统一申请 / spares and consumables are requested "
                                               "by the IT department only (parameter assets.it_office)")})


def purchase_request(actor, *, department, items: str, quantity: int, estimated_cost, requested_by=None,
                     reason: str = "") -> PurchaseRequest:
    require(actor, "assets.purchaserequest.add", department.pk if department else None)
    _check_department(department)
    requested_by = requested_by or person_of(actor)
    if requested_by is None:
        raise ValidationError({"requested_by": _("请填写申请人 / name who asks")})
    need_active_person(requested_by, "requested_by", _("申请人"))
    req = PurchaseRequest(number=next_number(PurchaseRequest, "CG"), department=department, items=items,
                          quantity=quantity, estimated_cost=estimated_cost, requested_by=requested_by,
                          requested_at=timezone.now())
    with audited_write():
        req.full_clean()
        req.save()
        record(actor, "assets.purchaserequest.create", req, after=snapshot(req), reason=reason)
        workflows.start(req, actor, PURCHASE, reason=items[:200])
    return req


def purchase_create(actor, *, reason: str = "", **data) -> PurchaseRequest:
    return purchase_request(actor, reason=reason, **data)


def purchase_update(actor, req: PurchaseRequest, *, reason: str = "", **data) -> PurchaseRequest:
    need_status(req, P.REQUESTED)
    _check_department(data.get("department", req.department))
    return instance_update(actor, req, data, department_field="department", reason=reason)


def purchase_archive(actor, req: PurchaseRequest, *, reason: str = "") -> PurchaseRequest:
    if req.status in PurchaseRequest.OPEN:
        raise ValidationError(_("未办结的采购申请不能归档 / an open purchase request cannot be archived"))
    return instance_archive(actor, req, department_field="department", reason=reason)


def _not_requester(actor, req, message):
    if actor is not None and getattr(actor, "person_id", None) == req.requested_by_id:
        raise PermissionDenied(message)


def purchase_decide(actor, req: PurchaseRequest, *, approve: bool, note: str = "", reason: str = "") -> PurchaseRequest:
    """科室负责人, then the leadership, approve (in the engine when a workflow runs). Without a
    workflow (the system's own records) the two approvals are taken in order, by two people."""
    need_status(req, P.REQUESTED)
    _not_requester(actor, req, _("不得审批本人的采购申请 / you may not decide your own request"))
    note = note or reason
    if not approve and not note.strip():
        raise ValidationError(_("不批准须说明理由 / give the reason for the refusal"))
    instance = workflows.running(req, PURCHASE)
    if instance is not None:
        workflows.act(actor, instance, "approve" if approve else "reject", note)
        req.refresh_from_db()
        return req
    head_step = req.head_approved_at is None
    require(actor, "assets.purchaserequest.approve" if head_step else "assets.purchaserequest.approve_leader",
            req.department_id if head_step else None)
    if not head_step and actor is not None and actor.pk == req.head_approved_by_id:
        raise PermissionDenied(_("两级审批不得由同一人办理 / the two approvals need two people"))
    now = timezone.now()
    with audited_write():
        before = snapshot(req, ["status"])
        fields = ["status", "decision_note"]
        req.decision_note = note
        if not approve:
            req.status = P.REJECTED
        elif head_step:
            req.head_approved_by, req.head_approved_at = actor, now
            fields += ["head_approved_by", "head_approved_at"]
        else:
            req.status, req.leader_approved_by, req.leader_approved_at = P.APPROVED, actor, now
            fields += ["leader_approved_by", "leader_approved_at"]
        step(actor, "assets.purchaserequest.approve" if approve else "assets.purchaserequest.reject", req, fields,
             before, reason)
    return req


def purchase_record(actor, req: PurchaseRequest, *, supplier: str, amount, purchased_on=None,
                    reason: str = "") -> PurchaseRequest:
    """后勤采购统一购置: only a request with both approvals."""
    require(actor, "assets.purchaserequest.purchase")
    need_status(req, P.APPROVED)
    if req.head_approved_at is None or req.leader_approved_at is None:
        raise PermissionDenied(_("采购申请未经科室负责人和院长(总经理)批准 / the request lacks an approval"))
    _not_requester(actor, req, _("申请人不得经办本人申请的采购 / the requester may not make the purchase"))
    if not (supplier or "").strip():
        raise ValidationError({"supplier": _("请填写供应商 / name the supplier")})
    if amount is None or amount < 0:
        raise ValidationError({"amount": _("请填写采购金额 / give the amount")})
    with audited_write():
        before = snapshot(req, ["status"])
        req.status, req.supplier, req.amount = P.PURCHASED, supplier.strip(), amount
        req.purchased_on, req.purchased_by = purchased_on or timezone.localdate(), actor
        step(actor, "assets.purchaserequest.purchase", req,
             ["status", "supplier", "amount", "purchased_on", "purchased_by"], before, reason)
    return req


def purchase_distribute(actor, req: PurchaseRequest, *, distribution: str, reason: str = "") -> PurchaseRequest:
    """统一给各科室配置."""
    require(actor, "assets.purchaserequest.purchase")
    need_status(req, P.PURCHASED)
    if not (distribution or "").strip():
        raise ValidationError({"distribution": _("请说明配发给哪些科室 / state which departments received what")})
    with audited_write():
        before = snapshot(req, ["status"])
        req.status, req.distribution, req.distributed_at = P.DISTRIBUTED, distribution.strip(), timezone.now()
        step(actor, "assets.purchaserequest.distribute", req, ["status", "distribution", "distributed_at"], before,
             reason)
    return req


def purchase_cancel(actor, req: PurchaseRequest, *, reason: str = "") -> PurchaseRequest:
    require(actor, "assets.purchaserequest.add", req.department_id)
    need_status(req, P.REQUESTED, P.APPROVED)
    instance = workflows.running(req, PURCHASE)
    if instance is not None:
        workflows.cancel(actor, instance, reason)
        req.refresh_from_db()
        return req
    with audited_write():
        before = snapshot(req, ["status"])
        req.status = P.CANCELLED
        step(actor, "assets.purchaserequest.cancel", req, ["status"], before, reason)
    return req


# Engine hooks (``assets_purchase.yaml``), in the engine's transaction.

def purchase_approved(instance, actor):
    req = workflows._subject(instance, PurchaseRequest, P.REQUESTED)
    head = workflows._actions(instance, "approve").filter(step__code="department_head").last()
    if head is not None:  # 科室负责人: a department head of the requesting department (else undone)
        workflows._need_scope(head.actor, "assets.purchaserequest.approve", req.department_id)
    before = snapshot(req, ["status"])
    if head is not None:
        req.head_approved_by, req.head_approved_at = head.actor, head.at
    req.status, req.leader_approved_by, req.leader_approved_at = P.APPROVED, actor, timezone.now()
    req.decision_note = workflows._last_comment(instance)
    workflows._save(actor, "assets.purchaserequest.approve", req,
                    ["status", "head_approved_by", "head_approved_at", "leader_approved_by", "leader_approved_at",
                     "decision_note"], before)


def purchase_ended(instance, actor):
    req = workflows._subject(instance, PurchaseRequest)
    if req.status != P.REQUESTED:
        return
    before = snapshot(req, ["status"])
    req.status = P.REJECTED if instance.state == instance.State.REJECTED else P.CANCELLED
    req.decision_note = workflows._last_comment(instance)
    workflows._save(actor, "assets.purchaserequest.reject" if req.status == P.REJECTED else
                    "assets.purchaserequest.cancel", req, ["status", "decision_note"], before)
