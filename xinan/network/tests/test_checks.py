"""The network_ip checks over observed facts and allocations, through ``xinan check`` as an
operator runs it. The example of the issue: an import with two unregistered devices and one
unapproved IP change yields exactly those findings (p15.2.9-a, p15.2.7, p16.3.1, p01.2.5-a, p07.11).
"""

import io
import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from xinan.audit.services import audited_write, record, snapshot
from xinan.network import access, services
from xinan.network.models import Observation
from xinan.network.observations import observations_import
from xinan.policy.services import checks_run

from .conftest import csv_bytes, stamp

NETWORK_CLAUSES = ["p15.2.9-a", "p15.2.9-c", "p15.2.7", "p16.3.1", "p01.2.5-a", "p07.11", "p21.5.2.4", "p16.3.2",
                   "p16.3.3", "p16.3.4"]


def check_json(clause):
    """``xinan check --format json --clause <id>``: (exit code, findings)."""
    out = io.StringIO()
    code = 0
    try:
        call_command("check", format="json", clause=clause, stdout=out, stderr=io.StringIO())
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(out.getvalue())


def observe(rows, header=("ip", "mac", "hostname"), **kwargs):
    result = observations_import(None, file_name="arp.csv", content=csv_bytes(rows, header=header), **kwargs)
    assert result.ok, result.errors
    return result.imported


def plant(instance, **changes):
    """A change past the services (a restored dump, a manual SQL edit), still audited."""
    with audited_write():
        for name, value in changes.items():
            setattr(instance, name, value)
        instance.save()
        record(None, "test.plant", instance, after=snapshot(instance, list(changes)))
    return instance


def everything():
    return [(f.clause, f.subject_type, f.subject_id) for f in checks_run(as_of=timezone.now()).findings
            if f.clause in NETWORK_CLAUSES]


@pytest.fixture
def plan(office, allocate):
    return {
        "pc11": allocate("192.168.10.11", "PC-011", mac="aa:bb:cc:00:00:11", hostname="pc-011"),
        "pc12": allocate("192.168.10.12", "PC-012", mac="aa:bb:cc:00:00:12", hostname="pc-012"),
    }


def test_two_unregistered_devices_and_one_unapproved_ip_change(plan):
    """The issue's example: exactly these findings, as ``xinan check --format json --clause`` prints them."""
    imported = observe([
        ["192.168.10.11", "AA-BB-CC-00-00-11", "pc-011"],      # as allocated
        ["192.168.10.55", "aa:bb:cc:00:00:12", "pc-012"],      # PC-012 moved itself from .12 to .55
        ["192.168.10.60", "aa:bb:cc:00:00:60", "laptop-x"],    # nobody registered it
        ["192.168.10.61", "aa:bb:cc:00:00:61", ""],            # nor this one
    ])
    seen = Observation.objects.filter(source_import=imported).first().seen_at
    since = timezone.localtime(seen).isoformat()
    at = f"{timezone.localtime(seen):%Y-%m-%d %H:%M}"

    def unregistered(clause, ip, mac, host, label):
        return {"clause": clause, "severity": "violation",
                "subject": {"type": "network.device", "id": mac, "label": label},
                "message": {"zh": f"未登记设备 {label} 于 {at} 接入网络,无入网审批和 IP 分配记录",
                            "en": f"unregistered device {label} on the network at {at}: no approved access and no allocation"},
                "since": since, "evidence": {"ip": ip, "mac": mac, "hostname": host, "domain": "", "seen_at": since}}

    code, found = check_json("p15.2.9-a")
    assert code == 1
    assert found == [
        unregistered("p15.2.9-a", "192.168.10.60", "aa:bb:cc:00:00:60", "laptop-x", "192.168.10.60(aa:bb:cc:00:00:60, laptop-x)"),
        unregistered("p15.2.9-a", "192.168.10.61", "aa:bb:cc:00:00:61", "", "192.168.10.61(aa:bb:cc:00:00:61)"),
    ]
    code, found = check_json("p15.2.7")
    assert [f["subject"]["id"] for f in found] == ["aa:bb:cc:00:00:60", "aa:bb:cc:00:00:61"]

    pc12 = plan["pc12"]
    moved = {"clause": "p16.3.1", "severity": "violation",
             "subject": {"type": "network.ipallocation", "id": str(pc12.pk), "label": "192.168.10.12 PC-012"},
             "message": {"zh": f"设备 PC-012(aa:bb:cc:00:00:12)分配的 IP 为 192.168.10.12,于 {at} 出现在 192.168.10.55,未经批准擅自更改 IP",
                         "en": f"device PC-012 (aa:bb:cc:00:00:12) is allocated 192.168.10.12 but was seen on 192.168.10.55 "
                               f"at {at}: IP changed without approval"},
             "since": since, "evidence": {"ip": "192.168.10.55", "mac": "aa:bb:cc:00:00:12", "hostname": "pc-012",
                                          "domain": "", "seen_at": since, "allocated_ip": "192.168.10.12"}}
    assert check_json("p16.3.1") == (1, [moved])
    assert check_json("p01.2.5-a") == (1, [dict(moved, clause="p01.2.5-a")])
    assert check_json("p07.11") == (1, [dict(moved, clause="p07.11")])
    for clause in ("p15.2.9-c", "p21.5.2.4", "p16.3.2", "p16.3.3", "p16.3.4"):
        assert check_json(clause) == (0, []), clause
    assert sorted(everything()) == sorted(
        [(c, "network.device", m) for c in ("p15.2.9-a", "p15.2.7") for m in ("aa:bb:cc:00:00:60", "aa:bb:cc:00:00:61")]
        + [(c, "network.ipallocation", str(pc12.pk)) for c in ("p16.3.1", "p01.2.5-a", "p07.11")])


