"""Checks of the IP plan: the latest observations of the network against the allocations, and
the allocations against the plan and their approvals. Set-based: the observation checks share one
read per run of the latest observations, the allocations and the plan (``observed.py``) and join
them in memory; the allocation checks are a few queries with ``Exists``/``Subquery`` joins.

"The latest observations": for each MAC (or, for a row without one, each address), its most
recent observation within ``network.observation.window`` before the moment evaluated. An
observation older than the allocation's current identity (``identity_since``) or than a release
describes the device before an approved change, and is not held against it.

One fact may break several clauses; it yields one finding per clause (compliance is computed
clause by clause):

- unregistered device (no live allocation has its MAC or its address): p15.2.9-a 未办入网手续不得
  接入, p15.2.7 入网须批准备案分配IP;
- an unknown device on an address allocated to another: p15.2.9-c 不得盗用未申请IP入网 (+ p15.2.9-a,
  p15.2.7);
- a known MAC on another address than allocated: p16.3.1 未经许可不得擅自更改IP, p01.2.5-a 地址不能擅自
  更换, p07.11 不得随意改变IP地址、主机名;
- a host name or domain other than allocated: p07.11;
- an observed address outside every subnet: p16.3.1 (IP 统一规划);
- a device seen before its approval, or on a reserved (not yet approved) address; an active
  allocation without an approved request: p15.2.7;
- a live allocation outside every open subnet: p21.5.2.4 (IP 规划与分配记录);
- a public address active without a superior's approval dated before its use: p16.3.3, p16.3.2;
  past the end of its need: p16.3.4; seen in use without an allocation: p16.3.2.
"""

from datetime import datetime, time, timedelta

from django.db.models import F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from xinan.core import parameters
from xinan.policy.checks import check, parameter, shared
from xinan.policy.durations import Duration, IsoDuration

from .models import IPAllocation, NetworkAccessRequest, Observation
from .observed import ObservedNetwork, identified_before

WINDOW = "network.observation.window"
parameters.define(WINDOW, "P7D", gettext_lazy("观测有效期:多久以内的观测视为网络现状"), kind=IsoDuration,
                  clauses=("p15.2.9-a", "p16.3.1", "p07.11"))

SUBJECTS = ("network.ipallocation", "network.subnet", "network.networkaccessrequest", "network.observationimport",
            "core.parameter")
DEVICE = "network.device"
ALLOCATION = "network.ipallocation"
ACTIVE = IPAllocation.Status.ACTIVE


# --- the observed state -----------------------------------------------------------------------


def observed(ctx) -> ObservedNetwork:
    """The latest observations and what they are compared with, read once per run."""
    cutoff = Duration.parse(parameter(WINDOW)).before(ctx.as_of)
    return shared(("network.observed", cutoff, ctx.as_of), lambda: ObservedNetwork(cutoff, ctx.as_of))


def _device(row) -> tuple:
    name = ".".join(p for p in (row["hostname"], row["domain"]) if p)
    label = row["ip"] + (f"({row['mac']}" + (f", {name}" if name else "") + ")" if row["mac"] else (f"({name})" if name else ""))
    return DEVICE, row["mac"] or row["ip"], label


def _evidence(row, **extra) -> dict:
    return {"ip": row["ip"], "mac": row["mac"], "hostname": row["hostname"], "domain": row["domain"],
            "seen_at": timezone.localtime(row["seen_at"]), **extra}


def _each(ctx, clauses, subject, zh, en, **kwargs):
    return [ctx.found(subject, zh, en, clause=c, **kwargs) for c in clauses]


def _allocation(a) -> tuple:
    return ALLOCATION, a.pk, f"{a.ip} {a.device_label}"


# --- devices ----------------------------------------------------------------------------------


