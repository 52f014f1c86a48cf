"""Account administration (账号管理): the system administrator opens accounts for people, resets
passwords (the holder must change them at the next login) and disables accounts; the security
administrator resets a lost second factor. Every action goes through the identity services."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.cache import never_cache

from xinan.org.models import Person
from xinan.org.permissions import has_perm

from . import mfa, passwords, services
from .models import User

_INPUT = {"class": "form-control"}


class AccountCreateForm(forms.Form):
    person = forms.ModelChoiceField(label=_l("人员"), queryset=Person.objects.filter(status="active", account__isnull=True),
                                    widget=forms.Select(attrs={"class": "form-select"}))
    username = forms.CharField(label=_l("用户名"), max_length=64, widget=forms.TextInput(attrs=_INPUT))
    password = forms.CharField(label=_l("初始口令"), strip=False, widget=forms.PasswordInput(attrs=_INPUT),
                               help_text=_l("首次登录时须修改"))
    reason = forms.CharField(label=_l("理由"), required=False, widget=forms.TextInput(attrs=_INPUT))


class AccountActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("deactivate", "deactivate"), ("reset_password", "reset_password"),
                                        ("reset_mfa", "reset_mfa")])
    password = forms.CharField(required=False, strip=False)
    reason = forms.CharField(required=False, max_length=500)


def _require_any(request, *perms):
    if not any(has_perm(request.user, p) for p in perms):
        raise PermissionDenied(_("无权访问此页面 / permission required"))


@login_required
@never_cache
def account_list(request):
    _require_any(request, "identity.account.manage", "identity.account.view")
    accounts = User.objects.select_related("person__department").order_by("username")
    q = request.GET.get("q", "").strip()
    if q:
        accounts = accounts.filter(username__icontains=q) | accounts.filter(person__name__icontains=q)
    return render(request, "identity/accounts.html", {
        "accounts": accounts[:500], "q": q,
        "can_manage": has_perm(request.user, "identity.account.manage"),
        "can_reset_mfa": has_perm(request.user, "identity.account.unlock"),
    })


@login_required
@never_cache
def account_create(request):
    _require_any(request, "identity.account.manage")
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_create(request.user, form.cleaned_data["person"], form.cleaned_data["username"],
                                    form.cleaned_data["password"], reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error("password" if isinstance(exc, ValidationError) and "口令" in " ".join(exc.messages) else None,
                           getattr(exc, "messages", [str(exc)]))
        else:
            messages.success(request, _("账号已开设,首次登录须修改口令 / account opened; the password must be changed at first login"))
            return redirect("identity:accounts")
    return render(request, "identity/account_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def account_action(request, pk):
    if request.method != "POST":
        return redirect("identity:accounts")
    target = get_object_or_404(User, pk=pk)
    form = AccountActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请求无效 / invalid request"))
        return redirect("identity:accounts")
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    try:
        if action == "deactivate":
            services.account_deactivate(request.user, target, reason=reason or _("管理员停用"))
        elif action == "reset_password":
            passwords.password_set_by_admin(request.user, target, form.cleaned_data["password"], reason=reason)
        else:
            mfa.mfa_reset(request.user, target, reason)
        messages.success(request, _("已处理 / done"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("identity:accounts")
