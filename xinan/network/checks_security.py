"""Checks of the network architecture records (``models/security.py``). Each is one or two
queries over the whole organisation; the Python after them only pairs and shapes rows.

- p10.29 安全分区隔离: a subnet in no zone; a boundary without a firewall or an access policy; no
  boundary to an external network with intrusion detection.
- p21.5.2.2 生产控制与管理信息分区: a production and a management zone without a boundary carrying an
  access policy; one VLAN shared by subnets of the two.
- p15.2.13 边界访问控制: a boundary without an access-control policy.
- p15.2.14 边界关键点防护: a key-point boundary lacking a firewall, intrusion prevention or AV gateway.
- p27.2.8 防火墙入侵检测: a boundary to an external network without a firewall and intrusion detection.
- p21.5.2.1-b 外联不绕过防火墙: an external link through no boundary, or one without a firewall.
- p07.10.4 安全不完善禁接互联网: a business zone's internet link without a prior security sign-off.
- p10.39-a 安全互联技术规则: an interconnection with another organisation citing no rule.
- p10.39-b 系统接入审查: a link to systems with shipping data not reviewed before going live.
- p15.2.25-a 远程接入前提: a remote-access link whose boundary lacks firewall, IDS or AV.
- p15.2.25-b 内网与远程接入物理隔离: a remote-access link landing in a business zone.
- p21.5.2.1-a 核心设备冗余或备用: a core switch/router with neither a redundant peer nor a spare.
- p21.5.2.3-b 关键点设备双电源: a key-point device with fewer power supplies than the pack's number.
- p21.5.2.3-c 关闭明文服务: a network device with HTTP/FTP/TFTP not recorded as disabled.
- p21.5.2.1-c 准确网络拓扑图: no diagram, or the latest drawn before the last change of the network.
- p27.1.3-a 单位网络安全负责人: a unit (top-level, or holding a subnet) with no network-security owner.
"""

from datetime import datetime, time, timedelta

from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone

from xinan.audit.models import AuditEvent
from xinan.org.models import Department
from xinan.policy import pack
from xinan.policy.checks import check

from .models import Boundary, ExternalLink, NetworkDevice, NetworkOwner, SecurityZone, Subnet, TopologyDiagram

ARCH = ("network.securityzone", "network.boundary", "network.externallink", "network.subnet", "network.networkdevice",
        "network.topologydiagram", "network.networkowner", "org.department", "core.parameter")
BUSINESS = SecurityZone.BUSINESS
EXTERNAL = SecurityZone.Kind.EXTERNAL


def _open(model):
    return model.objects.filter(archived_at__isnull=True)


def _subject(model_label, row, name="name"):
    return (model_label, row["pk"], f"{row['code']}({row[name]})")


def _pairs_with_boundary(policy_only=False) -> set[frozenset]:
    qs = _open(Boundary)
    if policy_only:
        qs = qs.exclude(access_policy="")
    return {frozenset(p) for p in qs.values_list("inside_id", "outside_id")}


@check("p10.29", severity="violation", subjects=ARCH)
def zones_not_isolated(ctx):
    """合理划分安全区域、区域间有效隔离、具备监控和阻断攻击的能力:网段未划入安全区域;区域边界没有防火墙或访问
    控制策略;与外部网络相接却没有任何边界具备入侵检测/防范。"""
    findings = []
    for r in _open(Subnet).filter(zone__isnull=True).values("pk", "cidr", "name"):
        findings.append(ctx.found(("network.subnet", r["pk"], f"{r['cidr']}({r['name']})"),
                                  f"网段 {r['cidr']}({r['name']})未划入任何安全区域",
                                  f"subnet {r['cidr']} belongs to no security zone", key="zone"))
    open_gate = _open(Boundary).filter(Q(firewall=False) | Q(access_policy=""))
    for r in open_gate.values(*BOUNDARY_ROW):
        findings.append(ctx.found(
            _subject("network.boundary", r),
            f"区域 {r['inside__code']} 与 {r['outside__code']} 之间的边界 {r['code']} 没有防火墙或访问控制策略,未有效隔离",
            f"boundary {r['code']} between {r['inside__code']} and {r['outside__code']} has no firewall or access "
            f"policy: the zones are not isolated", key="isolation"))
    external = _open(Boundary).filter(Q(inside__kind=EXTERNAL) | Q(outside__kind=EXTERNAL))
    if external.exists() and not external.filter(ids_ips=True).exists():
        findings.append(ctx.found(("network.securityzone", "external", "外部网络"),
                                  "与外部网络相接的边界均没有入侵检测/防范,不能监控和阻断来自外部的攻击",
                                  "no boundary to an external network has intrusion detection/prevention", key="ids"))
    return findings


