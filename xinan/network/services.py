"""Every write to the IP plan: subnets (网段) and allocations (IP地址分配) with their history.

Rules enforced here, whatever the entry point (pages, API, imports, demo):
- prefixes never overlap (p21.5.2.4 规划); a changed prefix must still hold its live allocations;
- an address is allocated only inside a subnet of the plan, never its network/broadcast address,
  and to one device at a time (also a partial unique index: ``network_one_live_allocation_per_ip``);
- an address is given only against a network access request (入网申请, p15.2.7); it is *requested*
  (reserved) until the request is approved, then *active*;
- a public address needs a public-IP request and an end date (p16.3.3, p16.3.4), and is reclaimed
  when the need ends (``access.access_request_end``);
- a change of IP, MAC or host name is made by the administrator through ``allocation_update``
  (the approved change, p16.3.1, p07.11) and written to the allocation history.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record, snapshot
from xinan.core.services import instance_archive, require

from . import addresses
from .models import AllocationEvent, IPAllocation, NetworkAccessRequest, Subnet

ALLOCATION = "network.ipallocation"
_PLAN_LOCK = 0x78696E616E  # one advisory lock for writes to the plan (PostgreSQL; SQLite serialises writes)


def _lock_plan() -> None:
    """Two concurrent writers must not each miss the other's overlapping prefix."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PLAN_LOCK])


def _actor_label(actor) -> str:
    if actor is None:
        return "system"
    return str(getattr(actor, "username", actor))


def _save(instance) -> None:
    try:
        instance.full_clean()
        instance.save()
    except IntegrityError as exc:  # a race past the checks: the database's constraint decided
        raise ValidationError(_("数据与已有记录冲突 / conflicts with an existing record: %(e)s") % {"e": exc}) from exc


# --- subnets -----------------------------------------------------------------------------------


def _overlapping(version: int, first: str, last: str, exclude_pk=None):
    qs = Subnet.objects.filter(archived_at__isnull=True, version=version, first_key__lte=last, last_key__gte=first)
    return qs.exclude(pk=exclude_pk) if exclude_pk else qs


def _apply_prefix(subnet: Subnet, raw) -> None:
    try:
        network = addresses.parse_cidr(raw)
    except ValidationError as exc:
        raise ValidationError({"cidr": exc.messages}) from None
    subnet.cidr = network.with_prefixlen
    subnet.version = network.version
    subnet.first_key = addresses.key(int(network.network_address))
    subnet.last_key = addresses.key(int(network.broadcast_address))
    clash = _overlapping(subnet.version, subnet.first_key, subnet.last_key, subnet.pk).first()
    if clash is not None:
        raise ValidationError({"cidr": _("网段 %(new)s 与已有网段 %(old)s(%(name)s)重叠 / %(new)s overlaps %(old)s (%(name)s)")
                               % {"new": subnet.cidr, "old": clash.cidr, "name": clash.name}})


def _check_department(department) -> None:
    if department is not None and department.archived_at:
        raise ValidationError({"department": _("部门已归档 / the department is archived")})


def subnet_create(actor, *, reason: str = "", **data) -> Subnet:
    require(actor, "network.subnet.add", getattr(data.get("department"), "pk", None))
    _check_department(data.get("department"))
    with audited_write():
        _lock_plan()
        subnet = Subnet(**{k: v for k, v in data.items() if k != "cidr"})
        _apply_prefix(subnet, data.get("cidr"))
        _save(subnet)
        record(actor, "network.subnet.create", subnet, after=snapshot(subnet), reason=reason)
    return subnet


