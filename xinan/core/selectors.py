"""Reads of registers: the rows a user may see, filtered, searched and sorted."""

import django_filters
from django.db.models import Q

from xinan.org import permissions

from .registers import Register

_filtersets: dict[str, type] = {}


def filterset_class(register: Register) -> type[django_filters.FilterSet]:
    """A FilterSet for the register's declared filters (built once)."""
    cls = _filtersets.get(register.slug)
    if cls is None:
        meta = type("Meta", (), {"model": register.model, "fields": register.filters})
        cls = type(f"{register.model.__name__}FilterSet", (django_filters.FilterSet,), {"Meta": meta})
        _filtersets[register.slug] = cls
    return cls


def visible_rows(register: Register, user):
    """Rows the user may view, scoped to their departments unless a role reaches further."""
    return permissions.scope_queryset(user, register.perm("view"), register.base_queryset(),
                                      register.department_field)


def sortable(register: Register) -> set[str]:
    return {c for c in register.columns}


def register_rows(register: Register, user, params):
    """(queryset, filterset) for a list request: filters, ``q`` search, ``archived`` and ``sort``."""
    qs = visible_rows(register, user)
    if register.archivable and params.get("archived") != "1":
        qs = qs.filter(archived_at__isnull=True)
    filterset = filterset_class(register)(params, queryset=qs)
    qs = filterset.qs if filterset.is_valid() else qs.none()
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
    return qs, filterset


def cell_value(instance, path: str):
    """The value of a column path on an instance (``department__code``); choices as labels."""
    value = instance
    parts = path.split("__")
    for i, part in enumerate(parts):
        if value is None:
            return None
        if i == len(parts) - 1 and hasattr(value, f"get_{part}_display"):
            return getattr(value, f"get_{part}_display")()
        value = getattr(value, part)
    return value