@check("p21.5.2.2", severity="violation", subjects=ARCH)
def production_not_separated(ctx):
    """生产控制系统与管理信息系统分区,VLAN 间访问控制:两类区域之间没有带访问控制策略的边界;两类网段共用 VLAN。"""
    zones = list(_open(SecurityZone).filter(kind__in=BUSINESS).values("pk", "code", "name", "kind"))
    production = [z for z in zones if z["kind"] == SecurityZone.Kind.PRODUCTION]
    management = [z for z in zones if z["kind"] == SecurityZone.Kind.MANAGEMENT]
    guarded = _pairs_with_boundary(policy_only=True)
    findings = []
    for p in production:
        for m in management:
            if frozenset((p["pk"], m["pk"])) not in guarded:
                findings.append(ctx.found(
                    ("network.securityzone", p["pk"], f"{p['code']}({p['name']})"),
                    f"生产控制区 {p['code']} 与管理信息区 {m['code']} 之间没有登记访问控制策略",
                    f"production zone {p['code']} and management zone {m['code']} have no access-controlled boundary",
                    key=f"pair-{m['pk']}", evidence={"zones": [p["code"], m["code"]]}))
    shared = (_open(Subnet).filter(zone__kind=SecurityZone.Kind.PRODUCTION, vlan__isnull=False)
              .filter(Exists(_open(Subnet).filter(zone__kind=SecurityZone.Kind.MANAGEMENT, vlan=OuterRef("vlan")))))
    for r in shared.values("pk", "cidr", "name", "vlan"):
        findings.append(ctx.found(("network.subnet", r["pk"], f"{r['cidr']}({r['name']})"),
                                  f"生产控制区网段 {r['cidr']} 与管理信息区网段共用 VLAN {r['vlan']}",
                                  f"production subnet {r['cidr']} shares VLAN {r['vlan']} with a management subnet",
                                  key="vlan", evidence={"vlan": r["vlan"]}))
    return findings


BOUNDARY_ROW = ("pk", "code", "name", "firewall", "ids_ips", "av_gateway", "inside__code", "outside__code")
CONTROLS = {"firewall": ("防火墙", "firewall"), "ids_ips": ("入侵检测/防范", "intrusion detection/prevention"),
            "av_gateway": ("防病毒网关", "AV gateway")}


def _lacking(row, names) -> list[str]:
    return [n for n in names if not row[n]]


def _boundary_findings(ctx, qs, names, zh, en):
    findings = []
    for r in qs.values(*BOUNDARY_ROW):
        missing = _lacking(r, names)
        if missing:
            findings.append(ctx.found(
                _subject("network.boundary", r), f"边界 {r['code']}({r['inside__code']}—{r['outside__code']}){zh}:缺少"
                + "、".join(CONTROLS[m][0] for m in missing),
                f"boundary {r['code']} {en}: lacks " + ", ".join(CONTROLS[m][1] for m in missing),
                evidence={"missing": missing}))
    return findings


@check("p15.2.13", severity="violation", subjects=ARCH)
def boundaries_without_policy(ctx):
    """明确边界并实施访问控制策略:网络边界没有登记访问控制策略。"""
    return [ctx.found(_subject("network.boundary", r), f"边界 {r['code']} 没有登记访问控制策略",
                      f"boundary {r['code']} has no access-control policy recorded")
            for r in _open(Boundary).filter(access_policy="").values("pk", "code", "name")]


