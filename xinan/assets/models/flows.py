"""Records with approval steps: 调用记录单 (transfer), 电脑维修记录表 (repair), 报废 (scrapping)
and the one-batch disposal of remnants (残件处理). Each carries an explicit ``status``; the
services in ``services/`` move it, one step at a time, with who acted and when.

Clauses: p01.2.7.a, p01.2.7.b-a/b, p01.2.3-a/b/c, p01.7-a/b, p02.1.2-a/b, p14.7-c/d, p17.6.5,
p01.2.8.a/b/c, p10.36.3-d, p14.8.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinan.core.models import ArchivableModel

from .equipment import Equipment

USER = "identity.User"
PERSON = "org.Person"


def _user(label):
    return models.ForeignKey(USER, verbose_name=label, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", editable=False)


def _moment(label):
    return models.DateTimeField(label, null=True, blank=True, editable=False)


class Transfer(ArchivableModel):
    """调用记录单: requested by the administrator, approved by the deputy general manager, executed
    by the administrator (the device passes directly to its new department and person), filed."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待副总经理批准")
        APPROVED = "approved", _("已批准待执行")
        REJECTED = "rejected", _("未批准")
        EXECUTED = "executed", _("已执行待存档")
        FILED = "filed", _("已存档")
        CANCELLED = "cancelled", _("已撤销")

    OPEN = (Status.REQUESTED, Status.APPROVED)

    number = models.CharField(_("单号"), max_length=20, unique=True, editable=False)
    equipment = models.ForeignKey(Equipment, verbose_name=_("设备"), on_delete=models.PROTECT, related_name="transfers")
    department = models.ForeignKey("org.Department", verbose_name=_("调出部门"), on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    from_responsible = models.ForeignKey(PERSON, verbose_name=_("原负责人"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+", editable=False)
    from_location = models.CharField(_("原存放地点"), max_length=100, blank=True, editable=False)
    to_department = models.ForeignKey("org.Department", verbose_name=_("调入部门"), on_delete=models.PROTECT,
                                      related_name="+")
    to_responsible = models.ForeignKey(PERSON, verbose_name=_("新负责人"), on_delete=models.PROTECT, related_name="+")
    to_location = models.CharField(_("新存放地点"), max_length=100, blank=True)
    purpose = models.TextField(_("调用原因"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REQUESTED,
                              editable=False)
    requested_by = _user(_("申请人(管理员)"))
    requested_at = _moment(_("申请时间"))
    approved_by = _user(_("审批人(副总经理)"))
    approved_at = _moment(_("审批时间"))
    decision_note = models.TextField(_("审批意见"), blank=True, editable=False)
    executed_by = _user(_("执行人"))
    executed_at = _moment(_("执行时间"))
    filed_by = _user(_("存档人"))
    filed_at = _moment(_("存档时间"))

    class Meta:
        verbose_name = _("调用记录单")
        verbose_name_plural = _("调用记录单")
        ordering = ["-number"]

    def __str__(self):
        return self.number


class Repair(ArchivableModel):
    """电脑维修记录表: fault report by the responsible person, diagnosis by the administrator
    (cause; a personal fault yields a penalty record), repair on site, or external repair after
    approval with the data backed up and wiped before the device leaves; on return acceptance,
    virus scan and registration (篇14 item 7)."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("已报修待诊断")
        DIAGNOSED = "diagnosed", _("已诊断维修中")
        AWAITING_APPROVAL = "awaiting_approval", _("送外维修待批准")
        APPROVED = "approved", _("送外已批准待送出")
        REJECTED = "rejected", _("送外未批准")
        SENT_OUT = "sent_out", _("已送外维修")
        COMPLETED = "completed", _("已修复")
        CANCELLED = "cancelled", _("已撤销")

    OPEN = (Status.REPORTED, Status.DIAGNOSED, Status.AWAITING_APPROVAL, Status.APPROVED, Status.REJECTED,
            Status.SENT_OUT)

    class Cause(models.TextChoices):
        PERSONAL = "personal", _("个人原因")
        HARDWARE = "hardware", _("设备自身故障")
        SOFTWARE = "software", _("软件故障")
        OTHER = "other", _("其他")

    number = models.CharField(_("维修单号"), max_length=20, unique=True, editable=False)
    equipment = models.ForeignKey(Equipment, verbose_name=_("设备"), on_delete=models.PROTECT, related_name="repairs")
    department = models.ForeignKey("org.Department", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    reported_by = models.ForeignKey(PERSON, verbose_name=_("报修人"), on_delete=models.PROTECT, related_name="+",
                                    blank=True, help_text=_("留空为本人"))
    reported_at = _moment(_("报修时间"))
    fault = models.TextField(_("故障现象"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.REPORTED,
                              editable=False)
    diagnosed_by = _user(_("诊断人(管理员)"))
    diagnosed_at = _moment(_("诊断时间"))
    cause = models.CharField(_("故障原因类别"), max_length=16, choices=Cause.choices, blank=True, editable=False)
    diagnosis = models.TextField(_("故障原因"), blank=True, editable=False)
    measures = models.TextField(_("整改措施"), blank=True, editable=False)
    external = models.BooleanField(_("送外维修"), default=False, editable=False)
    vendor = models.CharField(_("维修单位"), max_length=100, blank=True, editable=False)
    approved_by = _user(_("送外批准人"))
    approved_at = _moment(_("送外批准时间"))
    decision_note = models.TextField(_("审批意见"), blank=True, editable=False)
    sanitisation = models.ForeignKey("assets.Sanitisation", verbose_name=_("送修前数据备份与清除"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+", editable=False)
    escort = models.ForeignKey(PERSON, verbose_name=_("全程跟踪人"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", editable=False)
    sent_at = _moment(_("送出时间"))
    returned_at = _moment(_("返回时间"))
    accepted_by = _user(_("验收人"))
    virus_scan = models.CharField(_("病毒检测结果"), max_length=200, blank=True, editable=False)
    technician = models.CharField(_("外来维修人员"), max_length=100, blank=True, editable=False)
    supervisor = models.ForeignKey(PERSON, verbose_name=_("现场监督人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    work_done = models.TextField(_("维修内容"), blank=True, editable=False)
    parts_replaced = models.CharField(_("更换部件"), max_length=200, blank=True, editable=False)
    restored = models.BooleanField(_("设备已复原"), default=False, editable=False)
    cost = models.PositiveIntegerField(_("维修费用(元)"), null=True, blank=True, editable=False)
    completed_by = _user(_("完成登记人"))
    completed_at = _moment(_("完成时间"))

    class Meta:
        verbose_name = _("电脑维修记录")
        verbose_name_plural = _("电脑维修记录")
        ordering = ["-number"]

    def __str__(self):
        return self.number


class RemnantBatch(ArchivableModel):
    """残件处理批次 (p01.2.8.b): the administrator collects the remnants of scrapped devices and
    disposes of them in one recorded event."""

    number = models.CharField(_("批次号"), max_length=20, unique=True, editable=False)
    disposed_on = models.DateField(_("处理日期"))
    method = models.CharField(_("处理方式"), max_length=200)
    handled_by = models.ForeignKey(PERSON, verbose_name=_("处理人"), on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("说明"), blank=True)
    recorded_by = _user(_("登记人"))

    class Meta:
        verbose_name = _("报废残件处理")
        verbose_name_plural = _("报废残件处理")
        ordering = ["-number"]

    def __str__(self):
        return self.number


class Scrapping(ArchivableModel):
    """计算机报废 (p01.2.8.a): proposed by the using department, appraised by the administrator
    against the conditions (p01.2.8.c), approved by the department manager, written off by finance;
    the storage is wiped or destroyed first (p10.36.3-d, p14.8), the remnants go in one batch."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待管理员鉴定")
        APPRAISED = "appraised", _("已鉴定待部门经理批准")
        APPROVED = "approved", _("已批准待财务办理")
        REJECTED = "rejected", _("不同意报废")
        WRITTEN_OFF = "written_off", _("财务已办理报废")
        DISPOSED = "disposed", _("残件已处理")

    OPEN = (Status.PROPOSED, Status.APPRAISED, Status.APPROVED)

    class Condition(models.TextChoices):
        BROKEN = "broken", _("(1)主要部件严重损坏,无升级和维修价值")
        COSTLY = "costly", _("(2)修理或改装费用超过或接近同等效能设备价值")

    number = models.CharField(_("报废单号"), max_length=20, unique=True, editable=False)
    equipment = models.ForeignKey(Equipment, verbose_name=_("设备"), on_delete=models.PROTECT,
                                  related_name="scrappings")
    department = models.ForeignKey("org.Department", verbose_name=_("使用部门"), on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    proposed_by = models.ForeignKey(PERSON, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+",
                                    blank=True, help_text=_("留空为本人"))
    proposed_at = _moment(_("提出时间"))
    grounds = models.TextField(_("报废理由"))
    condition = models.CharField(_("报废条件"), max_length=16, choices=Condition.choices)
    repair_estimate = models.PositiveIntegerField(_("修理或改装费用(元)"), null=True, blank=True)
    replacement_value = models.PositiveIntegerField(_("同等效能设备价值(元)"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PROPOSED,
                              editable=False)
    appraised_by = _user(_("鉴定人(管理员)"))
    appraised_at = _moment(_("鉴定时间"))
    appraisal = models.TextField(_("鉴定意见"), blank=True, editable=False)
    approved_by = _user(_("批准人(部门经理)"))
    approved_at = _moment(_("批准时间"))
    decision_note = models.TextField(_("审批意见"), blank=True, editable=False)
    sanitisation = models.ForeignKey("assets.Sanitisation", verbose_name=_("存储数据清除或销毁"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+", editable=False)
    finance_by = _user(_("财务办理人"))
    finance_at = _moment(_("财务办理时间"))
    finance_ref = models.CharField(_("财务报废单号"), max_length=60, blank=True, editable=False)
    remnant_batch = models.ForeignKey(RemnantBatch, verbose_name=_("残件处理批次"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="scrappings", editable=False)

    class Meta:
        verbose_name = _("计算机报废")
        verbose_name_plural = _("计算机报废")
        ordering = ["-number"]

    def __str__(self):
        return self.number
