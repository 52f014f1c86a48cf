"""Network access and public-IP approvals run through the workflow engine (p15.2.7, p16.3.3):
started when a person submits a request, decided in the workflow inbox or on the request's page,
and the request and its addresses follow the workflow's end."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xinan.network import access, services
from xinan.network.models import IPAllocation
from xinan.workflows.services import workflow_act


@pytest.fixture
def people(make_user, it_dept):
    return {"staff": make_user("staff", dept=it_dept), "admin": make_user("system_admin"),
            "leader": make_user("deputy_gm")}


def _reserved(request, it_dept, ip):
    return services.allocation_create(None, ip=ip, device_label=request.device_label, department=it_dept,
                                      access_request=request)


def test_approval_in_the_workflow_inbox_activates_the_address(office, people, it_dept):
    request = access.access_request_create(people["staff"], department=it_dept, device_label="PC-501", purpose="入网")
    allocation = _reserved(request, it_dept, "192.168.10.51")
    workflow_act(people["admin"], access.workflow_of(request), "approve", "同意")  # as the inbox does
    request.refresh_from_db()
    allocation.refresh_from_db()
    assert request.status == "approved" and request.approved_by == people["admin"]
    assert allocation.status == IPAllocation.Status.ACTIVE and allocation.activated_at >= request.approved_at


def test_rejection_and_withdrawal_release_the_reserved_addresses(office, people, it_dept):
    rejected = access.access_request_create(people["staff"], department=it_dept, device_label="PC-502", purpose="入网")
    first = _reserved(rejected, it_dept, "192.168.10.52")
    with pytest.raises(ValidationError, match="意见"):
        access.access_request_reject(people["admin"], rejected)  # a rejection needs a comment
    access.access_request_reject(people["admin"], rejected, reason="设备未登记资产")
    withdrawn = access.access_request_create(people["staff"], department=it_dept, device_label="PC-503", purpose="入网")
    second = _reserved(withdrawn, it_dept, "192.168.10.53")
    with pytest.raises(PermissionDenied):
        access.access_request_withdraw(people["admin"], withdrawn)  # only the requester cancels
    access.access_request_withdraw(people["staff"], withdrawn, reason="不再需要")
    for request, allocation, status in ((rejected, first, "rejected"), (withdrawn, second, "withdrawn")):
        request.refresh_from_db()
        allocation.refresh_from_db()
        assert request.status == status and allocation.status == IPAllocation.Status.RELEASED
        assert access.workflow_of(request) is None  # ended


def test_without_anyone_in_the_it_section_a_request_is_decided_directly(it_dept, make_user):
    """No holder of the IT section's step: no workflow starts; the request waits for a holder of
    the approve permission, and the requester still cannot decide on it."""
    staff = make_user("staff", dept=it_dept)
    request = access.access_request_create(staff, department=it_dept, device_label="PC-504", purpose="入网")
    assert access.workflow_of(request) is None and request.status == "submitted"
    with pytest.raises(PermissionDenied, match="申请人不得审批"):
        access.access_request_approve(staff, request)
    admin = make_user("system_admin")
    access.access_request_approve(admin, request)
    assert request.status == "approved" and request.approved_by == admin
