"""Servers and network resources: administrators (p16.1) and private servers found by port scans
(p16.2.4), with compliant counterparts not flagged."""

from datetime import date

import pytest
from django.utils import timezone

from xinan.assets.services import equipment_create
from xinan.core.services import instance_create, instance_update
from xinan.network.facts import facts_import
from xinan.network.models import FactImport, ListeningPort, NetworkDevice, ServerService
from xinan.policy.services import checks_run

from .conftest import csv_bytes


def run(clause):
    return sorted((f.subject_label, f.message_zh) for f in checks_run(as_of=timezone.now(), clause=clause).findings)


@pytest.fixture
def admin_person(make_user):
    return make_user("system_admin").person


def server(asset_no, dept, ip=None, kind="server", **extra):
    return equipment_create(None, asset_no=asset_no, kind=kind, department=dept, ip_address=ip, **extra)


NMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<nmaprun scanner="nmap" args="nmap -sS -oX scan.xml 10.0.0.0/24" start="1700000000" version="7.94">
<host><status state="up"/><address addr="10.0.0.5" addrtype="ipv4"/><address addr="AA:BB:CC:DD:EE:05" addrtype="mac"/>
<ports><port protocol="tcp" portid="22"><state state="open"/><service name="ssh"/></port>
<port protocol="tcp" portid="443"><state state="open"/><service name="https"/></port>
<port protocol="tcp" portid="3306"><state state="open"/><service name="mysql"/></port>
<port protocol="tcp" portid="23"><state state="closed"/><service name="telnet"/></port></ports></host>
<host><status state="up"/><address addr="10.0.0.77" addrtype="ipv4"/>
<ports><port protocol="tcp" portid="8080"><state state="open"/><service name="http-proxy"/></port>
<port protocol="tcp" portid="50123"><state state="open"/></port></ports></host>
</nmaprun>
"""


def test_servers_and_network_devices_have_the_information_system_administrator(department, make_person, admin_person):
    """p16.1 网络资源和服务器由信息系统管理员统一规划、管理和监督: a server or network device whose
    administrator is vacant or holds no system_admin role is a finding; one administered by a
    system administrator is not; desktops are not resources of this clause."""
    clerk = make_person(name="普通职员")
    server("SRV-1", department, administrator=admin_person)
    server("SRV-2", department)
    server("SW-1", department, kind="switch", administrator=clerk)
    server("PC-1", department, kind="desktop")
    core = instance_create(None, NetworkDevice, {"device_label": "CORE-1", "name": "核心交换机", "role": "core_switch"})
    assert run("p16.1") == [
        ("CORE-1(核心交换机)", "网络设备 CORE-1 的管理员空缺"),
        ("SRV-2", "设备 SRV-2 的管理员空缺"),
        ("SW-1", "设备 SW-1 的管理员 普通职员 不是信息系统管理员(未持有系统管理员角色)"),
    ]
    instance_update(None, core, {"administrator": admin_person})
    assert [label for label, _m in run("p16.1")] == ["SRV-2", "SW-1"]


def test_nmap_scan_finds_private_servers_and_unapproved_services(department, admin_person):
    """p16.2.4 不得私设服务器: a listening server port on an address that is no registered server, or a
    service not approved for that server, is a finding; approved services and ports outside the
    watched list are not; closed ports are not imported."""
    server("SRV-DB", department, ip="10.0.0.5", administrator=admin_person)
    for port, name in ((22, "ssh"), (443, "https")):
        instance_create(None, ServerService, {"server_label": "SRV-DB", "port": port, "protocol": "tcp", "service": name,
                                              "approved_by": admin_person, "approved_on": date(2025, 1, 2)})
    result = facts_import(None, kind="port_scan", file_name="scan.xml", content=NMAP)
    assert result.ok, result.errors
    assert result.imported.kind == FactImport.Kind.PORT_SCAN
    assert sorted(ListeningPort.objects.values_list("ip", "port")) == [
        ("10.0.0.5", 22), ("10.0.0.5", 443), ("10.0.0.5", 3306), ("10.0.0.77", 8080), ("10.0.0.77", 50123)]
    assert run("p16.2.4") == [
        ("10.0.0.5(SRV-DB)", "服务器 SRV-DB 上的服务 10.0.0.5:3306/tcp(mysql) 未经服务器管理员批准"),
        ("10.0.0.77", "扫描发现 10.0.0.77:8080/tcp(http-proxy) 在监听服务,该地址不是登记的服务器(私设服务器)"),
    ]
    instance_create(None, ServerService, {"server_label": "SRV-DB", "port": 3306, "protocol": "tcp", "service": "mysql",
                                          "approved_by": admin_person, "approved_on": date(2025, 1, 2)})
    assert [label for label, _m in run("p16.2.4")] == ["10.0.0.77"]


def test_csv_scan_and_bad_rows(department, admin_person):
    """p16.2.4: a CSV scan (ip, port, protocol, service) is read too; bad rows are all reported and
    nothing is stored."""
    bad = facts_import(None, kind="port_scan", file_name="scan.csv",
                       content=csv_bytes([("10.0.0.300", "22", "tcp", "ssh"), ("10.0.0.9", "70000", "icmp", "")],
                                         header=("ip", "port", "protocol", "service")))
    assert not bad.ok and len(bad.errors) == 3 and bad.errors[0].startswith("第2行 IP地址")
    assert not FactImport.objects.exists()
    good = facts_import(None, kind="port_scan", file_name="scan.csv",
                        content=csv_bytes([("10.0.0.9", "3389", "tcp", "ms-wbt-server")],
                                          header=("ip", "port", "protocol", "service")))
    assert good.ok
    assert [label for label, _m in run("p16.2.4")] == ["10.0.0.9"]
