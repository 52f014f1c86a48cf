"""交接确认 (p15.7.2-b 转交保管严格交接): the giving and the receiving person of a custody change
(an executed transfer, a medium handover) each confirm it as themselves; one row per party."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinan.core.models import AuditedModel


class HandoverConfirmation(AuditedModel):
    class Party(models.TextChoices):
        GIVER = "giver", _("移交人")
        RECEIVER = "receiver", _("接收人")

    transfer = models.ForeignKey("assets.Transfer", verbose_name=_("调用记录单"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="confirmations")
    medium_handover = models.ForeignKey("assets.MediumHandover", verbose_name=_("介质移交记录"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="confirmations")
    party = models.CharField(_("确认方"), max_length=8, choices=Party.choices)
    person = models.ForeignKey("org.Person", verbose_name=_("确认人"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey("identity.User", verbose_name=_("确认账号"), on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("确认时间"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("交接确认")
        verbose_name_plural = _("交接确认")
        ordering = ["confirmed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(transfer__isnull=False, medium_handover__isnull=True)
                | Q(transfer__isnull=True, medium_handover__isnull=False),
                name="assets_handover_confirm_one_subject"),
            models.UniqueConstraint(fields=["transfer", "party"], condition=Q(transfer__isnull=False),
                                    name="assets_handover_confirm_transfer_party"),
            models.UniqueConstraint(fields=["medium_handover", "party"], condition=Q(medium_handover__isnull=False),
                                    name="assets_handover_confirm_medium_party"),
        ]
