"""Forms of the step pages (办理) of information systems, system changes and purchases."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import _text, people


class DecommissionForm(forms.Form):
    data_migrated = _text(_("数据转移情况"))
    data_destroyed = _text(_("数据销毁情况"))
    performed_by = forms.ModelChoiceField(label=_("善后执行人"), queryset=people())
    witness = forms.ModelChoiceField(label=_("善后监督人"), queryset=people())
    decommissioned_on = forms.DateField(label=_("停止运行日期"), required=False,
                                        widget=forms.DateInput(attrs={"type": "date"}))
    reason = _text(_("说明"), required=False)


class ImplementForm(forms.Form):
    implemented_by = forms.ModelChoiceField(label=_("实施人"), queryset=people(), required=False,
                                            help_text=_("留空为本人"))
    note = _text(_("实施情况"), required=False)


class PurchaseRecordForm(forms.Form):
    supplier = forms.CharField(label=_("供应商"))
    amount = forms.DecimalField(label=_("采购金额(元)"), min_value=0, max_digits=12, decimal_places=2)
    purchased_on = forms.DateField(label=_("采购日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class DistributeForm(forms.Form):
    distribution = _text(_("配发情况(科室、物品、数量)"))


class ConfirmForm(forms.Form):
    note = _text(_("说明"), required=False)