def subnet_update(actor, subnet: Subnet, *, reason: str = "", **data) -> Subnet:
    require(actor, "network.subnet.change", subnet.department_id)
    if subnet.archived_at:
        raise ValidationError(_("已归档的网段不能修改 / an archived subnet cannot be changed"))
    if "department" in data and data["department"] != subnet.department:
        _check_department(data["department"])
        require(actor, "network.subnet.change", getattr(data["department"], "pk", None))
    live = subnet.allocations.filter(status__in=IPAllocation.LIVE)
    with audited_write():
        _lock_plan()
        before = snapshot(subnet)
        for name, value in data.items():
            if name != "cidr":
                setattr(subnet, name, value)
        if "cidr" in data:
            _apply_prefix(subnet, data["cidr"])
            outside = list(live.exclude(version=subnet.version, ip_key__gte=subnet.first_key, ip_key__lte=subnet.last_key)
                           .values_list("ip", flat=True)[:10])
            outside += list(live.exclude(version=subnet.version).values_list("ip", flat=True)[:10])
            if outside:
                raise ValidationError({"cidr": _("新网段不包含在用地址 %(ips)s,请先收回或迁移 / the new prefix leaves out "
                                                 "live addresses %(ips)s") % {"ips": "、".join(sorted(set(outside)))}})
        if "is_public" in data and before["is_public"] != subnet.is_public and live.exists():
            raise ValidationError({"is_public": _("网段内仍有在用地址,不能改变公网属性 / the subnet has live addresses")})
        after = snapshot(subnet)
        changed = {k for k in after if before.get(k) != after.get(k)}
        if changed:
            _save(subnet)
            record(actor, "network.subnet.update", subnet, before={k: before[k] for k in changed},
                   after={k: after[k] for k in changed}, reason=reason)
    return subnet


def subnet_archive(actor, subnet: Subnet, *, reason: str = "") -> Subnet:
    if subnet.allocations.filter(status__in=IPAllocation.LIVE).exists():
        raise ValidationError(_("网段内仍有在用或待批准的地址,请先收回 / release the subnet's addresses first"))
    return instance_archive(actor, subnet, department_field="department", reason=reason)


def subnet_for(address) -> Subnet | None:
    """The (single, since prefixes never overlap) open subnet holding ``address``."""
    k = addresses.key(int(address))
    return (Subnet.objects.filter(archived_at__isnull=True, version=address.version, first_key__lte=k, last_key__gte=k)
            .first())


# --- allocations -------------------------------------------------------------------------------


def _place(allocation: IPAllocation, raw_ip) -> None:
    """Normalise the address, derive its subnet and refuse what the plan does not allow."""
    try:
        address = addresses.parse_ip(raw_ip)
    except ValidationError as exc:
        raise ValidationError({"ip": exc.messages}) from None
    subnet = subnet_for(address)
    if subnet is None:
        raise ValidationError({"ip": _("IP 地址 %(ip)s 不在 IP 规划的任何网段内 / %(ip)s is outside every subnet of the plan")
                               % {"ip": address.compressed}})
    if addresses.is_reserved_in(address, addresses.parse_cidr(subnet.cidr)):
        raise ValidationError({"ip": _("%(ip)s 是网段 %(net)s 的网络地址或广播地址,不能分配 / %(ip)s is the network or "
                                       "broadcast address of %(net)s") % {"ip": address.compressed, "net": subnet.cidr}})
    allocation.ip = address.compressed
    allocation.version = address.version
    allocation.ip_key = addresses.key(int(address))
    allocation.subnet = subnet
    allocation.is_public = subnet.is_public
    taken = (IPAllocation.objects.filter(ip=allocation.ip, status__in=IPAllocation.LIVE)
             .exclude(pk=allocation.pk).values_list("device_label", flat=True).first())
    if taken is not None:
        raise ValidationError({"ip": _("IP 地址 %(ip)s 已分配给设备 %(dev)s / %(ip)s is already allocated to %(dev)s")
                               % {"ip": allocation.ip, "dev": taken}})


def _identify(allocation: IPAllocation) -> None:
    errors = {}
    try:
        allocation.mac = addresses.normalise_mac(allocation.mac)
    except ValidationError as exc:
        errors["mac"] = exc.messages
    try:
        allocation.hostname, allocation.domain = addresses.split_hostname(allocation.hostname, allocation.domain)
    except ValidationError as exc:
        errors["hostname"] = exc.messages
    if errors:
        raise ValidationError(errors)


def _check_request(allocation: IPAllocation) -> None:
    """p15.2.7 入网须批准: the address rests on a live network access request; p16.3.3 a public
    address on a public-IP request, with the date its need ends (p16.3.4)."""
    request = allocation.access_request
    errors = {}
    if request is None:
        raise ValidationError({"access_request": _("分配 IP 须有入网申请 / an allocation needs a network access request")})
    if request.status not in (NetworkAccessRequest.Status.SUBMITTED, NetworkAccessRequest.Status.APPROVED):
        errors["access_request"] = _("入网申请%(s)s,不能据此分配 / the request is %(s)s") % {
            "s": request.get_status_display()}
    elif allocation.is_public and request.kind != NetworkAccessRequest.Kind.PUBLIC:
        errors["access_request"] = _("公网 IP 须有经领导批准的公网 IP 申请 / a public address needs a public-IP request")
    if allocation.is_public:
        allocation.valid_until = allocation.valid_until or request.needed_until
        if allocation.valid_until is None:
            errors["valid_until"] = _("公网 IP 须填写使用截止日期 / a public address needs the date its need ends")
    if allocation.department_id and allocation.department.archived_at:
        errors["department"] = _("部门已归档 / the department is archived")
    if errors:
        raise ValidationError(errors)


