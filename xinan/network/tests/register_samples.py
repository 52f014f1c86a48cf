"""Samples for the generic register tests of 网段, IP地址分配 and 入网申请."""

import itertools

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
            "department": _department(), "is_public": False, "description": ""}


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


SAMPLES = {
    "subnets": Sample(make=make_subnet, text_field="name", invalid={"cidr": "10.1.2.3/24"}),
    "ip-allocations": Sample(make=make_allocation, text_field="note", before_archive=_release,
                             invalid={"ip": "999.1.1.1"}),
    "network-requests": Sample(make=make_request, text_field="purpose", invalid={"mac": "zz-not-a-mac"}),
}
