"""Stock-take (盘点, p15.5.3-b): a session in which devices are confirmed by scanning their QR
label or from the list; devices found elsewhere, missing and unknown codes are reported, and the
result is kept with the closed session."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinan.core.models import ArchivableModel, AuditedModel

USER = "identity.User"


class StockTake(ArchivableModel):
    class Status(models.TextChoices):
        OPEN = "open", _("盘点中")
        CLOSED = "closed", _("已完成")

    number = models.CharField(_("盘点编号"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("盘点名称"), max_length=100)
    department = models.ForeignKey("org.Department", verbose_name=_("盘点范围(部门)"), on_delete=models.PROTECT,
                                   related_name="+", help_text=_("该部门及其下级部门的设备"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN, editable=False)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True, editable=False)
    started_by = models.ForeignKey(USER, verbose_name=_("发起人"), null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(USER, verbose_name=_("完成人"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", editable=False)
    confirmed = models.PositiveIntegerField(_("账实相符"), default=0, editable=False)
    elsewhere = models.PositiveIntegerField(_("位置不符"), default=0, editable=False)
    missing = models.PositiveIntegerField(_("盘亏"), default=0, editable=False)
    unknown = models.PositiveIntegerField(_("账外"), default=0, editable=False)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("资产盘点")
        verbose_name_plural = _("资产盘点")
        ordering = ["-number"]

    def __str__(self):
        return self.number

    @property
    def summary(self) -> dict:
        return {str(label): getattr(self, value) for value, label in StockTakeItem.Result.choices}


class StockTakeItem(AuditedModel):
    """One line of a stock-take: a device confirmed where it belongs, found elsewhere, missing,
    or a code that names no device."""

    class Result(models.TextChoices):
        CONFIRMED = "confirmed", _("账实相符")
        ELSEWHERE = "elsewhere", _("位置不符")
        MISSING = "missing", _("盘亏")
        UNKNOWN = "unknown", _("账外(未登记)")

    class Method(models.TextChoices):
        SCAN = "scan", _("扫码")
        LIST = "list", _("清单核对")
        CLOSE = "close", _("结束时未盘到")

    stocktake = models.ForeignKey(StockTake, verbose_name=_("盘点"), on_delete=models.PROTECT, related_name="items")
    equipment = models.ForeignKey("assets.Equipment", verbose_name=_("设备"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="stocktake_items")
    code = models.CharField(_("资产编号"), max_length=40)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices)
    method = models.CharField(_("方式"), max_length=8, choices=Method.choices)
    found_department = models.ForeignKey("org.Department", verbose_name=_("实际部门"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    found_location = models.CharField(_("实际地点"), max_length=100, blank=True)
    checked_by = models.ForeignKey(USER, verbose_name=_("盘点人"), null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    checked_at = models.DateTimeField(_("盘点时间"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("盘点明细")
        verbose_name_plural = _("盘点明细")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["stocktake", "code"], name="assets_stocktake_item_once")]