def _event(allocation: IPAllocation, kind: str, actor, reason: str = "", changes=None) -> None:
    AllocationEvent(allocation=allocation, kind=kind, actor_label=_actor_label(actor), ip=allocation.ip,
                    mac=allocation.mac, hostname=allocation.hostname, changes=changes or {}, reason=reason).save()


def allocation_create(actor, *, reason: str = "", **data) -> IPAllocation:
    """分配 IP: active at once when the access request is approved, else reserved (requested)."""
    require(actor, "network.ipallocation.add", getattr(data.get("department"), "pk", None))
    allocation = IPAllocation(**{k: v for k, v in data.items() if k != "ip"})
    with audited_write():
        _lock_plan()
        _place(allocation, data.get("ip"))
        _identify(allocation)
        _check_request(allocation)
        if allocation.access_request.is_approved:
            allocation.status = IPAllocation.Status.ACTIVE
            allocation.activated_at = allocation.identity_since = timezone.now()
        _save(allocation)
        _event(allocation, AllocationEvent.Kind.ACTIVATED if allocation.status == IPAllocation.Status.ACTIVE
               else AllocationEvent.Kind.REQUESTED, actor, reason)
        record(actor, f"{ALLOCATION}.create", allocation, after=snapshot(allocation), reason=reason)
        _sync_equipment(actor, allocation, "network.ipallocation.add", reason)
    return allocation


IDENTITY = ("ip", "mac", "hostname", "domain", "network_user")


def allocation_update(actor, allocation: IPAllocation, *, reason: str = "", **data) -> IPAllocation:
    """变更: the administrator's change of address, MAC or host name is the approved change
    (p16.3.1 未经许可不得擅自更改); each one is written to the allocation's history."""
    require(actor, "network.ipallocation.change", allocation.department_id)
    if allocation.archived_at or allocation.status == IPAllocation.Status.RELEASED:
        raise ValidationError(_("已收回的地址分配不能修改 / a released allocation cannot be changed"))
    if "department" in data and data["department"] != allocation.department:
        require(actor, "network.ipallocation.change", getattr(data["department"], "pk", None))
    with audited_write():
        _lock_plan()
        before = snapshot(allocation)
        for name, value in data.items():
            if name != "ip":
                setattr(allocation, name, value)
        if "ip" in data:
            _place(allocation, data["ip"])
        _identify(allocation)
        _check_request(allocation)
        after = snapshot(allocation)
        changed = {k for k in after if before.get(k) != after.get(k)}
        if changed:
            identity = {k: [before[k], after[k]] for k in IDENTITY if k in changed}
            if identity and allocation.status == IPAllocation.Status.ACTIVE:
                allocation.identity_since = timezone.now()
            _save(allocation)
            if identity:
                _event(allocation, AllocationEvent.Kind.CHANGED, actor, reason, identity)
            record(actor, f"{ALLOCATION}.update", allocation, before={k: before[k] for k in changed},
                   after={k: after[k] for k in changed}, reason=reason)
            _sync_equipment(actor, allocation, "network.ipallocation.change", reason)
    return allocation


def allocation_release(actor, allocation: IPAllocation, *, reason: str = "") -> IPAllocation:
    """收回: the address is free again; the row stays as history (p16.3.4 公网IP不用立即收回)."""
    require(actor, "network.ipallocation.change", allocation.department_id)
    if allocation.status == IPAllocation.Status.RELEASED:
        raise ValidationError(_("该地址已收回 / already released"))
    with audited_write():
        _release(actor, allocation, reason, "network.ipallocation.change")
    return allocation


