"""Writes to the equipment register and what hangs off a device directly.

- p01.2.1-b 《计算机地址分配表》: devices registered with department, responsible person, IP, MAC.
- p01.2.1-c a change of responsible person is *filed* (``responsible_change_file``) with the
  moment it happened (``changed_at``) and the moment it was filed (``filed_at``); an edit of the
  device cannot silently change the responsible person or the department (调用记录单 does that).
- The IP plan's contract: ``equipment_set_address`` is how ``xinan.network`` keeps
  ``ip_address``/``mac_address`` in sync with its allocations.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record, snapshot
from xinan.core.services import instance_archive, instance_create, instance_update, require

from ..models import AssetKeeper, Equipment, MaintenanceRecord, ResponsibleChange
from ..models.common import next_number
from .common import need_active_person, need_open_record, need_usable_equipment

CREATABLE_STATUSES = (Equipment.Status.IN_USE, Equipment.Status.SPARE)


def normalise_mac(value: str | None) -> str:
    """``aa:bb:cc:dd:ee:ff`` / ``AABB.CCDD.EEFF`` / ``aabbccddeeff`` → ``AA-BB-CC-DD-EE-FF``."""
    raw = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    if len(raw) == 12 and all(ch in "0123456789ABCDEF" for ch in raw):
        return "-".join(raw[i:i + 2] for i in range(0, 12, 2))
    return (value or "").strip().upper()


def _check_addresses(equipment: Equipment) -> None:
    """An IP or MAC address names one device: a second device with it is refused. The address is
    checked first: PostgreSQL's inet column refuses a malformed one in the query itself."""
    if equipment.ip_address:
        try:
            validate_ipv46_address(str(equipment.ip_address))
        except ValidationError:
            raise ValidationError({"ip_address": _("“%(v)s”不是有效的 IP 地址 / “%(v)s” is not a valid IP address")
                                   % {"v": equipment.ip_address}}) from None
    others = Equipment.objects.filter(archived_at__isnull=True).exclude(pk=equipment.pk)
    errors = {}
    if equipment.ip_address and others.filter(ip_address=equipment.ip_address).exists():
        errors["ip_address"] = _("IP 地址 %(v)s 已登记在其他设备上 / IP address %(v)s is already recorded on another device") % {
            "v": equipment.ip_address}
    if equipment.mac_address and others.filter(mac_address=equipment.mac_address).exists():
        errors["mac_address"] = _("MAC 地址 %(v)s 已登记在其他设备上 / MAC address %(v)s is already recorded on another device") % {
            "v": equipment.mac_address}
    if errors:
        raise ValidationError(errors)


def _check_people(data: dict) -> None:
    from ..models.equipment import Equipment as E

    for name in ("responsible", "user", "administrator"):
        need_active_person(data.get(name), name, E._meta.get_field(name).verbose_name)


def equipment_create(actor, *, reason: str = "", **data) -> Equipment:
    """登记设备 (p01.2.1-b). A new device is in use or spare; the workflows set other states."""
    data.setdefault("status", Equipment.Status.IN_USE)
    if data["status"] not in CREATABLE_STATUSES:
        raise ValidationError({"status": _("新登记设备须为在用或备用 / a new device is in use or spare")})
    if data.get("department") is not None and data["department"].archived_at:
        raise ValidationError({"department": _("部门已归档 / the department is archived")})
    _check_people(data)
    data["mac_address"] = normalise_mac(data.get("mac_address"))
    probe = Equipment(**data)
    _check_addresses(probe)
    return instance_create(actor, Equipment, data, department_field="department", reason=reason)


