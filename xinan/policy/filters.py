"""The filter forms of the compliance pages (clauses, findings)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .attribution import ORGANISATION, ORGANISATION_LABEL, attributed_types
from .explain import subject_type_label
from .labels import DOMAINS, KINDS, SEVERITY_LABELS, STATUS_LABELS, STATUSES


def _choices(mapping, order=None):
    keys = order or sorted(mapping, key=lambda k: str(mapping[k]))
    return [("", _("全部"))] + [(k, mapping[k]) for k in keys]


class ClauseFilterForm(forms.Form):
    domain = forms.ChoiceField(label=_("领域"), required=False)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=_choices(KINDS, list(KINDS)))
    status = forms.ChoiceField(label=_("合规状态"), required=False, choices=_choices(STATUS_LABELS, STATUSES))
    q = forms.CharField(label=_("条款编号或文字"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = _choices(DOMAINS)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm" if isinstance(field, forms.ChoiceField)
                                          else "form-control form-control-sm")

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


FINDING_STATES = [("open", _("未消除")), ("resolved", _("已消除")), ("all", _("全部"))]


class FindingFilterForm(forms.Form):
    clause = forms.CharField(label=_("条款"), required=False, max_length=32)
    severity = forms.ChoiceField(label=_("严重程度"), required=False, choices=_choices(SEVERITY_LABELS, ["violation", "warning"]))
    state = forms.ChoiceField(label=_("状态"), required=False, choices=FINDING_STATES)
    subject_type = forms.ChoiceField(label=_("对象类型"), required=False)
    department = forms.ChoiceField(label=_("部门"), required=False)
    q = forms.CharField(label=_("对象或说明"), required=False, max_length=100)

    def __init__(self, *args, departments=(), subject_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = ([("", _("全部")), (ORGANISATION, ORGANISATION_LABEL)]
                                             + [(str(pk), name) for pk, name in departments])
        types = sorted(set(subject_types) | set(attributed_types()))
        self.fields["subject_type"].choices = [("", _("全部"))] + [(t, subject_type_label(t)) for t in types]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm" if isinstance(field, forms.ChoiceField)
                                          else "form-control form-control-sm")

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {"state": "open"}
        data = {k: v for k, v in self.cleaned_data.items() if v}
        data.setdefault("state", "open")
        return data