def test_registering_the_devices_and_approving_the_move_clears_the_findings(plan, allocate, make_user):
    observe([["192.168.10.55", "aa:bb:cc:00:00:12", "pc-012"], ["192.168.10.60", "aa:bb:cc:00:00:60", "laptop-x"]])
    assert len(everything()) == 5
    services.allocation_update(make_user("system_admin"), plan["pc12"], ip="192.168.10.55", reason="补办变更")
    allocate("192.168.10.60", "LT-060", mac="aa:bb:cc:00:00:60", hostname="laptop-x")
    # The observations predate the new allocations: a fresh import shows the network as it is now.
    observe([["192.168.10.55", "aa:bb:cc:00:00:12", "pc-012"], ["192.168.10.60", "aa:bb:cc:00:00:60", "laptop-x"]])
    assert everything() == []


def test_an_observation_older_than_an_approved_change_is_not_held_against_it(plan, make_user):
    observe([["192.168.10.12", "aa:bb:cc:00:00:12", "pc-012"]])
    services.allocation_update(make_user("system_admin"), plan["pc12"], ip="192.168.10.13", reason="调整")
    assert everything() == []  # the device was seen on .12 while .12 was its address


def test_host_name_or_domain_changed_without_approval(plan):
    observe([["192.168.10.11", "aa:bb:cc:00:00:11", "gaming-pc"], ["192.168.10.12", "aa:bb:cc:00:00:12", "pc-012"]],
            source="dhcp")
    code, found = check_json("p07.11")
    assert code == 1 and len(found) == 1
    assert found[0]["subject"]["id"] == str(plan["pc11"].pk)
    assert "登记的主机名为 pc-011" in found[0]["message"]["zh"] and "观测为 gaming-pc" in found[0]["message"]["zh"]
    assert found[0]["evidence"]["allocated_hostname"] == "pc-011"
    services.allocation_update(None, plan["pc12"], domain="corp.local")
    observe([["192.168.10.12", "aa:bb:cc:00:00:12", "pc-012.workgroup"]])  # left the domain
    code, found = check_json("p07.11")
    assert sorted(f["subject"]["id"] for f in found) == sorted([str(plan["pc11"].pk), str(plan["pc12"].pk)])


def test_an_unknown_device_on_an_allocated_address_steals_it(plan):
    observe([["192.168.10.11", "de:ad:be:ef:00:01", "intruder"]])
    code, found = check_json("p15.2.9-c")
    assert code == 1 and len(found) == 1
    assert found[0]["subject"] == {"type": "network.device", "id": "de:ad:be:ef:00:01",
                                   "label": "192.168.10.11(de:ad:be:ef:00:01, intruder)"}
    assert found[0]["evidence"]["allocated_to"] == "PC-011"
    assert [f["subject"]["id"] for f in check_json("p15.2.9-a")[1]] == ["de:ad:be:ef:00:01"]


def test_observed_address_outside_every_subnet(plan):
    observe([["10.77.0.5", "", ""]])
    code, found = check_json("p16.3.1")
    assert [(f["subject"]["id"], f["message"]["zh"]) for f in found] == [
        ("10.77.0.5", "观测到的地址 10.77.0.5 不在 IP 规划的任何网段内")]
    assert [f["subject"]["id"] for f in check_json("p15.2.9-a")[1]] == ["10.77.0.5"]


def test_old_observations_and_released_devices_are_not_current(plan):
    old = timezone.localtime(timezone.now()).replace(microsecond=0) - timedelta(days=8)
    observe([["192.168.10.70", "aa:bb:cc:00:00:70", "", stamp(old)]], header=("ip", "mac", "hostname", "seen_at"))
    assert everything() == []  # older than network.observation.window (P7D)
    observe([["192.168.10.11", "aa:bb:cc:00:00:11", "pc-011"]])
    services.allocation_release(None, plan["pc11"], reason="报废")
    assert everything() == []  # it was registered when it was seen


