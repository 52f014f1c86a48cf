from django import forms
from django.utils.translation import gettext_lazy as _

DECISION_CHOICES = [("approve", _("同意")), ("reject", _("驳回")), ("execute", _("已办理"))]


class StartForm(forms.Form):
    reason = forms.CharField(label=_("申请理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ActForm(forms.Form):
    decision = forms.ChoiceField(label=_("办理结果"), choices=DECISION_CHOICES)
    comment = forms.CharField(label=_("意见"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label=_("附件"), required=False)


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("意见"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class AttachForm(forms.Form):
    file = forms.FileField(label=_("附件"))
    comment = forms.CharField(label=_("说明"), max_length=2000, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


def styled(form):
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)
    return form
