"""REST endpoints derived from register declarations (``/api/<app>/<slug>``).

list (filters, ``q``, ``sort``, ``limit``/``offset``), retrieve, create, partial update and archive,
all through the register's services, so the rules, permissions and audit events are the same as
on the pages, the CLI and imports.
"""

from datetime import date, datetime
from typing import Optional

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, Field, create_model

from xinan.org import permissions

from .registers import Register
from .selectors import register_rows, rows_key, visible_rows
from .versions import VersionedCache

MAX_LIMIT = 500


def _python_type(field):
    if field.is_relation:
        return int
    if isinstance(field, models.BooleanField):
        return bool
    if isinstance(field, models.DateTimeField):
        return datetime
    if isinstance(field, models.DateField):
        return date
    if isinstance(field, (models.IntegerField, models.AutoField)):
        return int
    return str


def _out_fields(register: Register) -> list:
    hidden = set(getattr(register.model, "audit_omit_fields", ()))
    return [f for f in register.model._meta.concrete_fields if f.name not in hidden]


def build_schemas(register: Register):
    name = register.model.__name__
    out = {"label": (str, ...)}
    for f in _out_fields(register):
        key = f.attname if f.is_relation else f.name
        out[key] = (Optional[_python_type(f)], None)
    # Plain pydantic models for what the list returns: ``serialise`` already gives dicts, and
    # ninja's Schema would wrap each of them to look attributes up as on ORM objects.
    out_schema = create_model(f"{name}Out", __base__=BaseModel, **out)
    create, patch = {}, {}
    for fname in register.fields:
        f = register.field(fname)
        t = _python_type(f)
        required = not f.blank and f.default is models.NOT_PROVIDED and not f.null
        create[fname] = (t, ...) if required else (Optional[t], None)
        patch[fname] = (Optional[t], None)
    create["reason"] = (str, Field("", max_length=2000))
    patch["reason"] = (str, Field("", max_length=2000))
    create_schema = create_model(f"{name}Create", __base__=Schema, **create)
    patch_schema = create_model(f"{name}Patch", __base__=Schema, **patch)
    filters = {n: (Optional[str], None) for n in register.filters}
    filters.update(q=(Optional[str], None), sort=(Optional[str], None), archived=(Optional[bool], None),
                   limit=(int, Field(50, ge=1, le=MAX_LIMIT)), offset=(int, Field(0, ge=0)))
    filter_schema = create_model(f"{name}Filter", __base__=Schema, **filters)
    page_schema = create_model(f"{name}Page", __base__=BaseModel, count=(int, ...), items=(list[out_schema], ...))
    reason_schema = create_model(f"{name}Archive", __base__=Schema, reason=(str, Field("", max_length=2000)))
    return out_schema, create_schema, patch_schema, filter_schema, page_schema, reason_schema


def serialise(register: Register, obj) -> dict:
    data = {"label": str(obj)}
    for f in _out_fields(register):
        key = f.attname if f.is_relation else f.name
        data[key] = getattr(obj, key)
    return data


def _resolve(register: Register, payload: dict) -> dict:
    """Turn related ids into instances; an unknown id is a field error, not a 500."""
    data, errors = {}, {}
    for name, value in payload.items():
        if name == "reason":
            continue
        f = register.field(name)
        if f.is_relation and value is not None:
            related = f.related_model._default_manager.filter(pk=value).first()
            if related is None:
                errors[name] = [f"{f.related_model._meta.verbose_name} {value} 不存在 / does not exist"]
                continue
            value = related
        elif value is None and isinstance(f, (models.CharField, models.TextField)) and not f.null:
            value = ""
        data[name] = value
    if errors:
        raise ValidationError(errors)
    return data


def _actor(request):
    """The authenticated user (token or session; ``default_auth`` sets ``request.auth``)."""
    return request.auth


def _require(request, register: Register, action: str):
    permissions.require(_actor(request), register.perm(action))


_list_cache = VersionedCache(size=1024)


def router_for(register: Register) -> Router:
    from xinan.workflows.schemas import InstanceOut, StartIn

    from .api import api

    out_s, create_s, patch_s, filter_s, page_s, reason_s = build_schemas(register)
    router = Router(tags=[str(register.title)])
    slug = register.slug

    @router.get("", response=page_s, operation_id=f"{slug}_list", summary=f"{register.title}: list")
    def list_rows(request, filters: Query[filter_s]):
        _require(request, register, "view")
        actor = _actor(request)
        params = QueryDict(mutable=True)
        for key, value in filters.dict(exclude_none=True).items():
            if key in ("limit", "offset"):
                continue
            params[key] = "1" if value is True else ("" if value is False else str(value))
        def build() -> bytes:  # a ValidationError is raised, never stored
            qs, cleaned = register_rows(register, actor, params)
            if not cleaned.is_valid():
                raise ValidationError({name: [str(m) for m in messages] for name, messages in cleaned.errors.items()})
            if not register.str_reads_related():  # related rows appear as their keys only
                qs = qs.select_related(None)
            items = list(qs[filters.offset:filters.offset + filters.limit])
            page = page_s.model_validate({"count": qs.count(), "items": [serialise(register, o) for o in items]})
            return api.renderer.render(request, page.model_dump(), response_status=200)

        # The rendered body is kept until a table it was read from changes (``versions``).
        key = ("api", *rows_key(register, actor, params), filters.limit, filters.offset)
        content = _list_cache.get_or_build(key, build)
        return HttpResponse(content, content_type=api.get_content_type())

    @router.get("/{int:pk}", response=out_s, operation_id=f"{slug}_get", summary=f"{register.title}: get")
    def get_row(request, pk: int):
        _require(request, register, "view")
        return serialise(register, get_object_or_404(visible_rows(register, _actor(request)), pk=pk))

    @router.post("", response={201: out_s}, operation_id=f"{slug}_create", summary=f"{register.title}: create")
    def create_row(request, payload: create_s):
        _require(request, register, "add")
        body = payload.dict(exclude_unset=False)
        obj = register.do_create(_actor(request), _resolve(register, body), reason=body.get("reason", ""))
        return Status(201, serialise(register, obj))

    @router.patch("/{int:pk}", response=out_s, operation_id=f"{slug}_update", summary=f"{register.title}: update")
    def update_row(request, pk: int, payload: patch_s):
        _require(request, register, "change")
        obj = get_object_or_404(visible_rows(register, _actor(request)), pk=pk)
        body = payload.dict(exclude_unset=True)
        obj = register.do_update(_actor(request), obj, _resolve(register, body), reason=body.get("reason", ""))
        return serialise(register, obj)

    if register.archivable:
        @router.post("/{int:pk}/archive", response=out_s, operation_id=f"{slug}_archive",
                     summary=f"{register.title}: archive")
        def archive_row(request, pk: int, payload: reason_s):
            _require(request, register, "archive")
            obj = get_object_or_404(visible_rows(register, _actor(request)), pk=pk)
            return serialise(register, register.do_archive(_actor(request), obj, reason=payload.reason))

    @router.post("/{int:pk}/workflows/{name}", response={201: InstanceOut}, operation_id=f"{slug}_workflow_start",
                 summary=f"{register.title}: start a workflow")
    def start_workflow(request, pk: int, name: str, payload: StartIn):
        """发起 the workflow the register names ``name`` (404 for a name it does not declare)."""
        from xinan.workflows.api import start_for_register

        return start_for_register(request, register, pk, name, payload.reason)

    return router


def add_register_routes(api, registry) -> None:
    for register in registry.all():
        api.add_router(f"/{register.app_label}/{register.slug}", router_for(register))


