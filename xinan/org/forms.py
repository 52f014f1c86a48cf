from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Department, Person, Post, Role


def _active(model):
    return model.objects.filter(archived_at__isnull=True)


class GrantRequestForm(forms.Form):
    person = forms.ModelChoiceField(label=_("人员"), queryset=Person.objects.filter(status="active"))
    role = forms.ModelChoiceField(label=_("角色"), queryset=Role.objects.all())
    department = forms.ModelChoiceField(label=_("适用部门"), queryset=_active(Department), required=False,
                                        help_text=_("部门负责人等按部门授权的角色须选择部门"))
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    reason = forms.CharField(label=_("意见"), required=False)


class TransferForm(forms.Form):
    department = forms.ModelChoiceField(label=_("新部门"), queryset=_active(Department))
    post = forms.ModelChoiceField(label=_("新岗位"), queryset=_active(Post), required=False)
    effective_at = forms.DateTimeField(label=_("生效时间"), required=False,
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))


class DepartForm(forms.Form):
    effective_at = forms.DateTimeField(label=_("离职时间"), required=False,
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))


def styled(form):
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)
    return form
