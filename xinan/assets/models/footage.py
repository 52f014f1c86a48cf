"""监控资料 (monitoring footage): the burn records of recorded periods to media (监控资料刻录归档,
p15.8.3-a), the deletions of footage (p15.8.3-c: never before it is burned) and the copies,
downloads and loans of footage, each approved first (p15.8.5-a)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinan.core.models import ArchivableModel

PERSON = "org.Person"
USER = "identity.User"


def _equipment():
    return models.ForeignKey("assets.Equipment", verbose_name=_("监控设备"), on_delete=models.PROTECT,
                             related_name="+", limit_choices_to={"kind": "monitoring"})


def _dept():
    return models.ForeignKey("org.Department", verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+",
                             editable=False)


def _user(label):
    return models.ForeignKey(USER, verbose_name=label, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", editable=False)


class FootageArchive(ArchivableModel):
    """监控资料刻录归档 (p15.8.3-a): the footage of one monitoring device (录像主机/通道组) for
    [period_start, period_end) burned to a medium by the monitoring-room administrator, with
    its digest and size verified on the medium."""

    number = models.CharField(_("归档编号"), max_length=20, unique=True, editable=False)
    equipment = _equipment()
    department = _dept()
    channels = models.CharField(_("通道/摄像机组"), max_length=100, blank=True)
    period_start = models.DateTimeField(_("录像起始时间"))
    period_end = models.DateTimeField(_("录像截止时间"))
    medium = models.ForeignKey("assets.StorageMedium", verbose_name=_("刻录介质"), on_delete=models.PROTECT,
                               related_name="footage_archives")
    burned_by = models.ForeignKey(PERSON, verbose_name=_("刻录人"), on_delete=models.PROTECT, related_name="+")
    burned_at = models.DateTimeField(_("刻录时间"))
    size_mb = models.PositiveIntegerField(_("数据量(MB)"))
    checksum = models.CharField(_("校验值"), max_length=128)
    verified = models.BooleanField(_("已校验完整"), default=False)
    recorded_by = _user(_("登记人"))

    class Meta:
        verbose_name = _("监控资料刻录归档")
        verbose_name_plural = _("监控资料刻录归档")
        ordering = ["-period_start"]
        indexes = [models.Index(fields=["equipment", "period_start"], name="assets_footage_eq_start")]

    def __str__(self):
        return self.number


class FootageDeletion(ArchivableModel):
    """监控资料删除登记 (p15.8.3-c): which device's footage of which period was deleted, by whom,
    why; refused by the service unless the period is wholly burned."""

    number = models.CharField(_("删除编号"), max_length=20, unique=True, editable=False)
    equipment = _equipment()
    department = _dept()
    period_start = models.DateTimeField(_("删除录像起始时间"))
    period_end = models.DateTimeField(_("删除录像截止时间"))
    deleted_at = models.DateTimeField(_("删除时间"))
    deleted_by = models.ForeignKey(PERSON, verbose_name=_("删除人"), on_delete=models.PROTECT, related_name="+")
    grounds = models.CharField(_("删除原因"), max_length=200)
    recorded_by = _user(_("登记人"))

    class Meta:
        verbose_name = _("监控资料删除登记")
        verbose_name_plural = _("监控资料删除登记")
        ordering = ["-deleted_at"]

    def __str__(self):
        return self.number


class FootageRelease(ArchivableModel):
    """监控资料拷贝、下载、外借 (p15.8.5-a): requested, approved by someone else holding
    ``assets.footagerelease.approve``, then released by the monitoring-room administrator."""

    class Kind(models.TextChoices):
        COPY = "copy", _("拷贝")
        DOWNLOAD = "download", _("下载")
        LOAN = "loan", _("外借")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待批准")
        APPROVED = "approved", _("已批准")
        RELEASED = "released", _("已提供")
        REJECTED = "rejected", _("未批准")

    number = models.CharField(_("申请编号"), max_length=20, unique=True, editable=False)
    equipment = _equipment()
    department = _dept()
    kind = models.CharField(_("方式"), max_length=16, choices=Kind.choices)
    period_start = models.DateTimeField(_("录像起始时间"))
    period_end = models.DateTimeField(_("录像截止时间"))
    recipient = models.CharField(_("提供给(单位/人员)"), max_length=100)
    purpose = models.CharField(_("用途"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REQUESTED,
                              editable=False)
    requested_by = _user(_("申请人"))
    approved_by = _user(_("批准人"))
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True, editable=False)
    released_by = _user(_("经办人"))
    released_at = models.DateTimeField(_("提供时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("监控资料拷贝外借登记")
        verbose_name_plural = _("监控资料拷贝外借登记")
        ordering = ["-number"]

    def __str__(self):
        return self.number
