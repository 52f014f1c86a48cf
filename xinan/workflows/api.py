"""REST API of the workflow engine (``/api/workflows/…``): the inbox (待我审批), an instance with
its history, acting on it, comments, attachments, cancelling, and the definitions. A register
that names workflows also gets ``POST /api/<app>/<slug>/{pk}/workflows/{name}`` (see
``xinan.core.api_registers``), which calls ``start_for_register`` here.

Acting through an API token needs a scope covering ``workflows.instance.act``.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from xinan.core.api import api
from xinan.core.selectors import visible_rows

from . import selectors, services
from .models import WorkflowDefinition, WorkflowInstance
from .schemas import (ActIn, AttachmentOut, CancelIn, DefinitionOut, InstanceDetailOut, InstanceOut, attachment_out,
                      detail_out, instance_out)

router = Router(tags=["审批流程 / workflows"])
INBOX_LIMIT = 500


def _instance(request, pk: int) -> WorkflowInstance:
    instance = get_object_or_404(WorkflowInstance.objects.select_related(*selectors.RELATED), pk=pk)
    if not services.may_view(request.auth, instance):
        raise Http404
    return instance


@router.get("/inbox", response=list[InstanceOut], operation_id="workflows_inbox",
            summary="待我审批 / what waits for me")
def inbox(request):
    """Running instances whose current step the caller may act on now (separation rules applied)."""
    return [instance_out(i) for i in selectors.inbox(request.auth)[:INBOX_LIMIT]]


@router.get("/instances/{int:pk}", response=InstanceDetailOut, operation_id="workflows_instance_get")
def instance_get(request, pk: int):
    return detail_out(_instance(request, pk))


@router.post("/instances/{int:pk}/act", response=InstanceOut, operation_id="workflows_instance_act")
def instance_act(request, pk: int, payload: ActIn):
    """approve / reject / execute the current step, or comment (decides nothing)."""
    instance = _instance(request, pk)
    if payload.decision == "comment":
        services.workflow_comment(request.auth, instance, payload.comment)
        instance.refresh_from_db()
    else:
        instance = services.workflow_act(request.auth, instance, payload.decision, payload.comment)
    return instance_out(WorkflowInstance.objects.select_related(*selectors.RELATED).get(pk=instance.pk))


@router.post("/instances/{int:pk}/cancel", response=InstanceOut, operation_id="workflows_instance_cancel")
def instance_cancel(request, pk: int, payload: CancelIn):
    instance = services.workflow_cancel(request.auth, _instance(request, pk), reason=payload.reason)
    return instance_out(WorkflowInstance.objects.select_related(*selectors.RELATED).get(pk=instance.pk))


@router.post("/instances/{int:pk}/attachments", response={201: AttachmentOut}, operation_id="workflows_instance_attach")
def instance_attach(request, pk: int, file: File[UploadedFile], comment: Form[str] = ""):
    row = services.workflow_attach(request.auth, _instance(request, pk), file, comment=comment)
    return Status(201, attachment_out(row))


@router.get("/definitions", response=list[DefinitionOut], operation_id="workflows_definitions")
def definitions(request):
    """The current version of every definition, with its steps."""
    out = []
    for d in WorkflowDefinition.objects.filter(is_current=True).prefetch_related("steps").order_by("code"):
        out.append({"code": d.code, "version": d.version, "name": d.name, "description": d.description,
                    "clauses": d.clauses, "steps": [
                        {"order": s.order, "code": s.code, "name": s.name, "kind": s.kind, "actor_kind": s.actor_kind,
                         "actor_value": s.actor_value, "deadline": s.deadline} for s in d.steps.all()]})
    return out


def start_for_register(request, register, pk: int, name: str, reason: str):
    """``POST /api/<app>/<slug>/{pk}/workflows/{name}``: start the workflow the register names."""
    actor = request.auth
    if name not in register.workflows:
        raise Http404
    if not visible_rows(register, actor).filter(pk=pk).exists():
        if not services.permissions.has_perm(actor, register.perm("view")):
            raise PermissionDenied
        raise Http404
    obj = register.model._default_manager.get(pk=pk)
    instance = services.register_workflow_start(actor, register, obj, name, reason=reason)
    return Status(201, instance_out(WorkflowInstance.objects.select_related(*selectors.RELATED).get(pk=instance.pk)))


api.add_router("/workflows", router)
