"""The register machinery (登记簿): a model plus one ``Register`` declaration yields list, detail,
create/edit, archive, Excel export, Excel/CSV import, REST endpoints and printable forms.

As in NetBox's ``register_model_view``: generic views, API routes and tests are derived from the
registry, so adding a register costs a model and a declaration.
"""

from dataclasses import dataclass, field
from typing import Callable

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from . import services as generic


def label_fields(model) -> list[str]:
    """The fields a row's ``__str__`` reads: its model's ``str_fields``, else all its fields. A list
    shows a related row by its label from these alone (``list_fields``, ``tables.value_rows``)."""
    return list(getattr(model, "str_fields", None) or [f.name for f in model._meta.concrete_fields])


@dataclass
class Register:
    """Declaration of one register.

    ``slug`` names its URLs (``/<app>/<slug>/``, ``registers:<slug>_list``) and API path.
    ``fields`` are the editable fields (form, API body, import); ``columns`` the table and export
    columns (field names or ``a__b`` paths); ``lookups`` says which attribute identifies a related
    row in imports and exports (``{"department": "code"}``); ``department_field`` scopes rows to
    the viewer's departments (``"self"`` for the department register itself, ``None`` for none).
    ``create``/``update``/``archive`` are the domain services; the generic ones are used when
    omitted. ``clauses`` are the catalogue ids the register implements. ``workflows`` names the
    approval workflows a record can start (``{"transfer": "transfer_with_deputy_gm"}``): the detail
    page lists a record's workflows with a 发起 button, the API gains
    ``POST /api/<app>/<slug>/{pk}/workflows/{name}`` (both need the register's ``change``).
    """

    slug: str
    model: type[models.Model]
    title: str
    fields: list[str]
    columns: list[str]
    filters: list[str] = field(default_factory=list)
    search: list[str] = field(default_factory=list)
    ordering: list[str] = field(default_factory=list)
    lookups: dict[str, str] = field(default_factory=dict)
    department_field: str | None = None
    form_title: str | None = None
    nav_section: str = "org"
    select_related: list[str] = field(default_factory=list)
    create: Callable | None = None
    update: Callable | None = None
    archive: Callable | None = None
    import_fields: list[str] | None = None
    clauses: list[str] = field(default_factory=list)
    detail_actions: list[tuple] = field(default_factory=list)  # (label, url name taking pk, permission)
    workflows: dict[str, str] = field(default_factory=dict)  # name → workflow definition code (xinan.workflows)
    print_template: str = "core/register_print_list.html"
    print_detail_template: str = "core/register_print_detail.html"

    # -- derived ---------------------------------------------------------------------------
    @property
    def app_label(self) -> str:
        return self.model._meta.app_label

    @property
    def model_name(self) -> str:
        return self.model._meta.model_name

    @property
    def archivable(self) -> bool:
        return any(f.name == "archived_at" for f in self.model._meta.get_fields())

    def perm(self, action: str) -> str:
        return f"{self.app_label}.{self.model_name}.{action}"

    def field(self, name: str):
        return self.model._meta.get_field(name)

    def label(self, path: str) -> str:
        """Verbose name of a column path (``department__code`` → 部门编码 of Department)."""
        model, parts = self.model, path.split("__")
        for part in parts[:-1]:
            model = model._meta.get_field(part).related_model
        try:
            return str(model._meta.get_field(parts[-1]).verbose_name)
        except FieldDoesNotExist:
            return parts[-1]

    def columns_for_export(self) -> list[str]:
        """Export columns: the table columns with related rows shown by their lookup attribute."""
        out = []
        for name in self.columns:
            if "__" not in name and self._is_relation(name) and name in self.lookups:
                out.append(f"{name}__{self.lookups[name]}")
            else:
                out.append(name)
        return out

    def importable_fields(self) -> list[str]:
        return list(self.import_fields if self.import_fields is not None else self.fields)

    def _is_relation(self, name: str) -> bool:
        try:
            return self.model._meta.get_field(name).is_relation
        except FieldDoesNotExist:
            return False

    def base_queryset(self):
        qs = self.model._default_manager.all()
        related = self.select_related or [n for n in self.columns if "__" not in n and self._is_relation(n)]
        return qs.select_related(*related) if related else qs

    def list_fields(self) -> list[str] | None:
        """The fields a list table reads, for ``QuerySet.only``: the column fields, and of each
        related row shown by its ``__str__`` the fields its model names in ``str_fields`` (all
        of them when it names none); ``archived_at`` mutes archived rows. None — load whole rows
        — when a column is not a plain field, a field of a related row, or the register chooses
        its own ``select_related``."""
        if self.select_related:
            return None
        out = ["archived_at"] if self.archivable else []
        for path in self.columns:
            parts = path.split("__")
            if len(parts) > 2:
                return None
            try:
                field = self.field(parts[0])
                if len(parts) == 2:
                    if not field.many_to_one or field.related_model._meta.get_field(parts[1]).is_relation:
                        return None
                    out.append(path)
                    continue
            except FieldDoesNotExist:
                return None
            if not field.concrete or field.many_to_many:
                return None
            out.append(path)
            if field.many_to_one:
                related = field.related_model
                out.extend(f"{path}__{name}" for name in label_fields(related))
        return out

    def str_reads_related(self) -> bool:
        """Whether a row's ``__str__`` may read a related row: False only when the model names
        in ``str_fields`` the plain fields it reads, so a list that shows rows by their label and
        related rows by their keys (the API) needs no join."""
        names = getattr(self.model, "str_fields", None)
        return not names or any(self.model._meta.get_field(n).is_relation for n in names)

    def do_create(self, actor, data: dict, reason: str = ""):
        if self.create:
            return self.create(actor, reason=reason, **data)
        return generic.instance_create(actor, self.model, data, department_field=self.department_field, reason=reason)

    def do_update(self, actor, instance, data: dict, reason: str = ""):
        if self.update:
            return self.update(actor, instance, reason=reason, **data)
        return generic.instance_update(actor, instance, data, department_field=self.department_field, reason=reason)

    def do_archive(self, actor, instance, reason: str = ""):
        if self.archive:
            return self.archive(actor, instance, reason=reason)
        return generic.instance_archive(actor, instance, department_field=self.department_field, reason=reason)


class Registry:
    def __init__(self):
        self._by_slug: dict[str, Register] = {}

    def add(self, register: Register) -> Register:
        if register.slug in self._by_slug:
            raise ValueError(f"register {register.slug!r} declared twice")
        for name in register.fields + register.filters:
            register.field(name)  # fail at start-up on a typo, not on first use
        self._by_slug[register.slug] = register
        return register

    def get(self, slug: str) -> Register:
        return self._by_slug[slug]

    def all(self) -> list[Register]:
        return list(self._by_slug.values())

    def for_model(self, model) -> Register | None:
        return next((r for r in self._by_slug.values() if r.model is model), None)


registry = Registry()


def register(**kwargs) -> Register:
    return registry.add(Register(**kwargs))
