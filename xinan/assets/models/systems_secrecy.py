"""定密、变更密级和解密 of an information system (p08.9.6): requested with grounds, reviewed by
the secrecy office (a person other than the requester) before the system's level changes; the
rows are the history of every classification of the system."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinan.core.models import ArchivableModel

from .common import Classification
from .systems import DEPARTMENT, PERSON, USER, InformationSystem


class SystemClassificationChange(ArchivableModel):
    """系统密级变更记录: 定密 (from 非涉密), 变更密级, 解密 (to 非涉密)."""

    class Kind(models.TextChoices):
        CLASSIFY = "classify", _("定密")
        RECLASSIFY = "reclassify", _("变更密级")
        DECLASSIFY = "declassify", _("解密")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待保密办审核")
        APPROVED = "approved", _("审核通过")
        REJECTED = "rejected", _("审核未通过")

    system = models.ForeignKey(InformationSystem, verbose_name=_("信息系统"), on_delete=models.PROTECT,
                               related_name="classification_changes")
    department = models.ForeignKey(DEPARTMENT, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+",
                                   editable=False)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, editable=False)
    from_level = models.IntegerField(_("原密级"), choices=Classification.choices, editable=False)
    to_level = models.IntegerField(_("拟定密级"), choices=Classification.choices)
    grounds = models.TextField(_("定密依据"))
    requested_by = models.ForeignKey(PERSON, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+",
                                     blank=True, help_text=_("留空为本人"))
    requested_at = models.DateTimeField(_("申请时间"), null=True, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REQUESTED,
                              editable=False)
    reviewed_by = models.ForeignKey(USER, verbose_name=_("保密办审核人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True, editable=False)
    review_note = models.TextField(_("审核意见"), blank=True, editable=False)

    class Meta:
        verbose_name = _("系统密级变更记录")
        verbose_name_plural = _("系统密级变更记录")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["system", "status"], name="assets_sysclass_idx")]

    def __str__(self):
        return f"{self.system}({self.get_kind_display()}:{self.get_from_level_display()}→{self.get_to_level_display()})"
