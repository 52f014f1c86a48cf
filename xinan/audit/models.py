"""The audit chain (审计链): an append-only, hash-linked record of every write and sensitive read.

Rows are never updated or deleted: database triggers refuse it (see migration 0002), and
``xinan audit verify`` detects what a person with direct database access might still do.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import ChainImageField


class AuditEvent(models.Model):
    """One event. ``seq`` is gapless; ``hash`` = SM3(prev_hash ‖ canonical form of the event)."""

    seq = models.BigIntegerField(_("序号"), primary_key=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor_id = models.BigIntegerField(_("操作人编号"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("操作人"), max_length=150)
    action = models.CharField(_("动作"), max_length=80, db_index=True)
    subject_type = models.CharField(_("对象类型"), max_length=80, blank=True, db_index=True)
    subject_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    subject_label = models.CharField(_("对象"), max_length=255, blank=True)
    before = ChainImageField(_("变更前"), null=True, blank=True)
    after = ChainImageField(_("变更后"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    prev_hash = models.CharField(_("前一哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="audit_subject_idx"),
            # "the latest change of these kinds of record" (p21.5.2.1-c) without reading the whole chain
            models.Index(fields=["subject_type", "at"], name="audit_subject_at_idx"),
        ]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.subject_label}"


class AuditHead(models.Model):
    """The chain's tip: one row, locked while an event is appended so sequence numbers never gap."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计链头")


class AuditCheckpoint(models.Model):
    """A signed statement "the chain had ``seq`` events ending in ``hash`` at ``at``".

    The signing key lives outside the database, so a checkpoint cannot be forged by someone who
    can only write to the database; a chain shorter than its latest checkpoint was truncated.
    """

    seq = models.BigIntegerField(_("序号"))
    hash = models.CharField(_("哈希"), max_length=64)
    at = models.DateTimeField(_("时间"))
    key_id = models.CharField(_("密钥标识"), max_length=64)
    signature = models.TextField(_("签名"))

    class Meta:
        verbose_name = _("审计检查点")
        verbose_name_plural = _("审计检查点")
        ordering = ["-seq"]
