"""Re-evaluation after an equipment write reaches only the changed device's endpoint findings
(``narrow="assets.equipment"``, xinan/policy/checks.py): p01.2.4.c, p15.7.9, p07.16-a, p27.2.5-c,
p10.36.3-c. Each test: two devices in violation, a full run, then a write to one device; its
finding follows the write and the other's stays as the full run left it."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from xinan.policy.models import Finding
from xinan.policy.services import _plan, checks_run

from .. import services
from ..endpoint import endpoint_import
from ..models import Equipment

HEADER = "asset_no,time,kind,account,detail,tag,encrypted\n"


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    @contextmanager
    def block():
        connection._xinan_policy_pending = None
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return block


@pytest.fixture
def plant(admin):
    def do(*rows):
        text = HEADER + "".join(",".join(list(r) + [""] * (7 - len(r))) + "\n" for r in rows)
        result = endpoint_import(admin, file_name="planted.csv", content=text.encode(), source="桌管系统")
        assert result.ok, result.errors

    return do


def _open(check_id):
    return dict(Finding.objects.filter(check_id=check_id, resolved_at__isnull=True)
                .values_list("subject_label", "first_seen_at"))


def _when(hours=None):
    """A recent moment as an endpoint export writes it: ``hours`` ago, or by default the latest
    daytime hour (10:00, 14:00, 17:00, local) at least half an hour ago, so an event planted at
    night does not also make p01.2.4.c (running at night) find the computer."""
    now = timezone.localtime()
    if hours is not None:
        return f"{now - timedelta(hours=hours):%Y-%m-%d %H:%M}"
    candidates = [(now - timedelta(days=back)).replace(hour=h, minute=0, second=0, microsecond=0)
                  for back in (0, 1) for h in (10, 14, 17)]
    return f"{max(c for c in candidates if c <= now - timedelta(minutes=30)):%Y-%m-%d %H:%M}"


def _retire(device):
    services.equipment_update(None, device, status=Equipment.Status.SPARE)
    services.equipment_archive(None, device)


def _narrowed(check_id, device, write, after_commit):
    """Full run, then ``write`` (after commit): returns the open findings before and after, and
    asserts the write is planned for ``device`` alone."""
    plan = {spec.id: ids for spec, ids in _plan(None, {"assets.equipment": {str(device.pk)}})}
    assert plan[check_id] == frozenset({str(device.pk)})
    checks_run(clause=check_id)
    before = _open(check_id)
    with after_commit() as callbacks:
        write()
    assert callbacks
    return before, _open(check_id)


def _moved_one(before, after, gone, kept):
    assert gone in before and kept in before
    assert gone not in after
    assert after[kept] == before[kept]  # the other device's finding was not re-derived


def test_p01_2_4_c_an_equipment_change_re_evaluates_that_computer(device, plant, after_commit):
    """p01.2.4.c 下班关闭主机电源: a desktop left on turns into a server; only its finding goes."""
    a, b = device(asset_no="LEFT-A"), device(asset_no="LEFT-B")
    day = timezone.localdate() - timedelta(days=3)
    plant(("LEFT-A", f"{day:%Y-%m-%d} 08:50", "power_on"), ("LEFT-B", f"{day:%Y-%m-%d} 08:50", "power_on"))
    before, after = _narrowed("p01.2.4.c", a, lambda: services.equipment_update(None, a, kind=Equipment.Kind.SERVER),
                              after_commit)
    _moved_one(before, after, "LEFT-A", "LEFT-B")


def test_p15_7_9_an_equipment_change_re_evaluates_that_computer(device, plant, after_commit):
    """p15.7.9 除机房工作人员外不得拆装计算机: a computer opened without maintenance is archived; only its finding goes."""
    a, b = device(asset_no="OPEN-A"), device(asset_no="OPEN-B")
    plant(("OPEN-A", _when(), "chassis_opened"), ("OPEN-B", _when(), "chassis_opened"))
    before, after = _narrowed("p15.7.9", a, lambda: _retire(a), after_commit)
    _moved_one(before, after, "OPEN-A", "OPEN-B")


def test_p07_16_a_an_equipment_change_re_evaluates_that_computer(device, plant, after_commit):
    """p07.16-a 不得擅自替换计算机硬件: a computer with an unapproved hardware change is archived; only its finding goes."""
    a, b = device(asset_no="HW-A"), device(asset_no="HW-B")
    plant(("HW-A", _when(), "hardware_changed", "", "硬盘"), ("HW-B", _when(), "hardware_changed", "", "硬盘"))
    before, after = _narrowed("p07.16-a", a, lambda: _retire(a), after_commit)
    _moved_one(before, after, "HW-A", "HW-B")


def test_p27_2_5_c_an_equipment_change_re_evaluates_that_computer(device, plant, after_commit):
    """p27.2.5-c 重要计算机防止擅自安装软件: an important computer without install control is no longer
    important; only its finding goes. Then another becomes important: only its finding opens."""
    a, b = device(asset_no="IMP-A", important=True), device(asset_no="IMP-B", important=True)
    c = device(asset_no="PLAIN-C")
    before, after = _narrowed("p27.2.5-c", a, lambda: services.equipment_update(None, a, important=False), after_commit)
    _moved_one(before, after, "IMP-A", "IMP-B")
    with after_commit():
        services.equipment_update(None, c, important=True)
    assert set(_open("p27.2.5-c")) == {"IMP-B", "PLAIN-C"}


def test_p10_36_3_c_an_equipment_change_re_evaluates_that_device(device, plant, after_commit):
    """p10.36.3-c 限制设备输出接口的使用: a customer-data device with USB storage open no longer
    handles customer data; only its finding goes."""
    a, b = (device(asset_no=no, handles_customer_data=True) for no in ("CD-A", "CD-B"))
    plant(("CD-A", _when(), "policy_state", "", "usb_storage=allowed"),
          ("CD-B", _when(), "policy_state", "", "usb_storage=allowed"))
    before, after = _narrowed("p10.36.3-c", a, lambda: services.equipment_update(None, a, handles_customer_data=False),
                              after_commit)
    _moved_one(before, after, "CD-A", "CD-B")
