"""Loading an organisation bundle (组织数据包): every value checked first, then every record written
through its register's services in one transaction, with one ``bundle.load`` audit event besides
the services' own events. Any error anywhere: nothing is written, and every error found is
reported with the path of the bad value (``records.people[3].department: …``).

Rows name related rows the way Excel imports do (``"department": "IT"`` is the department whose
code is IT, by the register's ``lookups``), converted by the same ``FieldConverter``s; a related
row may exist already or be created earlier in the same bundle (``Pending``).
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record, snapshot

from ..imports import FieldConverter, Pending, attach_related, convert_row, lookup_key, natural_key
from ..registers import Register, registry
from ..services import require
from . import access
from .order import register_order, related_fields, rows_in_order
from .reading import FORMAT_VERSION, BundleRejected, parse, sm3_digest

TOP_LEVEL = ("xinan_bundle", "organisation", "records", "grants", "accounts")
# A row of a register without a natural key may carry a handle, unique in its list, by which
# other rows of the bundle name it where the register's lookups name rows by primary key (a dump
# writes the source's primary key there); it is never stored.
ROW_ID = "_id"


@dataclass
class LoadResult:
    """What a load wrote (or, with ``dry_run``, would have written): per register slug the rows
    created, updated and found unchanged; grants and accounts likewise; or the errors."""

    records: dict[str, dict[str, int]] = field(default_factory=dict)
    grants: dict[str, int] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    digest: str = ""
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> dict:
        return {"records": self.records, "grants": self.grants, "accounts": self.accounts}


class _Rollback(Exception):
    pass


@dataclass
class _Section:
    """One register's rows, converted: (index, data, pk of the existing row it updates or None)."""

    register: Register
    converters: dict
    items: list = field(default_factory=list)


