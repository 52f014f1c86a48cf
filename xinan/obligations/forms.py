from django import forms
from django.utils.translation import gettext_lazy as _

from xinan.org.models import Department

from .models import Task
from .registry import registry


def styled(form):
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        if isinstance(field.widget, forms.CheckboxInput):
            css = "form-check-input"
        field.widget.attrs.setdefault("class", css)
    return form


class CompleteForm(forms.Form):
    """办结: the evidence picker lists the records of the obligation's register the user may see."""

    evidence = forms.ModelChoiceField(label=_("证据记录"), queryset=None, required=False,
                                      help_text=_("从证据登记簿中选择证明已履行的记录"))
    comment = forms.CharField(label=_("办理说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, evidence_qs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if evidence_qs is None:
            del self.fields["evidence"]
            self.fields["comment"].required = True
        else:
            self.fields["evidence"].queryset = evidence_qs
            self.fields["evidence"].required = True
        styled(self)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("撤销理由"), widget=forms.Textarea(attrs={"rows": 2}))


class TaskFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + list(Task.Status.choices))
    obligation = forms.ChoiceField(label=_("义务"), required=False)
    department = forms.ModelChoiceField(label=_("责任部门"), required=False,
                                        queryset=Department.objects.filter(archived_at__isnull=True))
    overdue = forms.BooleanField(label=_("仅逾期"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["obligation"].choices = [("", _("全部"))] + [(o.id, f"{o.id} {o.title}") for o in
                                                                 sorted(registry.values(), key=lambda o: o.id)]
        styled(self)
