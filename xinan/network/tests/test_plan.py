"""The IP plan's rules: subnets never overlap, addresses sit inside a subnet and are live for one
device at a time, every allocation rests on an approved request (p21.5.2.4, p16.3.1, p15.2.7)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from xinan.audit.services import audited_write, record
from xinan.network import access, services
from xinan.network.models import AllocationEvent, IPAllocation, NetworkAccessRequest


def _messages(exc):
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


# --- subnets (p21.5.2.4 规划) --------------------------------------------------------------------


@pytest.mark.parametrize("cidr", ["192.168.10.0/24", "192.168.10.128/25", "192.168.0.0/16", "192.168.10.7/32"])
def test_overlapping_subnets_are_refused(office, cidr):
    """p21.5.2.4: the plan has no two prefixes covering one address (equal, inside, around)."""
    with pytest.raises(ValidationError) as exc:
        services.subnet_create(None, cidr=cidr, name="重叠", purpose="测试")
    assert "与已有网段 192.168.10.0/24(办公网)重叠" in _messages(exc)


def test_ipv6_subnets_live_beside_ipv4_and_overlap_among_themselves(office):
    v6 = services.subnet_create(None, cidr="2001:DB8:10::/64", name="办公网 IPv6", purpose="办公")
    assert v6.cidr == "2001:db8:10::/64" and v6.version == 6
    with pytest.raises(ValidationError, match="重叠"):
        services.subnet_create(None, cidr="2001:db8:10::/48", name="大网段", purpose="测试")
    services.subnet_create(None, cidr="2001:db8:11::/64", name="相邻", purpose="测试")  # adjacent: fine


def test_an_archived_subnet_no_longer_blocks_its_prefix(office):
    services.subnet_archive(None, office)
    again = services.subnet_create(None, cidr="192.168.10.0/24", name="新办公网", purpose="办公")
    assert again.pk != office.pk


def test_a_subnet_cannot_shrink_past_or_be_archived_with_live_addresses(office, allocate):
    allocate("192.168.10.200", "PC-200")
    with pytest.raises(ValidationError, match="192.168.10.200"):
        services.subnet_update(None, office, cidr="192.168.10.0/25")
    with pytest.raises(ValidationError, match="公网"):
        services.subnet_update(None, office, is_public=True)
    with pytest.raises(ValidationError, match="先收回"):
        services.subnet_archive(None, office)
    services.subnet_update(None, office, cidr="192.168.8.0/22")  # still holds .10.200
    office.refresh_from_db()
    assert office.cidr == "192.168.8.0/22"


# --- allocations ---------------------------------------------------------------------------------


def test_duplicate_ip_is_refused_with_the_holder_named(office, allocate, approved, it_dept):
    allocate("192.168.10.11", "PC-011")
    with pytest.raises(ValidationError) as exc:
        services.allocation_create(None, ip="192.168.10.11", device_label="PC-099", department=it_dept,
                                   access_request=approved("PC-099"))
    assert "192.168.10.11 已分配给设备 PC-011" in _messages(exc)


def test_the_database_refuses_a_second_live_allocation_too(office, allocate):
    """The partial unique index holds whatever the entry point (a write past the service)."""
    first = allocate("192.168.10.12", "PC-012")
    twin = IPAllocation(ip=first.ip, version=4, ip_key=first.ip_key, subnet=office, device_label="X",
                        department=first.department, access_request=first.access_request,
                        status=IPAllocation.Status.ACTIVE)
    with pytest.raises(IntegrityError):
        with audited_write():
            twin.save()
            record(None, "test.plant", twin)


def test_released_address_can_be_given_again(office, allocate):
    first = allocate("192.168.10.13", "PC-013")
    services.allocation_release(None, first, reason="报废")
    second = allocate("192.168.10.13", "PC-113")
    assert second.status == IPAllocation.Status.ACTIVE
    assert list(first.events.values_list("kind", flat=True)) == ["released", "activated"]


@pytest.mark.parametrize("ip, message", [
    ("10.9.9.9", "不在 IP 规划的任何网段内"),
    ("192.168.10.0", "网络地址或广播地址"),
    ("192.168.10.255", "网络地址或广播地址"),
    ("192.168.10.300", "不是有效的 IP 地址"),
])
def test_addresses_outside_the_plan_or_reserved_are_refused(office, approved, it_dept, ip, message):
    with pytest.raises(ValidationError) as exc:
        services.allocation_create(None, ip=ip, device_label="PC-X", department=it_dept, access_request=approved("PC-X"))
    assert message in _messages(exc) and list(exc.value.message_dict) == ["ip"]


def test_address_is_reserved_until_the_request_is_approved(office, it_dept, make_user):
    """p15.2.7 入网须批准后方可接入: requested (reserved) until the IT section approves."""
    requester = make_user("staff")
    admin = make_user("system_admin")
    request = access.access_request_create(requester, department=requester.person.department, device_label="PC-020",
                                           mac="AA-BB-CC-00-00-20", purpose="新员工入网")
    instance = access.workflow_of(request)
    assert instance.code == "network_access_approval" and instance.requester == requester
    allocation = services.allocation_create(None, ip="192.168.10.20", device_label="PC-020", department=it_dept,
                                            access_request=request)
    assert allocation.status == IPAllocation.Status.REQUESTED and allocation.activated_at is None
    with pytest.raises(PermissionDenied, match="信息科批准备案"):
        access.access_request_approve(requester, request)  # not theirs: the IT section's step
    access.access_request_approve(admin, request, reason="同意入网")
    request.refresh_from_db()
    instance.refresh_from_db()
    assert instance.state == "approved" and request.decision_note == "同意入网"
    allocation.refresh_from_db()
    assert allocation.status == IPAllocation.Status.ACTIVE and allocation.activated_at is not None
    assert request.approved_by == admin and request.status == NetworkAccessRequest.Status.APPROVED
    assert list(allocation.events.order_by("pk").values_list("kind", flat=True)) == ["requested", "activated"]


def test_a_rejected_request_frees_its_reserved_address(office, it_dept, make_user):
    request = access.access_request_create(None, department=it_dept, device_label="PC-021", purpose="入网")
    allocation = services.allocation_create(None, ip="192.168.10.21", device_label="PC-021", department=it_dept,
                                            access_request=request)
    with pytest.raises(ValidationError, match="理由"):
        access.access_request_reject(make_user("system_admin"), request)
    access.access_request_reject(make_user("system_admin"), request, reason="设备未登记")
    allocation.refresh_from_db()
    assert allocation.status == IPAllocation.Status.RELEASED
    with pytest.raises(ValidationError, match="已驳回"):
        services.allocation_create(None, ip="192.168.10.22", device_label="PC-021", department=it_dept,
                                   access_request=request)


def test_only_the_administrator_allocates(office, approved, it_dept, make_user):
    staff = make_user("staff", dept=it_dept)
    with pytest.raises(PermissionDenied):
        services.allocation_create(staff, ip="192.168.10.30", device_label="PC-030", department=it_dept,
                                   access_request=approved("PC-030"))
    made = services.allocation_create(make_user("system_admin"), ip="192.168.10.30", device_label="PC-030",
                                      department=it_dept, access_request=approved("PC-030"))
    assert made.subnet == office


def test_an_approved_change_of_ip_and_name_is_in_the_history(office, allocate, make_user):
    """p16.3.1 / p07.11: the administrator's change is the approved one, and it is recorded."""
    allocation = allocate("192.168.10.40", "PC-040", mac="aa:bb:cc:00:00:40", hostname="pc-040")
    services.allocation_update(make_user("system_admin"), allocation, ip="192.168.10.41", hostname="PC-040B.corp",
                               reason="调整机位")
    allocation.refresh_from_db()
    assert (allocation.ip, allocation.hostname, allocation.domain) == ("192.168.10.41", "pc-040b", "corp")
    change = allocation.events.get(kind=AllocationEvent.Kind.CHANGED)
    assert change.changes == {"ip": ["192.168.10.40", "192.168.10.41"], "hostname": ["pc-040", "pc-040b"],
                              "domain": ["", "corp"]}
    assert change.reason == "调整机位"