@check("p15.2.14", severity="violation", subjects=ARCH)
def key_points_unprotected(ctx):
    """边界关键点采用严格的安全防护:关键点缺少防火墙、入侵防范或防病毒网关。"""
    return _boundary_findings(ctx, _open(Boundary).filter(key_point=True), ("firewall", "ids_ips", "av_gateway"),
                              "为边界关键点", "is a key point")


@check("p27.2.8", severity="violation", subjects=ARCH)
def internet_boundaries_unprotected(ctx):
    """利用防火墙、入侵检测防范来自互联网的攻击:与外部网络相接的边界缺少防火墙或入侵检测。"""
    qs = _open(Boundary).filter(Q(inside__kind=EXTERNAL) | Q(outside__kind=EXTERNAL))
    return _boundary_findings(ctx, qs, ("firewall", "ids_ips"), "与外部网络相接", "faces an external network")


LINK_ROW = ("pk", "code", "name", "kind", "zone__code", "zone__kind", "boundary__code", "boundary__firewall",
            "boundary__ids_ips", "boundary__av_gateway", "live_from", "reviewed_on", "security_signoff_on")


def _link(r):
    return "network.externallink", r["pk"], f"{r['code']}({r['name']})"


@check("p21.5.2.1-b", severity="violation", subjects=ARCH)
def links_bypassing_firewall(ctx):
    """外联链路不得绕过防火墙:外联链路不经过边界,或所经边界没有防火墙。"""
    qs = _open(ExternalLink).filter(Q(boundary__isnull=True) | Q(boundary__firewall=False))
    return [ctx.found(_link(r), f"外联链路 {r['code']} 未经防火墙(边界:{r['boundary__code'] or '无'})",
                      f"external link {r['code']} bypasses the firewall", evidence={"boundary": r["boundary__code"]})
            for r in qs.values(*LINK_ROW)]


@check("p07.10.4", severity="violation", subjects=ARCH)
def business_internet_without_signoff(ctx):
    """安全措施不完善时严禁业务网与互联网联接:业务区域的互联网出口没有开通前的安全措施确认。"""
    qs = (_open(ExternalLink).filter(kind=ExternalLink.Kind.INTERNET, zone__kind__in=BUSINESS)
          .filter(Q(security_signoff_on__isnull=True) | Q(live_from__lt=F("security_signoff_on"))))
    return [ctx.found(_link(r), f"业务区域 {r['zone__code']} 的互联网出口 {r['code']} 没有开通前的安全措施确认",
                      f"internet link {r['code']} of business zone {r['zone__code']} has no prior security sign-off",
                      evidence={"live_from": r["live_from"], "security_signoff_on": r["security_signoff_on"]})
            for r in qs.values(*LINK_ROW)]


@check("p10.39-a", severity="violation", subjects=ARCH)
def interconnections_without_rule(ctx):
    """制定与外单位的信息系统安全互联技术规则:外单位互联或专线没有引用互联技术规则。"""
    qs = _open(ExternalLink).filter(kind__in=[ExternalLink.Kind.PARTNER, ExternalLink.Kind.LEASED],
                                    interconnection_rule="")
    return [ctx.found(_link(r), f"外联链路 {r['code']} 没有依据的安全互联技术规则",
                      f"interconnection {r['code']} cites no interconnection technical rule")
            for r in qs.values(*LINK_ROW)]


@check("p10.39-b", severity="violation", subjects=ARCH)
def interconnections_not_reviewed(ctx):
    """存储寄递服务信息的系统实行接入审查:连接此类系统的链路在开通前没有接入审查。"""
    qs = (_open(ExternalLink).filter(carries_customer_data=True)
          .filter(Q(reviewed_on__isnull=True) | Q(live_from__lt=F("reviewed_on"))))
    return [ctx.found(_link(r), f"外联链路 {r['code']} 连接存储寄递信息的系统,开通前没有接入审查",
                      f"link {r['code']} reaches systems holding shipping data without a review before going live",
                      evidence={"live_from": r["live_from"], "reviewed_on": r["reviewed_on"]})
            for r in qs.values(*LINK_ROW)]


