"""The equipment register follows the IP plan: an allocation to asset number X sets equipment X's
ip_address/mac_address when it becomes active or changes, and clears them when released
(through the assets app's ``equipment_set_address``, audited as ``assets.equipment.address``)."""

import pytest
from django.core.exceptions import ValidationError

from xinan.audit.models import AuditEvent
from xinan.assets import services as assets
from xinan.network import access, services


@pytest.fixture
def desktop(it_dept):
    return assets.equipment_create(None, asset_no="ZC-0001", kind="desktop", department=it_dept)


def test_allocation_change_and_release_keep_the_equipment_in_step(office, desktop, allocate, make_user):
    allocation = allocate("192.168.10.21", "ZC-0001", mac="AA-BB-CC-00-00-21")
    desktop.refresh_from_db()
    assert (desktop.ip_address, desktop.mac_address) == ("192.168.10.21", assets.normalise_mac("aa:bb:cc:00:00:21"))
    admin = make_user("system_admin")
    services.allocation_update(admin, allocation, ip="192.168.10.22", reason="换位")
    desktop.refresh_from_db()
    assert desktop.ip_address == "192.168.10.22"
    services.allocation_release(admin, allocation, reason="报废")
    desktop.refresh_from_db()
    assert desktop.ip_address is None and desktop.mac_address == assets.normalise_mac("aa:bb:cc:00:00:21")
    assert AuditEvent.objects.filter(action="assets.equipment.address", subject_id=str(desktop.pk)).count() == 3


def test_a_reserved_address_reaches_the_equipment_only_when_approved(office, desktop, it_dept, make_user):
    request = access.access_request_create(None, department=it_dept, device_label="ZC-0001", purpose="入网")
    services.allocation_create(None, ip="192.168.10.23", device_label="ZC-0001", department=it_dept,
                               access_request=request)
    desktop.refresh_from_db()
    assert desktop.ip_address is None
    access.access_request_approve(make_user("system_admin"), request)
    desktop.refresh_from_db()
    assert desktop.ip_address == "192.168.10.23"


def test_a_mac_recorded_on_other_equipment_refuses_the_allocation(office, desktop, it_dept, approved):
    assets.equipment_create(None, asset_no="ZC-0002", kind="desktop", department=it_dept, mac_address="aa:bb:cc:00:00:99")
    with pytest.raises(ValidationError) as exc:
        services.allocation_create(None, ip="192.168.10.24", device_label="ZC-0001", department=it_dept,
                                   access_request=approved("ZC-0001"), mac="aa:bb:cc:00:00:99")
    assert "device_label" in exc.value.message_dict
    desktop.refresh_from_db()
    assert desktop.ip_address is None
