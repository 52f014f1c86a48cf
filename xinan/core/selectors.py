"""Reads of registers: the rows a user may see, filtered, searched and sorted."""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils.translation import get_language

from xinan.org import permissions

from .filters import list_filters
from .registers import Register


def visible_rows(register: Register, user):
    """Rows the user may view, scoped to their departments unless a role reaches further."""
    return permissions.scope_queryset(user, register.perm("view"), register.base_queryset(),
                                      register.department_field)


def sortable(register: Register) -> set[str]:
    return {c for c in register.columns}


def register_rows(register: Register, user, params) -> tuple:
    """(queryset, cleaned filters) for a list request: filters, ``q`` search, ``archived`` and
    ``sort``; no rows when a filter value is refused (``cleaned.errors`` says which)."""
    qs = visible_rows(register, user)
    live = {"archived_at__isnull": True} if register.archivable and params.get("archived") != "1" else {}
    filters = list_filters(register)
    cleaned = filters.clean(params)
    qs = filters.apply(qs, cleaned, **live) if cleaned.is_valid() else qs.none()
    text = (params.get("q") or "").strip()
    if text and register.search:
        cond = Q()
        for name in register.search:
            cond |= Q(**{f"{name}__icontains": text})
        qs = qs.filter(cond)
    sort = params.get("sort") or ""
    if sort.lstrip("-") in sortable(register):
        qs = qs.order_by(sort, "pk")
    elif register.ordering:
        qs = qs.order_by(*register.ordering, "pk")
    else:
        qs = qs.order_by("pk")
    return qs, cleaned


def rows_key(register: Register, user, params) -> tuple:
    """What a list's rows depend on besides the data (for ``versions.VersionedCache``): the
    register, the query, the language, and which rows the user may see — users with the same
    reach share entries, so the key names the departments, not the user."""
    scope = None
    if register.department_field is not None:
        ids = permissions.department_ids_in_scope(user, register.perm("view"))
        scope = None if ids is None else frozenset(ids)
    query = tuple(sorted((name, tuple(params.getlist(name))) for name in params))
    return (register.slug, query, get_language(), scope)


_choice_labels: dict[tuple, dict | None] = {}


def choice_labels(model, name: str) -> dict | None:
    """{value: label} of a field with choices in the active language, or None.

    Built once per field and language: Django's ``get_FOO_display`` rebuilds the whole mapping
    and translates the label on every call, which a 50-row page with a few choice columns pays
    hundreds of times.
    """
    key = (model, name, get_language())
    labels = _choice_labels.get(key, False)
    if labels is False:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a property or annotation, not a field
            field = None
        choices = field.flatchoices if field is not None and getattr(field, "choices", None) else None
        labels = _choice_labels[key] = {value: str(label) for value, label in choices} if choices else None
    return labels


_readers: dict[tuple, object] = {}


def column_reader(model, path: str):
    """A function instance -> the column's value (as ``cell_value``), resolved once per model,
    path and language, for tables that read the same columns on every row."""
    key = (model, path, get_language())
    reader = _readers.get(key)
    if reader is None:
        parts = path.split("__")
        owner = model
        for part in parts[:-1]:
            try:
                owner = owner._meta.get_field(part).related_model
            except (FieldDoesNotExist, AttributeError):
                owner = None
                break
        labels = choice_labels(owner, parts[-1]) if owner is not None else None
        if owner is None:
            def reader(instance, path=path):
                return cell_value(instance, path)
        else:
            def reader(instance, parts=parts, labels=labels):
                value = instance
                for part in parts:
                    if value is None:
                        return None
                    value = getattr(value, part)
                return labels.get(value, value) if labels is not None else value
        _readers[key] = reader
    return reader


def cell_value(instance, path: str):
    """The value of a column path on an instance (``department__code``); choices as labels."""
    value = instance
    parts = path.split("__")
    for i, part in enumerate(parts):
        if value is None:
            return None
        if i == len(parts) - 1:
            labels = choice_labels(type(value), part)
            if labels is not None:
                raw = getattr(value, part)
                return labels.get(raw, raw)
            if hasattr(value, f"get_{part}_display"):
                return getattr(value, f"get_{part}_display")()
        value = getattr(value, part)
    return value
