"""Checks of the control inventory, host baselines, weaknesses, cabling and the isolation of
classified systems (see ``checks_infra`` for the list). Set-based like the others."""

import ipaddress

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from xinan.core import parameters
from xinan.policy.checks import check

from . import addresses
from .checks_infra import (CABLING_WINDOW, PEOPLE, REPORT_WITHIN, REQUIRED_KINDS, _admin_role, _cutoff, _day,
                           _equipment, _live_allocations, _open)
from .models import (Boundary, ControlBaseline, ExternalLink, FactImport, NetworkChange, NetworkDevice, NetworkLink,
                     Observation, SecurityControl, SecurityZone, SwitchPortFact, SystemWeakness)

KIND_LABELS = dict(SecurityControl.Kind.choices)


# --- p07.9 control inventory --------------------------------------------------------------------


@check("p07.9", severity="violation", subjects=("network.securitycontrol", "network.boundary", "core.parameter"))
def controls_missing_or_silent(ctx):
    """采用入侵检测、访问控制、密钥管理等手段保证网络安全:必备措施未部署;措施未按期上报;边界登记了入侵检测却不在措施清单中。"""
    today = _day(ctx)
    deployed = _open(SecurityControl).filter(deployed_on__lte=today)
    present = set(deployed.values_list("kind", flat=True).distinct())
    findings = []
    for kind in str(parameters.get(REQUIRED_KINDS)).split(","):
        if kind not in present:
            label = str(KIND_LABELS.get(kind, kind))
            findings.append(ctx.found(("network.securitycontrol", f"kind-{kind}", label),
                                      f"未部署{label}措施(安全控制措施清单中没有该类措施)",
                                      f"no {kind} control is deployed (none in the control inventory)", key=kind))
    cutoff = _cutoff(ctx, REPORT_WITHIN)
    silent = deployed.filter(Q(last_report_at__isnull=True) | Q(last_report_at__lt=cutoff))
    for r in silent.values("pk", "code", "name", "kind", "last_report_at"):
        last = (f"{timezone.localtime(r['last_report_at']):%Y-%m-%d %H:%M}" if r["last_report_at"] else "从未")
        findings.append(ctx.found(("network.securitycontrol", r["pk"], f"{r['code']}({r['name']})"),
                                  f"安全控制措施 {r['code']}({r['name']})未按期上报,最近上报:{last}",
                                  f"control {r['code']} ({r['kind']}) is not reporting; last report: "
                                  f"{r['last_report_at'] or 'never'}", key="silent",
                                  evidence={"last_report_at": r["last_report_at"], "within": parameters.get(REPORT_WITHIN)}))
    unlisted = _open(Boundary).filter(ids_ips=True).filter(
        ~Exists(deployed.filter(kind=SecurityControl.Kind.IDS, boundary=OuterRef("pk"))))
    for r in unlisted.values("pk", "code", "name"):
        findings.append(ctx.found(("network.boundary", r["pk"], f"{r['code']}({r['name']})"),
                                  f"边界 {r['code']} 登记有入侵检测/防范,但安全控制措施清单中没有部署在该边界的入侵检测",
                                  f"boundary {r['code']} is recorded with IDS but no IDS control of the inventory "
                                  f"protects it", key="ids-unlisted"))
    return findings


# --- p15.2.10 host baselines --------------------------------------------------------------------


@check("p15.2.10", severity="violation",
       subjects=("network.controlbaseline", "network.securitycontrol", "assets.equipment", "network.ipallocation"))
def hosts_below_baseline(ctx):
    """根据主机安全级别采取相应技术措施:主机缺少其安全级别(密级)基线要求的措施(主机本身或其所在区域的措施)。"""
    equipment = _equipment()
    baseline = {}
    for level, kind in _open(ControlBaseline).values_list("level", "control_kind"):
        baseline.setdefault(level, []).append(kind)
    if equipment is None or not baseline:
        return []
    from xinan.assets.models import Equipment

    hosts = list(equipment.filter(kind__in=Equipment.COMPUTERS, classification__in=list(baseline))
                 .values("pk", "asset_no", "classification"))
    controls = _open(SecurityControl).filter(deployed_on__lte=_day(ctx))
    on_host = set(controls.exclude(host_label="").values_list("host_label", "kind"))
    by_zone = set(controls.filter(zone__isnull=False).values_list("zone_id", "kind"))
    zones = {}
    for label, zone in _live_allocations().filter(subnet__zone__isnull=False).values_list("device_label", "subnet__zone_id"):
        zones.setdefault(label, set()).add(zone)
    findings = []
    for h in hosts:
        missing = [k for k in baseline[h["classification"]]
                   if (h["asset_no"], k) not in on_host and not any((z, k) in by_zone for z in zones.get(h["asset_no"], ()))]
        if missing:
            names = "、".join(str(KIND_LABELS[k]) for k in missing)
            findings.append(ctx.found(("assets.equipment", h["pk"], h["asset_no"]),
                                      f"主机 {h['asset_no']} 缺少其安全级别基线要求的措施:{names}",
                                      f"host {h['asset_no']} lacks the baseline controls of its level: {', '.join(missing)}",
                                      evidence={"level": h["classification"], "missing": missing}))
    return findings


