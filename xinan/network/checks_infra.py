"""Checks of the network infrastructure records (``models/infra.py``) and of observed device facts
(``facts.py``). Each is a few queries over the whole organisation; the Python after them only pairs
and shapes rows.

- p15.2.26-a 远程接入须向信息科申请: an enabled account of the latest gateway export without an
  approved application covering the day.
- p15.2.26-b 用户名和IP一经指定不得擅改: an address observed under another user name than allocated,
  or a user name observed on an address other than the one allocated to it.
- p16.1 网络资源和服务器由信息系统管理员统一规划管理监督: a server or network device (equipment of
  those kinds, 网络设备档案) whose administrator is vacant or holds no active system_admin role.
- p16.2.4 不得私设服务器: a scanned listening server port on an address that is no registered server,
  or on a server for which that service is not approved.
- p07.9 入侵检测、访问控制、密钥管理等手段: a required kind of control not deployed; a control not
  reporting within the configured time; a boundary recorded with IDS absent from the control inventory.
- p15.2.10 按主机安全级别采取措施: a host lacking a control its level's baseline requires.
- p04.6.8 排除系统隐患: a weakness open past its deadline; a network change performed by someone
  without the system_admin role.
- p27.1.2.2 不得改动网络设施: switch-port facts unlike the cabling register (or an unregistered node
  device) with no approved change; a device/cabling change without approval.
- p15.5.5 网络通讯电缆未经信息部门同意不得拆装移动: a cabling/device change not approved by a
  holder of system_admin (信息部门).
- p15.2.25-c 涉密主机不得连互联网: a classified host allocated in a subnet with internet access, or
  observed on a public address.
- p27.2.2-b 涉密系统物理隔离: a classified zone joined by a boundary to another zone or holding an
  external link; a classified host allocated in a subnet outside classified zones.
"""

from datetime import datetime

from django.apps import apps
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from xinan.core import parameters
from xinan.org.models import RoleAssignment
from xinan.policy.checks import check, parameter
from xinan.policy.durations import Duration, IsoDuration

from .models import (FactImport, IPAllocation, ListeningPort, NetworkDevice, Observation, RemoteAccessApplication,
                     RemoteAccount, SecurityControl, ServerService)


class ControlKinds(str):
    """A comma-separated list of control kinds (``SecurityControl.Kind``), validated on entry."""

    def __new__(cls, raw):
        items = [p.strip() for p in str(raw).replace("，", ",").split(",") if p.strip()]
        bad = [p for p in items if p not in SecurityControl.Kind.values]
        if bad or not items:
            raise ValueError(bad)
        return super().__new__(cls, ",".join(items))


class PortList(str):
    """A comma-separated list of TCP/UDP port numbers, validated on entry."""

    def __new__(cls, raw):
        items = [p.strip() for p in str(raw).replace("，", ",").split(",") if p.strip()]
        if not items or not all(p.isdigit() and 1 <= int(p) <= 65535 for p in items):
            raise ValueError(items)
        return super().__new__(cls, ",".join(items))


REQUIRED_KINDS = "p07.9.required_kinds"
REPORT_WITHIN = "p07.9.report_within"
SERVER_PORTS = "p16.2.4.server_ports"
SCAN_WINDOW = "p16.2.4.scan_window"
CABLING_WINDOW = "p27.1.2.2.window"
parameters.define(REQUIRED_KINDS, "ids,access_control,key_management",
                  gettext_lazy("必须部署的安全控制措施类型(逗号分隔)"), kind=ControlKinds, clauses=("p07.9",))
parameters.define(REPORT_WITHIN, "P7D", gettext_lazy("安全控制措施须在多长时间内上报过"), kind=IsoDuration,
                  clauses=("p07.9",))
parameters.define(SERVER_PORTS, "21,22,23,25,80,110,143,443,445,1433,1521,3306,3389,5432,5900,6379,8080,8443,27017",
                  gettext_lazy("视为服务器服务的监听端口(逗号分隔)"), kind=PortList, clauses=("p16.2.4",))