def _release(actor, allocation: IPAllocation, reason: str, permission=None) -> None:
    before = snapshot(allocation, ["status", "released_at"])
    allocation.status = IPAllocation.Status.RELEASED
    allocation.released_at = timezone.now()
    allocation.save(update_fields=["status", "released_at"])
    _event(allocation, AllocationEvent.Kind.RELEASED, actor, reason)
    record(actor, f"{ALLOCATION}.release", allocation, before=before,
           after=snapshot(allocation, ["status", "released_at"]), reason=reason)
    _sync_equipment(actor, allocation, permission, reason, released=True)


def allocation_archive(actor, allocation: IPAllocation, *, reason: str = "") -> IPAllocation:
    if allocation.status != IPAllocation.Status.RELEASED:
        raise ValidationError(_("请先收回该地址再归档 / release the address before archiving it"))
    return instance_archive(actor, allocation, department_field="department", reason=reason)


def activate_requested(actor, request: NetworkAccessRequest, reason: str = "") -> int:
    """On approval of ``request``: its reserved addresses become active."""
    now = timezone.now()
    count = 0
    for allocation in request.allocations.filter(status=IPAllocation.Status.REQUESTED):
        allocation.status = IPAllocation.Status.ACTIVE
        allocation.activated_at = allocation.identity_since = now
        allocation.save(update_fields=["status", "activated_at", "identity_since"])
        _event(allocation, AllocationEvent.Kind.ACTIVATED, actor, reason)
        record(actor, f"{ALLOCATION}.activate", allocation, after=snapshot(allocation, ["status", "activated_at"]),
               reason=reason)
        _sync_equipment(actor, allocation, None, reason)
        count += 1
    return count


def release_all(actor, request: NetworkAccessRequest, reason: str = "") -> int:
    """When a request is refused or its need ends: every live address of it is reclaimed."""
    live = list(request.allocations.filter(status__in=IPAllocation.LIVE))
    for allocation in live:
        _release(actor, allocation, reason)
    return len(live)


def _sync_equipment(actor, allocation: IPAllocation, permission, reason: str, released: bool = False) -> None:
    """Keep the equipment register's ip/mac in step with the allocation (assets app, when present).
    ``permission`` is the one the actor used here (None: an approval, whose approver may hold no
    allocation permission; the write is then the system's)."""
    from . import equipment

    equipment.sync(actor if permission else None, allocation, permission=permission or "network.ipallocation.change",
                   released=released, reason=reason)


def next_free(subnet: Subnet) -> str:
    """The lowest address of ``subnet`` a device may hold that no live allocation holds."""
    network = addresses.parse_cidr(subnet.cidr)
    taken = set(IPAllocation.objects.filter(subnet=subnet, status__in=IPAllocation.LIVE).values_list("ip_key", flat=True))
    start = int(network.network_address)
    for offset in range(network.num_addresses):
        candidate = network.network_address.__class__(start + offset)
        if addresses.is_reserved_in(candidate, network) or addresses.key(int(candidate)) in taken:
            continue
        return candidate.compressed
    raise ValidationError({"ip": _("网段 %(net)s 已无空闲地址 / %(net)s has no free address") % {"net": subnet.cidr}})


def allocate(actor, *, access_request: NetworkAccessRequest, ip: str | None = None, subnet: Subnet | None = None,
             reason: str = "", **data) -> IPAllocation:
    """分配 IP against a network access request: the given address, or the next free one of the
    subnet (the request's subnet when none is named). Device, MAC and host name default to the
    request's."""
    if not ip:
        subnet = subnet or access_request.subnet
        if subnet is None:
            raise ValidationError({"ip": _("请填写 IP 地址或选择网段 / give an address or a subnet")})
        ip = next_free(subnet)
    for name in ("device_label", "mac", "hostname"):
        if not data.get(name):
            data[name] = getattr(access_request, name)
    data.setdefault("department", access_request.department)
    if data.get("holder") is None:
        data["holder"] = access_request.applicant
    return allocation_create(actor, ip=ip, access_request=access_request, reason=reason, **data)


def violation_archive(actor, violation, *, reason: str = ""):
    """归档网络违规记录: only once it is handled and the person is named (p01.6.1-a, p04.6.2-a …):
    archiving an open one would take its finding off the dashboard without anyone dealing with it."""
    if violation.handled_on is None or violation.person_id is None:
        raise ValidationError(_("违规尚未查明行为人并处理,不能归档 / a violation is archived only once the person "
                                "is named and it is handled"))
    return instance_archive(actor, violation, reason=reason)
