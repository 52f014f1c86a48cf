"""Bases every domain model builds on."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinan.audit.services import note_write


class AuditedModel(models.Model):
    """A model whose rows can only change inside ``audited_write`` (so with an audit event).

    ``audit_digest_fields`` names personal or secret fields that appear in audit images only as
    keyed digests; ``audit_omit_fields`` names fields left out of the images altogether.
    """

    audit_digest_fields: tuple[str, ...] = ()
    audit_omit_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        note_write()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        note_write()
        return super().delete(*args, **kwargs)


class ArchivableModel(AuditedModel):
    """A register row that is archived, never deleted, where history must be kept."""

    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Parameter(AuditedModel):
    """An organisation's value for a named parameter (口令长度, 有效期, 锁定次数 …); parameters
    not stored here take their declared default (``xinan.core.parameters``)."""

    key = models.CharField(_("参数"), max_length=100, unique=True)
    value = models.JSONField(_("取值"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("参数")
        verbose_name_plural = _("参数")
        ordering = ["key"]

    def __str__(self):
        return self.key


class DataVersion(models.Model):
    """The current token of a tracked table, changed by database triggers on every write to it
    (``xinan.core.versions``). Not audited: it holds no data of its own, only cache keys."""

    name = models.CharField(_("表"), max_length=100, primary_key=True)
    token = models.CharField(_("版本标记"), max_length=64)

    class Meta:
        verbose_name = _("数据版本")
        verbose_name_plural = _("数据版本")

    def __str__(self):
        return self.name
