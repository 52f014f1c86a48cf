"""Pages for personal API tokens: one's own (list, create — plaintext shown once —, revoke) and,
for the security administrator, every token with revoke. Writes go through
``xinan.identity.tokens``; these views only translate forms and errors."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinan.core import parameters
from xinan.org import permissions

from . import tokens
from .models import ApiToken

ALL_SCOPE = "*"


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    scopes = forms.MultipleChoiceField(label=gettext_lazy("范围"), required=False,
                                       widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))
    extra_scopes = forms.CharField(
        label=gettext_lazy("其他范围"), required=False, max_length=1000,
        help_text=gettext_lazy("权限模式,以空格分隔,如 org.person.view、org.*"),
    )
    days = forms.IntegerField(label=gettext_lazy("有效期(天)"), min_value=1, initial=90)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        granted = sorted({perm for perm, _scope, _dept in permissions._grants(user)})
        self.fields["scopes"].choices = [(ALL_SCOPE, _("本人全部权限 / all my permissions"))] + [(p, p) for p in granted]
        max_days = int(parameters.get(tokens.MAX_DAYS.key))
        self.fields["days"].validators.append(MaxValueValidator(max_days))
        self.fields["days"].widget.attrs.update(max=max_days, **{"class": "form-control"})
        self.fields["days"].initial = min(90, max_days)

    def clean(self):
        data = super().clean()
        chosen = list(data.get("scopes") or []) + (data.get("extra_scopes") or "").replace(",", " ").split()
        if not chosen:
            raise ValidationError(_("至少选择一个范围 / choose at least one scope"))
        data["all_scopes"] = chosen
        return data


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages_:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    """本人的 API 令牌. A successful POST answers with the plaintext on this page, once; it is never
    stored, so reloading cannot show it again (and the response is not cached)."""
    plaintext = None
    created = None
    if request.method == "POST":
        form = TokenCreateForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                created, plaintext = tokens.token_create(
                    request.user, request.user, form.cleaned_data["name"], form.cleaned_data["all_scopes"],
                    expires_at=timezone.now() + timedelta(days=form.cleaned_data["days"]),
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                form = TokenCreateForm(user=request.user)
    else:
        form = TokenCreateForm(user=request.user)
    context = {
        "form": form,
        "tokens": tokens.tokens_of(request.user),
        "plaintext": plaintext,
        "created": created,
        "now": timezone.now(),
        "can_view_all": permissions.has_perm(request.user, tokens.VIEW_ALL_PERMISSION),
    }
    return render(request, "identity/tokens/list.html", context, status=201 if plaintext else 200)


@never_cache
@login_required
@require_GET
def token_admin(request):
    """全部 API 令牌, for the security administrator (``identity.apitoken.view``)."""
    if not permissions.has_perm(request.user, tokens.VIEW_ALL_PERMISSION):
        raise PermissionDenied(_("无权查看全部令牌 / you may not view all tokens"))
    context = {
        "tokens": tokens.tokens_visible_to(request.user)[:1000],
        "now": timezone.now(),
        "can_revoke": permissions.has_perm(request.user, tokens.REVOKE_ANY_PERMISSION),
    }
    return render(request, "identity/tokens/admin.html", context)


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk)
    own = token.user_id == request.user.pk
    if not own and not permissions.has_perm(request.user, tokens.REVOKE_ANY_PERMISSION):
        # Someone else's token: answer as if it did not exist, so ids cannot be probed.
        raise Http404
    try:
        tokens.token_revoke(request.user, token, reason=request.POST.get("reason", "")[:500])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("令牌 %(name)s 已撤销") % {"name": token.name})
    if request.POST.get("from") == "admin":
        return redirect("tokens:admin")
    return redirect("tokens:list")