# --- p04.6.8 weaknesses and network administrators ---------------------------------------------


@check("p04.6.8", severity="violation", subjects=("network.systemweakness", "network.networkchange") + PEOPLE)
def weaknesses_open_and_changes(ctx):
    """及时排除系统隐患、由网络管理员调整网络:隐患超过整改期限仍未由变更记录排除;变更实施人不是网络(系统)管理员。"""
    today = _day(ctx)
    findings = []
    for r in (_open(SystemWeakness).filter(closed_by__isnull=True, deadline__lt=today)
              .values("pk", "number", "description", "deadline")):
        findings.append(ctx.found(("network.systemweakness", r["pk"], r["number"]),
                                  f"系统隐患 {r['number']} 已超过整改期限 {r['deadline']},没有排除隐患的变更记录",
                                  f"weakness {r['number']} is open past its deadline {r['deadline']}",
                                  key="overdue", evidence={"deadline": r["deadline"], "description": r["description"][:200]}))
    for r in (_open(NetworkChange).filter(~_admin_role("performed_by"))
              .values("pk", "number", "performed_by__name", "changed_on")):
        findings.append(ctx.found(("network.networkchange", r["pk"], r["number"]),
                                  f"网络变更 {r['number']} 的实施人 {r['performed_by__name']} 不是网络(系统)管理员",
                                  f"network change {r['number']} was performed by {r['performed_by__name']}, who is no "
                                  f"network administrator", key="performer", evidence={"changed_on": r["changed_on"]}))
    return findings


# --- p27.1.2.2 / p15.5.5 node devices and cabling ----------------------------------------------

PHYSICAL = (NetworkChange.Kind.DEVICE, NetworkChange.Kind.CABLING)


@check("p27.1.2.2", severity="violation",
       subjects=("network.networklink", "network.networkchange", "network.networkdevice", "network.factimport",
                 "core.parameter"))