def equipment_update(actor, equipment: Equipment, *, reason: str = "", **data) -> Equipment:
    """Edits the descriptive fields. The responsible person changes by a filing
    (``responsible_change_file``), the department by a transfer (调用记录单), the workflow states
    by the repair and scrapping workflows."""
    errors = {}
    if "department" in data and data["department"] != equipment.department:
        errors["department"] = _("部门变更请通过调用记录单办理 / use a transfer (调用记录单) to move the device")
    if "responsible" in data and equipment.responsible_id and data["responsible"] != equipment.responsible:
        errors["responsible"] = _("负责人变更请通过负责人变更备案办理 / file a change of responsible person")
    new_status = data.get("status", equipment.status)
    if new_status != equipment.status and (new_status in Equipment.WORKFLOW_STATUSES
                                           or equipment.status in Equipment.WORKFLOW_STATUSES):
        errors["status"] = _("维修、报废状态由相应流程设置 / repair and scrapping states are set by their workflows")
    if errors:
        raise ValidationError(errors)
    _check_people({k: v for k, v in data.items()
                   if k in ("responsible", "user", "administrator") and getattr(equipment, f"{k}_id") != getattr(v, "pk", None)})
    if "mac_address" in data:
        data["mac_address"] = normalise_mac(data["mac_address"])
    first_responsible = data.get("responsible") if equipment.responsible_id is None else None
    with audited_write():
        probe = Equipment(**{**{f.attname: getattr(equipment, f.attname) for f in Equipment._meta.concrete_fields}})
        for name, value in data.items():
            setattr(probe, name, value)
        _check_addresses(probe)
        instance_update(actor, equipment, data, department_field="department", reason=reason)
        if first_responsible is not None:  # the first naming of a responsible person is its filing
            _file(actor, equipment, None, first_responsible, timezone.now(), reason or _("首次登记负责人"))
    return equipment


def equipment_archive(actor, equipment: Equipment, *, reason: str = "") -> Equipment:
    if equipment.status not in (Equipment.Status.SCRAPPED, Equipment.Status.MISSING, Equipment.Status.SPARE):
        raise ValidationError(_("只能归档已报废、盘亏或备用的设备 / only scrapped, missing or spare devices can be "
                                "archived"))
    if equipment.media.filter(status__in=["in_store", "in_use", "lent"]).exists():
        raise ValidationError(_("设备中仍登记有存储介质 / storage media are still recorded in the device"))
    return instance_archive(actor, equipment, department_field="department", reason=reason)


def equipment_set_address(actor, equipment: Equipment, *, ip_address: str | None, mac_address: str | None = None,
                          permission: str = "assets.equipment.change", reason: str = "") -> Equipment:
    """The IP plan's contract (``xinan.network``): its allocation service calls this when it
    allocates, changes or releases a device's address (``ip_address=None`` releases it), passing
    its own permission code. The change is audited as ``assets.equipment.address``."""
    require(actor, permission)
    with audited_write():
        before = snapshot(equipment, ["ip_address", "mac_address"])
        equipment.ip_address = ip_address or None
        if mac_address is not None:
            equipment.mac_address = normalise_mac(mac_address)
        equipment.full_clean(validate_unique=False)
        _check_addresses(equipment)
        equipment.save(update_fields=["ip_address", "mac_address"])
        record(actor, "assets.equipment.address", equipment, before=before,
               after=snapshot(equipment, ["ip_address", "mac_address"]), reason=reason)
    return equipment


# --- 负责人变更备案 (p01.2.1-c) ------------------------------------------------------------

def _file(actor, equipment, from_person, to_person, changed_at, reason) -> ResponsibleChange:
    now = timezone.now()
    change = ResponsibleChange(
        number=next_number(ResponsibleChange, "BA"), equipment=equipment, department=equipment.department,
        from_person=from_person, to_person=to_person, changed_at=changed_at, filed_at=now,
        filed_by=actor if actor is not None else None, explanation=reason)
    change.full_clean()
    change.save()
    record(actor, "assets.responsiblechange.create", change, after=snapshot(change), reason=reason)
    return change


def responsible_change_file(actor, *, equipment: Equipment, to_person, changed_at=None, reason: str = "",
                            keep_user: bool = False) -> ResponsibleChange:
    """负责人变更备案: the department reports that ``to_person`` became the device's responsible
    person at ``changed_at``; filed now. The designated user follows (p01.2.2-a: the user is the
    responsible person) unless ``keep_user``."""
    require(actor, "assets.responsiblechange.add", equipment.department_id)
    need_usable_equipment(equipment)
    need_active_person(to_person, "to_person", _("新负责人"))
    changed_at = changed_at or timezone.now()
    if changed_at > timezone.now():
        raise ValidationError({"changed_at": _("变更时间不能晚于现在 / the change cannot be in the future")})
    if equipment.responsible_id == to_person.pk:
        raise ValidationError({"to_person": _("新负责人与当前负责人相同 / already the responsible person")})
    with audited_write():
        before = snapshot(equipment, ["responsible", "user"])
        change = _file(actor, equipment, equipment.responsible, to_person, changed_at, reason)
        equipment.responsible = to_person
        fields = ["responsible"]
        if not keep_user:
            equipment.user = to_person
            fields.append("user")
        equipment.save(update_fields=fields)
        record(actor, "assets.equipment.responsible", equipment, before=before,
               after=snapshot(equipment, ["responsible", "user"]), reason=reason)
    return change


