"""The link to the equipment register (assets app): an allocation names its device by asset
number (``device_label``); when the assets app is installed, the equipment row with that number
carries the allocation's address in its ``ip_address`` / ``mac_address`` fields, kept in step on
every allocation, change and release, in the same transaction and audited.
"""

from django.apps import apps

from xinan.audit.services import record

NUMBER_FIELDS = ("asset_no", "asset_number", "number", "code")


def equipment_model():
    """The assets app's model holding ``ip_address`` and ``mac_address``, or None."""
    if not apps.is_installed("xinan.assets"):
        return None
    for model in apps.get_app_config("assets").get_models():
        names = {f.name for f in model._meta.get_fields()}
        if {"ip_address", "mac_address"} <= names:
            return model
    return None


def number_field(model) -> str | None:
    names = {f.name for f in model._meta.get_fields()}
    return next((n for n in NUMBER_FIELDS if n in names), None)


def sync(allocation, released: bool = False) -> int:
    model = equipment_model()
    if model is None or not allocation.device_label:
        return 0
    field = number_field(model)
    if field is None:
        return 0
    rows = model._default_manager.filter(**{field: allocation.device_label})
    if released:  # only clear the address if the equipment still shows this allocation's
        rows = rows.filter(ip_address=allocation.ip)
        values = {"ip_address": None if model._meta.get_field("ip_address").null else "",
                  "mac_address": model._meta.get_field("mac_address").get_default()}
    else:
        values = {"ip_address": allocation.ip, "mac_address": allocation.mac}
    pks = list(rows.values_list("pk", flat=True))
    if not pks:
        return 0
    # A targeted update: the equipment's other fields are the assets app's to change.
    model._default_manager.filter(pk__in=pks).update(**values)
    for pk in pks:
        record(None, f"{model._meta.label_lower}.ip_sync", (model._meta.label_lower, pk, allocation.device_label),
               after={**values, "allocation": allocation.pk}, reason="IP地址分配 / IP allocation")
    return len(pks)