@check("p15.2.9-a", severity="violation", subjects=SUBJECTS, also=("p15.2.7", "p15.2.9-c"))
def unregistered_devices(ctx):
    """未办理入网手续不得接入:网络上观测到的设备(MAC 与 IP)均无有效的地址分配;或陌生设备占用他人已分配的 IP。"""
    net = observed(ctx)
    findings = []
    unknown = [r for r in net.with_mac if not net.live_with_mac(r["mac"]) and not net.released_since(r)]
    for row in unknown:
        if net.live_at(row):
            continue
        findings += _each(ctx, ("p15.2.9-a", "p15.2.7"), _device(row),
                          f"未登记设备 {_device(row)[2]} 于 {_moment(row['seen_at'])} 接入网络,无入网审批和 IP 分配记录",
                          f"unregistered device {_device(row)[2]} on the network at {_moment(row['seen_at'])}: "
                          f"no approved access and no allocation", since=row["seen_at"], evidence=_evidence(row))
    for row in unknown:
        holders = net.live_at(row)
        if not holders:
            continue
        owner, subject = holders[0], _device(row)
        findings += _each(ctx, ("p15.2.9-c", "p15.2.9-a", "p15.2.7"), subject,
                          f"未登记设备 {subject[2]} 盗用已分配给 {owner.device_label}({owner.mac or '—'})的 IP {row['ip']}",
                          f"unregistered device {subject[2]} uses {row['ip']}, allocated to {owner.device_label}",
                          since=row["seen_at"], evidence=_evidence(row, allocated_to=owner.device_label,
                                                                   allocated_mac=owner.mac))
    for row in net.without:
        if net.live_at(row) or net.released_since(row):
            continue
        findings += _each(ctx, ("p15.2.9-a", "p15.2.7"), _device(row),
                          f"未登记地址 {_device(row)[2]} 于 {_moment(row['seen_at'])} 在网络上使用,无 IP 分配记录",
                          f"address {row['ip']} in use at {_moment(row['seen_at'])} without an allocation",
                          since=row["seen_at"], evidence=_evidence(row))
    return findings


