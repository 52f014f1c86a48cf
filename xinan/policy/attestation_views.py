"""签署与审批 of a 合规声明 on a page: the named signer signs the draft; someone else holding
``policy.attestation.approve`` approves or rejects it. The rules are the services'."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from xinan.org.permissions import has_perm, require

from . import services
from .models import Attestation

STEPS = {"sign": services.attestation_sign, "approve": services.attestation_approve,
         "reject": services.attestation_reject}


@login_required
def attestation_decide(request, pk):
    attestation = get_object_or_404(Attestation.objects.select_related("signer", "approver"), pk=pk)
    if getattr(request.user, "person_id", None) != attestation.signer_id:  # the signer may always see it
        require(request.user, "policy.attestation.view")
    if request.method == "POST":
        step = STEPS.get(request.POST.get("step", ""))
        if step is None:
            messages.error(request, _("未知操作 / unknown action"))
        else:
            try:
                step(request.user, attestation, reason=request.POST.get("reason", ""))
                messages.success(request, _("已处理 / done"))
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("policy:attestation_decide", pk=pk)
    person_id = getattr(request.user, "person_id", None)
    return render(request, "policy/attestation_decide.html", {
        "attestation": attestation,
        "can_sign": attestation.status == Attestation.Status.DRAFT and person_id == attestation.signer_id,
        "can_decide": (attestation.status == Attestation.Status.SIGNED and person_id != attestation.signer_id
                       and has_perm(request.user, "policy.attestation.approve")),
    })