class BundleLoad:
    """The state of one load: the raw bundle, the lookup values it will create, the rows written
    so far (so later rows can name them), and the errors."""

    def __init__(self, data: dict, *, actor=None, reason: str = ""):
        self.data, self.actor, self.reason = data, actor, reason
        self.errors: list[str] = []
        self.sections: dict[str, list] = {}
        self.written: dict[tuple, dict[str, models.Model]] = {}
        self.result = LoadResult()

    def error(self, path: str, message) -> None:
        self.errors.append(f"{path}: {message}")

    def service_errors(self, path: str, exc: Exception, default_field: str | None = None) -> None:
        if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                where = path if name == "__all__" else f"{path}.{name}"
                for message in messages:
                    self.error(where, message)
            return
        where = f"{path}.{default_field}" if default_field else path
        for message in getattr(exc, "messages", None) or [str(exc)]:
            self.error(where, message)

    # -- lookups between rows of the bundle --------------------------------------------------
    def pending(self, model, attr: str) -> set[str]:
        """Lookup values (``attr``) of the rows of ``model``'s register in this bundle: rows that
        will exist by the time a later row names them. Remembers that written rows of ``model``
        must be findable by ``attr``."""
        self.written.setdefault((model, attr), {})
        register = registry.for_model(model)
        rows = self.sections.get(register.slug, []) if register else []
        key = ROW_ID if attr == "pk" else attr
        return {lookup_key(row[key]) for row in rows
                if isinstance(row, dict) and row.get(key) not in (None, "") and not isinstance(row[key], (dict, list))}

    def converters(self, register: Register, names=None) -> dict:
        out = {}
        for name in names or register.importable_fields():
            f = register.field(name)
            pending = frozenset()
            if f.is_relation:
                pending = self.pending(f.related_model, register.lookups.get(name, "pk"))
            out[name] = FieldConverter(register, name, pending)
        return out

    def remember(self, instance, handle) -> None:
        for (model, attr), rows in self.written.items():
            if isinstance(instance, model):
                key = handle if attr == "pk" else lookup_key(getattr(instance, attr))
                if key is not None:
                    rows[key] = instance

    def resolve(self, converters: dict, data: dict) -> bool:
        """Replace ``Pending`` names by the rows written earlier in this load; False when a named
        row was not written (its own error is reported already)."""
        for name, value in data.items():
            if isinstance(value, Pending):
                converter = converters[name]
                row = self.written[(converter.related, converter.lookup_attr)].get(str(value))
                if row is None:
                    return False
                data[name] = row
        return True

    # -- checking ------------------------------------------------------------------------------
    def check_top(self) -> None:
        for key in self.data:
            if key not in TOP_LEVEL:
                self.error(key, _("未知的键,可用:%(k)s / unknown key; allowed: %(k)s") % {"k": ", ".join(TOP_LEVEL)})
        if self.data.get("xinan_bundle") != FORMAT_VERSION:
            self.error("xinan_bundle", _("须为 %(v)d(数据包格式版本)/ must be %(v)d, the bundle format version")
                       % {"v": FORMAT_VERSION})
        for key, kind in (("organisation", dict), ("records", dict), ("grants", list), ("accounts", list)):
            if self.data.get(key) is not None and not isinstance(self.data[key], kind):
                self.error(key, _("应为对象 / must be an object") if kind is dict else _("应为列表 / must be a list"))
        records = self.data.get("records") if isinstance(self.data.get("records"), dict) else {}
        for slug, rows in records.items():
            try:
                registry.get(slug)
            except KeyError:
                self.error(f"records.{slug}", _("未知的登记簿,可用:%(s)s / unknown register; registers: %(s)s")
                           % {"s": ", ".join(r.slug for r in registry.all())})
                continue
            if not isinstance(rows, list):
                self.error(f"records.{slug}", _("应为列表 / must be a list"))
                continue
            self.sections[slug] = rows

    def check_register(self, register: Register) -> _Section:
        slug, rows = register.slug, self.sections[register.slug]
        allowed = register.importable_fields()
        section = _Section(register, self.converters(register))
        key = natural_key(register)
        handles = {} if key is None else None
        existing = {str(k): pk for k, pk in register.model._default_manager.values_list(key, "pk")} if key else {}
        self_fields = [n for n, m in related_fields(register) if m is register.model]
        seen, items, order_items = {}, {}, []
        for index, raw in enumerate(rows):
            path = f"records.{slug}[{index}]"
            if not isinstance(raw, dict):
                self.error(path, _("应为对象 / must be an object"))
                continue
            count = len(self.errors)
            for name in raw:
                if name not in allowed and not (name == ROW_ID and handles is not None):
                    self.error(f"{path}.{name}", _("未知字段,可用:%(f)s / unknown field; allowed: %(f)s")
                               % {"f": ", ".join(allowed)})
            handle = self.check_handle(path, raw, handles) if handles is not None else None
            values, failed = {}, set()
            for name, value in raw.items():
                if name not in allowed:
                    continue
                if isinstance(value, (dict, list)) and not isinstance(register.field(name), models.JSONField):
                    self.error(f"{path}.{name}", _("应为单个值 / must be a single value"))
                    failed.add(name)
                else:
                    values[name] = value
            data, errors = convert_row(section.converters, values)
            for name, messages in errors:
                self.error(f"{path}.{name}", "; ".join(messages))
                failed.add(name)
            natural = str(data[key]) if key and data.get(key) not in (None, "") else None
            if natural is not None:
                if natural in seen:
                    self.error(f"{path}.{key}", _("与 records.%(s)s[%(i)d] 重复 / duplicates records.%(s)s[%(i)d]")
                               % {"s": slug, "i": seen[natural]})
                seen.setdefault(natural, index)
            pk = existing.get(natural) if natural is not None else None
            if pk is None:
                for name in allowed:
                    f = register.field(name)
                    if (not f.blank and f.default is models.NOT_PROVIDED and name not in failed
                            and data.get(name) in (None, "")):
                        self.error(f"{path}.{name}", _("必填 / required"))
            if len(self.errors) > count:
                continue
            items[index] = (index, data, pk, handle)
            own = None
            if self_fields:
                attr = register.lookups.get(self_fields[0], "pk")
                own = handle if attr == "pk" else lookup_key(raw[attr]) if raw.get(attr) not in (None, "") else None
            order_items.append((index, own, {str(data[n]) for n in self_fields if isinstance(data.get(n), Pending)}))
        order, cycle = rows_in_order(order_items)
        for index in cycle:
            self.error(f"records.{slug}[{index}].{self_fields[0]}", _("循环引用 / circular reference"))
        section.items = [items[index] for index in order]
        return section

    def check_handle(self, path: str, raw: dict, handles: dict) -> str | None:
        value = raw.get(ROW_ID)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)) or lookup_key(value) == "":
            self.error(f"{path}.{ROW_ID}", _("应为文本或整数 / must be text or an integer"))
            return None
        handle = lookup_key(value)
        if handle in handles:
            self.error(f"{path}.{ROW_ID}", _("与 %(p)s 重复 / duplicates %(p)s") % {"p": handles[handle]})
        handles.setdefault(handle, path)
        return handle

    def check_permissions(self) -> None:
        if self.actor is None:
            return
        for slug in self.sections:
            try:
                require(self.actor, registry.get(slug).perm("import"))
            except PermissionDenied as exc:
                self.error(f"records.{slug}", exc)

    # -- writing -------------------------------------------------------------------------------
    def write_register(self, section: _Section) -> None:
        register, converters = section.register, section.converters
        counts = self.result.records.setdefault(register.slug, {"created": 0, "updated": 0, "unchanged": 0})
        attach_related(converters, [data for _i, data, _pk, _h in section.items])
        to_update = register.base_queryset().in_bulk([pk for _i, _d, pk, _h in section.items if pk is not None])
        for index, data, pk, handle in section.items:
            path = f"records.{register.slug}[{index}]"
            if not self.resolve(converters, data):
                continue
            try:
                if pk is None:
                    instance = register.do_create(self.actor, dict(data), reason=self.reason)
                    counts["created"] += 1
                else:
                    instance = to_update[pk]
                    before = snapshot(instance)
                    instance = register.do_update(self.actor, instance, dict(data), reason=self.reason) or instance
                    counts["updated" if snapshot(instance) != before else "unchanged"] += 1
            except (ValidationError, PermissionDenied) as exc:
                self.service_errors(path, exc)
                continue
            self.remember(instance, handle)


