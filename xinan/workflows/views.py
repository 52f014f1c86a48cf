"""Pages of the workflow engine: the inbox (待我审批, with 我发起的 / 我办理的 / 超期), an instance
with its timeline and the forms to act, comment, attach or cancel, starting a workflow from a
register's record, and attachment downloads. Every write calls a service; refusals are shown."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinan.core.registers import registry
from xinan.core.selectors import visible_rows
from xinan.core.views import attach_errors
from xinan.org import permissions

from . import rules, selectors, services
from .forms import ActForm, AttachForm, CancelForm, CommentForm, StartForm, styled
from .models import WorkflowAttachment, WorkflowInstance

TABS = ("inbox", "mine", "handled", "overdue")
LIST_LIMIT = 200


def _refusal(request, exc) -> None:
    messages.error(request, "; ".join(getattr(exc, "messages", None) or [str(exc)]))


def _instance(request, pk) -> WorkflowInstance:
    instance = get_object_or_404(WorkflowInstance.objects.select_related(*selectors.RELATED), pk=pk)
    if not services.may_view(request.user, instance):
        raise Http404
    return instance


@login_required
def inbox(request):
    tab = request.GET.get("tab", "inbox")
    can_see_all = permissions.has_perm(request.user, services.VIEW_ALL)
    if tab not in TABS or (tab == "overdue" and not can_see_all):
        tab = "inbox"
    rows = {
        "inbox": lambda: selectors.inbox(request.user),
        "mine": lambda: selectors.requested_by(request.user),
        "handled": lambda: selectors.handled_by(request.user),
        "overdue": lambda: selectors.overdue(),
    }[tab]()
    items = list(rows[:LIST_LIMIT])
    now = timezone.now()
    for item in items:
        item.overdue = bool(item.is_running and item.due_at and item.due_at < now)
        item.decisions = rules.DECISIONS.get(item.current_step.kind, ()) if tab == "inbox" and item.current_step_id else ()
    return render(request, "workflows/inbox.html", {"tab": tab, "items": items, "can_see_all": can_see_all})


@login_required
def instance_detail(request, pk):
    instance = _instance(request, pk)
    problem = services.act_problem(request.user, instance)
    return render(request, "workflows/instance_detail.html", {
        "instance": instance, "timeline": selectors.timeline(instance),
        "can_act": problem is None, "act_problem": problem if instance.is_running else None,
        "decisions": rules.DECISIONS.get(instance.current_step.kind, ()) if instance.current_step_id else (),
        "can_cancel": instance.is_running and instance.requester_id == request.user.pk,
        "act_form": styled(ActForm()), "comment_form": styled(CommentForm()), "attach_form": styled(AttachForm()),
        "cancel_form": styled(CancelForm()),
    })


def _back(request, instance):
    target = request.POST.get("next", "")
    if target == "inbox":
        return redirect("workflows:inbox")
    return redirect("workflows:instance", pk=instance.pk)


@login_required
@require_POST
def instance_act(request, pk):
    instance = _instance(request, pk)
    form = ActForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return _back(request, instance)
    files = [form.cleaned_data["file"]] if form.cleaned_data.get("file") else []
    try:
        services.workflow_act(request.user, instance, form.cleaned_data["decision"], form.cleaned_data["comment"],
                              files=files)
        messages.success(request, _("已办理 / done"))
    except (ValidationError, PermissionDenied) as exc:
        _refusal(request, exc)
    return _back(request, instance)


@login_required
@require_POST
def instance_comment(request, pk):
    instance = _instance(request, pk)
    try:
        services.workflow_comment(request.user, instance, request.POST.get("comment", ""))
        messages.success(request, _("意见已添加 / comment added"))
    except (ValidationError, PermissionDenied) as exc:
        _refusal(request, exc)
    return _back(request, instance)


@login_required
@require_POST
def instance_attach(request, pk):
    instance = _instance(request, pk)
    form = AttachForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return _back(request, instance)
    try:
        services.workflow_attach(request.user, instance, form.cleaned_data["file"], comment=form.cleaned_data["comment"])
        messages.success(request, _("附件已上传 / file added"))
    except (ValidationError, PermissionDenied) as exc:
        _refusal(request, exc)
    return _back(request, instance)


@login_required
@require_POST
def instance_cancel(request, pk):
    instance = _instance(request, pk)
    try:
        services.workflow_cancel(request.user, instance, reason=request.POST.get("reason", ""))
        messages.success(request, _("流程已撤销 / cancelled"))
    except (ValidationError, PermissionDenied) as exc:
        _refusal(request, exc)
    return _back(request, instance)


@login_required
def attachment_download(request, pk):
    attachment = get_object_or_404(WorkflowAttachment.objects.select_related("instance"), pk=pk)
    try:
        content = services.attachment_read(request.user, attachment)
    except PermissionDenied:
        raise Http404 from None
    response = HttpResponse(content, content_type=attachment.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(attachment.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


@login_required
def start(request, slug, pk, name):
    """发起<流程> from a register's record (the register's ``change`` permission)."""
    try:
        register = registry.get(slug)
    except KeyError:
        raise Http404 from None
    if name not in register.workflows:
        raise Http404
    obj = get_object_or_404(visible_rows(register, request.user), pk=pk)
    if not permissions.has_perm(request.user, register.perm("change")):
        raise PermissionDenied(_("无权发起该流程 / you may not start this workflow"))
    from .definitions import current

    definition = current(register.workflows[name])
    if definition is None:
        raise Http404
    form = styled(StartForm(request.POST or None))
    if request.method == "POST" and form.is_valid():
        try:
            instance = services.register_workflow_start(request.user, register, obj, name,
                                                        reason=form.cleaned_data["reason"])
            messages.success(request, _("流程已发起 / workflow started"))
            return redirect("workflows:instance", pk=instance.pk)
        except (ValidationError, PermissionDenied) as exc:
            attach_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
    return render(request, "workflows/start.html", {
        "register": register, "object": obj, "definition": definition, "form": form,
        "steps": definition.steps.filter(order__gt=0).order_by("order"),
    }, status=400 if form.errors else 200)
