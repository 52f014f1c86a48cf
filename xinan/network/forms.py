from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ObservationImport


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因或意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ObservationUploadForm(forms.Form):
    file = forms.FileField(label=_("观测文件(CSV 或 xlsx:IP、MAC、主机名)"))
    source = forms.ChoiceField(label=_("来源"), choices=ObservationImport.Source.choices)
    seen_at = forms.DateTimeField(label=_("观测时间(文件未写明时)"), required=False,
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    note = forms.CharField(label=_("备注"), required=False, max_length=200)


def styled(form):
    for field in form.fields.values():
        widget = field.widget
        widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")
    return form
