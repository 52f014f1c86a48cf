"""The rows of a register's list table, rendered in Python.

The template engine costs a few microseconds per variable and tag; a 50-row page with eight
columns made a few thousand of them. The markup is the same as the template's was: the first
cell links to the record, an empty value shows as "—", archived rows are muted.
"""

from dataclasses import dataclass
from html import escape
from urllib.parse import quote_plus, urlencode

from django.db.models.base import ModelState
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language

from . import versions
from .registers import label_fields
from .selectors import choice_labels, column_reader

_SENTINEL = 987654321  # a pk no URL pattern contains literally


def _detail_url(url_name: str):
    """A function pk -> detail URL, from one ``reverse`` instead of one per row."""
    prefix, _sep, suffix = reverse(url_name, args=[_SENTINEL]).partition(str(_SENTINEL))
    return lambda pk: f"{prefix}{pk}{suffix}"


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value if hasattr(value, "__html__") else escape(value)
    # As the template engine does: an aware datetime is shown in the current time zone, not in UTC.
    return conditional_escape(localize(template_localtime(value)))


def table_rows(register, objects, detail_url_name: str) -> SafeString:
    """``<tr>`` elements for ``objects`` in the register's columns."""
    url = _detail_url(detail_url_name)
    readers = [column_reader(register.model, c) for c in register.columns]
    out = []
    for obj in objects:
        cells = [_cell(read(obj)) for read in readers]
        if cells:
            cells[0] = f'<a href="{url(obj.pk)}">{cells[0]}</a>'
        muted = ' class="text-muted"' if getattr(obj, "archived_at", None) else ""
        out.append(f"<tr{muted}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return mark_safe("\n".join(out))


def value_rows(register, page_rows, fields: tuple, detail_url_name: str) -> SafeString:
    """``table_rows`` for a page of rows (a sliced queryset) read as tuples: the same markup
    without building a model instance per row and per related row, which cost more than the
    rest of the page. ``fields`` come from ``Register.list_fields``.

    The register's own columns are read in one query without joins; the related rows shown
    (by their model's ``__str__`` over its ``str_fields``, or a column of theirs) in one query
    per related model, by key. Joining them instead let PostgreSQL's planner hash whole tables
    (ten thousand people for fifty devices) and spend longer planning than reading.
    """
    return render_value_rows(register, fetch_value_rows(register, page_rows, fields), fields, detail_url_name)


def fetch_value_rows(register, page_rows, fields: tuple) -> list[tuple]:
    """The rows ``value_rows`` renders, read (one query, the register's own columns)."""
    return list(page_rows.values_list(*_plan(register, tuple(fields)).own))


def render_value_rows(register, rows: list[tuple], fields: tuple, detail_url_name: str) -> SafeString:
    """``value_rows`` for rows already read by ``fetch_value_rows``."""
    plan = _plan(register, tuple(fields))
    related = {model: _related_rows(model, tuple(names), {row[i] for row in rows for i in positions} - {None})
               for model, (names, positions) in plan.related.items()}
    url = _detail_url(detail_url_name)
    out = []
    for row in rows:
        cells = [_cell(read(row, related)) for read in plan.readers]
        if cells:
            cells[0] = f'<a href="{url(row[0])}">{cells[0]}</a>'
        muted = ' class="text-muted"' if plan.muted_at is not None and row[plan.muted_at] else ""
        out.append(f"<tr{muted}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return mark_safe("\n".join(out))


def _related_rows(model, names: tuple, keys: set) -> dict:
    """{pk: (values of ``names``)} for ``keys``: the related rows a page shows (people, departments).

    Kept per process while the related table is unchanged (``versions``), and read by key only
    for rows not yet kept: the same few hundred departments and people appear on page after
    page, and a query per related table cost a page more than its rows. Any write to the table
    forgets them all."""
    tokens = versions.tokens(model)
    versions.note_read(model)  # a page kept in a cache is stale once these rows change
    entry = _related_cache.get((model, names))
    if entry is None or tokens is None or entry[0] != tokens or len(entry[1]) > _RELATED_KEPT:
        entry = (tokens, {})
        if tokens is not None:
            _related_cache[(model, names)] = entry
    known = entry[1]
    missing = [k for k in keys if k not in known]
    if missing:
        found = {r[0]: r[1:] for r in model._base_manager.filter(pk__in=missing).order_by().values_list("pk", *names)}
        for key in missing:
            known[key] = found.get(key)
    return known


_related_cache: dict[tuple, tuple] = {}
_RELATED_KEPT = 100_000  # rows per related table and process; beyond that it starts afresh


@dataclass
class _Plan:
    own: list  # the register's own columns to read: the pk first
    related: dict  # related model -> (its fields to read, positions in ``own`` of keys to it)
    readers: list  # per column: (row, related rows) -> value
    muted_at: int | None


def _plan(register, fields: tuple) -> _Plan:
    """How to read a register's columns from tuples; built once per register, fields and language."""
    key = (register.slug, fields, get_language())
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = _build_plan(register.model, register.columns, fields)
    return plan


_plans: dict[tuple, _Plan] = {}


def _build_plan(model, columns, fields: tuple) -> _Plan:
    own = ["pk"] + [f for f in fields if "__" not in f]
    related: dict = {}

    def related_value(fk: str, name: str):
        """(related model, key position, position of ``name`` among the related fields read)."""
        target = model._meta.get_field(fk).related_model
        names, positions = related.setdefault(target, ([], []))
        if own.index(fk) not in positions:
            positions.append(own.index(fk))
        if name not in names:
            names.append(name)
        return target, own.index(fk), names.index(name)

    readers = []
    for path in columns:
        parts = path.split("__")
        field = model._meta.get_field(parts[0])
        if len(parts) == 1 and field.many_to_one:
            target = field.related_model
            names = label_fields(target)  # as Register.list_fields chose them
            spots = [related_value(path, name) for name in names]
            attnames = [target._meta.get_field(name).attname for name in names]
            readers.append(_label_reader(target, spots[0][1], attnames, [i for _t, _k, i in spots]))
        elif len(parts) == 2:
            target, at, i = related_value(parts[0], parts[1])
            readers.append(_related_reader(target, at, i, choice_labels(target, parts[1])))
        else:
            at = own.index(path)
            labels = choice_labels(model, path)
            readers.append((lambda row, _r, at=at: row[at]) if labels is None else
                           (lambda row, _r, at=at, labels=labels: labels.get(row[at], row[at])))
    muted_at = own.index("archived_at") if "archived_at" in own else None
    return _Plan(own, related, readers, muted_at)


def _label_reader(target, at: int, names: list, spots: list):
    pk_name = target._meta.pk.attname

    def read(row, related):
        found = related[target].get(row[at]) if row[at] is not None else None
        return None if found is None else _label(target, pk_name, row[at], names, [found[i] for i in spots])
    return read


def _related_reader(target, at: int, i: int, labels):
    def read(row, related):
        found = related[target].get(row[at]) if row[at] is not None else None
        value = None if found is None else found[i]
        return labels.get(value, value) if labels is not None else value
    return read


def _label(model, pk_name, pk, names, values) -> str:
    """``str()`` of a related row from the fields its ``__str__`` reads (``str_fields``)."""
    instance = model.__new__(model)
    instance.__dict__.update(zip(names, values))
    instance.__dict__[pk_name] = pk
    instance._state = ModelState()  # a field __str__ reads beyond str_fields is then loaded, not an error
    return str(instance)


def query_with(params, key: str, value) -> str:
    """The query string of ``params`` (a QueryDict) with ``key`` set to ``value``, the other
    parameters kept in order — a dozen sort and page links per list, without copying the QueryDict
    for each."""
    head, tail = _query_around(params, key)
    return _joined(head, urlencode([(key, str(value))]), tail)


def _query_around(params, key: str) -> tuple[str, str]:
    """The encoded parameters before ``key``'s first place and after it (its values left out); all
    of them before when ``key`` is absent, so a new value goes last."""
    before, after, placed = [], [], False
    for name, values in params.lists():
        if name == key:
            placed = True
            continue
        (after if placed else before).extend((name, v) for v in values)
    return urlencode(before), urlencode(after)


def _joined(*parts: str) -> str:
    return "&".join(part for part in parts if part)


def header_row(register, params, sort: str) -> SafeString:
    """The ``<th>`` cells of a list: each column's label linking to the list sorted by it (again:
    the other way round), ▲/▼ on the current sort. The query around ``sort`` is encoded once, not
    once per column (``query_with``'s output, for every column)."""
    head, tail = _query_around(params, "sort")
    cells = []
    for name in register.columns:
        target = f"-{name}" if sort == name else name
        query = _joined(head, "sort=" + quote_plus(target), tail)
        mark = " ▲" if sort == name else " ▼" if sort == f"-{name}" else ""
        cells.append(f'<th><a href="?{escape(query)}">{conditional_escape(register.label(name))}{mark}</a></th>')
    return mark_safe("".join(cells))
