"""Importing observed facts (观测导入): what a DHCP lease file or a switch's ARP table shows, as a
CSV or xlsx of IP, MAC and host name (optionally domain and the moment seen).

The file is read with ``xinan.core.imports.read_table``; every bad row is reported at once
("第N行 字段: 原因") and nothing is stored unless every row is good. The stored observations are
compared with the allocations by the checks in ``checks.py`` (unregistered devices, unapproved
address or host-name changes, devices outside the plan, public addresses in private use).
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinan.audit.services import audited_write, record
from xinan.core.imports import ImportRejected, header_columns, read_table
from xinan.core.services import require

from . import addresses
from .models import Observation, ObservationImport

COLUMNS = {
    "ip": ("ip", "ip地址", "ip address", "ip_address", "address", "地址", "ipaddr"),
    "mac": ("mac", "mac地址", "mac address", "mac_address", "hardware ethernet", "hwaddr", "物理地址"),
    "hostname": ("hostname", "host", "主机名", "计算机名", "host name", "client-hostname", "name"),
    "domain": ("domain", "域", "域名", "domain name"),
    "seen_at": ("seen_at", "seen", "发现时间", "时间", "last seen", "time", "ends", "starts"),
    # p15.2.26-b: the network user name the address is used under (802.1X / NAC / billing log)
    "username": ("username", "用户名", "user", "user name", "入网用户名"),
}
LABELS = {"ip": gettext_lazy("IP地址"), "mac": gettext_lazy("MAC地址"), "hostname": gettext_lazy("主机名"),
          "domain": gettext_lazy("域"), "seen_at": gettext_lazy("发现时间"),
          "username": gettext_lazy("用户名")}


@dataclass
class ObservationResult:
    imported: ObservationImport | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _seen(raw, default: datetime) -> datetime:
    if raw in (None, ""):
        return default
    if isinstance(raw, datetime):
        moment = raw
    else:
        text = str(raw).strip().replace("/", "-")
        moment = parse_datetime(text) or parse_datetime(text + " 00:00")
        if moment is None:
            raise ValidationError(_("时间格式应为 YYYY-MM-DD HH:MM / time must be YYYY-MM-DD HH:MM"))
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _row(number: int, row: list, mapping: dict, default_seen: datetime, errors: list[str]) -> Observation | None:
    def cell(name):
        index = mapping.get(name)
        value = row[index] if index is not None and index < len(row) else None
        return value.strip() if isinstance(value, str) else value

    ok = True
    obs = Observation(row_number=number)

    def fail(name, exc):
        nonlocal ok
        ok = False
        errors.append(_("第%(n)d行 %(f)s: %(e)s") % {"n": number, "f": LABELS[name], "e": "; ".join(exc.messages)})

    try:
        address = addresses.parse_ip(cell("ip"))
        obs.ip, obs.version, obs.ip_key = address.compressed, address.version, addresses.key(int(address))
    except ValidationError as exc:
        fail("ip", exc)
    try:
        obs.mac = addresses.normalise_mac(cell("mac"))
    except ValidationError as exc:
        fail("mac", exc)
    try:
        obs.hostname, obs.domain = addresses.split_hostname(cell("hostname"), cell("domain"))
    except ValidationError as exc:
        fail("hostname", exc)
    username = str(cell("username") or "").strip()
    if len(username) > 100:
        fail("username", ValidationError(_("用户名过长 / user name too long")))
    obs.username = username
    try:
        obs.seen_at = _seen(cell("seen_at"), default_seen)
    except ValidationError as exc:
        fail("seen_at", exc)
    return obs if ok else None


def observations_import(actor, *, file_name: str, content: bytes, source: str = ObservationImport.Source.CSV,
                        seen_at: datetime | None = None, note: str = "") -> ObservationResult:
    """Read, validate every row, then store the import and its observations in one audited
    transaction (or nothing, with every bad row named)."""
    require(actor, "network.observation.import")
    result = ObservationResult()
    if source not in ObservationImport.Source.values:
        result.errors.append(_("来源无效 / unknown source: %(s)s") % {"s": source})
        return result
    try:
        rows = read_table(file_name, content)
    except ImportRejected as exc:
        result.errors.append(str(exc))
        return result
    rows = [r for r in rows if any(v not in (None, "") and str(v).strip() for v in r)]
    if not rows:
        result.errors.append(_("文件为空 / the file is empty"))
        return result
    mapping, unknown = header_columns(rows[0], COLUMNS)
    if "ip" not in mapping:
        result.errors.append(_("第1行 表头: 缺少 IP 地址列(ip / IP地址)/ the header lacks an IP column"))
    if unknown:
        result.errors.append(_("第1行 表头: 无法识别的列 %(c)s / unknown columns") % {"c": "、".join(unknown)})
    if result.errors:
        return result
    default_seen = seen_at or timezone.now()
    parsed = []
    for number, row in enumerate(rows[1:], start=2):
        obs = _row(number, row, mapping, default_seen, result.errors)
        if obs is not None:
            parsed.append(obs)
    if result.errors:
        return result
    if not parsed:
        result.errors.append(_("文件没有数据行 / the file has no data rows"))
        return result
    with audited_write():
        imported = ObservationImport(source=source, file_name=file_name[:255], rows=len(parsed), note=note,
                                     file_digest=hashlib.new("sm3", content).hexdigest(),
                                     imported_by=actor if actor is not None and not isinstance(actor, str) else None)
        imported.save()
        for obs in parsed:
            obs.source_import = imported
        Observation.objects.bulk_create(parsed, batch_size=1000)
        record(actor, "network.observationimport.create", imported,
               after={"source": source, "file_name": imported.file_name, "rows": len(parsed),
                      "file_digest": imported.file_digest})
    result.imported = imported
    return result
