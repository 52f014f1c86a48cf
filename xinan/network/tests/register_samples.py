"""Samples for the generic register tests of 网段, IP地址分配 and 入网申请."""

import itertools
from datetime import date

from xinan.core.testing import Sample
from xinan.network import access, services
from xinan.org import services as org

_n = itertools.count(1)


def _department(prefix="NET"):
    n = next(_n)
    return org.department_create(None, code=f"S-{prefix}{n:05d}", name=f"网络样例部门{n}")


def _subnet(department=None):
    n = next(_n)
    return services.subnet_create(None, cidr=f"10.{n // 250}.{n % 250}.0/24", name=f"样例网段{n}", purpose="办公",
                                  department=department or _department())


def _approved_request(department, subnet=None):
    request = access.access_request_create(None, department=department, device_label=f"REQ-{next(_n):05d}",
                                           purpose="办公计算机入网", subnet=subnet)
    return access.access_request_approve(None, request)


def make_subnet(n):
    k = next(_n)
    return {"cidr": f"172.{16 + k // 250}.{k % 250}.0/24", "name": f"测试网段{n}-{k}", "purpose": "办公网", "vlan": 100 + n,
            "department": _department(), "zone": None, "is_public": False, "description": ""}


def make_allocation(n):
    department = _department()
    subnet = _subnet(department)
    return {"ip": subnet.cidr.replace(".0/24", ".10"), "device_label": f"PC-{n:03d}-{next(_n):05d}",
            "mac": "", "hostname": f"pc{n}", "domain": "", "department": department, "holder": None,
            "access_request": _approved_request(department, subnet), "valid_until": None, "note": "办公"}


def make_request(n):
    return {"number": "", "kind": "lan", "department": _department(), "applicant": None, "device_label": f"NEW-{n:03d}-{next(_n):05d}",
            "mac": "", "hostname": "", "subnet": None, "purpose": f"新员工计算机入网{n}", "needed_until": None}


def _release(allocation):
    services.allocation_release(None, allocation, reason="测试收回")


def _zone(kind="office"):
    from xinan.network.models import SecurityZone
    from xinan.core.services import instance_create

    k = next(_n)
    return instance_create(None, SecurityZone, {"code": f"Z{k:05d}", "name": f"样例区域{k:05d}", "kind": kind})


def _boundary():
    from xinan.network.models import Boundary
    from xinan.core.services import instance_create

    k = next(_n)
    return instance_create(None, Boundary, {"code": f"B{k:05d}", "name": f"样例边界{k:05d}", "inside": _zone(),
                                            "outside": _zone("external"), "firewall": True})


def _person():
    k = next(_n)
    return org.person_create(None, employee_no=f"NP{k:06d}", name=f"网络样例人员{k:05d}", department=_department())


def make_zone(n):
    k = next(_n)
    return {"code": f"T-Z{n:03d}-{k:05d}", "name": f"测试区域{n}-{k:05d}", "kind": "office", "level": 2, "classification": 0,
            "description": ""}


def make_boundary(n):
    k = next(_n)
    return {"code": f"T-B{n:03d}-{k:05d}", "name": f"测试边界{n}-{k:05d}", "inside": _zone(), "outside": _zone("external"),
            "key_point": True, "firewall": True, "ids_ips": True, "av_gateway": False, "access_policy": "默认拒绝",
            "policy_reviewed_on": date(2025, 1, 6), "device_label": f"FW-{k:05d}"}


def make_link(n):
    k = next(_n)
    return {"code": f"T-L{n:03d}-{k:05d}", "name": f"测试链路{n}-{k:05d}", "kind": "internet", "zone": _zone("dmz"),
            "boundary": _boundary(), "counterparty": "电信", "live_from": date(2025, 2, 1), "carries_customer_data": False,
            "interconnection_rule": "", "reviewed_on": None, "security_signoff_on": date(2025, 1, 20)}


def make_device(n):
    k = next(_n)
    return {"device_label": f"T-SW{n:03d}-{k:05d}", "name": f"测试交换机{n}-{k:05d}", "role": "core_switch", "zone": None,
            "key_point": True, "power_supplies": 2, "redundant_peer": f"T-SW-PEER-{k:05d}", "spare_label": "",
            "plaintext_services_off": True, "config_checked_on": date(2025, 3, 1)}


def make_diagram(n):
    k = next(_n)
    return {"version": f"V{n:03d}.{k:05d}", "drawn_on": date(2025, 3, n % 28 + 1), "document": f"TOPO-{k:05d}.vsdx",
            "summary": "核心与接入层"}


def make_owner(n):
    person = _person()
    return {"department": person.department, "person": person, "since": date(2025, 1, 1), "note": "兼任"}