parameters.define(SCAN_WINDOW, "P30D", gettext_lazy("端口扫描结果的有效期"), kind=IsoDuration, clauses=("p16.2.4",))
parameters.define(CABLING_WINDOW, "P30D", gettext_lazy("交换机端口观测的有效期与变更记录的追溯期"), kind=IsoDuration,
                  clauses=("p27.1.2.2",))

SYSTEM_ADMIN = "system_admin"
FACTS = ("network.factimport", "core.parameter")
PEOPLE = ("org.roleassignment", "org.person", "org.role")


def _open(model):
    return model.objects.filter(archived_at__isnull=True)


def _day(ctx):
    return timezone.localtime(ctx.as_of).date() if timezone.is_aware(ctx.as_of) else ctx.as_of.date()


def _cutoff(ctx, key) -> datetime:
    return Duration.parse(parameter(key)).before(ctx.as_of)


def _admin_role(person_ref="performed_by"):
    """The person named by ``person_ref`` holds an active system_admin role (信息科/信息系统管理员)."""
    return Exists(RoleAssignment.objects.filter(person=OuterRef(person_ref), role__code=SYSTEM_ADMIN,
                                                status=RoleAssignment.Status.ACTIVE))


def _equipment():
    if not apps.is_installed("xinan.assets"):
        return None
    from xinan.assets.models import Equipment

    return Equipment.objects.filter(archived_at__isnull=True).exclude(
        status__in=(Equipment.Status.SCRAPPED, Equipment.Status.SCRAPPING))


def _live_allocations():
    return IPAllocation.objects.filter(status__in=IPAllocation.LIVE, archived_at__isnull=True)


# --- p15.2.26-a remote access -----------------------------------------------------------------


@check("p15.2.26-a", severity="violation",
       subjects=("network.remoteaccessapplication", "network.factimport"))
def remote_accounts_unapproved(ctx):
    """远程接入须向信息科申请:远程接入网关上启用的账号没有经信息科批准且在有效期内的申请。"""
    latest = (FactImport.objects.filter(kind=FactImport.Kind.REMOTE_ACCOUNTS, seen_at__lte=ctx.as_of)
              .order_by("-seen_at", "-pk").first())
    if latest is None:
        return []
    today = _day(ctx)
    approved = _open(RemoteAccessApplication).filter(
        account__iexact=OuterRef("account"), status=RemoteAccessApplication.Status.APPROVED,
        valid_from__lte=today, valid_until__gte=today)
    rows = (RemoteAccount.objects.filter(source_import=latest, enabled=True).filter(~Exists(approved))
            .values("pk", "account", "last_login"))
    return [ctx.found(("network.remoteaccount", r["account"], r["account"]),
                      f"远程接入账号 {r['account']} 在网关上处于启用状态,没有经信息科批准且在有效期内的远程接入申请",
                      f"remote-access account {r['account']} is enabled on the gateway without an approved, "
                      f"unexpired application to the IT section",
                      since=latest.seen_at, evidence={"import": latest.pk, "file": latest.file_name,
                                                      "last_login": r["last_login"]})
            for r in rows]


# --- p15.2.26-b user name / IP ------------------------------------------------------------------


@check("p15.2.26-b", severity="violation",
       subjects=("network.ipallocation", "network.observationimport", "core.parameter"))
