"""调用记录单: p01.2.7.a (the administrator executes), p01.2.7.b-a (every move has a record),
p01.2.7.b-b (the deputy general manager approves, never the requester; then filed)."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from xinan.audit.models import AuditEvent

from .. import services
from ..models import Equipment, ResponsibleChange, Transfer
from .conftest import plant


@pytest.fixture
def request_move(device, other_dept, person, admin, dgm):
    def make(**extra):
        pc = extra.pop("equipment", None) or device(location="三楼")
        return services.transfer_request(admin, equipment=pc, to_department=other_dept,
                                         to_responsible=person("接收人", department=other_dept), to_location="一楼",
                                         purpose="工作调整", **extra)

    return make


def test_full_transfer_moves_the_device_directly(request_move, admin, dgm):
    transfer = request_move()
    pc = transfer.equipment
    old = pc.responsible
    assert (transfer.status, transfer.requested_by, transfer.from_responsible) == ("requested", admin, old)
    services.transfer_approve(dgm, transfer, reason="同意")
    services.transfer_execute(admin, transfer)
    pc.refresh_from_db()
    assert (pc.department, pc.responsible, pc.user, pc.location) == (
        transfer.to_department, transfer.to_responsible, transfer.to_responsible, "一楼")
    change = ResponsibleChange.objects.get(equipment=pc)
    assert (change.from_person, change.to_person) == (old, transfer.to_responsible)
    assert change.filed_at == transfer.executed_at or change.filed_at >= transfer.executed_at
    services.transfer_file(admin, transfer)
    assert Transfer.objects.get(pk=transfer.pk).status == "filed"
    actions = list(AuditEvent.objects.filter(subject_type="assets.transfer", subject_id=str(transfer.pk))
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["assets.transfer.create", "assets.transfer.approve", "assets.transfer.execute",
                       "assets.transfer.file"]


def test_requester_cannot_approve(device, other_dept, person, make_user, dgm):
    """Bad input: a transfer approved by its requester is refused with a clear message."""
    both = make_user("system_admin", "deputy_gm")
    transfer = services.transfer_request(both, equipment=device(), to_department=other_dept,
                                         to_responsible=person("接收人", department=other_dept), purpose="调整")
    with pytest.raises(PermissionDenied) as exc:
        services.transfer_approve(both, transfer)
    assert str(exc.value) == "不得批准本人发起的调用申请 / you may not approve a transfer you requested"
    assert Transfer.objects.get(pk=transfer.pk).status == "requested"


def test_only_the_deputy_gm_approves_and_only_after_approval_is_it_executed(request_move, admin, make_user):
    transfer = request_move()
    with pytest.raises(PermissionDenied):
        services.transfer_approve(make_user("department_head"), transfer)
    with pytest.raises(ValidationError):
        services.transfer_execute(admin, transfer)  # not approved yet


def test_rejection_needs_a_reason(request_move, dgm):
    transfer = request_move()
    with pytest.raises(ValidationError):
        services.transfer_reject(dgm, transfer)
    services.transfer_reject(dgm, transfer, reason="无必要")
    assert Transfer.objects.get(pk=transfer.pk).status == "rejected"


def test_one_open_transfer_per_device_and_none_in_repair(request_move, device, admin, person):
    transfer = request_move()
    with pytest.raises(ValidationError) as exc:
        request_move(equipment=transfer.equipment)
    assert "未完成的调用记录单" in exc.value.message_dict["equipment"][0]
    broken = device()
    services.repair_report(admin, equipment=broken, reported_by=broken.responsible, fault="蓝屏")
    broken.refresh_from_db()
    with pytest.raises(ValidationError):
        request_move(equipment=broken)


def test_p01_2_7_b_b_executed_without_approval_is_found(request_move, admin, dgm, run):
    transfer = request_move()
    services.transfer_approve(dgm, transfer)
    services.transfer_execute(admin, transfer)
    assert run("p01.2.7.b-b") == []
    plant(transfer, approved_by=admin)  # as if the requester had signed
    assert [f.subject_id for f in run("p01.2.7.b-b")] == [str(transfer.pk)]


def test_steps_page_approves_and_prints_the_form(request_move, dgm, admin, login):
    transfer = request_move()
    client = login(dgm)
    page = client.get(reverse("assets:transfer_steps", args=[transfer.pk]))
    assert page.status_code == 200 and "副总经理批准" in page.content.decode()
    assert "执行调用" not in page.content.decode()  # not the deputy GM's step
    response = client.post(reverse("assets:transfer_steps", args=[transfer.pk]), {"step": "approve", "reason": "同意"})
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == "approved" and transfer.approved_by == dgm
    refused = client.post(reverse("assets:transfer_steps", args=[transfer.pk]), {"step": "execute"})
    assert refused.status_code == 403
    printed = login(admin).get(reverse("registers:transfers_print", args=[transfer.pk])).content.decode()
    assert "《调用记录单》" in printed and "副总经理签字" in printed and transfer.equipment.asset_no in printed


def test_equipment_stays_put_when_rejected(request_move, dgm):
    transfer = request_move()
    before = Equipment.objects.get(pk=transfer.equipment_id).department_id
    services.transfer_reject(dgm, transfer, reason="不同意")
    assert Equipment.objects.get(pk=transfer.equipment_id).department_id == before


def test_the_approval_runs_in_the_workflow_engine(request_move, admin, dgm, login):
    """A person's request starts assets_transfer; approving on the engine's own page (its API)
    marks the record approved through the completion hook."""
    from xinan.workflows.models import WorkflowInstance

    transfer = request_move()
    instance = WorkflowInstance.objects.get(code="assets_transfer", subject_id=str(transfer.pk))
    assert instance.state == "running" and instance.requester == admin
    response = login(dgm).post(f"/api/workflows/instances/{instance.pk}/act",
                               json.dumps({"decision": "approve", "comment": "同意"}), content_type="application/json")
    assert response.status_code == 200, response.content
    transfer.refresh_from_db()
    assert (transfer.status, transfer.approved_by, transfer.decision_note) == ("approved", dgm, "同意")
    services.transfer_execute(admin, transfer)
    assert Transfer.objects.get(pk=transfer.pk).status == "executed"


def test_a_rejection_in_the_engine_rejects_the_record(request_move, dgm):
    from xinan.workflows.models import WorkflowInstance
    from xinan.workflows.services import workflow_act

    transfer = request_move()
    instance = WorkflowInstance.objects.get(code="assets_transfer", subject_id=str(transfer.pk))
    with pytest.raises(ValidationError):
        workflow_act(dgm, instance, "reject", "")  # the engine wants a reason too
    workflow_act(dgm, instance, "reject", "不必调用")
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decision_note) == ("rejected", "不必调用")


def test_cancel_by_the_requester_ends_the_workflow(request_move, admin):
    from xinan.workflows.models import WorkflowInstance

    transfer = request_move()
    services.transfer_cancel(admin, transfer, reason="不再需要")
    assert Transfer.objects.get(pk=transfer.pk).status == "cancelled"
    assert WorkflowInstance.objects.get(subject_id=str(transfer.pk), code="assets_transfer").state == "cancelled"


def test_an_approval_started_again_after_execution_is_refused(request_move, admin, dgm):
    """发起 from the register on a record that already moved on: the completion hook refuses."""
    from xinan.core.registers import registry
    from xinan.workflows.services import register_workflow_start, workflow_act

    transfer = request_move()
    services.transfer_approve(dgm, transfer)
    services.transfer_execute(admin, transfer)
    instance = register_workflow_start(admin, registry.get("transfers"), transfer, "approval", reason="再次审批")
    with pytest.raises(ValidationError) as exc:
        workflow_act(dgm, instance, "approve", "同意")
    assert "不在待审批状态" in str(exc.value)
    assert Transfer.objects.get(pk=transfer.pk).status == "executed"
