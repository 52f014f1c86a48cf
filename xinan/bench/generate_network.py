"""The IP plan of a generated organisation (《计算机地址分配表》, p21.5.2.4, p15.2.7): one /24
subnet (网段) for every 254 devices, and for every device with an address a network access
request (入网申请) approved by the system and an active allocation (IP地址分配) with its history
line — what ``access.access_request_create`` + ``access_request_approve`` (actor ``None``: the
system's own records run no workflow) + ``services.allocate`` write, with their events
``network.subnet.create``, ``network.networkaccessrequest.create`` / ``.approve`` and
``network.ipallocation.create``. The equipment already carries the same address and MAC, so the
allocation's ``_sync_equipment`` writes nothing (as the service would not). The subnets lie in one
security zone (办公区, p10.29) and a topology diagram is drawn once they are planned (p21.5.2.1-c).

Written at setup (the address table is taken over on the first day). Rates: one request and one
allocation per device; a spare subnet ``NEW_DEVICES`` planned for new terminals. Planted (``rate``
of the allocations): p15.2.7 — an active address whose access request was never approved
(``connected_before_approval``, key ``unapproved``).

``observe`` imports, half an hour before ``as_of``, the DHCP lease file of the last day (one
``network.observationimport.create`` event, as ``observations.observations_import``): every desktop
and laptop on its allocated address, and (``rate`` of the devices) unknown devices on free
addresses of the spare subnet, with no request and no allocation (p15.2.9-a, p15.2.7).
"""

import ipaddress
from datetime import timedelta

from django.utils import timezone

from xinan.network import addresses
from xinan.network.access import DECISION_FIELDS
from xinan.network.models import (AllocationEvent, IPAllocation, NetworkAccessRequest, Observation, ObservationImport,
                                  SecurityZone, Subnet, TopologyDiagram)

from .generate_ops import BATCH, Numbers, bulk, event, image

REASON = "生成数据 / generated data"
NEW_DEVICES = "10.200.0.0/20"  # 新增终端网段: planned at setup, where the planted unknown devices lease


def _n(population: int, rate: float) -> int:
    return min(population, max(1, round(population * rate))) if population else 0


def write(gen, devices: list, clock) -> None:
    """Subnets, requests, approvals and allocations for ``devices`` (their ``ip_address`` set)."""
    from xinan.audit.services import audited_write, record_many

    rng, summary = gen.rng, gen.summary
    devices = [e for e in devices if e.ip_address]
    nets = {}
    for e in devices:
        net = ipaddress.ip_network(f"{e.ip_address}/24", strict=False)
        nets.setdefault(net, None)
    zone = SecurityZone(code="Z-OFFICE", name="办公区", kind=SecurityZone.Kind.OFFICE, level=3,
                        description="办公终端与服务器所在区域")
    zone_at = clock.next()
    subnets = []
    for k, net in enumerate(sorted(nets)):
        subnets.append(Subnet(cidr=net.with_prefixlen, name=f"办公网段{k + 1:03d}", purpose="办公终端与服务器",
                              vlan=100 + k, zone=zone, version=4, first_key=addresses.key(int(net.network_address)),
                              last_key=addresses.key(int(net.broadcast_address))))
    by_net = dict(zip(sorted(nets), subnets))
    spare = ipaddress.ip_network(NEW_DEVICES)
    if not any(spare.overlaps(net) for net in nets):
        subnets.append(Subnet(cidr=NEW_DEVICES, name="新增终端网段", purpose="新增终端待分配", vlan=99, version=4, zone=zone,
                              first_key=addresses.key(int(spare.network_address)),
                              last_key=addresses.key(int(spare.broadcast_address))))

    subnet_at = [clock.next() for _s in subnets]
    numbers = Numbers()
    unapproved = set(id(e) for e in rng.sample(devices, _n(len(devices), gen.rate)))
    requests, allocations = [], []
    for e in devices:
        net = ipaddress.ip_network(f"{e.ip_address}/24", strict=False)
        host, _domain = addresses.split_hostname(e.hostname)
        requests.append(NetworkAccessRequest(
            kind=NetworkAccessRequest.Kind.LAN, department_id=e.department_id, applicant_id=e.responsible_id,
            device_label=e.asset_no, mac=addresses.normalise_mac(e.mac_address), hostname=host, subnet=by_net[net],
            purpose="计算机入网", status=NetworkAccessRequest.Status.SUBMITTED))
    # Three passes, as the IT section works through the table: requests, approvals, allocations.
    for r in requests:
        r.requested_at = clock.next()
        r.number = numbers.next("NR", r.requested_at, "%Y%m")
    for r, e in zip(requests, devices):
        if id(e) in unapproved:
            continue
        r.approved_at = clock.next()
        r.status = NetworkAccessRequest.Status.APPROVED
    for r, e in zip(requests, devices):
        at = clock.next()
        address = ipaddress.ip_address(e.ip_address)
        allocations.append(IPAllocation(
            ip=address.compressed, subnet=r.subnet, version=4, ip_key=addresses.key(int(address)),
            device_label=e.asset_no, mac=r.mac, hostname=r.hostname, domain="", department_id=e.department_id,
            holder_id=e.responsible_id, access_request=r, status=IPAllocation.Status.ACTIVE, is_public=False,
            created_at=at, activated_at=at, identity_since=at))

    diagram_at = clock.next()
    diagram = TopologyDiagram(version="V1", drawn_on=timezone.localdate(diagram_at), document="网络拓扑图 V1(办公区)",
                              summary="接管时绘制:办公区各网段")
    with audited_write():
        bulk(SecurityZone, [zone], summary)
        bulk(Subnet, subnets, summary)
        bulk(TopologyDiagram, [diagram], summary)
        entries = [event("network.securityzone.create", zone, zone_at, after=image(zone)),
                   event("network.topologydiagram.create", diagram, diagram_at, after=image(diagram))]
        entries += [event("network.subnet.create", s, at, after=image(s)) for s, at in zip(subnets, subnet_at)]
        bulk(NetworkAccessRequest, requests, summary, times=("requested_at",))
        bulk(IPAllocation, allocations, summary, times=("created_at",))
        history = [AllocationEvent(allocation=a, kind=AllocationEvent.Kind.ACTIVATED, at=a.activated_at,
                                   actor_label="system", ip=a.ip, mac=a.mac, hostname=a.hostname) for a in allocations]
        bulk(AllocationEvent, history, summary, times=("at",))
        entries += [event("network.networkaccessrequest.create", r, r.requested_at,
                          after=image(r, status=NetworkAccessRequest.Status.SUBMITTED, approved_at=None))
                    for r in requests]
        entries += [event("network.networkaccessrequest.approve", r, r.approved_at,
                          before=image(r, DECISION_FIELDS, status=NetworkAccessRequest.Status.SUBMITTED, approved_at=None),
                          after=image(r, DECISION_FIELDS)) for r in requests if r.approved_at]
        entries += [event("network.ipallocation.create", a, a.activated_at, after=image(a)) for a in allocations]
        entries.sort(key=lambda x: x["at"])
        for i in range(0, len(entries), BATCH * 2):
            record_many(entries[i:i + BATCH * 2])
    summary.events += len(entries)
    summary.planted["p15.2.7"] = len(unapproved)