def user_ip_changed(ctx):
    """入网用户名和 IP 一经指定不得擅自更改:观测到的用户名/IP 组合与地址分配登记不符。"""
    from .checks import WINDOW

    recent = Observation.objects.filter(seen_at__gte=_cutoff(ctx, WINDOW), seen_at__lte=ctx.as_of).exclude(username="")
    newer = recent.filter(Q(seen_at__gt=OuterRef("seen_at")) | Q(seen_at=OuterRef("seen_at"), pk__gt=OuterRef("pk")),
                          version=OuterRef("version"), ip_key=OuterRef("ip_key"))
    seen = list(recent.filter(~Exists(newer)).values("pk", "ip", "username", "seen_at"))
    if not seen:
        return []
    allocations = list(_live_allocations().exclude(network_user="").values(
        "pk", "ip", "network_user", "device_label", "identity_since"))
    by_ip = {a["ip"]: a for a in allocations}
    by_user = {}
    for a in allocations:
        by_user.setdefault(a["network_user"].lower(), []).append(a)
    findings = []
    for row in seen:
        mine = by_ip.get(row["ip"])
        fresh = lambda a: a["identity_since"] is None or a["identity_since"] <= row["seen_at"]  # noqa: E731
        if mine and fresh(mine) and mine["network_user"].lower() != row["username"].lower():
            findings.append(ctx.found(
                ("network.ipallocation", mine["pk"], f"{mine['ip']} {mine['device_label']}"),
                f"IP {row['ip']} 登记的入网用户名为 {mine['network_user']},观测到以用户名 {row['username']} 使用",
                f"address {row['ip']} is assigned to network user {mine['network_user']} but was used by "
                f"{row['username']}", key="user", since=row["seen_at"],
                evidence={"observation": row["pk"], "assigned_user": mine["network_user"], "seen_user": row["username"]}))
        for other in by_user.get(row["username"].lower(), []):
            if other["ip"] != row["ip"] and fresh(other) and not (mine and mine["network_user"].lower() == row["username"].lower()):
                findings.append(ctx.found(
                    ("network.ipallocation", other["pk"], f"{other['ip']} {other['device_label']}"),
                    f"入网用户 {row['username']} 指定的 IP 为 {other['ip']},观测到其使用 {row['ip']}",
                    f"network user {row['username']} is assigned {other['ip']} but was seen on {row['ip']}",
                    key=f"moved-{row['ip']}", since=row["seen_at"],
                    evidence={"observation": row["pk"], "assigned_ip": other["ip"], "seen_ip": row["ip"]}))
    return findings


# --- p16.1 administrators of servers and network resources --------------------------------------


# p16.1 is two checks, one per findings' type, so that a change of a device, of a person or of their
# role assignments re-evaluates only the rows naming them (``narrow``/``via``); a change of a role
# (its code) still re-runs both in full.
VIA_ADMINISTRATOR = {"org.person": ("administrator",), "org.roleassignment": ("administrator__role_assignments",)}


def _administered_by(who) -> tuple[str, str]:
    return ((f" {who} 不是信息系统管理员(未持有系统管理员角色)" if who else "空缺"),
            (f"administrator {who} is not an information-system administrator" if who else "no administrator"))


@check("p16.1", severity="violation", subjects=("assets.equipment",) + PEOPLE, narrow="assets.equipment",
       via=VIA_ADMINISTRATOR)
def resources_without_administrator(ctx):
    """网络资源和服务器由信息系统管理员统一规划、管理和监督:服务器或网络设备没有管理员,或其管理员不持有系统管理员角色。"""
    equipment = _equipment()
    if equipment is None:
        return []
    from xinan.assets.models import Equipment

    kinds = (Equipment.Kind.SERVER, *Equipment.NETWORK)
    rows = (ctx.only(equipment.filter(kind__in=kinds)).filter(Q(administrator__isnull=True) | ~_admin_role("administrator"))
            .values_list("pk", "asset_no", "kind", "administrator__name"))
    found = ctx.found
    findings = []
    for pk, asset_no, kind, who in rows:
        zh, en = _administered_by(who)
        findings.append(found(("assets.equipment", pk, asset_no), f"设备 {asset_no} 的管理员{zh}",
                              f"equipment {asset_no}: {en}", evidence={"kind": kind, "administrator": who}))
    return findings