def _moment(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


@check("p16.3.1", severity="violation", subjects=SUBJECTS, also=("p01.2.5-a", "p07.11"))
def unapproved_ip_changes(ctx):
    """IP 地址未经许可不得擅自更改:已登记设备(MAC)出现在分配以外的 IP 上;观测到 IP 规划以外的地址。"""
    net = observed(ctx)
    findings = []
    for row in net.with_mac:
        mine = [a for a in net.live_with_mac(row["mac"]) if identified_before(a, row["seen_at"])]
        if not mine or any(a.mac == row["mac"] for a in net.live_at(row)):
            continue
        a = mine[0]
        findings += _each(
            ctx, ("p16.3.1", "p01.2.5-a", "p07.11"), _allocation(a),
            f"设备 {a.device_label}({row['mac']})分配的 IP 为 {a.ip},于 {_moment(row['seen_at'])} "
            f"出现在 {row['ip']},未经批准擅自更改 IP",
            f"device {a.device_label} ({row['mac']}) is allocated {a.ip} but was seen on {row['ip']} "
            f"at {_moment(row['seen_at'])}: IP changed without approval",
            since=row["seen_at"], evidence=_evidence(row, allocated_ip=a.ip))
    for rows in (net.with_mac, net.without):
        for row in rows:
            if net.in_plan(row):
                continue
            findings.append(ctx.found(
                _device(row), f"观测到的地址 {row['ip']} 不在 IP 规划的任何网段内",
                f"observed address {row['ip']} is outside every subnet of the IP plan",
                clause="p16.3.1", key="outside", since=row["seen_at"], evidence=_evidence(row)))
    return findings


def _matching(net, row, by_mac: bool):
    """The live allocations of the observed device: by its MAC, or for a row without one by address."""
    return net.live_with_mac(row["mac"]) if by_mac else net.live_at(row)


@check("p07.11", severity="violation", subjects=SUBJECTS)
def unapproved_name_changes(ctx):
    """不得随意改变主机名等系统信息:观测到的主机名或所属域与分配登记不符。"""
    net = observed(ctx)
    findings = []
    for rows, by_mac in ((net.with_mac, True), (net.without, False)):
        for row in rows:
            mine = [a for a in _matching(net, row, by_mac) if identified_before(a, row["seen_at"])]
            if not mine:
                continue
            a = mine[0]
            host_differs = row["hostname"] and a.hostname and row["hostname"] != a.hostname
            domain_differs = row["domain"] and a.domain and row["domain"] != a.domain
            if not (host_differs or domain_differs):
                continue
            registered = ".".join(p for p in (a.hostname, a.domain) if p)
            seen = ".".join(p for p in (row["hostname"], row["domain"]) if p)
            findings.append(ctx.found(
                _allocation(a),
                f"设备 {a.device_label} 登记的主机名为 {registered},于 {_moment(row['seen_at'])} 观测为 {seen},未经批准更改主机名或域",
                f"device {a.device_label} is registered as {registered} but was seen as {seen}: name or domain changed "
                f"without approval", key="name", since=row["seen_at"],
                evidence=_evidence(row, allocated_hostname=a.hostname, allocated_domain=a.domain)))
    return findings


@check("p15.2.7", severity="violation", subjects=SUBJECTS)
def connected_before_approval(ctx):
    """入网须批准备案分配 IP 后方可接入:设备在批准前已接入,或在用地址没有已批准的入网申请。"""
    net = observed(ctx)
    findings = []
    for rows, by_mac in ((net.with_mac, True), (net.without, False)):
        early = []
        for row in rows:
            allocations = [a for a in _matching(net, row, by_mac) if a.status == IPAllocation.Status.REQUESTED
                           or (a.activated_at is not None and a.activated_at > row["seen_at"])]
            if allocations:
                early.append((row, allocations[0]))
        firsts = _first_seen([row for row, _a in early], by_mac)
        for row, a in early:
            first_seen = firsts[row["mac"] if by_mac else (row["version"], row["ip_key"])]
            findings.append(ctx.found(
                _allocation(a),
                f"设备 {a.device_label} 在入网申请批准、地址启用之前已接入网络(观测于 {_moment(first_seen)})",
                f"device {a.device_label} was on the network (seen {_moment(first_seen)}) before its access "
                f"was approved", key="early", since=first_seen, evidence=_evidence(row)))
    unapproved = (IPAllocation.objects.filter(status=ACTIVE, archived_at__isnull=True)
                  .exclude(access_request__status__in=[NetworkAccessRequest.Status.APPROVED,
                                                        NetworkAccessRequest.Status.CLOSED],
                           access_request__approved_at__lte=F("activated_at")))
    for row in unapproved.values("pk", "ip", "device_label", "activated_at", "access_request_id",
                                 "access_request__status"):
        findings.append(ctx.found(
            (ALLOCATION, row["pk"], f"{row['ip']} {row['device_label']}"),
            f"在用地址 {row['ip']}({row['device_label']})没有在启用前批准的入网申请",
            f"active address {row['ip']} ({row['device_label']}) has no access request approved before its use",
            key="unapproved", since=row["activated_at"],
            evidence={"access_request": row["access_request_id"], "request_status": row["access_request__status"]}))
    return findings


def _first_seen(rows, by_mac: bool) -> dict:
    """When each device (MAC, or address for rows without one) was first observed, at any time."""
    firsts = {}
    for i in range(0, len(rows), 500):
        chunk = rows[i:i + 500]
        if by_mac:
            qs = Observation.objects.filter(mac__in={r["mac"] for r in chunk}).values_list("mac")
        else:
            match = Q()
            for r in chunk:
                match |= Q(version=r["version"], ip_key=r["ip_key"])
            qs = Observation.objects.filter(match).values_list("version", "ip_key")
        for *key, first in qs.annotate(first=Min("seen_at")).order_by():
            firsts[key[0] if by_mac else tuple(key)] = first
    return firsts


@check("p21.5.2.4", severity="violation", subjects=SUBJECTS)
def allocations_outside_plan(ctx):
    """IP 地址分配有规划、有记录:在用或待批准的地址不在 IP 规划的任何网段内(网段已归档或被改动)。

    Matched against the plan the run has read (``observed``): in SQL, a subnet probe per live
    allocation cost 0.4 s on PostgreSQL for 60,000 of them."""
    net = observed(ctx)
    outside = [a.pk for allocations in net.live_by_ip.values() for a in allocations
               if net.subnet_at(a.version, a.ip_key) is None]
    qs = IPAllocation.objects.filter(pk__in=outside) if outside else IPAllocation.objects.none()
    return [ctx.found((ALLOCATION, r["pk"], f"{r['ip']} {r['device_label']}"),
                      f"已分配地址 {r['ip']}({r['device_label']})不在 IP 规划的任何网段内",
                      f"allocated address {r['ip']} ({r['device_label']}) is outside every subnet of the plan",
                      since=r["created_at"], evidence={"ip": r["ip"], "subnet": r["subnet__cidr"]})
            for r in qs.values("pk", "ip", "device_label", "created_at", "subnet__cidr")]


# --- public addresses -------------------------------------------------------------------------


@check("p16.3.3", severity="violation", subjects=SUBJECTS, also=("p16.3.2",))
def public_without_approval(ctx):
    """使用公网 IP 须经上级领导批准:在用公网地址没有在使用前由领导批准的公网 IP 申请。"""
    approved = Q(access_request__kind=NetworkAccessRequest.Kind.PUBLIC,
                 access_request__public_approved_at__isnull=False,
                 access_request__public_approved_at__lte=F("activated_at"))
    qs = IPAllocation.objects.filter(status=ACTIVE, archived_at__isnull=True, subnet__is_public=True).exclude(approved)
    findings = []
    for r in qs.values("pk", "ip", "device_label", "activated_at", "access_request_id",
                       "access_request__public_approved_at"):
        findings += _each(ctx, ("p16.3.3", "p16.3.2"), (ALLOCATION, r["pk"], f"{r['ip']} {r['device_label']}"),
                          f"公网 IP {r['ip']}({r['device_label']})在使用前未经上级领导批准",
                          f"public address {r['ip']} ({r['device_label']}) is in use without a superior's prior approval",
                          since=r["activated_at"],
                          evidence={"access_request": r["access_request_id"],
                                    "public_approved_at": r["access_request__public_approved_at"]})
    return findings


@check("p16.3.4", severity="violation", subjects=SUBJECTS)
def public_past_need(ctx):
    """公网 IP 无工作需要时立即收回:使用截止日期已过的公网地址仍在用。"""
    day = timezone.localdate(ctx.as_of)
    qs = IPAllocation.objects.filter(status=ACTIVE, archived_at__isnull=True, subnet__is_public=True,
                                     valid_until__lt=day)
    return [ctx.found((ALLOCATION, r["pk"], f"{r['ip']} {r['device_label']}"),
                      f"公网 IP {r['ip']}({r['device_label']})的使用截止日期 {r['valid_until']} 已过,仍未收回",
                      f"public address {r['ip']} ({r['device_label']}) was needed until {r['valid_until']} and is not "
                      f"reclaimed", since=timezone.make_aware(datetime.combine(r["valid_until"] + timedelta(days=1), time.min)),
                      evidence={"valid_until": r["valid_until"]})
            for r in qs.values("pk", "ip", "device_label", "valid_until")]


@check("p16.3.2", severity="violation", subjects=SUBJECTS)
def public_in_private_use(ctx):
    """公网 IP 不得私用:观测到在用的公网地址没有对应的分配(或被其他设备使用)。"""
    net = observed(ctx)
    findings = []
    for rows, own_mac in ((net.with_mac, True), (net.without, False)):
        for row in rows:
            if not net.is_public(row) or net.released_since(row):
                continue
            if any(not own_mac or a.mac == row["mac"] for a in net.live_at(row)):
                continue
            findings.append(ctx.found(
                _device(row), f"公网 IP {row['ip']} 被 {_device(row)[2]} 使用,没有对应的批准分配",
                f"public address {row['ip']} is used by {_device(row)[2]} without an approved allocation",
                key="public", since=row["seen_at"], evidence=_evidence(row)))
    return findings


from . import checks_security  # noqa: E402,F401  (the network architecture records' checks)
from . import checks_infra  # noqa: E402,F401  (remote access, servers, controls, cabling, classification)
