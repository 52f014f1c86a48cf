"""Fixtures of the IP plan's tests: a department, an office subnet (IPv4), an approved request,
and helpers to build observation files."""

import csv
import io

import pytest
from django.utils import timezone

from xinan.network import access, services
from xinan.org import services as org


@pytest.fixture
def it_dept(db):
    return org.department_create(None, code="NET-IT", name="信息技术部")


@pytest.fixture
def office(it_dept):
    return services.subnet_create(None, cidr="192.168.10.0/24", name="办公网", purpose="办公计算机", vlan=10,
                                  department=it_dept)


@pytest.fixture
def approved(it_dept):
    """approved(device, mac=..., hostname=..., kind=..., needed_until=...) -> an approved request."""

    def make(device="PC-001", **extra):
        request = access.access_request_create(None, department=it_dept, device_label=device, purpose="办公入网", **extra)
        return access.access_request_approve(None, request)

    return make


@pytest.fixture
def allocate(it_dept, approved):
    """allocate("192.168.10.11", "PC-011", mac=..., hostname=...) -> an active allocation."""

    def make(ip, device, **extra):
        request = approved(device)
        return services.allocation_create(None, ip=ip, device_label=device, department=it_dept,
                                          access_request=request, **extra)

    return make


def csv_bytes(rows, header=("ip", "mac", "hostname", "seen_at"), encoding="utf-8"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode(encoding)


def moment(hours_ago=1):
    """A recent local moment to the second (as a CSV carries it)."""
    return timezone.localtime(timezone.now()).replace(microsecond=0) - timezone.timedelta(hours=hours_ago)


def stamp(value) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S}"
