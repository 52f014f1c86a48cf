"""Importing endpoint observations (终端监测记录导入): the export of the organisation's endpoint
tool (桌管系统, osquery, EDR) as a CSV or xlsx, one observed fact per row.

The file is read with ``xinan.core.imports.read_table``; every bad row is reported at once
("第N行 字段: 原因") and nothing is stored unless every row is good (an unknown device is a bad
row, never silently dropped). The device is matched by asset number, else host name, else MAC;
an application is matched to the software catalogue by name or process name. The import is
audited as ``assets.endpoint.import`` with the file's SM3 digest and counts, never the rows.

Also the services of the two small registers beside it: single events entered by hand and the
approved exceptions (终端例外登记) the checks in ``checks_endpoint.py`` honour.
Clauses: p01.2.4.c, p01.2.6-c, p05.0.2.2, p15.5.9, p15.8.5-c, p15.7.9, p07.16-a, p27.2.5-c,
p15.2.8-c, p10.36.3-c, p15.3.8-b, p15.3.11-c, p05.2.5-a, p05.0.3.1-b.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinan.audit.services import audited_write, record
from xinan.core.imports import ImportRejected, header_columns, read_table
from xinan.core.services import instance_create, instance_update, require

from .models import EndpointEvent, EndpointException, EndpointImport, Equipment, Software
from .models.common import next_number
from .services.common import need_active_person, need_open_record, need_usable_equipment
from .services.equipment import normalise_mac

IMPORT_PERM = "assets.endpointimport.add"

COLUMNS = {
    "asset_no": ("asset_no", "asset", "asset number", "资产编号", "资产号"),
    "hostname": ("hostname", "host", "computer name", "计算机名", "主机名"),
    "mac": ("mac", "mac address", "mac地址", "物理地址"),
    "observed_at": ("observed_at", "time", "timestamp", "时间", "发生时间"),
    "kind": ("kind", "event", "type", "事件", "事件类型"),
    "account": ("account", "user", "username", "账号", "登录账号", "用户"),
    "detail": ("detail", "details", "application", "详情", "内容"),
    "tag": ("tag", "标记", "文件标记", "密级标记"),
    "encrypted": ("encrypted", "加密", "已加密"),
}
LABELS = {"asset_no": gettext_lazy("资产编号"), "hostname": gettext_lazy("计算机名"), "mac": gettext_lazy("MAC地址"),
          "observed_at": gettext_lazy("发生时间"), "kind": gettext_lazy("事件类型"), "account": gettext_lazy("登录账号"),
          "detail": gettext_lazy("详情"), "tag": gettext_lazy("文件标记"), "encrypted": gettext_lazy("已加密"),
          "device": gettext_lazy("设备")}
YES = {"yes", "y", "true", "1", "是", "已加密"}
NO = {"no", "n", "false", "0", "否", "未加密"}


def _choice_map(choices) -> dict[str, str]:
    """Codes and their Chinese labels, both accepted in a file."""
    return {**{str(v).lower(): v for v, _label in choices}, **{str(label).lower(): v for v, label in choices}}


@dataclass
class EndpointResult:
    imported: EndpointImport | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _moment(raw) -> datetime:
    if isinstance(raw, datetime):
        moment = raw
    else:
        text = str(raw or "").strip().replace("/", "-").replace("T", " ")
        moment = parse_datetime(text) if text else None
        if moment is None:
            raise ValidationError(_("时间格式应为 YYYY-MM-DD HH:MM / time must be YYYY-MM-DD HH:MM"))
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class _Devices:
    """Every registered device once (one query), looked up by asset number, host name, MAC."""

    def __init__(self):
        self.by_asset, self.by_host, self.by_mac = {}, {}, {}
        for pk, asset_no, host, mac, dept in Equipment.objects.filter(archived_at__isnull=True).values_list(
                "pk", "asset_no", "hostname", "mac_address", "department_id"):
            self.by_asset[asset_no.lower()] = (pk, dept)
            if host:
                self.by_host.setdefault(host.lower(), (pk, dept))
            if mac:
                self.by_mac.setdefault(mac.upper(), (pk, dept))

    def find(self, asset_no, hostname, mac):
        if asset_no:
            return self.by_asset.get(asset_no.lower())
        if hostname:
            return self.by_host.get(hostname.split(".")[0].lower()) or self.by_host.get(hostname.lower())
        if mac:
            return self.by_mac.get(normalise_mac(mac))
        return None


def _catalogue() -> dict[str, int]:
    """Software name and each process name (lower case) → catalogue id."""
    names = {}
    for pk, name, executables in Software.objects.filter(archived_at__isnull=True).values_list("pk", "name", "executables"):
        names.setdefault(name.lower(), pk)
        for exe in (executables or "").replace(",", ",").split(","):
            if exe.strip():
                names.setdefault(exe.strip().lower(), pk)
    return names


SOFTWARE_KINDS = (EndpointEvent.Kind.APP_RUN, EndpointEvent.Kind.SOFTWARE_INSTALLED, EndpointEvent.Kind.SOFTWARE_REMOVED)


def _row(number, row, mapping, devices, catalogue, errors) -> EndpointEvent | None:
    def cell(name):
        index = mapping.get(name)
        value = row[index] if index is not None and index < len(row) else None
        return value.strip() if isinstance(value, str) else ("" if value is None else value)

    bad = []

    def fail(name, message):
        bad.append(_("第%(n)d行 %(f)s: %(e)s") % {"n": number, "f": LABELS[name], "e": message})

    event = EndpointEvent(row_number=number)
    found = devices.find(str(cell("asset_no")), str(cell("hostname")), str(cell("mac")))
    if found is None:
        fail("device", _("台账中没有这台设备(资产编号、计算机名或 MAC)/ no registered device matches"))
    else:
        event.device_id, event.department_id = found
    try:
        event.observed_at = _moment(cell("observed_at"))
    except ValidationError as exc:
        fail("observed_at", "; ".join(exc.messages))
    kind = _choice_map(EndpointEvent.Kind.choices).get(str(cell("kind")).lower())
    if kind is None:
        fail("kind", _("未知事件类型 / unknown event kind: %(k)s") % {"k": cell("kind")})
    event.kind = kind or ""
    event.account = str(cell("account"))[:100]
    event.detail = str(cell("detail"))[:300]
    tag = str(cell("tag"))
    if tag:
        event.tag = _choice_map(EndpointEvent.Tag.choices).get(tag.lower(), "")
        if not event.tag:
            fail("tag", _("未知文件标记 / unknown tag: %(t)s") % {"t": tag})
    encrypted = str(cell("encrypted")).lower()
    if encrypted:
        if encrypted not in YES | NO:
            fail("encrypted", _("应为 yes 或 no / must be yes or no"))
        event.encrypted = encrypted in YES
    if kind == EndpointEvent.Kind.FILE_FOUND and tag == "":
        fail("tag", _("扫描发现的文件须有标记 / a file found needs its tag"))
    elif kind and kind != EndpointEvent.Kind.FILE_FOUND and (tag or encrypted):
        fail("tag", _("只有扫描发现文件有标记与加密 / only a file found has a tag"))
    if kind in SOFTWARE_KINDS:
        if not event.detail:
            fail("detail", _("须写明程序或软件名称 / the application is required"))
        event.software_id = catalogue.get(event.detail.lower())
    errors.extend(bad)
    return None if bad else event


def endpoint_import(actor, *, file_name: str, content: bytes, source: str, note: str = "") -> EndpointResult:
    """Read and validate every row, then store the import and its events in one audited
    transaction (or nothing, with every bad row named)."""
    require(actor, IMPORT_PERM)
    result = EndpointResult()
    source = (source or "").strip()
    if not source:
        result.errors.append(_("须写明来源工具 / the source tool is required"))
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
    for needed in ("observed_at", "kind"):
        if needed not in mapping:
            result.errors.append(_("第1行 表头: 缺少%(c)s列 / the header lacks a column") % {"c": LABELS[needed]})
    if not {"asset_no", "hostname", "mac"} & set(mapping):
        result.errors.append(_("第1行 表头: 缺少资产编号、计算机名或 MAC 列 / the header names no device column"))
    if unknown:
        result.errors.append(_("第1行 表头: 无法识别的列 %(c)s / unknown columns") % {"c": "、".join(unknown)})
    if result.errors:
        return result
    devices, catalogue = _Devices(), _catalogue()
    parsed = [e for e in (_row(n, row, mapping, devices, catalogue, result.errors)
                          for n, row in enumerate(rows[1:], start=2)) if e is not None]
    if result.errors:
        return result
    if not parsed:
        result.errors.append(_("文件没有数据行 / the file has no data rows"))
        return result
    with audited_write():
        imported = EndpointImport(source=source[:100], file_name=file_name[:255], rows=len(parsed), note=note[:200],
                                  file_digest=hashlib.new("sm3", content).hexdigest(),
                                  imported_by=actor if actor is not None and not isinstance(actor, str) else None)
        imported.save()
        for event in parsed:
            event.source_import = imported
        EndpointEvent.objects.bulk_create(parsed, batch_size=1000)
        # Counts and the digest only: rows carry account names and file paths.
        record(actor, "assets.endpoint.import", imported,
               after={"source": imported.source, "file_name": imported.file_name, "rows": len(parsed),
                      "file_digest": imported.file_digest, "kinds": dict(Counter(e.kind for e in parsed)),
                      "devices": len({e.device_id for e in parsed})})
    result.imported = imported
    return result


# --- the registers' services -------------------------------------------------------------------


def endpoint_event_create(actor, *, reason: str = "", **data) -> EndpointEvent:
    """一条终端监测记录由人工登记(如核查日志所见)。"""
    device = data["device"]
    data["department"] = device.department
    if data.get("kind") in SOFTWARE_KINDS and data.get("detail"):
        data["software_id"] = _catalogue().get(data["detail"].lower())
    return instance_create(actor, EndpointEvent, data, department_field="department", reason=reason)


def endpoint_event_update(actor, event: EndpointEvent, *, reason: str = "", **data) -> EndpointEvent:
    if event.source_import_id:
        raise ValidationError(_("导入的监测记录不能修改 / an imported observation cannot be changed"))
    need_open_record(event)
    if "device" in data:
        data["department"] = data["device"].department
    return instance_update(actor, event, data, department_field="department", reason=reason)


def _check_exception(data: dict) -> None:
    need_usable_equipment(data["equipment"])
    approver = data.get("approved_by")
    need_active_person(approver, "approved_by", _("批准人"))
    equipment = data["equipment"]
    if approver is not None and approver.pk in (equipment.user_id, equipment.responsible_id):
        raise ValidationError({"approved_by": _("批准人不能是该设备的使用人或负责人 / the device's user or responsible "
                                                "person cannot approve its exception")})


def endpoint_exception_create(actor, *, reason: str = "", **data) -> EndpointException:
    """登记一项经批准的终端例外(p01.2.4.c 加班/夜间开机, p10.36.3-c USB 存储, p15.7.9 外设接入)。"""
    _check_exception(data)
    data.update(number=next_number(EndpointException, "LW"), department=data["equipment"].department)
    return instance_create(actor, EndpointException, data, department_field="department", reason=reason)


def endpoint_exception_update(actor, entry: EndpointException, *, reason: str = "", **data) -> EndpointException:
    need_open_record(entry)
    merged = {"equipment": entry.equipment, "approved_by": entry.approved_by, **data}
    _check_exception(merged)
    if "equipment" in data:
        data["department"] = data["equipment"].department
    return instance_update(actor, entry, data, department_field="department", reason=reason)
