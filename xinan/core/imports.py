"""Excel/CSV import into a register: every row validated first, all written or none.

Errors name the row and field the way a clerk reads them: "第3行 部门: 未找到编码为 X 的部门".
Hostile files are refused with a clear message: not an xlsx (not a zip), too large, cells over
the length limit, formulas (a register holds values, not spreadsheet code).
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from xinan.audit.services import audited_write, record

from .registers import Register
from .services import require

MAX_ROWS = 200_000


class ImportRejected(Exception):
    """The file as a whole cannot be read; nothing was written."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_table(filename: str, content: bytes) -> list[list]:
    """Rows of the first sheet of an xlsx, or of a CSV (UTF-8 or GB18030), header row first."""
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise ImportRejected(_("文件过大(上限 %(n)d MB) / file too large (limit %(n)d MB)")
                             % {"n": settings.IMPORT_MAX_BYTES // (1024 * 1024)})
    if filename.lower().endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportRejected(_("CSV 文件编码无法识别(应为 UTF-8 或 GB18030) / unknown CSV encoding"))
        return [row for row in csv.reader(io.StringIO(text))]
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise ImportRejected(_("文件不是有效的 Excel 工作簿(xlsx) / not a valid Excel workbook (xlsx)"))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=False):
            rows.append([_xlsx_cell(cell) for cell in row])
            if len(rows) > MAX_ROWS + 1:
                raise ImportRejected(_("行数超过上限 %(n)d / more than %(n)d rows") % {"n": MAX_ROWS})
        workbook.close()
        return rows
    except ImportRejected:
        raise
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise ImportRejected(_("Excel 文件已损坏或格式不支持 / damaged or unsupported workbook: %(e)s")
                             % {"e": type(exc).__name__}) from exc


class _Formula(str):
    """Marks a cell that held a formula, so the row reports it."""


def _xlsx_cell(cell):
    if getattr(cell, "data_type", None) == "f":
        return _Formula(str(cell.value))
    return cell.value


class _Related(int):
    """The primary key of a related row named in a cell; replaced by the row before writing."""


class Pending(str):
    """A related row named by its lookup value that does not exist yet but will be written earlier
    in the same load (an organisation bundle creates departments before the people in them); the
    loader replaces it by the row once that row is written."""


def lookup_key(raw) -> str:
    """The text a related row is named by, as the lookup maps hold it (12.0 from a spreadsheet
    names the row whose code is "12")."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


class FieldConverter:
    """Turns one cell (or bundle value) into a model value for one field, with lookups prepared
    once per import. ``pending`` holds lookup values of related rows the same load writes first;
    they convert to ``Pending`` (the row as the load leaves it) rather than to the stored row."""

    def __init__(self, register: Register, name: str, pending: set[str] | frozenset = frozenset()):
        self.name = name
        self.pending = pending
        self.field = register.field(name)
        self.label = str(self.field.verbose_name)
        self.lookup_map = None
        if self.field.is_relation:
            attr = register.lookups.get(name, "pk")
            related = self.field.related_model
            self.lookup_attr = attr
            self.related = related
            self.archivable = any(f.name == "archived_at" for f in related._meta.get_fields())
            columns = [attr, "pk"] + (["archived_at"] if self.archivable else [])
            self.lookup_map = {}
            for row in related._default_manager.values_list(*columns):
                # A value unique among open rows only (a reused subnet) names the open row.
                current = self.lookup_map.get(str(row[0]))
                if current is None or (self.archivable and current[1] is not None):
                    self.lookup_map[str(row[0])] = row[1:]
            self.used: set = set()
        self.choices = {}
        if self.field.choices:
            for value, label in self.field.flatchoices:
                self.choices[str(value)] = value
                self.choices[str(label)] = value

    def convert(self, raw):
        if isinstance(raw, _Formula):
            raise ValidationError(_("不允许公式 / formulas are not allowed"))
        if isinstance(raw, str):
            if len(raw) > settings.IMPORT_MAX_CELL_CHARS:
                raise ValidationError(_("内容过长(超过 %(n)d 字) / cell longer than %(n)d characters")
                                      % {"n": settings.IMPORT_MAX_CELL_CHARS})
            raw = raw.strip()
        empty = raw is None or raw == ""
        if self.lookup_map is not None:
            if empty:
                return None
            key = lookup_key(raw)
            if key in self.pending:  # the load writes that row first (creating or updating it)
                return Pending(key)
            if key not in self.lookup_map:
                raise ValidationError(_("未找到%(attr)s为“%(v)s”的%(model)s / no %(model)s with %(attr)s “%(v)s”") % {
                    "attr": self._attr_label(), "v": key, "model": self.related._meta.verbose_name})
            pk, *archived = self.lookup_map[key]
            if archived and archived[0] is not None:
                raise ValidationError(_("%(model)s“%(v)s”已归档 / %(model)s “%(v)s” is archived") % {
                    "v": key, "model": self.related._meta.verbose_name})
            self.used.add(pk)
            return _Related(pk)
        if self.choices:
            if empty:
                return self.field.get_default()
            if str(raw) not in self.choices:
                raise ValidationError(_("取值“%(v)s”无效,可选:%(c)s / invalid choice") % {
                    "v": raw, "c": "、".join(str(label) for _v, label in self.field.flatchoices)})
            return self.choices[str(raw)]
        if isinstance(self.field, models.DateField) and not isinstance(self.field, models.DateTimeField):
            if empty:
                return None
            if isinstance(raw, datetime):
                return raw.date()
            if isinstance(raw, date):
                return raw
            try:
                parsed = parse_date(str(raw).replace("/", "-"))
            except ValueError:  # well formed but no such day (2024-13-45)
                parsed = None
            if parsed is None:
                raise ValidationError(_("日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD"))
            return parsed
        if isinstance(self.field, models.BooleanField):
            return str(raw).strip().lower() in ("1", "true", "yes", "是", "y")
        if empty:
            return "" if isinstance(self.field, (models.CharField, models.TextField)) else None
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(self.field, (models.CharField, models.TextField)):
            return str(raw)
        return self.field.to_python(raw)

    def _attr_label(self):
        try:
            return str(self.related._meta.get_field(self.lookup_attr).verbose_name)
        except Exception:
            return self.lookup_attr


def _header_map(register: Register, header: list) -> tuple[dict[int, str], list[str]]:
    names = {}
    for name in register.importable_fields():
        names[name] = name
        names[str(register.field(name).verbose_name)] = name
    mapping, unknown = {}, []
    for index, title in enumerate(header):
        title = "" if title is None else str(title).strip()
        if not title:
            continue
        if title in names:
            mapping[index] = names[title]
        else:
            unknown.append(title)
    return mapping, unknown


def convert_row(converters: dict[str, FieldConverter], raw: dict) -> tuple[dict, list[tuple[str, list[str]]]]:
    """Convert one row (field name → raw value) with the register's converters: the shared step of
    the Excel/CSV import and the bundle loader. Returns the model values and, per failing field,
    its messages."""
    data, errors = {}, []
    for name, value in raw.items():
        try:
            data[name] = converters[name].convert(value)
        except ValidationError as exc:
            errors.append((name, exc.messages))
    return data, errors


def natural_key(register: Register) -> str | None:
    """The unique field an import row is matched on for updates (e.g. 工号)."""
    for name in register.importable_fields():
        f = register.field(name)
        if getattr(f, "unique", False) and not f.is_relation:
            return name
    return None


def import_rows(actor, register: Register, rows: list[list], *, reason: str = "") -> ImportResult:
    """Validate every row, then create (or update, matched on the natural key) all of them in one
    transaction through the register's services. Any error: nothing is written."""
    require(actor, register.perm("import"))
    result = ImportResult()
    if not rows:
        result.errors.append(_("文件为空 / the file is empty"))
        return result
    mapping, unknown = _header_map(register, rows[0])
    if unknown:
        result.errors.append(_("第1行 表头: 无法识别的列 %(c)s / unknown columns") % {"c": "、".join(unknown)})
    key = natural_key(register)
    missing = [str(register.field(n).verbose_name) for n in register.importable_fields()
               if not register.field(n).blank and n not in mapping.values() and register.field(n).default is models.NOT_PROVIDED]
    if missing:
        result.errors.append(_("第1行 表头: 缺少必填列 %(c)s / missing required columns") % {"c": "、".join(missing)})
    if result.errors:
        return result
    converters = {name: FieldConverter(register, name) for name in mapping.values()}
    existing = {}
    if key and key in mapping.values():
        existing = {str(k): pk for k, pk in register.model._default_manager.values_list(key, "pk")}
    parsed, seen_keys = [], {}
    for number, row in enumerate(rows[1:], start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        data, errors = convert_row(converters, {name: row[index] if index < len(row) else None
                                                for index, name in mapping.items()})
        for name, messages in errors:
            result.errors.append(_("第%(n)d行 %(f)s: %(e)s") % {"n": number, "f": converters[name].label,
                                                                 "e": "; ".join(messages)})
        if errors:
            continue
        if key and data.get(key) not in (None, ""):
            k = str(data[key])
            if k in seen_keys:
                result.errors.append(_("第%(n)d行 %(f)s: 与第%(m)d行重复 / duplicates row %(m)d") % {
                    "n": number, "f": converters[key].label, "m": seen_keys[k]})
                continue
            seen_keys[k] = number
        parsed.append((number, data))
    if result.errors:
        return result
    attach_related(converters, [d for _n, d in parsed])
    to_update = register.base_queryset().in_bulk([existing[str(d.get(key))] for _n, d in parsed
                                                  if key and str(d.get(key)) in existing])
    try:
        with audited_write():
            for number, data in parsed:
                pk = existing.get(str(data.get(key))) if key else None
                try:
                    if pk is None:
                        register.do_create(actor, dict(data), reason=reason)
                        result.created += 1
                    else:
                        register.do_update(actor, to_update[pk], dict(data), reason=reason)
                        result.updated += 1
                except ValidationError as exc:
                    result.errors.extend(_row_errors(register, number, exc))
            if result.errors:
                raise _Rollback
            record(actor, f"{register.model._meta.label_lower}.import", (register.model._meta.label_lower, "", register.title),
                   after={"created": result.created, "updated": result.updated, "rows": len(parsed)}, reason=reason)
    except _Rollback:
        result.created = result.updated = 0
    return result


def attach_related(converters: dict, datas: list[dict]) -> None:
    """Replace related primary keys by the rows themselves, one query per related model, so the
    services see real rows (their archived state, their names in audit labels)."""
    for name, converter in converters.items():
        if converter.lookup_map is None or not converter.used:
            continue
        rows = converter.related._default_manager.in_bulk(list(converter.used))
        for data in datas:
            if isinstance(data.get(name), _Related):
                data[name] = rows[int(data[name])]


class _Rollback(Exception):
    pass


def _row_errors(register: Register, number: int, exc: ValidationError) -> list[str]:
    out = []
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            label = str(register.field(name).verbose_name) if name != "__all__" else _("记录")
            out.extend(_("第%(n)d行 %(f)s: %(e)s") % {"n": number, "f": label, "e": e} for e in errors)
    else:
        out.extend(_("第%(n)d行 %(f)s: %(e)s") % {"n": number, "f": _("记录"), "e": e} for e in exc.messages)
    return out


def header_columns(row: list, columns: dict[str, tuple[str, ...]]) -> tuple[dict[str, int], list[str]]:
    """Map a file's header row to column names by their accepted titles (case-insensitive):
    ({name: index}, [titles that name nothing]). The first of two titles for one column wins."""
    aliases = {alias: name for name, names in columns.items() for alias in names}
    mapping, unknown = {}, []
    for index, title in enumerate(row):
        text = str(title or "").strip().lower()
        if not text:
            continue
        name = aliases.get(text)
        if name is None:
            unknown.append(str(title))
        elif name not in mapping:
            mapping[name] = index
    return mapping, unknown