def test_next_free_address_skips_taken_and_reserved(office, allocate, approved):
    allocate("192.168.10.1", "GW")
    allocate("192.168.10.2", "PC-002")
    request = approved("PC-NEW", subnet=office)
    made = services.allocate(None, access_request=request)
    assert made.ip == "192.168.10.3" and made.device_label == "PC-NEW"
    tiny = services.subnet_create(None, cidr="10.99.0.0/30", name="互联", purpose="互联")
    services.allocate(None, access_request=approved("R1"), subnet=tiny)
    services.allocate(None, access_request=approved("R2"), subnet=tiny)
    with pytest.raises(ValidationError, match="已无空闲地址"):
        services.allocate(None, access_request=approved("R3"), subnet=tiny)


# --- public addresses (p16.3.2–p16.3.4) --------------------------------------------------------


@pytest.fixture
def public_net(db):
    return services.subnet_create(None, cidr="203.0.113.0/28", name="公网地址段", purpose="对外服务", is_public=True)


def test_a_public_address_needs_a_public_request_and_an_end_date(public_net, approved, it_dept):
    with pytest.raises(ValidationError) as exc:
        services.allocation_create(None, ip="203.0.113.2", device_label="WEB", department=it_dept,
                                   access_request=approved("WEB"))
    assert "公网 IP 须有经领导批准的公网 IP 申请" in _messages(exc)
    with pytest.raises(ValidationError, match="使用截止日期"):
        access.access_request_create(None, department=it_dept, kind="public", device_label="WEB", purpose="对外服务")
    with pytest.raises(ValidationError, match="公网网段"):
        access.access_request_create(None, department=it_dept, kind="lan", device_label="WEB", purpose="x",
                                     subnet=public_net)


def test_public_address_needs_a_second_approval_by_a_leader_then_is_reclaimed(public_net, it_dept, make_user):
    """p16.3.3 须申请上级领导批准; p16.3.4 无工作需要时立即收回."""
    requester, admin, leader = make_user("staff"), make_user("system_admin"), make_user("deputy_gm")
    request = access.access_request_create(requester, department=requester.person.department, kind="public",
                                           device_label="WEB-01", purpose="对外网站", needed_until=date(2031, 12, 31),
                                           subnet=public_net)
    allocation = services.allocate(admin, access_request=request)
    assert allocation.is_public and allocation.status == "requested" and allocation.valid_until == date(2031, 12, 31)
    assert access.workflow_of(request).code == "public_ip_approval"
    with pytest.raises(PermissionDenied):
        access.access_request_approve(leader, request)  # the IT section's step comes first
    access.access_request_approve(admin, request, reason="已备案")
    assert request.status == "submitted"
    allocation.refresh_from_db()
    assert allocation.status == "requested"  # still waiting for the superior
    with pytest.raises(PermissionDenied):
        access.access_request_approve(admin, request)  # the superior's step
    access.access_request_approve(leader, request, reason="同意使用公网IP")
    assert (request.approved_by, request.public_approved_by) == (admin, leader)
    assert request.approved_at <= request.public_approved_at
    allocation.refresh_from_db()
    assert request.status == "approved" and allocation.status == "active"
    access.access_request_end(requester, request, reason="网站下线")
    allocation.refresh_from_db()
    assert allocation.status == "released" and request.status == "closed"
