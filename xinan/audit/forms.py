"""The auditor's event filter (审计事件筛选), shared by the list page and the Excel export."""

from django import forms
from django.utils.translation import gettext_lazy as _

_TEXT = {"class": "form-control form-control-sm"}


class EventFilterForm(forms.Form):
    at_from = forms.DateTimeField(
        label=_("起始时间"), required=False,
        widget=forms.DateTimeInput(attrs={**_TEXT, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    at_to = forms.DateTimeField(
        label=_("截止时间"), required=False, help_text=_("不含该时刻"),
        widget=forms.DateTimeInput(attrs={**_TEXT, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150, widget=forms.TextInput(attrs=_TEXT),
                            help_text=_("用户名或编号"))
    action = forms.CharField(label=_("动作前缀"), required=False, max_length=80,
                             widget=forms.TextInput(attrs={**_TEXT, "placeholder": "org.person."}))
    subject_type = forms.CharField(label=_("对象类型"), required=False, max_length=80,
                                   widget=forms.TextInput(attrs={**_TEXT, "placeholder": "org.person"}))
    subject_id = forms.CharField(label=_("对象编号"), required=False, max_length=64, widget=forms.TextInput(attrs=_TEXT))
    request_id = forms.CharField(label=_("请求编号"), required=False, max_length=64, widget=forms.TextInput(attrs=_TEXT))
    q = forms.CharField(label=_("对象名称包含"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={**_TEXT, "type": "search"}))

    def clean(self):
        data = super().clean()
        at_from, at_to = data.get("at_from"), data.get("at_to")
        if at_from and at_to and at_to <= at_from:
            raise forms.ValidationError(_("截止时间须晚于起始时间 / the end must be after the start"))
        return data

    def filters(self) -> dict:
        """The cleaned filters (only those given), or none when the form is invalid."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

