"""REST endpoints for the steps of the assets records (the CRUD of every register comes from its
declaration): ``GET /api/assets/steps/{slug}/{pk}`` lists the steps the caller may take now,
``POST /api/assets/steps/{slug}/{pk}/{step}`` takes one with the same fields as the page's form.
The services decide; a refusal is a 403 or a 422 with the service's message."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from ninja import Body, Router, Schema

from xinan.core.api import api
from xinan.core.registers import registry
from xinan.core.selectors import visible_rows
from xinan.org import permissions

from . import steps

router = Router(tags=["资产办理 / asset steps"])


class StepOut(Schema):
    name: str
    label: str
    fields: list[str]


class StepResult(Schema):
    id: int
    label: str
    status: str | None = None


def _subject(request, slug: str, pk: int):
    if slug not in steps.STEPS:
        raise PermissionDenied("no steps for this register")
    register = registry.get(slug)
    return get_object_or_404(visible_rows(register, request.auth), pk=pk)


def _can(request):
    return lambda perm: permissions.has_perm(request.auth, perm)


@router.get("/{slug}/{int:pk}", response=list[StepOut], operation_id="asset_steps_list")
def steps_list(request, slug: str, pk: int):
    obj = _subject(request, slug, pk)
    return [{"name": st.name, "label": str(st.label), "fields": list(st.form.base_fields)}
            for st in steps.available(slug, obj, _can(request))]


@router.post("/{slug}/{int:pk}/{step}", response=StepResult, operation_id="asset_steps_take")
def step_take(request, slug: str, pk: int, step: str, payload: dict[str, Any] = Body({})):
    obj = _subject(request, slug, pk)
    chosen = steps.find(slug, step)
    if chosen is None or chosen not in steps.available(slug, obj, _can(request)):
        raise PermissionDenied("当前不能办理此步骤 / this step is not available now")
    data = QueryDict(mutable=True)
    for key, value in (payload or {}).items():
        if isinstance(value, list):
            data.setlist(key, [str(v) for v in value])
        elif isinstance(value, bool):
            data[key] = "on" if value else ""
        elif value is not None:
            data[key] = str(value)
    kwargs = {"subject": obj} if "subject" in chosen.form.__init__.__code__.co_varnames else {}
    form = chosen.form(data, **kwargs)
    if not form.is_valid():
        raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
    chosen.call(request.auth, obj, dict(form.cleaned_data))
    obj.refresh_from_db()
    return {"id": obj.pk, "label": str(obj), "status": getattr(obj, "status", None)}


api.add_router("/assets/steps", router)