@check("p15.2.25-a", severity="violation", subjects=ARCH)
def remote_access_unprotected(ctx):
    """有效部署防火墙、入侵检测和防病毒系统后方可远程接入:远程接入链路所经边界缺少其一。"""
    qs = _open(ExternalLink).filter(kind=ExternalLink.Kind.REMOTE).filter(
        Q(boundary__isnull=True) | Q(boundary__firewall=False) | Q(boundary__ids_ips=False) | Q(boundary__av_gateway=False))
    findings = []
    for r in qs.values(*LINK_ROW):
        missing = [CONTROLS[n][0] for n in CONTROLS if not r[f"boundary__{n}"]]
        findings.append(ctx.found(_link(r), f"远程接入链路 {r['code']} 的防护不完整:缺少" + "、".join(missing),
                                  f"remote access {r['code']} lacks firewall, IDS or AV at its boundary",
                                  evidence={"boundary": r["boundary__code"]}))
    return findings


@check("p15.2.25-b", severity="violation", subjects=ARCH)
def remote_access_in_business_zone(ctx):
    """业务网(内网)与远程接入(外网)物理隔离:远程接入链路直接接入生产控制区或管理信息区。"""
    qs = _open(ExternalLink).filter(kind=ExternalLink.Kind.REMOTE, zone__kind__in=BUSINESS)
    return [ctx.found(_link(r), f"远程接入链路 {r['code']} 直接接入业务区域 {r['zone__code']},未与内网物理隔离",
                      f"remote access {r['code']} lands in business zone {r['zone__code']}")
            for r in qs.values(*LINK_ROW)]


DEVICE_ROW = ("pk", "device_label", "name", "role", "power_supplies")


def _device(r):
    return "network.networkdevice", r["pk"], f"{r['device_label']}({r['name']})"


@check("p21.5.2.1-a", severity="violation", subjects=ARCH)
def core_without_redundancy(ctx):
    """核心交换、路由设备冗余或备用:核心设备既无冗余设备也无备用设备。"""
    qs = _open(NetworkDevice).filter(role__in=NetworkDevice.CORE, redundant_peer="", spare_label="")
    return [ctx.found(_device(r), f"核心设备 {r['device_label']} 没有冗余设备或备用设备",
                      f"core device {r['device_label']} has neither a redundant peer nor a spare")
            for r in qs.values(*DEVICE_ROW)]


@check("p21.5.2.3-b", severity="violation", subjects=ARCH)
def key_point_single_power(ctx):
    """关键点设备采用双电源:关键点设备的电源数少于要求。"""
    needed = pack.param("p21.5.2.3-b", "power_supplies")
    qs = _open(NetworkDevice).filter(key_point=True, power_supplies__lt=needed)
    return [ctx.found(_device(r), f"关键点设备 {r['device_label']} 只有 {r['power_supplies']} 路电源,应为 {needed} 路",
                      f"key-point device {r['device_label']} has {r['power_supplies']} power supplies, needs {needed}",
                      evidence={"power_supplies": r["power_supplies"], "required": needed})
            for r in qs.values(*DEVICE_ROW)]


@check("p21.5.2.3-c", severity="violation", subjects=ARCH)
def plaintext_services_on(ctx):
    """关闭网络设备 HTTP、FTP、TFTP 等服务:设备未登记已关闭明文服务。"""
    qs = _open(NetworkDevice).filter(plaintext_services_off=False)
    return [ctx.found(_device(r), f"网络设备 {r['device_label']} 未关闭 HTTP、FTP、TFTP 等明文服务",
                      f"network device {r['device_label']} still has HTTP/FTP/TFTP enabled")
            for r in qs.values(*DEVICE_ROW)]


TOPOLOGY_SUBJECTS = ("network.securityzone", "network.boundary", "network.externallink", "network.subnet",
                     "network.networkdevice")


