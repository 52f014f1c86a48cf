"""处罚记录: the minimal penalty record the assets rules need (a personal fault found in a
repair, p01.2.3-c; unapproved software found on a device, p01.8.1.a). The governance domain will
generalise it into the penalty ledger; until then it stays this small on purpose."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinan.core.models import ArchivableModel


class Penalty(ArchivableModel):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待决定")
        DECIDED = "decided", _("已决定")
        WAIVED = "waived", _("免于处罚")

    number = models.CharField(_("处罚编号"), max_length=20, unique=True, editable=False)
    person = models.ForeignKey("org.Person", verbose_name=_("当事人"), on_delete=models.PROTECT,
                               related_name="asset_penalties")
    department = models.ForeignKey("org.Department", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    clause = models.CharField(_("条款"), max_length=40)
    offence = models.TextField(_("违规事实"))
    amount_cny = models.PositiveIntegerField(_("罚款金额(元)"), null=True, blank=True,
                                             help_text=_("制度中的金额空白时,由单位设定后填写"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    equipment = models.ForeignKey("assets.Equipment", verbose_name=_("设备"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField(_("发生日期"))
    decided_by = models.ForeignKey("identity.User", verbose_name=_("决定人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("违规处罚记录")
        verbose_name_plural = _("违规处罚记录")
        ordering = ["-number"]

    def __str__(self):
        return self.number