def load_data(data: dict, *, actor=None, dry_run: bool = False, reason: str = "", name: str = "",
              digest: str = "") -> LoadResult:
    """Load a parsed bundle (see ``docs/bundle.md``). ``actor=None`` is the system itself (role
    grants are then direct, as at installation); an actor needs each register's ``import``
    permission and the services' own, and its grants become requests awaiting approval."""
    load = BundleLoad(data, actor=actor, reason=reason)
    result = load.result
    result.digest, result.dry_run = digest, dry_run
    load.check_top()
    load.check_permissions()
    sections = [load.check_register(r) for r in register_order() if r.slug in load.sections]
    grants = access.check_grants(load, load.data.get("grants"))
    accounts = access.check_accounts(load, load.data.get("accounts"))
    if load.errors:
        result.errors = load.errors
        return result
    try:
        with audited_write():
            for section in sections:
                load.write_register(section)
            access.write_grants(load, grants)
            access.write_accounts(load, accounts)
            if load.errors:
                raise _Rollback
            record(actor, "bundle.load", ("bundle", digest[4:20], name or "bundle"),
                   after={"digest": digest, "name": name, **result.summary()}, reason=reason)
            if dry_run:
                raise _Rollback
    except _Rollback:
        if load.errors:
            result.errors = load.errors
            result.records, result.grants, result.accounts = {}, {}, {}
    return result


def load_bundle(content: bytes, *, name: str = "", actor=None, dry_run: bool = False, reason: str = "") -> LoadResult:
    """Load a bundle file's bytes (JSON or YAML); see ``load_data``."""
    digest = sm3_digest(content)
    try:
        data = parse(content, name)
    except BundleRejected as exc:
        return LoadResult(errors=[str(exc)], digest=digest, dry_run=dry_run)
    return load_data(data, actor=actor, dry_run=dry_run, reason=reason, name=name, digest=digest)
