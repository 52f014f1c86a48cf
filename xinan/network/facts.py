"""Importing observed device facts (设备事实导入): the remote-access gateway's accounts, a port scan and
what node devices report on their ports. Same rules as ``observations``: every bad row is reported
at once ("第N行 字段: 原因"), nothing is stored unless every row is good, one audited transaction.

- ``remote_accounts`` (p15.2.26-a): CSV/xlsx ``account, enabled, last_login``.
- ``port_scan`` (p16.2.4, p15.2.25-c): nmap ``-oX`` XML (parsed with defusedxml: only ports whose
  state is ``open``), or CSV/xlsx ``ip, port, protocol, service``.
- ``switch_ports`` (p27.1.2.2): CSV/xlsx ``device, port, neighbour`` (an LLDP/CDP neighbour's device
  number or a learned MAC).
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record
from xinan.core.imports import ImportRejected, header_columns, read_table
from xinan.core.services import require

from . import addresses
from .models import FactImport, ListeningPort, RemoteAccount, SwitchPortFact
from .observations import _seen

Kind = FactImport.Kind
COLUMNS = {
    Kind.REMOTE_ACCOUNTS: {
        "account": ("account", "账号", "用户名", "username", "user", "name"),
        "enabled": ("enabled", "启用", "状态", "status", "active"),
        "last_login": ("last_login", "last login", "最近登录", "最后登录时间", "lastlogin"),
    },
    Kind.PORT_SCAN: {
        "ip": ("ip", "ip地址", "address", "host", "地址"),
        "port": ("port", "端口", "portid"),
        "protocol": ("protocol", "协议", "proto"),
        "service": ("service", "服务", "name"),
    },
    Kind.SWITCH_PORTS: {
        "device": ("device", "设备", "设备编号", "switch", "交换机", "node"),
        "port": ("port", "端口", "interface", "接口"),
        "neighbour": ("neighbour", "neighbor", "对端", "mac", "mac地址", "邻居"),
    },
}
REQUIRED = {Kind.REMOTE_ACCOUNTS: ("account", "enabled"), Kind.PORT_SCAN: ("ip", "port"),
            Kind.SWITCH_PORTS: ("device", "port", "neighbour")}
TRUE = {"1", "true", "yes", "y", "on", "enabled", "active", "是", "启用", "正常"}
FALSE = {"0", "false", "no", "n", "off", "disabled", "inactive", "locked", "否", "禁用", "停用", "锁定"}


@dataclass
class FactResult:
    imported: FactImport | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _bool(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw if raw is not None else "").strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValidationError(_("应为 是/否(true/false) / must be yes or no"))


def _port(raw) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise ValidationError(_("端口应为 1–65535 的整数 / a port is an integer 1–65535"))
    if not 1 <= value <= 65535:
        raise ValidationError(_("端口应为 1–65535 的整数 / a port is an integer 1–65535"))
    return value


def _protocol(raw) -> str:
    text = str(raw or "tcp").strip().lower()
    if text not in ("tcp", "udp"):
        raise ValidationError(_("协议应为 tcp 或 udp / protocol must be tcp or udp"))
    return text


def _text(raw, limit=100) -> str:
    text = str(raw if raw is not None else "").strip()
    if not text:
        raise ValidationError(_("不能为空 / required"))
    if len(text) > limit:
        raise ValidationError(_("过长 / too long"))
    return text


def _neighbour(raw) -> str:
    text = _text(raw)
    try:
        return addresses.normalise_mac(text)
    except ValidationError:
        return text  # a neighbour's device number


def _ip(raw) -> str:
    return addresses.parse_ip(raw).compressed


PARSERS = {
    Kind.REMOTE_ACCOUNTS: {"account": _text, "enabled": _bool,
                           "last_login": lambda raw: _seen(raw, None) if raw not in (None, "") else None},
    Kind.PORT_SCAN: {"ip": _ip, "port": _port, "protocol": _protocol, "service": lambda raw: str(raw or "").strip()[:100]},
    Kind.SWITCH_PORTS: {"device": _text, "port": lambda raw: _text(raw, 50), "neighbour": _neighbour},
}
LABELS = {"account": "账号", "enabled": "启用", "last_login": "最近登录", "ip": "IP地址", "port": "端口",
          "protocol": "协议", "service": "服务", "device": "设备", "neighbour": "对端"}


def _nmap_rows(content: bytes) -> list[list]:
    """Rows (header first) of an nmap ``-oX`` report: one per open port of each host's IPv4/IPv6 address."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(content)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise ImportRejected(_("nmap XML 无法解析 / the nmap XML cannot be read: %(e)s") % {"e": exc}) from exc
    if root.tag != "nmaprun":
        raise ImportRejected(_("不是 nmap -oX 报告 / not an nmap -oX report"))
    rows = [["ip", "port", "protocol", "service"]]
    for host in root.iter("host"):
        address = next((a.get("addr") for a in host.findall("address") if a.get("addrtype") in ("ipv4", "ipv6")), None)
        for port in host.iter("port"):
            state = port.find("state")
            if state is None or state.get("state") != "open":
                continue
            service = port.find("service")
            rows.append([address, port.get("portid"), port.get("protocol"),
                         service.get("name", "") if service is not None else ""])
    return rows