def test_a_device_on_the_network_before_its_approval(office, it_dept, make_user):
    """p15.2.7: connected while its address was only reserved (request not yet approved)."""
    request = access.access_request_create(None, department=it_dept, device_label="PC-080", purpose="入网")
    allocation = services.allocation_create(None, ip="192.168.10.80", device_label="PC-080", department=it_dept,
                                            access_request=request, mac="aa:bb:cc:00:00:80")
    observe([["192.168.10.80", "aa:bb:cc:00:00:80", ""]])
    code, found = check_json("p15.2.7")
    assert code == 1 and [f["subject"]["id"] for f in found] == [str(allocation.pk)]
    assert "批准、地址启用之前已接入网络" in found[0]["message"]["zh"]
    access.access_request_approve(make_user("system_admin"), request)
    code, found = check_json("p15.2.7")
    assert [f["subject"]["id"] for f in found] == [str(allocation.pk)]  # seen before the approval: still true
    assert check_json("p15.2.9-a") == (0, [])


def test_an_active_address_without_an_approved_request(plan):
    plant(plan["pc11"].access_request, status="submitted", approved_at=None)
    code, found = check_json("p15.2.7")
    assert [(f["subject"]["id"], f["evidence"]["request_status"]) for f in found] == [(str(plan["pc11"].pk), "submitted")]


def test_an_allocation_outside_the_plan(plan, office):
    plant(office, archived_at=timezone.now())
    code, found = check_json("p21.5.2.4")
    assert sorted(f["subject"]["label"] for f in found) == ["192.168.10.11 PC-011", "192.168.10.12 PC-012"]


@pytest.fixture
def public_net(db):
    return services.subnet_create(None, cidr="203.0.113.0/28", name="公网地址段", purpose="对外服务", is_public=True)


def _public(public_net, it_dept, ip="203.0.113.2", until=date(2031, 1, 31)):
    request = access.access_request_create(None, department=it_dept, kind="public", device_label="WEB-01",
                                           purpose="对外网站", needed_until=until, subnet=public_net)
    access.access_request_approve(None, request)
    access.access_request_approve(None, request)
    return services.allocation_create(None, ip=ip, device_label="WEB-01", department=it_dept, access_request=request,
                                      mac="aa:bb:cc:00:01:02")


def test_public_addresses_approved_used_and_reclaimed(public_net, it_dept):
    """p16.3.3 领导批准; p16.3.4 不用立即收回; p16.3.2 不得私用."""
    web = _public(public_net, it_dept)
    observe([["203.0.113.2", "aa:bb:cc:00:01:02", ""]])
    for clause in ("p16.3.2", "p16.3.3", "p16.3.4"):
        assert check_json(clause) == (0, []), clause
    plant(web, valid_until=timezone.localdate() - timedelta(days=1))
    code, found = check_json("p16.3.4")
    assert code == 1 and [f["subject"]["id"] for f in found] == [str(web.pk)]
    assert found[0]["since"] == timezone.localtime(timezone.make_aware(
        timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time()))).isoformat()
    plant(web.access_request, public_approved_at=None)
    assert [f["subject"]["id"] for f in check_json("p16.3.3")[1]] == [str(web.pk)]
    assert [f["subject"]["id"] for f in check_json("p16.3.2")[1]] == [str(web.pk)]


def test_a_public_address_in_use_without_an_allocation(public_net):
    observe([["203.0.113.9", "aa:bb:cc:00:01:09", "rogue"]])
    code, found = check_json("p16.3.2")
    assert code == 1 and [f["subject"]["id"] for f in found] == ["aa:bb:cc:00:01:09"]
    assert found[0]["message"]["zh"].startswith("公网 IP 203.0.113.9 被")


def test_plan_membership_is_decided_by_the_open_subnet_starting_last_before_the_address(plan, office):
    """p21.5.2.4 at scale: only the open subnet starting last at or before an address can hold it
    (open prefixes never overlap); an archived prefix starting at the same place is ignored."""
    plant(office, archived_at=timezone.now())
    services.subnet_create(None, cidr="192.168.10.0/29", name="前段", purpose="办公")
    services.subnet_create(None, cidr="192.168.10.16/28", name="后段", purpose="办公")
    code, found = check_json("p21.5.2.4")
    assert sorted(f["subject"]["label"] for f in found) == ["192.168.10.11 PC-011", "192.168.10.12 PC-012"]
    services.subnet_create(None, cidr="192.168.10.8/29", name="中段", purpose="办公")
    assert check_json("p21.5.2.4") == (0, [])
