"""Pages of the IP plan beyond the generic registers: subnet utilisation, release of an address,
an allocation's history, deciding on a network access request, and the observed-facts upload with
the findings it leads to. Every write calls a service; refusals are shown, never half-applied."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.org import permissions

from . import access, selectors, services
from .forms import ObservationUploadForm, ReasonForm, styled
from .models import IPAllocation, NetworkAccessRequest, ObservationImport
from .observations import observations_import


def _need(request, perm):
    permissions.require(request.user, perm)


def _errors(exc) -> list[str]:
    return list(getattr(exc, "messages", [str(exc)]))


def _visible(request, model, perm, pk):
    return get_object_or_404(permissions.scope_queryset(request.user, perm, model.objects.all(), "department"), pk=pk)


@login_required
def utilisation(request):
    _need(request, "network.subnet.view")
    return render(request, "network/utilisation.html", {"rows": selectors.subnet_utilisation(request.user)})


@login_required
def allocation_history(request, pk):
    allocation = _visible(request, IPAllocation, "network.ipallocation.view", pk)
    return render(request, "network/allocation_history.html",
                  {"allocation": allocation, "events": allocation.events.all()})


@login_required
def allocation_release(request, pk):
    allocation = _visible(request, IPAllocation, "network.ipallocation.view", pk)
    _need(request, "network.ipallocation.change")
    form = styled(ReasonForm(request.POST or None))
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_release(request.user, allocation, reason=form.cleaned_data["reason"])
            messages.success(request, _("地址已收回 / address released"))
            return redirect("registers:ip-allocations_detail", pk=allocation.pk)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, "; ".join(_errors(exc)))
    return render(request, "network/action.html", {"form": form, "object": allocation, "title": _("收回地址"),
                                                   "back": ("registers:ip-allocations_detail", allocation.pk)},
                  status=400 if form.errors else 200)


DECISIONS = {"approve": access.access_request_approve, "reject": access.access_request_reject,
             "withdraw": access.access_request_withdraw, "end": access.access_request_end}


@login_required
def request_decide(request, pk):
    req = _visible(request, NetworkAccessRequest, "network.networkaccessrequest.view", pk)
    form = styled(ReasonForm(request.POST or None))
    if request.method == "POST" and form.is_valid():
        action = DECISIONS.get(request.POST.get("decision", ""))
        if action is None:
            form.add_error(None, _("未知操作 / unknown decision"))
        else:
            try:
                action(request.user, req, reason=form.cleaned_data["reason"])
                messages.success(request, _("已处理 / done"))
                return redirect("registers:network-requests_detail", pk=req.pk)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, "; ".join(_errors(exc)))
    return render(request, "network/request_decide.html", {
        "form": form, "object": req, "chain": access.approval_chain(req), "allocations": req.allocations.all(),
        "workflow": access.workflow_of(req, running=False),
    }, status=400 if form.errors else 200)


def _network_findings(imported: ObservationImport):
    """The network checks evaluated now (a preview; the stored run follows every commit)."""
    from xinan.policy.services import checks_run

    return checks_run(as_of=timezone.now(), subjects={"network.observationimport": {str(imported.pk)}}).findings


@login_required
def observation_upload(request):
    _need(request, "network.observation.view")
    form = styled(ObservationUploadForm(request.POST or None, request.FILES or None))
    errors = []
    if request.method == "POST":
        _need(request, "network.observation.import")
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = observations_import(request.user, file_name=upload.name, content=upload.read(),
                                         source=form.cleaned_data["source"], seen_at=form.cleaned_data["seen_at"],
                                         note=form.cleaned_data["note"])
            if result.ok:
                messages.success(request, _("已导入 %(n)d 条观测记录 / %(n)d observations imported") % {"n": result.imported.rows})
                return redirect("network:observation_detail", pk=result.imported.pk)
            errors = result.errors
    imports = ObservationImport.objects.select_related("imported_by")[:20]
    return render(request, "network/observation_upload.html", {
        "form": form, "errors": errors, "imports": imports,
        "can_import": permissions.has_perm(request.user, "network.observation.import"),
    }, status=400 if (errors or form.errors) else 200)


@login_required
def observation_detail(request, pk):
    _need(request, "network.observation.view")
    imported = get_object_or_404(ObservationImport, pk=pk)
    return render(request, "network/observation_detail.html", {
        "imported": imported, "findings": _network_findings(imported),
        "observations": imported.observations.order_by("row_number")[:500],
    })
