"""待确认交接 (p15.7.2-b): the custody changes the signed-in person must still confirm, as giver or
receiver, with one button each. The service decides (only a party, once, as themselves)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .models import MediumHandover, Transfer
from .services.handover import handover_confirm, pending_confirmations


@login_required
@require_http_methods(["GET", "POST"])
def handover_confirmations(request):
    if request.method == "POST":
        model = Transfer if request.POST.get("kind") == "transfer" else MediumHandover
        subject = get_object_or_404(model, pk=request.POST.get("pk"))
        try:
            handover_confirm(request.user, subject, note=request.POST.get("note", ""))
            messages.success(request, _("已确认交接 / handover confirmed"))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("assets:handover_confirmations")
    person = getattr(request.user, "person", None)
    return render(request, "assets/handover_confirmations.html", {"pending": pending_confirmations(person)})
