"""The security-control inventory (p07.9), host baselines per security level (p15.2.10) and system
weaknesses with network administrators (p04.6.8)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from xinan.assets.services import equipment_create
from xinan.core import parameters
from xinan.core.services import instance_create, instance_update
from xinan.network import services
from xinan.network.models import (Boundary, ControlBaseline, NetworkChange, SecurityControl, SecurityZone,
                                  SystemWeakness)
from xinan.policy.services import checks_run


def run(clause):
    return sorted((f.subject_label, f.message_zh) for f in checks_run(as_of=timezone.now(), clause=clause).findings)


def control(code, kind, **extra):
    data = {"code": code, "name": code, "kind": kind, "deployed_on": date(2025, 1, 1),
            "last_report_at": timezone.now() - timedelta(hours=1), **extra}
    return instance_create(None, SecurityControl, data)


def zone(code, kind="office", **extra):
    return instance_create(None, SecurityZone, {"code": code, "name": code, "kind": kind, **extra})


def test_required_controls_deployed_and_reporting(db):
    """p07.9 采用入侵检测、访问控制、密钥管理等手段保证网络安全: each required kind must be deployed, every
    control must have reported within the configured time, and a boundary recorded with IDS needs
    an IDS control of the inventory at it."""
    office, internet = zone("OFFICE"), zone("NET", "external")
    edge = instance_create(None, Boundary, {"code": "EDGE", "name": "互联网边界", "inside": office, "outside": internet,
                                            "firewall": True, "ids_ips": True})
    assert run("p07.9") == [
        ("EDGE(互联网边界)", "边界 EDGE 登记有入侵检测/防范,但安全控制措施清单中没有部署在该边界的入侵检测"),
        ("入侵检测", "未部署入侵检测措施(安全控制措施清单中没有该类措施)"),
        ("密钥管理", "未部署密钥管理措施(安全控制措施清单中没有该类措施)"),
        ("访问控制", "未部署访问控制措施(安全控制措施清单中没有该类措施)"),
    ]
    control("IDS-1", "ids", boundary=edge)
    control("AC-1", "access_control", zone=office)
    silent = control("KM-1", "key_management", last_report_at=timezone.now() - timedelta(days=9))
    assert run("p07.9") == [("KM-1(KM-1)", "安全控制措施 KM-1(KM-1)未按期上报,最近上报:"
                                          f"{timezone.localtime(silent.last_report_at):%Y-%m-%d %H:%M}")]
    parameters.parameter_set(None, "p07.9.report_within", "P10D")
    assert run("p07.9") == []
    parameters.parameter_set(None, "p07.9.required_kinds", "ids,access_control,key_management,audit")
    assert [label for label, _m in run("p07.9")] == ["安全审计"]
    with pytest.raises(ValidationError):
        parameters.parameter_set(None, "p07.9.required_kinds", "ids,prayer")


def test_hosts_match_the_baseline_of_their_security_level(department, it_dept, office, allocate):
    """p15.2.10 根据网络主机不同的安全级别采取相应的技术措施: a host lacking a control its level's
    baseline requires is flagged; controls on the host or on its zone (through its live allocation)
    count; hosts of levels without a baseline are not flagged."""
    for level, kind in ((2, "access_control"), (2, "confidentiality"), (0, "antivirus")):
        instance_create(None, ControlBaseline, {"level": level, "control_kind": kind})
    equipment_create(None, asset_no="PC-S", kind="desktop", department=department, classification=2)
    equipment_create(None, asset_no="PC-N", kind="desktop", department=department)
    equipment_create(None, asset_no="PC-T", kind="desktop", department=department, classification=3)
    assert run("p15.2.10") == [("PC-N", "主机 PC-N 缺少其安全级别基线要求的措施:防病毒"),
                               ("PC-S", "主机 PC-S 缺少其安全级别基线要求的措施:访问控制、保密监控")]
    control("AV-N", "antivirus", host_label="PC-N")
    control("CM-S", "confidentiality", host_label="PC-S")
    secret = zone("SECRET", classification=2)
    services.subnet_update(None, office, zone=secret)
    allocate("192.168.10.50", "PC-S")
    assert [label for label, _m in run("p15.2.10")] == ["PC-S"]
    control("AC-Z", "access_control", zone=secret)
    assert run("p15.2.10") == []


def test_weaknesses_are_closed_in_time_by_network_administrators(make_person, make_user):
    """p04.6.8 网络管理员及时排除系统隐患: a weakness open past its deadline is a finding until a
    change closes it; a change performed by someone who holds no system_admin role is a finding."""
    admin = make_user("system_admin").person
    clerk = make_person(name="普通职员")
    boss = make_person(name="主管")
    today = timezone.localdate()
    weak = instance_create(None, SystemWeakness, {"number": "WK-1", "description": "核心交换机单上联",
                                                  "found_on": today - timedelta(days=40), "deadline": today - timedelta(days=1)})
    instance_create(None, SystemWeakness, {"number": "WK-2", "description": "弱口令", "found_on": today,
                                           "deadline": today + timedelta(days=10)})
    by_clerk = instance_create(None, NetworkChange, {"number": "NC-1", "kind": "parameter", "description": "改 ACL",
                                                     "performed_by": clerk, "approved_by": boss, "changed_on": today})
    assert run("p04.6.8") == [("NC-1", "网络变更 NC-1 的实施人 普通职员 不是网络(系统)管理员"),
                              ("WK-1", f"系统隐患 WK-1 已超过整改期限 {today - timedelta(days=1)},没有排除隐患的变更记录")]
    fix = instance_create(None, NetworkChange, {"number": "NC-2", "kind": "structure", "description": "增加冗余上联",
                                                "performed_by": admin, "approved_by": boss, "changed_on": today})
    with pytest.raises(ValidationError):
        instance_update(None, weak, {"closed_by": fix})  # a closure names its date too
    instance_update(None, weak, {"closed_by": fix, "closed_on": today})
    instance_update(None, by_clerk, {"performed_by": admin})
    assert run("p04.6.8") == []
