"""Re-evaluation after a write reaches only the devices that reference a changed person
(``@check(via=...)``, xinan/policy/checks.py): p16.2.1-a, p01.2.2-a; the media a person keeps: p10.36.3-a."""

from contextlib import contextmanager

import pytest
from django.db import connection

from xinan.org import services as org
from xinan.policy.models import Finding
from xinan.policy.services import _plan, checks_run

from .. import services
from ..models import Equipment


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    @contextmanager
    def block():
        connection._xinan_policy_pending = None
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return block


def _open(clause):
    return sorted(Finding.objects.filter(clause=clause, resolved_at__isnull=True).values_list("subject_label", flat=True))


def test_a_person_change_is_planned_for_the_devices_naming_them(device, person, admin):
    """The plan for a changed person lists, for the device checks, exactly the devices whose
    responsible person, user or administrator they are; the account checks get their accounts."""
    keeper, other = person("甲"), person("乙")
    server = device(kind=Equipment.Kind.SERVER, asset_no="SRV-A")
    services.equipment_update(admin, server, administrator=keeper)
    pc = device(responsible=keeper, user=keeper)
    device(responsible=other, user=other)
    plan = {spec.id: ids for spec, ids in _plan(None, {"org.person": {str(keeper.pk)}})}
    assert plan["p16.2.1-a"] == frozenset({str(server.pk), str(pc.pk)})
    assert plan["p01.2.2-a"] == frozenset({str(server.pk), str(pc.pk)})
    assert plan["p10.38-b"] == frozenset()  # the person has no account


def test_a_departure_opens_the_finding_of_their_server_only(device, person, admin, after_commit):
    """p16.2.1-a: the administrator of SRV-A leaves; the narrowed re-run opens SRV-A's finding and
    leaves the open finding of SRV-B (found by the earlier full run) as it was."""
    keeper = person("服务器管理员")
    server_a = device(kind=Equipment.Kind.SERVER, asset_no="SRV-A")
    services.equipment_update(admin, server_a, administrator=keeper)
    device(kind=Equipment.Kind.SERVER, asset_no="SRV-B")  # no administrator at all
    checks_run(clause="p16.2.1-a")
    assert _open("p16.2.1-a") == ["SRV-B"]
    with after_commit() as callbacks:
        org.person_depart(None, keeper, reason="离职")
    assert callbacks
    assert _open("p16.2.1-a") == ["SRV-A", "SRV-B"]


def test_a_change_of_another_type_still_runs_the_check_in_full():
    """A parameter change may alter every finding: no narrowing for it."""
    plan = {spec.id: ids for spec, ids in _plan(None, {"org.person": {"1"}, "core.parameter": {"x"}})}
    assert plan["p10.38-b"] is None


def test_p10_36_3_a_a_departure_re_evaluates_the_media_they_keep(medium, person, after_commit):
    """p10.36.3-a 存储设备介质明确负责人: a person change is planned for the media they keep only;
    when the custodian of U-A leaves, the narrowed re-run opens U-A's finding and leaves the open
    finding of U-B (found by the earlier full run) as it was."""
    keeper = person("保管人")
    kept = medium(label_no="U-A", custodian=keeper)
    medium(label_no="U-C")
    medium(label_no="U-B", custodian=None)
    plan = {spec.id: ids for spec, ids in _plan(None, {"org.person": {str(keeper.pk)}})}
    assert plan["p10.36.3-a"] == frozenset({str(kept.pk)})
    checks_run(clause="p10.36.3-a")
    assert _open("p10.36.3-a") == ["U-B"]
    first = Finding.objects.get(clause="p10.36.3-a", subject_label="U-B", resolved_at__isnull=True).first_seen_at
    with after_commit() as callbacks:
        org.person_depart(None, keeper, reason="离职")
    assert callbacks
    assert _open("p10.36.3-a") == ["U-A", "U-B"]
    assert Finding.objects.get(clause="p10.36.3-a", subject_label="U-B", resolved_at__isnull=True).first_seen_at == first