@check("p16.1", check_id="p16.1-devices", severity="violation", subjects=("network.networkdevice",) + PEOPLE,
       narrow="network.networkdevice", via=VIA_ADMINISTRATOR)
def network_devices_without_administrator(ctx):
    """网络资源由信息系统管理员统一规划、管理和监督:网络设备档案没有管理员,或其管理员不持有系统管理员角色。"""
    rows = (ctx.only(_open(NetworkDevice)).filter(Q(administrator__isnull=True) | ~_admin_role("administrator"))
            .values("pk", "device_label", "name", "administrator__name"))
    findings = []
    for r in rows:
        who = r["administrator__name"]
        findings.append(ctx.found(
            ("network.networkdevice", r["pk"], f"{r['device_label']}({r['name']})"),
            f"网络设备 {r['device_label']} 的管理员" + (f" {who} 不是信息系统管理员" if who else "空缺"),
            f"network device {r['device_label']}: " + (f"administrator {who} is not an information-system administrator"
                                                       if who else "no administrator"),
            evidence={"administrator": who}))
    return findings


# --- p16.2.4 private servers --------------------------------------------------------------------


@check("p16.2.4", severity="violation",
       subjects=("network.serverservice", "assets.equipment", "network.ipallocation") + FACTS)
def private_servers(ctx):
    """个人和部门不得私自设立服务器:扫描发现的服务端口所在地址不是登记的服务器,或该服务未经批准。"""
    watched = {int(p) for p in str(parameter(SERVER_PORTS)).split(",")}
    ports = list(ListeningPort.objects.filter(
        source_import__kind=FactImport.Kind.PORT_SCAN, source_import__seen_at__gte=_cutoff(ctx, SCAN_WINDOW),
        source_import__seen_at__lte=ctx.as_of, port__in=watched)
        .values("ip", "port", "protocol", "service", "source_import_id", "source_import__seen_at")
        .order_by("ip", "port", "-source_import__seen_at"))
    if not ports:
        return []
    servers = {}
    equipment = _equipment()
    if equipment is not None:
        from xinan.assets.models import Equipment

        labels = dict(equipment.filter(kind=Equipment.Kind.SERVER).values_list("asset_no", "ip_address"))
        servers.update({ip: label for label, ip in labels.items() if ip})
        servers.update(dict(_live_allocations().filter(device_label__in=list(labels)).values_list("ip", "device_label")))
    approved = set(_open(ServerService).values_list("server_label", "port", "protocol"))
    findings, done = [], set()
    for p in ports:
        if (p["ip"], p["port"], p["protocol"]) in done:
            continue
        done.add((p["ip"], p["port"], p["protocol"]))
        server = servers.get(p["ip"])
        endpoint = f"{p['ip']}:{p['port']}/{p['protocol']}" + (f"({p['service']})" if p["service"] else "")
        evidence = {"scan": p["source_import_id"], "service": p["service"]}
        if server is None:
            findings.append(ctx.found(("network.host", p["ip"], p["ip"]),
                                      f"扫描发现 {endpoint} 在监听服务,该地址不是登记的服务器(私设服务器)",
                                      f"scan found {endpoint} listening on an address that is no registered server",
                                      key=f"{p['port']}/{p['protocol']}", since=p["source_import__seen_at"],
                                      evidence=evidence))
        elif (server, p["port"], p["protocol"]) not in approved:
            findings.append(ctx.found(("network.host", p["ip"], f"{p['ip']}({server})"),
                                      f"服务器 {server} 上的服务 {endpoint} 未经服务器管理员批准",
                                      f"service {endpoint} on server {server} is not approved",
                                      key=f"{p['port']}/{p['protocol']}", since=p["source_import__seen_at"],
                                      evidence={**evidence, "server": server}))
    return findings


from . import checks_infra_more  # noqa: E402,F401  (p07.9, p15.2.10, p04.6.8, p27.1.2.2, p15.5.5, classification)