@check("p21.5.2.1-c", severity="warning", subjects=ARCH)
def topology_out_of_date(ctx):
    """具有当前准确的网络拓扑结构图:没有拓扑图,或最新拓扑图早于最后一次网络结构变更。"""
    latest = _open(TopologyDiagram).aggregate(day=Max("drawn_on"))["day"]
    # One index-backed look per kind of record (audit_subject_at_idx), newest first: a MAX over
    # every event of these kinds read the whole chain on PostgreSQL.
    moments = [AuditEvent.objects.filter(subject_type=kind, at__lte=ctx.as_of).exclude(action__endswith=".export")
               .order_by("-at").values_list("at", flat=True).first() for kind in TOPOLOGY_SUBJECTS]
    changed = max((m for m in moments if m is not None), default=None)
    if changed is None:
        return []
    changed_day = timezone.localdate(changed)
    if latest is not None and latest >= changed_day:
        return []
    subject = ("network.topologydiagram", "current", "网络拓扑图")
    if latest is None:
        return [ctx.found(subject, "没有登记网络拓扑图", "no network topology diagram is recorded",
                          since=changed, evidence={"last_change": changed_day})]
    return [ctx.found(subject, f"最新网络拓扑图绘制于 {latest},晚于它的网络变更发生在 {changed_day}",
                      f"the latest topology diagram ({latest}) predates the network change of {changed_day}",
                      since=timezone.make_aware(datetime.combine(latest + timedelta(days=1), time.min)),
                      evidence={"drawn_on": latest, "last_change": changed_day})]


@check("p27.1.3-a", severity="warning", subjects=ARCH)
def units_without_network_owner(ctx):
    """各单位信息管理部门负责本单位网络安全:单位(顶层部门或使用网段的部门)没有网络安全负责人。"""
    owner = NetworkOwner.objects.filter(archived_at__isnull=True, department=OuterRef("pk"))
    uses = Subnet.objects.filter(archived_at__isnull=True, department=OuterRef("pk"))
    qs = (Department.objects.filter(archived_at__isnull=True).filter(Q(parent__isnull=True) | Exists(uses))
          .filter(~Exists(owner)))
    return [ctx.found(("org.department", r["pk"], r["name"]), f"单位 {r['name']} 没有指定网络安全负责人",
                      f"unit {r['code']} has no named network-security owner")
            for r in qs.values("pk", "code", "name")]


# --- monitoring (models/monitoring.py) ---------------------------------------------------------

from .models import NetworkViolation  # noqa: E402

VIOLATION_CLAUSES = tuple(NetworkViolation.CLAUSES.values())


@check(None, check_id="network.violations", severity="violation", covers=lambda: VIOLATION_CLAUSES,
       subjects=("network.networkviolation", "org.person"))
def network_violations(ctx):
    """网络违规行为:监控发现并登记的违规(非法网站、端口扫描、入侵、无关下载、非授权外联、攻击、私设接入),
    在查明行为人并处理之前为违规发现,条款按违规类型。"""
    qs = (_open(NetworkViolation).filter(detected_at__lte=ctx.as_of)
          .filter(Q(handled_on__isnull=True) | Q(person__isnull=True)))
    findings = []
    for r in qs.values("pk", "number", "kind", "detected_at", "ip", "person__name", "handled_on"):
        kind = NetworkViolation.Kind(r["kind"])
        who = r["person__name"] or "未查明行为人"
        state = "待处理" if r["handled_on"] is None else "已处理但未查明行为人"
        findings.append(ctx.found(
            ("network.networkviolation", r["pk"], f"{r['number']}({kind.label})"),
            f"网络违规 {r['number']}:{kind.label}({r['ip'] or '—'},{who}),{state}",
            f"network violation {r['number']} ({r['kind']}, {r['ip'] or '-'}) is "
            + ("not handled" if r["handled_on"] is None else "handled without naming who did it"),
            clause=NetworkViolation.CLAUSES[r["kind"]], since=r["detected_at"],
            evidence={"kind": r["kind"], "ip": r["ip"], "person": r["person__name"], "handled_on": r["handled_on"]}))
    return findings