def make_change(n):
    k = next(_n)
    return {"number": f"T-NC{n:03d}-{k:05d}", "kind": "structure", "description": f"调整核心交换机上联{n}-{k}",
            "weakness": "单上联", "performed_by": _person(), "approved_by": _person(), "changed_on": date(2025, 4, 1)}


def make_report(n):
    k = next(_n)
    return {"number": f"T-MR{n:03d}-{k:05d}", "period_start": date(2025, 5, 1), "period_end": date(2025, 5, 31),
            "scope": f"对外服务区服务器{n}", "reviewer": _person(), "attacks_blocked": 3, "findings": "阻断扫描",
            "reported_on": date(2025, 6, 2)}


def make_violation(n):
    from django.utils import timezone

    k = next(_n)
    return {"number": f"T-NV{n:03d}-{k:05d}", "kind": "port_scan", "source": "ids",
            "detected_at": timezone.now().replace(microsecond=0), "ip": "10.0.0.9", "person": _person(),
            "description": f"内网端口扫描{n}", "handled_on": timezone.localdate(), "handling": "通报批评"}  # handled: archivable


SAMPLES = {
    "monitoring-reports": Sample(make=make_report, text_field="scope", invalid={"period_end": "not-a-date"}),
    "network-violations": Sample(make=make_violation, text_field="description", invalid={"kind": "littering"}),
    "security-zones": Sample(make=make_zone, text_field="name", invalid={"kind": "nowhere"}),
    "boundaries": Sample(make=make_boundary, text_field="name", invalid={"code": ""}),
    "external-links": Sample(make=make_link, text_field="name", invalid={"kind": "pigeon"}),
    "network-devices": Sample(make=make_device, text_field="name", invalid={"role": "toaster"}),
    "topology-diagrams": Sample(make=make_diagram, text_field="summary", invalid={"drawn_on": "not-a-date"}),
    "network-owners": Sample(make=make_owner, text_field="note", invalid={"since": "not-a-date"}),
    "network-changes": Sample(make=make_change, text_field="description", invalid={"number": ""}),
    "subnets": Sample(make=make_subnet, text_field="name", invalid={"cidr": "10.1.2.3/24"}),
    "ip-allocations": Sample(make=make_allocation, text_field="note", before_archive=_release,
                             invalid={"ip": "999.1.1.1"}),
    "network-requests": Sample(make=make_request, text_field="purpose", invalid={"mac": "zz-not-a-mac"}),
}


# --- infrastructure records (registers_infra) -----------------------------------------------------


def make_remote(n):
    person = _person()
    k = next(_n)
    return {"number": "", "department": person.department, "applicant": person, "account": f"vpn-{n}-{k:05d}",
            "purpose": f"出差远程办公{n}", "valid_from": date(2025, 1, 1), "valid_until": date(2025, 12, 31)}


def make_server_service(n):
    k = next(_n)
    return {"server_label": f"SRV-{n:03d}-{k:05d}", "port": 443, "protocol": "tcp", "service": f"https{n}",
            "approved_by": _person(), "approved_on": date(2025, 2, 1)}


def make_control(n):
    k = next(_n)
    return {"code": f"T-SC{n:03d}-{k:05d}", "name": f"测试入侵检测{n}-{k:05d}", "kind": "ids", "zone": None,
            "boundary": None, "host_label": "", "deployed_on": date(2025, 1, 1), "last_report_at": None, "note": "探针"}


def make_baseline(n):
    kinds = ["ids", "access_control", "key_management", "firewall", "antivirus", "audit", "data_protection",
             "confidentiality"]
    k = next(_n)
    return {"level": k % 4, "control_kind": kinds[(k // 4) % len(kinds)], "note": f"基线{n}-{k}"}


def make_weakness(n):
    k = next(_n)
    return {"number": f"T-WK{n:03d}-{k:05d}", "description": f"核心交换机单电源{n}", "found_on": date(2025, 3, 1),
            "found_by": _person(), "deadline": date(2025, 4, 1), "closed_by": None, "closed_on": None}


def make_cabling(n):
    k = next(_n)
    return {"device_label": f"T-SW{n:03d}-{k:05d}", "port": f"Gi1/0/{n}", "medium": "fibre",
            "connected_to": f"T-SW-UP-{k:05d}", "change": None, "note": f"上联{n}"}


SAMPLES.update({
    "remote-access": Sample(make=make_remote, text_field="account", invalid={"valid_from": "not-a-date"}),
    "server-services": Sample(make=make_server_service, text_field="service", invalid={"port": "http"}),
    "security-controls": Sample(make=make_control, text_field="name", invalid={"kind": "prayer"}),
    "control-baselines": Sample(make=make_baseline, text_field="note", invalid={"control_kind": "luck"}),
    "system-weaknesses": Sample(make=make_weakness, text_field="description", invalid={"deadline": "not-a-date"}),
    "network-links": Sample(make=make_cabling, text_field="note", invalid={"medium": "string"}),
})