def responsible_change_create(actor, *, reason: str = "", **data) -> ResponsibleChange:
    note = data.pop("explanation", "") or reason
    return responsible_change_file(actor, reason=note, **data)


def responsible_change_update(actor, change: ResponsibleChange, *, reason: str = "", **data) -> ResponsibleChange:
    """A filing is a record of what happened: only its explanation may be completed."""
    fixed = {k for k in data if k != "explanation" and getattr(change, k) != data[k]}
    if fixed:
        raise ValidationError({k: _("备案内容不能修改,如有错误请重新备案 / a filing cannot be altered; file again")
                               for k in fixed})
    return instance_update(actor, change, {"explanation": data.get("explanation", change.explanation)},
                           department_field="department", reason=reason)


# --- 科室计算机管理员 (p15.7.15-a) -----------------------------------------------------------

def asset_keeper_create(actor, *, reason: str = "", **data) -> AssetKeeper:
    need_active_person(data.get("person"), "person", _("计算机管理员"))
    return instance_create(actor, AssetKeeper, data, department_field="department", reason=reason)


def asset_keeper_update(actor, keeper: AssetKeeper, *, reason: str = "", **data) -> AssetKeeper:
    if "person" in data and data["person"] != keeper.person:
        need_active_person(data["person"], "person", _("计算机管理员"))
    return instance_update(actor, keeper, data, department_field="department", reason=reason)


# --- 维护记录 (p01.5.1.a/c/e, p15.7.15-b) ---------------------------------------------------

def _check_maintenance(data: dict) -> None:
    errors = {}
    if not data.get("restored"):
        errors["restored"] = _("维护完成须将所拆卸的设备复原 / the device must be restored when the work ends")
    performed_on = data.get("performed_on")
    if performed_on and performed_on > timezone.localdate():
        errors["performed_on"] = _("维护日期不能晚于今天 / the date cannot be in the future")
    if errors:
        raise ValidationError(errors)


def is_maintainer(person, department_id) -> bool:
    """管理部员负责计算机维护 (p01.5.1.a, p15.5.2): the computer-management staff — the IT office
    (parameter ``assets.it_office``), holders of the system administrator's role, the machine-room
    posts (``assets.endpoint.machine_room_posts``) — or the PC keeper the device's department named."""
    from ..checks_endpoint import staff_people
    from .systems import office_department_ids

    if person.department_id in office_department_ids() or staff_people().filter(pk=person.pk).exists():
        return True
    return AssetKeeper.objects.filter(archived_at__isnull=True, person=person, department_id=department_id).exists()


def need_maintainer(person, equipment) -> None:
    if person is not None and not is_maintainer(person, equipment.department_id):
        raise ValidationError({"performed_by": _(
            "维护须由信息管理部门人员、机房人员或本部门的计算机管理员进行 / maintenance is done by the IT office, "
            "machine-room staff or the department's PC keeper")})


def maintenance_create(actor, *, reason: str = "", **data) -> MaintenanceRecord:
    """登记一次维护. Refused unless the device was restored (p01.5.1.c) and the work was done by the
    computer-management staff (p01.5.1.a)."""
    equipment = data["equipment"]
    need_usable_equipment(equipment)
    need_active_person(data.get("performed_by"), "performed_by", _("维护人"))
    need_maintainer(data.get("performed_by"), equipment)
    _check_maintenance(data)
    data.update(number=next_number(MaintenanceRecord, "WH"), department=equipment.department)
    return instance_create(actor, MaintenanceRecord, data, department_field="department", reason=reason)


def maintenance_update(actor, entry: MaintenanceRecord, *, reason: str = "", **data) -> MaintenanceRecord:
    need_open_record(entry)
    if "equipment" in data and data["equipment"] != entry.equipment:
        raise ValidationError({"equipment": _("不能改为其他设备 / the device cannot be changed")})
    merged = {"restored": entry.restored, "performed_on": entry.performed_on, **data}
    _check_maintenance(merged)
    if "performed_by" in data:
        need_maintainer(data["performed_by"], entry.equipment)
    return instance_update(actor, entry, data, department_field="department", reason=reason)


def equipment_holding_classified_media(equipment_ids) -> set[int]:
    """Devices whose recorded (undestroyed) media carry a classified label."""
    from ..models import StorageMedium

    return set(StorageMedium.objects.filter(Q(installed_in_id__in=equipment_ids), classification__gt=0)
               .exclude(status="destroyed").values_list("installed_in_id", flat=True))