def _read(kind, file_name: str, content: bytes) -> list[list]:
    if kind == Kind.PORT_SCAN and (file_name.lower().endswith(".xml") or content.lstrip()[:5] == b"<?xml"):
        return _nmap_rows(content)
    return read_table(file_name, content)


def _build(kind, values: dict):
    if kind == Kind.REMOTE_ACCOUNTS:
        return RemoteAccount(account=values["account"], enabled=values["enabled"], last_login=values.get("last_login"))
    if kind == Kind.PORT_SCAN:
        return ListeningPort(ip=values["ip"], port=values["port"], protocol=values.get("protocol", "tcp"),
                             service=values.get("service", ""))
    return SwitchPortFact(device_label=values["device"], port=values["port"], neighbour=values["neighbour"])


def facts_import(actor, *, kind: str, file_name: str, content: bytes, seen_at: datetime | None = None,
                 note: str = "") -> FactResult:
    """Read and validate every row, then store the import and its facts in one audited transaction."""
    require(actor, "network.fact.import")
    result = FactResult()
    if kind not in Kind.values:
        result.errors.append(_("类型无效 / unknown kind: %(k)s") % {"k": kind})
        return result
    kind = Kind(kind)
    try:
        rows = _read(kind, file_name, content)
    except ImportRejected as exc:
        result.errors.append(str(exc))
        return result
    rows = [r for r in rows if any(v not in (None, "") and str(v).strip() for v in r)]
    if not rows:
        result.errors.append(_("文件为空 / the file is empty"))
        return result
    mapping, unknown = header_columns(rows[0], COLUMNS[kind])
    missing = [LABELS[n] for n in REQUIRED[kind] if n not in mapping]
    if missing:
        result.errors.append(_("第1行 表头: 缺少列 %(c)s / the header lacks columns") % {"c": "、".join(missing)})
    if unknown:
        result.errors.append(_("第1行 表头: 无法识别的列 %(c)s / unknown columns") % {"c": "、".join(unknown)})
    if result.errors:
        return result
    facts = []
    for number, row in enumerate(rows[1:], start=2):
        values, ok = {}, True
        for name, index in mapping.items():
            raw = row[index] if index < len(row) else None
            try:
                values[name] = PARSERS[kind][name](raw)
            except ValidationError as exc:
                ok = False
                result.errors.append(_("第%(n)d行 %(f)s: %(e)s") % {"n": number, "f": LABELS[name],
                                                                    "e": "; ".join(exc.messages)})
        if ok:
            fact = _build(kind, values)
            fact.row_number = number
            facts.append(fact)
    if result.errors:
        return result
    if kind != Kind.PORT_SCAN and not facts:  # a scan that found nothing open is a fact too
        result.errors.append(_("文件没有数据行 / the file has no data rows"))
        return result
    with audited_write():
        imported = FactImport(kind=kind, file_name=file_name[:255], rows=len(facts), note=note,
                              seen_at=seen_at or timezone.now(), file_digest=hashlib.new("sm3", content).hexdigest(),
                              imported_by=actor if actor is not None and not isinstance(actor, str) else None)
        imported.save()
        for fact in facts:
            fact.source_import = imported
        type(facts[0]).objects.bulk_create(facts, batch_size=1000) if facts else None
        record(actor, "network.factimport.create", imported,
               after={"kind": kind.value, "file_name": imported.file_name, "rows": len(facts),
                      "file_digest": imported.file_digest})
    result.imported = imported
    return result
