"""Forms of the step pages (办理): each collects exactly what one service step needs."""

from django import forms
from django.utils.translation import gettext_lazy as _

from xinan.org.models import Department, Person

from .models import Repair, Sanitisation, Scrapping, StorageMedium


def people():
    return Person.objects.filter(status=Person.Status.ACTIVE, archived_at__isnull=True)


def _text(label, required=True, rows=2):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}))


class NoteForm(forms.Form):
    reason = _text(_("意见或说明"), required=False)


class ReasonRequiredForm(forms.Form):
    reason = _text(_("理由"))


class ResponsibleForm(forms.Form):
    to_person = forms.ModelChoiceField(label=_("新负责人"), queryset=people())
    changed_at = forms.DateTimeField(label=_("变更时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    keep_user = forms.BooleanField(label=_("保留原使用人"), required=False)
    reason = _text(_("变更说明"), required=False)


class DiagnoseForm(forms.Form):
    cause = forms.ChoiceField(label=_("故障原因类别"), choices=Repair.Cause.choices)
    diagnosis = _text(_("故障原因"))
    measures = _text(_("整改措施"), required=False)


class CompleteForm(forms.Form):
    work_done = _text(_("维修内容"))
    parts_replaced = forms.CharField(label=_("更换部件"), required=False)
    technician = forms.CharField(label=_("外来维修人员(如有)"), required=False)
    supervisor = forms.ModelChoiceField(label=_("现场监督人"), queryset=people(), required=False)
    cost = forms.IntegerField(label=_("维修费用(元)"), required=False, min_value=0)
    restored = forms.BooleanField(label=_("设备已复原"), required=False)


class ExternalForm(forms.Form):
    vendor = forms.CharField(label=_("维修单位"))
    reason = _text(_("送外理由"), required=False)


class DispatchForm(forms.Form):
    sanitisation = forms.ModelChoiceField(label=_("数据备份与清除记录"), queryset=Sanitisation.objects.none())
    escort = forms.ModelChoiceField(label=_("全程跟踪人(涉密设备必填)"), queryset=people(), required=False)

    def __init__(self, *args, subject=None, **kwargs):
        super().__init__(*args, **kwargs)
        if subject is not None:
            self.fields["sanitisation"].queryset = Sanitisation.objects.filter(equipment=subject.equipment)


class ReturnForm(forms.Form):
    accepted = forms.BooleanField(label=_("验收合格"), required=False)
    virus_scan = forms.CharField(label=_("病毒检测结果"))
    work_done = _text(_("维修内容"), required=False)
    parts_replaced = forms.CharField(label=_("更换部件"), required=False)
    cost = forms.IntegerField(label=_("维修费用(元)"), required=False, min_value=0)


class AppraiseForm(forms.Form):
    agree = forms.TypedChoiceField(label=_("鉴定结论"), coerce=lambda v: v == "1",
                                   choices=[("1", _("同意报废")), ("0", _("不同意报废"))])
    appraisal = _text(_("鉴定意见"))


class WriteOffForm(forms.Form):
    sanitisation = forms.ModelChoiceField(label=_("存储数据清除或销毁记录"), queryset=Sanitisation.objects.none())
    finance_ref = forms.CharField(label=_("财务报废单号"))

    def __init__(self, *args, subject=None, **kwargs):
        super().__init__(*args, **kwargs)
        if subject is not None:
            self.fields["sanitisation"].queryset = Sanitisation.objects.filter(equipment=subject.equipment)


class RemnantForm(forms.Form):
    scrappings = forms.ModelMultipleChoiceField(
        label=_("报废设备"), queryset=Scrapping.objects.filter(status=Scrapping.Status.WRITTEN_OFF,
                                                              remnant_batch__isnull=True),
        widget=forms.CheckboxSelectMultiple)
    disposed_on = forms.DateField(label=_("处理日期"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.CharField(label=_("处理方式"))
    handled_by = forms.ModelChoiceField(label=_("处理人"), queryset=people())
    note = _text(_("说明"), required=False)


class HandoverForm(forms.Form):
    to_custodian = forms.ModelChoiceField(label=_("接收人"), queryset=people())
    reason = _text(_("移交原因"), required=False)


class DestroyForm(forms.Form):
    method = forms.ChoiceField(label=_("销毁方式"), choices=[(Sanitisation.Method.DESTROY, _("物理销毁")),
                                                           (Sanitisation.Method.DEGAUSS, _("消磁"))])
    performed_by = forms.ModelChoiceField(label=_("处理人"), queryset=people())
    witness = forms.ModelChoiceField(label=_("监督见证人"), queryset=people())
    backed_up = forms.BooleanField(label=_("已备份数据"), required=False)
    backup_location = forms.CharField(label=_("备份存放位置"), required=False)
    note = _text(_("说明"), required=False)


class LendForm(forms.Form):
    borrower = forms.ModelChoiceField(label=_("借用人"), queryset=people())
    purpose = forms.CharField(label=_("用途"))
    due_back = forms.DateField(label=_("应还日期"), widget=forms.DateInput(attrs={"type": "date"}))
    offsite = forms.BooleanField(label=_("带出公司"), required=False)


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("审批结论"), coerce=lambda v: v == "1",
                                     choices=[("1", _("批准")), ("0", _("不批准"))])
    note = _text(_("审核意见"), required=False)


class PenaltyDecideForm(forms.Form):
    waive = forms.BooleanField(label=_("免于处罚"), required=False)
    amount_cny = forms.IntegerField(label=_("罚款金额(元)"), required=False, min_value=0)
    reason = _text(_("决定理由"), required=False)


class ConfirmForm(forms.Form):
    code = forms.CharField(label=_("资产编号"))
    found_department = forms.ModelChoiceField(label=_("实际部门"), required=False,
                                              queryset=Department.objects.filter(archived_at__isnull=True))
    found_location = forms.CharField(label=_("实际地点"), required=False)
    note = forms.CharField(label=_("备注"), required=False)


MEDIUM_KINDS = StorageMedium.Kind
