"""Pages: 我的待办 (the user's tasks, completion with the evidence picker), 全部任务 (the
security administrator's view with filters), 通知 (in-app notifications). Writes go through
``services``; refusals are shown on the form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinan.core.views import attach_errors
from xinan.org.permissions import has_perm

from . import selectors, services
from .forms import CancelForm, CompleteForm, TaskFilterForm
from .models import Notification, Task
from .registry import registry

VIEW_ALL = "obligations.task.view_all"


@login_required
def my_tasks(request):
    return render(request, "obligations/my_tasks.html", {
        "tasks": selectors.tasks_mine(request.user).order_by("due_at", "pk"),
        "follow_up": selectors.tasks_to_follow_up(request.user).order_by("due_at", "pk"),
        "done": selectors.tasks_recently_done(request.user),
        "now": timezone.now(),
    })


def _visible_task(request, pk) -> Task:
    """The task, if it is the user's, was escalated to them, or they may see all tasks."""
    qs = Task.objects.select_related(*selectors.RELATED).filter(pk=pk)
    if not has_perm(request.user, VIEW_ALL):
        person = getattr(request.user, "person", None)
        sent = Notification.objects.filter(task_id=OuterRef("pk"), recipient=person)
        qs = qs.filter(selectors.mine_q(request.user) | Exists(sent))
    task = qs.first()
    if task is None:
        raise Http404(_("任务不存在或不在您的查看范围内 / no such task, or not yours to see"))
    return task


@login_required
def task_detail(request, pk):
    task = _visible_task(request, pk)
    ob = registry.get(task.obligation)
    can_complete = task.is_pending and (ob is None or ob.manual) and services.may_complete(request.user, task)
    form = None
    if can_complete:
        form = CompleteForm(request.POST or None, evidence_qs=services.evidence_queryset(request.user, task))
        if request.method == "POST" and form.is_valid():
            try:
                services.task_complete(request.user, task, evidence=form.cleaned_data.get("evidence"),
                                       comment=form.cleaned_data["comment"])
                messages.success(request, _("任务已办结 / task completed"))
                return redirect("obligations:my_tasks")
            except (ValidationError, PermissionDenied) as exc:
                attach_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
    elif request.method == "POST":
        raise PermissionDenied(_("此任务不能由您办结 / you cannot complete this task"))
    status = 400 if form is not None and form.errors else 200
    return render(request, "obligations/task_detail.html", {
        "task": task, "obligation": ob, "form": form, "now": timezone.now(),
        "cancel_form": CancelForm() if task.is_pending and has_perm(request.user, "obligations.task.cancel") else None,
        "history": task.notifications.select_related("recipient").order_by("created_at")
        if has_perm(request.user, VIEW_ALL) else None,
    }, status=status)


@login_required
@require_POST
def task_cancel(request, pk):
    task = _visible_task(request, pk)
    form = CancelForm(request.POST)
    try:
        services.task_cancel(request.user, task, reason=form.data.get("reason", ""))
        messages.success(request, _("任务已撤销 / task cancelled"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("obligations:task_detail", pk=task.pk)


@login_required
def all_tasks(request):
    if not has_perm(request.user, VIEW_ALL):
        raise PermissionDenied(_("无权查看全部任务 / permission %(p)s required") % {"p": VIEW_ALL})
    form = TaskFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    qs = selectors.tasks_filtered(status=filters.get("status") or "", obligation=filters.get("obligation") or "",
                                  department=filters.get("department"), overdue=bool(filters.get("overdue")))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "obligations/all_tasks.html", {
        "form": form, "page": page, "query": query.urlencode(), "now": timezone.now(),
        "obligations": sorted(registry.values(), key=lambda o: o.id),
    })


@login_required
def notifications(request):
    qs = selectors.notifications_for(request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "obligations/notifications.html", {"page": page, "unread": selectors.unread_count(request.user)})


@login_required
@require_POST
def notifications_read(request):
    raw = request.POST.get("id")
    ids = [int(raw)] if raw and raw.isdigit() else None
    services.notifications_read(request.user, ids)
    return redirect("obligations:notifications")