def infrastructure_changed(ctx):
    """不得破坏、挪用、改动网络主结点设备、光缆、网线布线:交换机端口观测与布线登记不符且没有经批准的变更;节点设备或布线变更未经批准。"""
    findings = []
    for r in _open(NetworkChange).filter(kind__in=PHYSICAL, approved_by__isnull=True).values("pk", "number", "kind"):
        findings.append(ctx.found(("network.networkchange", r["pk"], r["number"]),
                                  f"网络变更 {r['number']}(节点设备/布线)没有批准人",
                                  f"network change {r['number']} ({r['kind']}) to node devices or cabling has no approver",
                                  key="unapproved"))
    cutoff = _cutoff(ctx, CABLING_WINDOW)
    recent = SwitchPortFact.objects.filter(source_import__kind=FactImport.Kind.SWITCH_PORTS,
                                           source_import__seen_at__gte=cutoff, source_import__seen_at__lte=ctx.as_of)
    facts = {}
    for f in recent.order_by("source_import__seen_at", "pk").values(
            "device_label", "port", "neighbour", "source_import_id", "source_import__seen_at"):
        facts[(f["device_label"], f["port"])] = f  # the latest report per port wins
    if not facts:
        return findings
    observed_devices = {d for d, _p in facts}
    registered = {(r["device_label"], r["port"]): r for r in _open(NetworkLink).filter(
        device_label__in=observed_devices).values("pk", "device_label", "port", "connected_to")}
    known_devices = set(_open(NetworkDevice).filter(device_label__in=observed_devices).values_list("device_label", flat=True))
    changes = {}
    for device, port, changed_on in (_open(NetworkChange).filter(
            kind__in=PHYSICAL + (NetworkChange.Kind.STRUCTURE,), approved_by__isnull=False,
            device_label__in=observed_devices, changed_on__gte=timezone.localtime(cutoff).date(),
            changed_on__lte=_day(ctx)).values_list("device_label", "port", "changed_on")):
        changes.setdefault(device, []).append(port)

    def excused(device, port):
        return any(p in ("", port) for p in changes.get(device, ()))

    def same(a, b):
        try:
            return addresses.normalise_mac(a) == addresses.normalise_mac(b)
        except Exception:
            return a.strip().lower() == b.strip().lower()

    for device in sorted(observed_devices - known_devices):
        findings.append(ctx.found(("network.node", device, device),
                                  f"观测到未登记的网络节点设备 {device}(网络设备档案中没有)",
                                  f"node device {device} reports ports but is not in the network-device register",
                                  key="unregistered"))
    for (device, port), f in sorted(facts.items()):
        link = registered.get((device, port))
        if link is not None and same(link["connected_to"], f["neighbour"]) or excused(device, port):
            continue
        was = link["connected_to"] if link else "未登记"
        findings.append(ctx.found(("network.node", device, device),
                                  f"{device} 端口 {port} 现连接 {f['neighbour']},布线登记为 {was},没有经批准的变更记录",
                                  f"{device} port {port} connects {f['neighbour']} but the cabling register says "
                                  f"{link['connected_to'] if link else 'nothing'}; no approved change",
                                  key=f"port-{port}", since=f["source_import__seen_at"],
                                  evidence={"import": f["source_import_id"], "registered": link and link["connected_to"],
                                            "observed": f["neighbour"]}))
    for (device, port), link in sorted(registered.items()):
        if (device, port) not in facts and not excused(device, port):
            findings.append(ctx.found(("network.node", device, device),
                                      f"{device} 端口 {port} 登记连接 {link['connected_to']},观测中已无连接,没有经批准的变更记录",
                                      f"{device} port {port} is registered to {link['connected_to']} but nothing is "
                                      f"connected; no approved change", key=f"gone-{port}",
                                      evidence={"registered": link["connected_to"]}))
    return findings


@check("p15.5.5", check_id="p15.5.5-cabling", severity="violation", subjects=("network.networkchange",) + PEOPLE)
def cabling_without_it_approval(ctx):
    """网络通讯电缆设备未经信息部门同意不得拆装、移动:布线或节点设备变更的批准人不是信息部门(系统管理员)。"""
    rows = (_open(NetworkChange).filter(kind__in=PHYSICAL)
            .filter(Q(approved_by__isnull=True) | ~_admin_role("approved_by"))
            .values("pk", "number", "kind", "approved_by__name"))
    return [ctx.found(("network.networkchange", r["pk"], r["number"]),
                      f"网络变更 {r['number']}(布线/节点设备拆装移动)" + (
                          f"的批准人 {r['approved_by__name']} 不属信息部门" if r["approved_by__name"] else "没有信息部门的批准"),
                      f"network change {r['number']} ({r['kind']}) was not approved by the IT department",
                      evidence={"approved_by": r["approved_by__name"]})
            for r in rows]


# --- classification: p15.2.25-c, p27.2.2-b ------------------------------------------------------

INTERNET_ZONE = Q(subnet__is_public=True) | Q(subnet__zone__kind__in=(SecurityZone.Kind.EXTERNAL, SecurityZone.Kind.DMZ)) | Q(
    Exists(ExternalLink.objects.filter(archived_at__isnull=True, kind=ExternalLink.Kind.INTERNET,
                                       zone=OuterRef("subnet__zone"))))


def _classified():
    """The classified devices in service, unordered: read through the partial index of classified
    devices (ordered by asset number, SQLite would read every device in that order instead)."""
    equipment = _equipment()
    return None if equipment is None else equipment.filter(classification__gt=0).order_by()


@check("p15.2.25-c", severity="violation",
       subjects=("assets.equipment", "network.ipallocation", "network.subnet", "network.securityzone",
                 "network.externallink", "network.observationimport", "core.parameter"))
