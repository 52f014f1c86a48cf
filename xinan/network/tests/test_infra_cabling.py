"""Node devices and cabling (p27.1.2.2, p15.5.5) and the isolation of classified hosts and zones
(p15.2.25-c, p27.2.2-b): planted violations and compliant counterparts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from xinan.assets.services import equipment_create
from xinan.core.services import instance_archive, instance_create, instance_update
from xinan.network import services
from xinan.network.facts import facts_import
from xinan.network.models import Boundary, ExternalLink, NetworkChange, NetworkDevice, NetworkLink, SecurityZone
from xinan.network.observations import observations_import
from xinan.policy.services import checks_run

from .conftest import csv_bytes, moment, stamp


def run(clause):
    return sorted((f.subject_label, f.message_zh) for f in checks_run(as_of=timezone.now(), clause=clause).findings)


def ports_file(rows):
    return csv_bytes(rows, header=("device", "port", "neighbour"))


def change(number, kind, performer, approver=None, **extra):
    return instance_create(None, NetworkChange, {"number": number, "kind": kind, "description": number,
                                                 "performed_by": performer, "approved_by": approver,
                                                 "changed_on": timezone.localdate(), **extra})


@pytest.fixture
def people(make_user, make_person):
    return {"admin": make_user("system_admin").person, "admin2": make_user("system_admin").person,
            "clerk": make_person(name="普通职员")}


def test_switch_ports_unlike_the_cabling_register_without_approved_change(people):
    """p27.1.2.2 不得破坏、挪用、改动网络主结点设备、光缆、网线布线: switch-port facts that differ from
    the cabling register (moved, new or removed cable, unregistered node device) are findings unless
    an approved change names the device and port; a change to devices or cabling without approval is one."""
    instance_create(None, NetworkDevice, {"device_label": "SW-1", "name": "接入交换机", "role": "access_switch"})
    for port, peer in (("Gi1/0/1", "CORE-1"), ("Gi1/0/2", "AA-BB-CC-00-00-02"), ("Gi1/0/3", "PC-3")):
        instance_create(None, NetworkLink, {"device_label": "SW-1", "port": port, "connected_to": peer})
    result = facts_import(None, kind="switch_ports", file_name="lldp.csv", content=ports_file([
        ("SW-1", "Gi1/0/1", "CORE-1"), ("SW-1", "Gi1/0/2", "aabb.cc00.0002"), ("SW-1", "Gi1/0/4", "PC-9"),
        ("SW-X", "Gi0/1", "SW-1")]))
    assert result.ok, result.errors
    assert run("p27.1.2.2") == [
        ("SW-1", "SW-1 端口 Gi1/0/3 登记连接 PC-3,观测中已无连接,没有经批准的变更记录"),
        ("SW-1", "SW-1 端口 Gi1/0/4 现连接 PC-9,布线登记为 未登记,没有经批准的变更记录"),
        ("SW-X", "SW-X 端口 Gi0/1 现连接 SW-1,布线登记为 未登记,没有经批准的变更记录"),
        ("SW-X", "观测到未登记的网络节点设备 SW-X(网络设备档案中没有)"),
    ]
    unapproved = change("NC-9", "cabling", people["admin"], device_label="SW-1", port="Gi1/0/4")
    assert ("NC-9", "网络变更 NC-9(节点设备/布线)没有批准人") in run("p27.1.2.2")
    instance_update(None, unapproved, {"approved_by": people["admin2"]})
    change("NC-10", "cabling", people["admin"], people["admin2"], device_label="SW-1", port="Gi1/0/3")
    instance_create(None, NetworkDevice, {"device_label": "SW-X", "name": "新接入交换机", "role": "access_switch"})
    instance_create(None, NetworkLink, {"device_label": "SW-X", "port": "Gi0/1", "connected_to": "SW-1"})
    assert run("p27.1.2.2") == []


def test_cabling_moves_need_the_it_departments_approval(people):
    """p15.5.5 网络通讯电缆设备未经信息部门同意不得拆装、移动: a cabling or node-device change approved by
    nobody, or by someone outside the IT department (no system_admin role), is a finding; parameter
    changes are not concerned."""
    nobody = change("NC-1", "cabling", people["clerk"])
    outsider = change("NC-2", "device", people["admin"], people["clerk"])
    change("NC-3", "parameter", people["clerk"])
    change("NC-4", "cabling", people["admin"], people["admin2"])
    assert run("p15.5.5") == [("NC-1", "网络变更 NC-1(布线/节点设备拆装移动)没有信息部门的批准"),
                              ("NC-2", "网络变更 NC-2(布线/节点设备拆装移动)的批准人 普通职员 不属信息部门")]
    instance_update(None, nobody, {"approved_by": people["admin"]})
    instance_archive(None, outsider)
    assert run("p15.5.5") == []


def zone(code, kind, classification=0):
    return instance_create(None, SecurityZone, {"code": code, "name": code, "kind": kind,
                                                "classification": classification})


@pytest.fixture
def classified_pc(department):
    return equipment_create(None, asset_no="PC-SECRET", kind="desktop", department=department, classification=2,
                            mac_address="AA-BB-CC-00-00-99")


def test_classified_hosts_have_no_internet_connectivity(classified_pc, office, allocate, department):
    """p15.2.25-c 涉密计算机主机不得与互联网连接: a classified host allocated in a subnet whose zone has
    an internet link, or seen on a public address, is a violation; an isolated one is not."""
    equipment_create(None, asset_no="PC-PLAIN", kind="desktop", department=department)
    office_zone = zone("OFFICE", "office")
    services.subnet_update(None, office, zone=office_zone)
    allocate("192.168.10.9", "PC-SECRET")
    allocate("192.168.10.10", "PC-PLAIN")
    assert run("p15.2.25-c") == []
    link = instance_create(None, ExternalLink, {"code": "ISP", "name": "互联网出口", "kind": "internet", "zone": office_zone})
    assert run("p15.2.25-c") == [("PC-SECRET", "涉密主机 PC-SECRET 分配在可连接互联网的网段 192.168.10.0/24(192.168.10.9)")]
    instance_archive(None, link)
    seen = csv_bytes([("36.110.1.7", "aa:bb:cc:00:00:99", "", stamp(moment()))])
    assert observations_import(None, file_name="egress.csv", content=seen).ok
    assert run("p15.2.25-c") == [("PC-SECRET", "涉密主机 PC-SECRET 被观测到使用公网地址 36.110.1.7")]


def test_classified_systems_are_physically_isolated(classified_pc, office, allocate):
    """p27.2.2-b 涉密信息系统与内部网和互联网实施物理隔离: a classified zone joined by a boundary to a
    non-classified zone or with an external link, and a classified host in a non-classified subnet,
    are violations; a classified host in a classified zone without links is not."""
    allocate("192.168.10.9", "PC-SECRET")
    assert run("p27.2.2-b") == [("PC-SECRET", "涉密主机 PC-SECRET 分配在非涉密网段 192.168.10.0/24(192.168.10.9),与内部网未物理隔离")]
    secret, secret2, intranet = zone("SECRET", "office", 2), zone("SECRET2", "office", 1), zone("LAN", "office")
    services.subnet_update(None, office, zone=secret)
    instance_create(None, Boundary, {"code": "B-SS", "name": "涉密内部", "inside": secret, "outside": secret2})
    assert run("p27.2.2-b") == []
    bridge = instance_create(None, Boundary, {"code": "B-SL", "name": "涉密-内网", "inside": secret, "outside": intranet,
                                              "firewall": True})
    instance_create(None, ExternalLink, {"code": "DIAL", "name": "拨号", "kind": "remote", "zone": secret2})
    assert run("p27.2.2-b") == [
        ("SECRET(SECRET)", "涉密区域 SECRET 经边界 B-SL 与非涉密区域相连(SECRET—LAN),未物理隔离"),
        ("SECRET2(SECRET2)", "涉密区域 SECRET2 有外联链路 DIAL,未与互联网/外部网络物理隔离"),
    ]
    instance_archive(None, bridge)
    assert [label for label, _m in run("p27.2.2-b")] == ["SECRET2(SECRET2)"]
