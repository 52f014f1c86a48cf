"""Checks of the network architecture records: zones, boundaries, external links, devices, the
topology diagram and units' network-security owners (each clause: a failing and a passing case)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from xinan.core.services import instance_create, instance_update
from xinan.network import services
from xinan.network.models import (Boundary, ExternalLink, NetworkChange, NetworkDevice, NetworkOwner, SecurityZone,
                                  TopologyDiagram)
from xinan.org import services as org
from xinan.policy.services import checks_run


def run(clause):
    """The findings of ``clause`` (as ``xinan check --clause`` computes them): (subject label, message)."""
    return [(f.subject_label, f.message_zh) for f in checks_run(as_of=timezone.now(), clause=clause).findings]


def zone(code, kind):
    return instance_create(None, SecurityZone, {"code": code, "name": code, "kind": kind})


def boundary(code, inside, outside, **controls):
    return instance_create(None, Boundary, {"code": code, "name": code, "inside": inside, "outside": outside, **controls})


@pytest.fixture
def zones(db):
    return {k: zone(k.upper(), k) for k in ("production", "management", "office", "external", "remote", "dmz")}


def test_subnets_in_zones_boundaries_isolate_and_ids_watches_outside(zones, it_dept):
    """p10.29 合理划分安全区域,各区域之间有效隔离,具有监控和阻断攻击的能力."""
    net = services.subnet_create(None, cidr="10.1.0.0/24", name="生产网", purpose="分拣控制", department=it_dept)
    assert run("p10.29") == [("10.1.0.0/24(生产网)", "网段 10.1.0.0/24(生产网)未划入任何安全区域")]
    services.subnet_update(None, net, zone=zones["production"])
    inner = boundary("B1", zones["production"], zones["management"], firewall=True)
    edge = boundary("B2", zones["dmz"], zones["external"], firewall=True, access_policy="仅 443")
    assert run("p10.29") == [
        ("B1(B1)", "区域 PRODUCTION 与 MANAGEMENT 之间的边界 B1 没有防火墙或访问控制策略,未有效隔离"),
        ("外部网络", "与外部网络相接的边界均没有入侵检测/防范,不能监控和阻断来自外部的攻击")]
    instance_update(None, inner, {"access_policy": "仅允许单向同步"})
    instance_update(None, edge, {"ids_ips": True})
    assert run("p10.29") == []


def test_production_and_management_are_separated_with_acls_and_vlans(zones):
    """p21.5.2.2 生产控制系统和管理信息系统分区,VLAN 间访问控制设置合理."""
    assert [m for _s, m in run("p21.5.2.2")] == ["生产控制区 PRODUCTION 与管理信息区 MANAGEMENT 之间没有登记访问控制策略"]
    b = boundary("B1", zones["production"], zones["management"])
    assert len(run("p21.5.2.2")) == 1  # a boundary without an access policy does not separate them
    instance_update(None, b, {"access_policy": "仅允许历史数据单向同步"})
    assert run("p21.5.2.2") == []
    services.subnet_create(None, cidr="10.1.0.0/24", name="生产网", purpose="控制", vlan=50, zone=zones["production"])
    services.subnet_create(None, cidr="10.2.0.0/24", name="管理网", purpose="管理", vlan=50, zone=zones["management"])
    assert run("p21.5.2.2") == [("10.1.0.0/24(生产网)", "生产控制区网段 10.1.0.0/24 与管理信息区网段共用 VLAN 50")]


def test_boundary_policy_key_points_and_internet_controls(zones):
    """p15.2.13 边界访问控制; p15.2.14 关键点严格防护; p27.2.8 防火墙与入侵检测防范互联网攻击."""
    b = boundary("INET", zones["dmz"], zones["external"], key_point=True, firewall=True)
    assert run("p15.2.13") == [("INET(INET)", "边界 INET 没有登记访问控制策略")]
    assert run("p15.2.14") == [("INET(INET)", "边界 INET(DMZ—EXTERNAL)为边界关键点:缺少入侵检测/防范、防病毒网关")]
    assert run("p27.2.8") == [("INET(INET)", "边界 INET(DMZ—EXTERNAL)与外部网络相接:缺少入侵检测/防范")]
    instance_update(None, b, {"access_policy": "默认拒绝", "ids_ips": True, "av_gateway": True})
    assert run("p15.2.13") == run("p15.2.14") == run("p27.2.8") == []
    with pytest.raises(ValidationError, match="不同区域"):
        boundary("SELF", zones["dmz"], zones["dmz"])


def link(code, kind, zone_, boundary_=None, **extra):
    return instance_create(None, ExternalLink, {"code": code, "name": code, "kind": kind, "zone": zone_,
                                                "boundary": boundary_, **extra})


def test_external_links(zones):
    """p21.5.2.1-b 外联不绕过防火墙; p07.10.4 业务网接入互联网须安全措施完善; p10.39-a/-b 互联规则与接入审查;
    p15.2.25-a/-b 远程接入的防护与物理隔离."""
    bare = boundary("BARE", zones["management"], zones["external"])
    full = boundary("FULL", zones["remote"], zones["external"], firewall=True, ids_ips=True, av_gateway=True,
                    access_policy="VPN 用户仅可访问远程接入区")
    inet = link("L-INET", "internet", zones["management"], bare, live_from=date(2025, 3, 1))
    partner = link("L-POST", "partner", zones["dmz"], full, live_from=date(2025, 3, 1), carries_customer_data=True)
    remote = link("L-VPN", "remote", zones["management"], bare)
    assert sorted(s for s, _m in run("p21.5.2.1-b")) == ["L-INET(L-INET)", "L-VPN(L-VPN)"]
    assert run("p07.10.4") == [("L-INET(L-INET)", "业务区域 MANAGEMENT 的互联网出口 L-INET 没有开通前的安全措施确认")]
    assert run("p10.39-a") == [("L-POST(L-POST)", "外联链路 L-POST 没有依据的安全互联技术规则")]
    assert run("p10.39-b") == [("L-POST(L-POST)", "外联链路 L-POST 连接存储寄递信息的系统,开通前没有接入审查")]
    assert run("p15.2.25-a") == [("L-VPN(L-VPN)", "远程接入链路 L-VPN 的防护不完整:缺少防火墙、入侵检测/防范、防病毒网关")]
    assert run("p15.2.25-b") == [("L-VPN(L-VPN)", "远程接入链路 L-VPN 直接接入业务区域 MANAGEMENT,未与内网物理隔离")]
    instance_update(None, bare, {"firewall": True})
    instance_update(None, inet, {"security_signoff_on": date(2025, 2, 20)})
    instance_update(None, partner, {"interconnection_rule": "《寄递信息互联技术规则》XA-2025-01",
                                    "reviewed_on": date(2025, 2, 25)})
    instance_update(None, remote, {"zone": zones["remote"], "boundary": full})
    for clause in ("p21.5.2.1-b", "p07.10.4", "p10.39-a", "p10.39-b", "p15.2.25-a", "p15.2.25-b"):
        assert run(clause) == [], clause
    instance_update(None, partner, {"reviewed_on": date(2025, 3, 5)})  # reviewed after going live
    assert len(run("p10.39-b")) == 1


def test_network_devices_redundancy_power_and_plaintext_services(db):
    """p21.5.2.1-a 核心设备冗余或备用; p21.5.2.3-b 关键点设备双电源; p21.5.2.3-c 关闭 HTTP、FTP、TFTP."""
    core = instance_create(None, NetworkDevice, {"device_label": "SW-CORE-1", "name": "核心交换机", "role": "core_switch",
                                                 "key_point": True, "power_supplies": 1})
    assert run("p21.5.2.1-a") == [("SW-CORE-1(核心交换机)", "核心设备 SW-CORE-1 没有冗余设备或备用设备")]
    assert run("p21.5.2.3-b") == [("SW-CORE-1(核心交换机)", "关键点设备 SW-CORE-1 只有 1 路电源,应为 2 路")]
    assert run("p21.5.2.3-c") == [("SW-CORE-1(核心交换机)", "网络设备 SW-CORE-1 未关闭 HTTP、FTP、TFTP 等明文服务")]
    instance_update(None, core, {"spare_label": "SW-SPARE-1", "power_supplies": 2, "plaintext_services_off": True})
    assert run("p21.5.2.1-a") == run("p21.5.2.3-b") == run("p21.5.2.3-c") == []


def test_topology_diagram_must_follow_the_last_change(zones):
    """p21.5.2.1-c 具有当前准确的网络拓扑结构图."""
    assert run("p21.5.2.1-c") == [("网络拓扑图", "没有登记网络拓扑图")]
    diagram = instance_create(None, TopologyDiagram, {"version": "V1", "drawn_on": date(2025, 1, 1), "document": "T.vsdx"})
    today = timezone.localdate()
    assert run("p21.5.2.1-c") == [("网络拓扑图", f"最新网络拓扑图绘制于 2025-01-01,晚于它的网络变更发生在 {today}")]
    instance_update(None, diagram, {"drawn_on": today})
    assert run("p21.5.2.1-c") == []


def test_units_name_a_network_security_owner(department, make_person):
    """p27.1.3-a 各单位信息管理部门负责本单位网络的安全."""
    assert ("总公司", "单位 总公司 没有指定网络安全负责人") in run("p27.1.3-a")
    owner = make_person("网管甲")
    instance_create(None, NetworkOwner, {"department": department, "person": owner, "since": date(2025, 1, 1)})
    assert ("总公司", "单位 总公司 没有指定网络安全负责人") not in run("p27.1.3-a")
    with pytest.raises(ValidationError):
        instance_create(None, NetworkOwner, {"department": department, "person": owner, "since": date(2025, 2, 1)})


def test_a_network_change_is_not_approved_by_its_performer(make_person):
    """p27.1.2.2 (in part): a recorded change has an approver other than who carried it out."""
    person = make_person("网管乙")
    with pytest.raises(ValidationError, match="批准人与实施人须为不同人员"):
        instance_create(None, NetworkChange, {"number": "NC-1", "kind": "cabling", "description": "更换主干光缆",
                                              "performed_by": person, "approved_by": person,
                                              "changed_on": date(2025, 5, 1)})