def classified_on_internet(ctx):
    """涉密计算机主机不得与互联网连接:涉密主机分配在可达互联网的网段(公网网段、外部/DMZ 区域或有互联网出口的区域),或被观测到使用公网地址。"""
    classified = _classified()
    if classified is None:
        return []
    hosts = {r["asset_no"]: r for r in sorted(classified.values("pk", "asset_no", "mac_address"),
                                              key=lambda r: r["asset_no"])}
    if not hosts:
        return []
    findings = []
    rows = (_live_allocations().filter(device_label__in=list(hosts)).filter(INTERNET_ZONE)
            .values("device_label", "ip", "subnet__cidr"))
    for r in rows:
        h = hosts[r["device_label"]]
        findings.append(ctx.found(("assets.equipment", h["pk"], h["asset_no"]),
                                  f"涉密主机 {h['asset_no']} 分配在可连接互联网的网段 {r['subnet__cidr']}({r['ip']})",
                                  f"classified host {h['asset_no']} has {r['ip']} in {r['subnet__cidr']}, which reaches "
                                  f"the internet", key=f"alloc-{r['ip']}", evidence={"ip": r["ip"]}))
    macs = {}
    for h in hosts.values():
        try:
            mac = addresses.normalise_mac(h["mac_address"])
        except Exception:
            mac = ""
        if mac:
            macs[mac] = h
    from .checks import WINDOW

    seen = (Observation.objects.filter(mac__in=list(macs), seen_at__gte=_cutoff(ctx, WINDOW), seen_at__lte=ctx.as_of)
            .values("mac", "ip", "seen_at").order_by("seen_at"))
    for o in seen:
        if ipaddress.ip_address(o["ip"]).is_global:
            h = macs[o["mac"]]
            findings.append(ctx.found(("assets.equipment", h["pk"], h["asset_no"]),
                                      f"涉密主机 {h['asset_no']} 被观测到使用公网地址 {o['ip']}",
                                      f"classified host {h['asset_no']} was seen on public address {o['ip']}",
                                      key=f"seen-{o['ip']}", since=o["seen_at"], evidence={"ip": o["ip"]}))
    return findings


@check("p27.2.2-b", severity="violation",
       subjects=("network.securityzone", "network.boundary", "network.externallink", "assets.equipment",
                 "network.ipallocation", "network.subnet"))
def classified_not_isolated(ctx):
    """涉密信息系统与内部网和互联网物理隔离:涉密区域与其他区域之间登记有边界(连接)或有外联链路;涉密主机分配在非涉密区域的网段。"""
    findings = []
    zones = {z["pk"]: z for z in _open(SecurityZone).filter(classification__gt=0).values("pk", "code", "name")}
    joined = _open(Boundary).filter(Q(inside_id__in=list(zones)) | Q(outside_id__in=list(zones))).values(
        "pk", "code", "inside_id", "outside_id", "inside__classification", "outside__classification",
        "inside__code", "outside__code")
    for b in joined:
        if b["inside__classification"] > 0 and b["outside__classification"] > 0:
            continue  # two classified zones: the classified network itself
        z = zones.get(b["inside_id"]) or zones[b["outside_id"]]
        findings.append(ctx.found(("network.securityzone", z["pk"], f"{z['code']}({z['name']})"),
                                  f"涉密区域 {z['code']} 经边界 {b['code']} 与非涉密区域相连({b['inside__code']}—{b['outside__code']}),未物理隔离",
                                  f"classified zone {z['code']} is connected through boundary {b['code']} to a "
                                  f"non-classified zone: not physically isolated", key=f"boundary-{b['pk']}"))
    for link in _open(ExternalLink).filter(zone_id__in=list(zones)).values("pk", "code", "zone_id"):
        z = zones[link["zone_id"]]
        findings.append(ctx.found(("network.securityzone", z["pk"], f"{z['code']}({z['name']})"),
                                  f"涉密区域 {z['code']} 有外联链路 {link['code']},未与互联网/外部网络物理隔离",
                                  f"classified zone {z['code']} has external link {link['code']}",
                                  key=f"link-{link['pk']}"))
    classified = _classified()
    if classified is not None:
        hosts = dict(classified.values_list("asset_no", "pk"))
        rows = (_live_allocations().filter(device_label__in=list(hosts))
                .filter(Q(subnet__zone__isnull=True) | Q(subnet__zone__classification=0))
                .values("device_label", "ip", "subnet__cidr"))
        for r in rows:
            findings.append(ctx.found(("assets.equipment", hosts[r["device_label"]], r["device_label"]),
                                      f"涉密主机 {r['device_label']} 分配在非涉密网段 {r['subnet__cidr']}({r['ip']}),与内部网未物理隔离",
                                      f"classified host {r['device_label']} has {r['ip']} in non-classified subnet "
                                      f"{r['subnet__cidr']}", key=f"alloc-{r['ip']}", evidence={"ip": r["ip"]}))
    return findings
