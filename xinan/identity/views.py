"""Login, logout, password change and second-factor pages. Each calls a service."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from . import mfa, passwords, selectors, services, session_keys
from .forms import CodeForm, LoginForm, PasswordChangeForm
from .middleware import STEP_URLS


def _home() -> str:
    try:
        return reverse(settings.LOGIN_REDIRECT_URL)
    except NoReverseMatch:  # the dashboard is not there yet
        return "/"


def _safe_next(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return None


def _continue(request, user):
    """Send the user to the step their session still lacks, else where they were going."""
    target = _safe_next(request)
    step = services.next_step(request, user)
    if step is not None:
        url = reverse(STEP_URLS[step])
        return redirect(f"{url}?{urlencode({'next': target})}" if target else url)
    return redirect(target or _home())


def _add_errors(form, exc: ValidationError, field=None):
    for message in exc.messages:
        form.add_error(field, message)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request):
    if request.user.is_authenticated and services.next_step(request, request.user) is None:
        return redirect(_safe_next(request) or _home())
    if request.session.pop(session_keys.LOGOUT_REASON, None) == "idle":
        messages.warning(request, _("会话因长时间未操作已结束,请重新登录 / the session ended after inactivity; "
                                    "please log in again"))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.login_attempt(request, form.cleaned_data["username"], form.cleaned_data["password"])
        if result.ok:
            return _continue(request, result.user)
        form.add_error(None, result.message)
    return render(request, "identity/login.html", {"form": form, "next": _safe_next(request) or ""})


@require_POST
def logout_view(request):
    services.logout(request)
    messages.info(request, _("已退出登录 / logged out"))
    return redirect("identity:login")


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
@never_cache
def password_change_view(request):
    user = request.user
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            passwords.password_change(user, user, form.cleaned_data["old_password"], form.cleaned_data["new_password1"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("口令已修改 / the password was changed"))
            return _continue(request, user)
    context = {
        "form": form,
        "rules": passwords.password_rules(user),
        "forced": selectors.password_change_required(user),
        "expires_at": selectors.password_expires_at(user),
        "next": _safe_next(request) or "",
    }
    return render(request, "identity/password_change.html", context)


@login_required
@never_cache
def mfa_enroll_view(request):
    user = request.user
    if user.mfa_enabled:
        return redirect("identity:mfa_recovery_codes")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = mfa.mfa_enrol_confirm(request, user, form.cleaned_data["code"])
        except ValidationError as exc:
            _add_errors(form, exc, "code")
            if not request.user.is_authenticated:  # locked out by wrong codes
                messages.error(request, _("验证失败次数过多,账号已锁定 / too many wrong codes; the account is locked"))
                return redirect("identity:login")
        else:
            return render(request, "identity/recovery_codes.html",
                          {"codes": codes, "just_enrolled": True, "next": _safe_next(request) or ""})
    secret = mfa.mfa_enrol_begin(user)
    uri = mfa.provisioning_uri(user, secret)
    context = {
        "form": form, "secret": secret, "qr_svg": mfa.qr_svg(uri),
        "required": selectors.requires_mfa(user), "next": _safe_next(request) or "",
    }
    return render(request, "identity/mfa_enroll.html", context)


@login_required
@never_cache
def mfa_verify_view(request):
    user = request.user
    if not user.mfa_enabled:
        return _continue(request, user)
    if request.session.get(session_keys.MFA_VERIFIED):
        return _continue(request, user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            method = mfa.mfa_verify(request, user, form.cleaned_data["code"])
        except ValidationError as exc:
            if not request.user.is_authenticated:  # locked out by wrong codes
                messages.error(request, _("验证失败次数过多,账号已锁定 / too many wrong codes; the account is locked"))
                return redirect("identity:login")
            _add_errors(form, exc, "code")
        else:
            if method == "recovery":
                left = mfa.recovery_codes_remaining(user)
                messages.warning(request, _("已使用一个恢复码,剩余 %(n)s 个 / a recovery code was used; %(n)s left")
                                 % {"n": left})
            return _continue(request, user)
    return render(request, "identity/mfa_verify.html", {"form": form, "next": _safe_next(request) or ""})


@login_required
@never_cache
def mfa_recovery_codes_view(request):
    """Shows how many recovery codes are left; POST makes ten new ones, shown once."""
    user = request.user
    if not user.mfa_enabled:
        return redirect("identity:mfa_enroll")
    if request.method == "POST":
        codes = mfa.recovery_codes_regenerate(user)
        return render(request, "identity/recovery_codes.html", {"codes": codes, "just_enrolled": False})
    return render(request, "identity/recovery_codes.html",
                  {"codes": None, "remaining": mfa.recovery_codes_remaining(user)})
