"""Re-evaluation after a write reaches only the rows naming a changed person or role assignment
(``@check(narrow=..., via=...)``, xinan/policy/checks.py): p16.1 over equipment and p16.1-devices
over network-device records."""

from contextlib import contextmanager

import pytest
from django.db import connection

from xinan.assets.services import equipment_create
from xinan.core.services import instance_create
from xinan.network.models import NetworkDevice
from xinan.org import services as org
from xinan.org.models import RoleAssignment
from xinan.policy.models import Finding
from xinan.policy.services import _plan, checks_run


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    @contextmanager
    def block():
        connection._xinan_policy_pending = None
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return block


def _open(check_id):
    return sorted(Finding.objects.filter(check_id=check_id, resolved_at__isnull=True)
                  .values_list("subject_label", flat=True))


def _server(asset_no, department, **extra):
    return equipment_create(None, asset_no=asset_no, kind="server", department=department, **extra)


def test_a_person_or_grant_change_plans_p16_1_for_what_they_administer(department, make_user, make_person):
    """p16.1: a changed administrator (or their role assignment) plans the equipment check for the
    servers they administer and the network-device check for the devices they administer; an
    equipment change does not plan the network-device check; a role change runs both in full."""
    admin = make_user("system_admin").person
    other = make_person(name="乙")
    mine = _server("SRV-A", department, administrator=admin)
    _server("SRV-B", department, administrator=other)
    core = instance_create(None, NetworkDevice, {"device_label": "CORE-1", "name": "核心交换机", "role": "core_switch",
                                                 "administrator": admin})
    instance_create(None, NetworkDevice, {"device_label": "CORE-2", "name": "核心交换机", "role": "core_switch"})
    grant = RoleAssignment.objects.get(person=admin, role__code="system_admin")

    for changed in ({"org.person": {str(admin.pk)}}, {"org.roleassignment": {str(grant.pk)}}):
        plan = {spec.id: ids for spec, ids in _plan(None, changed)}
        assert plan["p16.1"] == frozenset({str(mine.pk)})
        assert plan["p16.1-devices"] == frozenset({str(core.pk)})
    plan = {spec.id: ids for spec, ids in _plan(None, {"assets.equipment": {str(mine.pk)}})}
    assert plan["p16.1"] == frozenset({str(mine.pk)}) and "p16.1-devices" not in plan
    plan = {spec.id: ids for spec, ids in _plan(None, {"org.role": {"1"}})}
    assert plan["p16.1"] is None and plan["p16.1-devices"] is None


def test_a_revoked_system_admin_grant_opens_the_findings_of_what_they_administer(department, make_user, make_person,
                                                                               after_commit):
    """p16.1 网络资源和服务器由信息系统管理员统一规划、管理和监督: the administrator of SRV-A and CORE-1
    loses the system_admin role; the narrowed re-runs open the findings of SRV-A and CORE-1 and leave
    those found by the earlier full run (SRV-B, CORE-2) as they were."""
    admin = make_user("system_admin").person
    _server("SRV-A", department, administrator=admin)
    _server("SRV-B", department, administrator=make_person(name="乙"))
    instance_create(None, NetworkDevice, {"device_label": "CORE-1", "name": "核心交换机", "role": "core_switch",
                                          "administrator": admin})
    instance_create(None, NetworkDevice, {"device_label": "CORE-2", "name": "汇聚交换机", "role": "core_switch"})
    checks_run(clause="p16.1")
    assert _open("p16.1") == ["SRV-B"]
    assert _open("p16.1-devices") == ["CORE-2(汇聚交换机)"]
    first = dict(Finding.objects.filter(resolved_at__isnull=True).values_list("subject_label", "first_seen_at"))
    with after_commit() as callbacks:
        org.role_revoke(None, RoleAssignment.objects.get(person=admin, role__code="system_admin"), reason="调岗")
    assert callbacks
    assert _open("p16.1") == ["SRV-A", "SRV-B"]
    assert _open("p16.1-devices") == ["CORE-1(核心交换机)", "CORE-2(汇聚交换机)"]
    still = dict(Finding.objects.filter(resolved_at__isnull=True).values_list("subject_label", "first_seen_at"))
    assert still["SRV-B"] == first["SRV-B"] and still["CORE-2(汇聚交换机)"] == first["CORE-2(汇聚交换机)"]
