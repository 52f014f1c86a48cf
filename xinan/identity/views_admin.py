"""The security administrator's pages: locked accounts (unlock) and the security parameters."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from xinan.audit.services import audited_write
from xinan.core.parameters import REGISTRY, parameter_set
from xinan.org.permissions import has_perm

from . import parameters as p
from . import selectors, services
from .forms import ParametersForm, UnlockForm
from .models import User


def _require(request, perm: str) -> None:
    if not has_perm(request.user, perm):
        raise PermissionDenied(_("无权访问此页面(需要权限 %(perm)s) / permission %(perm)s required") % {"perm": perm})


@login_required
@never_cache
def locked_accounts_view(request):
    """p04.6.2-b: accounts locked by repeated failures, and accounts with failures, for review;
    POST unlocks one (``services.account_unlock``, permission ``identity.account.unlock``)."""
    _require(request, "identity.account.view")
    form = UnlockForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            target = get_object_or_404(User, pk=form.cleaned_data["user_id"])
            try:
                services.account_unlock(request.user, target, form.cleaned_data["reason"])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("已解除 %(u)s 的锁定 / %(u)s unlocked") % {"u": target.username})
                return redirect("identity:locked_accounts")
        else:
            messages.error(request, _("请填写解锁理由 / give the reason for unlocking"))
    now = timezone.now()
    rows = [{"user": u, "locked": selectors.is_locked(u, now)} for u in selectors.accounts_locked_or_failing(now)]
    context = {"rows": rows, "can_unlock": has_perm(request.user, "identity.account.unlock"),
               "threshold": p.value(p.LOCKOUT_THRESHOLD)}
    return render(request, "identity/locked_accounts.html", context)


@login_required
@never_cache
def parameters_view(request):
    """p27.2.5-b: the security parameters of login, changed through ``parameter_set`` (audited)."""
    _require(request, p.PERMISSION)
    current = {key: p.value(key) for key in p.KEYS}
    form = ParametersForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        changed = form.changed_keys()
        for key in changed:  # validate every value first, so a page saves all or nothing
            try:
                REGISTRY[key].coerce(form.cleaned_data[key])
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(key, message)
        if not form.errors:
            with audited_write():
                for key in changed:
                    parameter_set(request.user, key, form.cleaned_data[key], reason=form.cleaned_data["reason"])
            if changed:
                messages.success(request, _("安全参数已保存 / the security parameters were saved"))
            return redirect("identity:parameters")
    return render(request, "identity/parameters.html", {"form": form})
