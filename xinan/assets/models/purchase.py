"""备件、易耗件采购申请 (p15.5.4): the IT department asks, the department head and then the
leadership (院长/总经理: the deputy general manager) approve in the workflow engine, logistics
records the purchase and the items are distributed to the departments."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinan.core.models import ArchivableModel

USER = "identity.User"
PERSON = "org.Person"


class PurchaseRequest(ArchivableModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("待审批")
        APPROVED = "approved", _("已批准待采购")
        REJECTED = "rejected", _("未批准")
        PURCHASED = "purchased", _("已采购待配发")
        DISTRIBUTED = "distributed", _("已配发")
        CANCELLED = "cancelled", _("已撤销")

    OPEN = (Status.REQUESTED, Status.APPROVED, Status.PURCHASED)

    number = models.CharField(_("申请单号"), max_length=20, unique=True, editable=False)
    department = models.ForeignKey("org.Department", verbose_name=_("申请部门"), on_delete=models.PROTECT,
                                   related_name="+", help_text=_("须为信息管理部门"))
    items = models.TextField(_("申购物品(备件、易耗件、磁盘、资料)"))
    quantity = models.PositiveIntegerField(_("数量"))
    estimated_cost = models.PositiveIntegerField(_("预计金额(元)"))
    requested_by = models.ForeignKey(PERSON, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+",
                                     blank=True, help_text=_("留空为本人"))
    requested_at = models.DateTimeField(_("申请时间"), null=True, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REQUESTED,
                              editable=False)
    head_approved_by = models.ForeignKey(USER, verbose_name=_("科室负责人"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+", editable=False)
    head_approved_at = models.DateTimeField(_("科室负责人审批时间"), null=True, blank=True, editable=False)
    leader_approved_by = models.ForeignKey(USER, verbose_name=_("院长/总经理"), null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+", editable=False)
    leader_approved_at = models.DateTimeField(_("院长/总经理审批时间"), null=True, blank=True, editable=False)
    decision_note = models.TextField(_("审批意见"), blank=True, editable=False)
    supplier = models.CharField(_("供应商"), max_length=100, blank=True, editable=False)
    amount = models.PositiveIntegerField(_("采购金额(元)"), null=True, blank=True, editable=False)
    purchased_on = models.DateField(_("采购日期"), null=True, blank=True, editable=False)
    purchased_by = models.ForeignKey(USER, verbose_name=_("后勤采购经办人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", editable=False)
    distribution = models.TextField(_("配发情况"), blank=True, editable=False)
    distributed_at = models.DateTimeField(_("配发时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("备件耗材采购申请")
        verbose_name_plural = _("备件耗材采购申请")
        ordering = ["-number"]

    def __str__(self):
        return self.number
