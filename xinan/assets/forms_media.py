"""Forms of the storage media flows' steps (办理 pages): completing a disposal, receiving a
movement, reviewing an authorisation, destroying a paper carrier."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import _text, people
from .models import MediumDisposal, Sanitisation


class DisposalCompleteForm(forms.Form):
    """办理: for a replaced disk, seal it or destroy it; sealing names the seal, place and who."""

    outcome = forms.ChoiceField(label=_("处理结果"), required=False,
                                choices=[("", "—")] + [c for c in MediumDisposal.Outcome.choices if c[0]])
    seal_no = forms.CharField(label=_("封条编号"), required=False)
    seal_location = forms.CharField(label=_("封存地点"), required=False)
    sealed_by = forms.ModelChoiceField(label=_("封存人"), queryset=people(), required=False)
    method = forms.ChoiceField(label=_("销毁方式"), required=False,
                               choices=[("", "—"), (Sanitisation.Method.DESTROY, _("物理销毁")),
                                        (Sanitisation.Method.DEGAUSS, _("消磁"))])
    performed_by = forms.ModelChoiceField(label=_("处理人"), queryset=people(), required=False)
    witness = forms.ModelChoiceField(label=_("监督见证人"), queryset=people(), required=False)
    reason = _text(_("说明"), required=False)


class MovementReceiveForm(forms.Form):
    received_by = forms.ModelChoiceField(label=_("接收人"), queryset=people())
    seal_intact = forms.BooleanField(label=_("封条完好"), required=False)
    reason = _text(_("说明"), required=False)


class ReviewForm(forms.Form):
    side = forms.ChoiceField(label=_("审查方"), choices=[("secrecy", _("保密办")), ("technology", _("科技信息部"))])
    reason = _text(_("审查意见"), required=False)


class ShredForm(forms.Form):
    """Paper carriers are shredded or destroyed (p06.9-a)."""

    method = forms.ChoiceField(label=_("销毁方式"), choices=[(Sanitisation.Method.SHRED, _("碎纸")),
                                                           (Sanitisation.Method.DESTROY, _("物理销毁"))])
    performed_by = forms.ModelChoiceField(label=_("处理人"), queryset=people())
    witness = forms.ModelChoiceField(label=_("监督见证人"), queryset=people())
    note = _text(_("说明"), required=False)
