"""Forms of the login pages. They only collect input; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from xinan.core.parameters import REGISTRY

from . import parameters as p
from .passwords import MAX_LENGTH

_INPUT = {"class": "form-control"}


def _password(label, autocomplete):
    return forms.CharField(label=label, max_length=MAX_LENGTH, strip=False,
                           widget=forms.PasswordInput(attrs={**_INPUT, "autocomplete": autocomplete}))


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=64,
                               widget=forms.TextInput(attrs={**_INPUT, "autocomplete": "username", "autofocus": True}))
    password = _password(_("口令"), "current-password")


class PasswordChangeForm(forms.Form):
    old_password = _password(_("原口令"), "current-password")
    new_password1 = _password(_("新口令"), "new-password")
    new_password2 = _password(_("确认新口令"), "new-password")

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新口令不一致 / the two new passwords differ"))
        return data


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("验证码或恢复码"), max_length=20,
        widget=forms.TextInput(attrs={**_INPUT, "autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


class UnlockForm(forms.Form):
    user_id = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("解锁理由"), max_length=500, widget=forms.TextInput(attrs=_INPUT))


class ParametersForm(forms.Form):
    """One field per security parameter; ``changed_keys`` says which the user altered."""

    reason = forms.CharField(label=_("修改理由"), max_length=500, required=False, widget=forms.TextInput(attrs=_INPUT))

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        for key in p.KEYS:
            spec = REGISTRY[key]
            # no min/max here: the service validates, so a page and the API refuse the same values
            self.fields[key] = forms.IntegerField(label=spec.label, initial=current[key],
                                                  widget=forms.NumberInput(attrs=_INPUT),
                                                  help_text=" ".join(spec.clauses))
        self.order_fields([*p.KEYS, "reason"])

    def changed_keys(self) -> list[str]:
        return [k for k in p.KEYS if k in self.cleaned_data and self.cleaned_data[k] != self.current[k]]
