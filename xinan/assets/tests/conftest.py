"""Fixtures for the assets tests: an organisation with the administrator, the deputy general
manager, a department head and staff; devices and media made through the services."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from xinan.audit.services import audited_write, record, snapshot
from xinan.policy.models import Finding
from xinan.policy.services import checks_run

from .. import services
from ..models import Equipment, StorageMedium

_n = itertools.count(1)


@pytest.fixture(autouse=True)
def no_findings(db):
    Finding.objects.all().delete()


@pytest.fixture
def run():
    """run("p01.2.1-c", as_of=...) -> that clause's findings."""

    def do(clause, **kwargs):
        return checks_run(clause=clause, **kwargs).findings

    return do


@pytest.fixture
def dept(make_department):
    return make_department("客户服务部", code="CS")


@pytest.fixture
def other_dept(make_department):
    return make_department("运营部", code="OPS")


@pytest.fixture
def admin(make_user):
    return make_user("system_admin", name="李明")


@pytest.fixture
def dgm(make_user):
    return make_user("deputy_gm", name="陈立伟")


@pytest.fixture
def head(make_user, dept):
    """The using department's head (部门经理 / 有关部门负责人)."""
    return make_user("department_head", name="部门经理", dept=dept)


@pytest.fixture
def clerk(make_user, dept):
    """A member of the using department."""
    return make_user("staff", name="部门职员", dept=dept)


@pytest.fixture
def second_admin(make_user):
    """Another administrator, so a workflow started by ``admin`` has someone else to act."""
    return make_user("system_admin", name="刘洋")


@pytest.fixture
def person(make_person, dept):
    def make(name="林晓燕", department=None):
        return make_person(name, dept=department or dept)

    return make


@pytest.fixture
def device(dept, person):
    def make(**extra):
        n = next(_n)
        data = dict(asset_no=f"PC-{n:04d}", kind=Equipment.Kind.DESKTOP, department=dept, responsible=person())
        data["user"] = extra.pop("user", data["responsible"])
        data.update(extra)
        return services.equipment_create(None, **data)

    return make


@pytest.fixture
def medium(dept, person):
    def make(**extra):
        n = next(_n)
        data = dict(label_no=f"U-{n:04d}", kind=StorageMedium.Kind.USB, department=dept, custodian=person())
        data.update(extra)
        return services.medium_create(None, **data)

    return make


def plant(instance, **changes):
    """Change a row past the services (as a restored dump or a manual SQL edit could)."""
    with audited_write():
        for name, value in changes.items():
            setattr(instance, name, value)
        instance.save()
        record(None, "test.plant", instance, after=snapshot(instance, list(changes)))
    return instance


def days_ago(n):
    return timezone.now() - timedelta(days=n)
