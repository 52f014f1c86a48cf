"""备件耗材采购 (p15.5.4): the IT department requests, its department head and then the leadership
(the deputy general manager as 院长/总经理) approve in the workflow engine, logistics records the
purchase and distributes it; the check flags purchases recorded without both approvals."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xinan.audit.models import AuditEvent

from .. import services
from ..models import PurchaseRequest
from .conftest import plant


@pytest.fixture
def office(make_department):
    return make_department("信息技术部", code="IT")


@pytest.fixture
def it_staff(make_user, office):
    return make_user("staff", name="信息科职员", dept=office)


@pytest.fixture
def it_head(make_user, office):
    return make_user("department_head", name="信息科科长", dept=office)


@pytest.fixture
def purchaser(make_user):
    return make_user("system_admin", name="后勤采购员")


@pytest.fixture
def it_admin(make_user, office):
    """The IT department's administrator, who files the department's requests."""
    return make_user("system_admin", name="信息科管理员", dept=office)


@pytest.fixture
def ask(office, it_admin, it_head, dgm):
    def make(actor=None, department=None):
        return services.purchase_request(actor or it_admin, department=department or office,
                                         items="硒鼓、U盘、备用硬盘", quantity=10, estimated_cost=3000)

    return make


def test_full_purchase_with_both_approvals_then_logistics_and_distribution(ask, it_head, dgm, purchaser, run):
    """p15.5.4: IT request → department head → leadership → purchase record → distribution."""
    req = ask()
    services.purchase_decide(it_head, req, approve=True, note="同意")
    req.refresh_from_db()
    assert req.status == "requested"  # the leadership has not yet approved
    with pytest.raises(ValidationError):
        services.purchase_record(purchaser, req, supplier="某公司", amount=2900)
    services.purchase_decide(dgm, req, approve=True, note="同意购置")
    req.refresh_from_db()
    assert (req.status, req.head_approved_by, req.leader_approved_by) == ("approved", it_head, dgm)
    assert req.head_approved_at <= req.leader_approved_at
    services.purchase_record(purchaser, req, supplier="办公用品公司", amount=2900)
    services.purchase_distribute(purchaser, req, distribution="客服部 硒鼓2个;运营部 U盘3个")
    req.refresh_from_db()
    assert (req.status, req.supplier, req.amount) == ("distributed", "办公用品公司", 2900)
    assert run("p15.5.4") == []
    actions = set(AuditEvent.objects.filter(subject_type="assets.purchaserequest", subject_id=str(req.pk))
                  .values_list("action", flat=True))
    assert {"assets.purchaserequest.create", "assets.purchaserequest.approve", "assets.purchaserequest.purchase",
            "assets.purchaserequest.distribute"} <= actions


def test_only_the_it_department_requests(ask, dept, admin):
    """p15.5.4: 由信息管理部门统一申请 — another department's request is refused."""
    with pytest.raises(ValidationError) as exc:
        services.purchase_request(admin, department=dept, items="硒鼓", quantity=1, estimated_cost=300)
    assert "department" in exc.value.message_dict


def test_the_requester_approves_nothing_and_a_head_of_another_department_cannot_approve(ask, make_user, dept,
                                                                                      it_admin):
    """p15.5.4: requester ≠ approvers; the head approving must head the requesting department."""
    req = ask()
    with pytest.raises(PermissionDenied):
        services.purchase_decide(it_admin, req, approve=True)
    other_head = make_user("department_head", name="客服部经理", dept=dept)
    dgm2 = make_user("deputy_gm", name="院长")
    services.purchase_decide(other_head, req, approve=True)
    with pytest.raises(PermissionDenied):  # the completion hook refuses: undone with the leadership's step
        services.purchase_decide(dgm2, req, approve=True)
    assert PurchaseRequest.objects.get(pk=req.pk).status == "requested"


def test_system_records_take_the_two_approvals_in_order_by_two_people(office, make_user, it_head, dgm, purchaser):
    """p15.5.4 without a workflow (bundles): the head first, then the leadership, two people."""
    req = services.purchase_request(None, department=office, items="磁盘", quantity=2, estimated_cost=800,
                                    requested_by=make_user("staff", dept=office).person)
    with pytest.raises(PermissionDenied):  # the deputy GM cannot take the head's step
        services.purchase_decide(dgm, req, approve=True)
    services.purchase_decide(it_head, req, approve=True)
    with pytest.raises(PermissionDenied):  # nor the head the leadership's
        services.purchase_decide(it_head, req, approve=True)
    services.purchase_decide(dgm, req, approve=True)
    req.refresh_from_db()
    assert (req.status, req.head_approved_by, req.leader_approved_by) == ("approved", it_head, dgm)


def test_check_flags_a_purchase_recorded_without_approvals(ask, office, dept, run, make_user):
    """p15.5.4: a purchase recorded (imported, edited past the services) without the approvals or
    not requested by the IT department is a violation naming what it lacks."""
    req = ask()
    plant(req, status="purchased", supplier="某公司", amount=100, purchased_on=req.requested_at.date())
    findings = run("p15.5.4")
    assert [f.subject_label for f in findings] == [req.number]
    assert "科室负责人批准" in findings[0].message_zh and "院长(总经理)批准" in findings[0].message_zh
    assert "信息管理部门申请" not in findings[0].message_zh
