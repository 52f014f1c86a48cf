"""Pages of the organisation beyond the generic registers: role grants (授权), transfers (调岗)
and departures (离职). Every write calls a service; refusals are shown, never half-applied."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinan.core.views import attach_errors

from . import permissions, services
from .forms import DecisionForm, DepartForm, GrantRequestForm, TransferForm, styled
from .models import Person, Role, RoleAssignment


def _need(request, perm):
    permissions.require(request.user, perm)


@login_required
def grant_list(request):
    if not (permissions.has_perm(request.user, "org.role.view") or permissions.has_perm(request.user, "org.role.grant")):
        raise PermissionDenied
    status = request.GET.get("status", "pending")
    grants = RoleAssignment.objects.select_related("person", "role", "department", "requested_by", "decided_by")
    if status in RoleAssignment.Status.values:
        grants = grants.filter(status=status)
    return render(request, "org/grant_list.html", {
        "grants": grants[:500], "status": status, "statuses": RoleAssignment.Status.choices,
        "can_grant": permissions.has_perm(request.user, "org.role.grant"),
        "can_approve": permissions.has_perm(request.user, "org.role.approve"),
        "roles": Role.objects.all(),
    })


@login_required
def grant_request(request):
    _need(request, "org.role.grant")
    form = styled(GrantRequestForm(request.POST or None))
    if request.method == "POST" and form.is_valid():
        try:
            services.role_grant_request(request.user, person=form.cleaned_data["person"], role=form.cleaned_data["role"],
                                        department=form.cleaned_data["department"], reason=form.cleaned_data["reason"])
            messages.success(request, _("授权申请已提交,待他人批准 / grant requested, awaiting approval"))
            return redirect("org:grant_list")
        except (ValidationError, PermissionDenied) as exc:
            attach_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
    return render(request, "org/grant_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def grant_decide(request, pk, decision):
    assignment = get_object_or_404(RoleAssignment, pk=pk)
    form = DecisionForm(request.POST)
    reason = form.data.get("reason", "")
    action = {"approve": services.role_grant_approve, "reject": services.role_grant_reject,
              "revoke": services.role_revoke}.get(decision)
    if action is None:
        raise PermissionDenied
    try:
        action(request.user, assignment, reason=reason)
        messages.success(request, _("已处理 / done"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("org:grant_list")


def _person(request, pk):
    return get_object_or_404(permissions.scope_queryset(request.user, "org.person.view", Person.objects.all(),
                                                        "department"), pk=pk)


def _person_action(request, pk, form_class, service, title, done_message):
    """调岗/离职 pages: one form, one service call; refusals are shown on the form."""
    person = _person(request, pk)
    _need(request, "org.person.change")
    form = styled(form_class(request.POST or None))
    if request.method == "POST" and form.is_valid():
        try:
            service(request.user, person, **form.cleaned_data)
            messages.success(request, done_message)
            return redirect("registers:people_detail", pk=person.pk)
        except (ValidationError, PermissionDenied) as exc:
            attach_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
    return render(request, "org/person_action.html", {"form": form, "person": person, "title": title},
                  status=400 if form.errors else 200)


@login_required
def person_transfer(request, pk):
    return _person_action(request, pk, TransferForm, services.person_transfer, _("调离岗位"),
                          _("调岗已登记 / transfer recorded"))


@login_required
def person_depart(request, pk):
    return _person_action(request, pk, DepartForm, services.person_depart, _("离职"),
                          _("离职已登记,其角色已撤销 / departure recorded, roles revoked"))