def observe(gen, at) -> None:
    """观测导入 (``observations.observations_import``): the DHCP server's lease file of the last day
    before ``as_of`` — every desktop and laptop (the DHCP clients; servers, printers and network gear
    have static addresses) on its allocated address, MAC and host name — imported at ``at``.
    Planted (``rate`` of the devices): unknown devices leasing a free address of the planned
    ``NEW_DEVICES`` subnet with no access request and no allocation (p15.2.9-a 未办理入网手续接入,
    and p15.2.7 入网须批准: ``unregistered_devices`` names both)."""
    import hashlib

    from xinan.audit.services import audited_write, record_many

    rng, summary = gen.rng, gen.summary
    from xinan.assets.models import Equipment

    dynamic = Equipment.objects.filter(kind__in=(Equipment.Kind.DESKTOP, Equipment.Kind.LAPTOP)).values("asset_no")
    live = list(IPAllocation.objects.filter(status__in=IPAllocation.LIVE, device_label__in=dynamic).order_by("ip_key")
                .values_list("ip", "mac", "hostname"))
    if not live:
        return
    net = ipaddress.ip_network(NEW_DEVICES)
    strangers = []
    for k in range(min(_n(len(live), gen.rate), net.num_addresses - 2)):
        n = rng.randrange(16 ** 10)
        strangers.append((str(net.network_address + k + 1), ":".join(f"{(n >> s) & 255:02x}" for s in (40, 32, 24, 16, 8, 0)),
                          f"unknown-{k + 1:04d}"))
    seen = [(ip, mac, host, at - timedelta(minutes=rng.randrange(1, 24 * 60))) for ip, mac, host in live + strangers]
    text = "ip,mac,hostname,seen_at\n" + "".join(f"{ip},{mac},{host},{t:%Y-%m-%d %H:%M}\n" for ip, mac, host, t in seen)
    with audited_write():
        imported = ObservationImport(source=ObservationImport.Source.DHCP, file_name=f"dhcp-leases-{at:%Y%m%d}.csv",
                                     file_digest=hashlib.new("sm3", text.encode()).hexdigest(), rows=len(seen),
                                     imported_at=at)
        bulk(ObservationImport, [imported], summary, times=("imported_at",))
        rows = []
        for number, (ip, mac, host, t) in enumerate(seen, start=2):
            address = ipaddress.ip_address(ip)
            rows.append(Observation(source_import=imported, row_number=number, ip=ip, version=4,
                                    ip_key=addresses.key(int(address)), mac=mac, hostname=host, seen_at=t))
        bulk(Observation, rows, summary)
        record_many([event("network.observationimport.create", imported, at,
                           after={"source": imported.source, "file_name": imported.file_name, "rows": len(seen),
                                  "file_digest": imported.file_digest})])
    summary.events += 1
    summary.planted["p15.2.9-a"] = len(strangers)
    summary.planted["p15.2.7"] = summary.planted.get("p15.2.7", 0) + len(strangers)


def digest_rows():
    """What ``data_digest`` feeds for the IP plan (natural keys, no row ids)."""
    yield Subnet.objects.order_by("cidr").values_list("cidr", "name", "vlan")
    yield NetworkAccessRequest.objects.order_by("number").values_list(
        "number", "device_label", "mac", "hostname", "status", "approved_at", "requested_at")
    yield Observation.objects.order_by("row_number").values_list("ip", "mac", "hostname", "seen_at")
    yield IPAllocation.objects.order_by("ip").values_list("ip", "device_label", "mac", "status", "activated_at",
                                                          "access_request__number")
