"""The link to the equipment register (``xinan.assets``): an allocation names its device by asset
number (``device_label`` = ``Equipment.asset_no``). When the assets app is installed, the
equipment's ``ip_address`` / ``mac_address`` follow the allocation through the assets app's own
contract, ``equipment_set_address`` (audited as ``assets.equipment.address``), in the allocation's
transaction: set when an address becomes active or changes, cleared when it is released.
"""

from django.apps import apps
from django.core.exceptions import ValidationError


def equipment_of(allocation):
    if not apps.is_installed("xinan.assets") or not allocation.device_label:
        return None
    from xinan.assets.models import Equipment

    return Equipment.objects.filter(asset_no=allocation.device_label).first()


def sync(actor, allocation, *, permission: str, released: bool = False, reason: str = "") -> bool:
    """Bring the device's recorded address in line with ``allocation``; True when it changed."""
    equipment = equipment_of(allocation)
    if equipment is None:
        return False
    from xinan.assets.services import equipment_set_address, normalise_mac

    if released:
        if equipment.ip_address != allocation.ip:
            return False  # the device already shows another allocation's address
        target = dict(ip_address=None, mac_address=None)
    elif allocation.status != "active":
        return False
    else:
        same_mac = not allocation.mac or equipment.mac_address == normalise_mac(allocation.mac)
        if equipment.ip_address == allocation.ip and same_mac:
            return False
        target = dict(ip_address=allocation.ip, mac_address=allocation.mac or None)
    try:
        equipment_set_address(actor, equipment, permission=permission, reason=reason or "IP地址分配 / IP allocation",
                              **target)
    except ValidationError as exc:
        # The equipment register refuses (e.g. that MAC is recorded on another device): name it on our field.
        raise ValidationError({"device_label": exc.messages}) from exc
    return True
