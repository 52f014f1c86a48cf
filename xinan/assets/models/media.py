"""Storage media (存储介质): U disks, mobile disks, optical discs, tapes, backup media, system
discs and the disks inside devices; their labels (密级, never lowered), contents, loans,
handovers, and the records of wiping or destroying data (数据清除与销毁记录).

Clauses: p05.0.3.2-b, p15.3.9-b, p05.0.3.3, p10.36.3-a/b/d, p01.2.5-c/d, p15.5.3-a, p15.3.10,
p06.9-a, p14.7-c, p14.8, p17.6.5.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinan.core.models import ArchivableModel, AuditedModel

from .common import Classification

PERSON = "org.Person"
USER = "identity.User"


class StorageMedium(ArchivableModel):
    """存储介质. ``classification`` is the label: at least the highest classification of what is
    recorded on it (p05.0.3.2-b) and never lowered (p15.3.9-b); each label is kept in
    ``MediumLabel``. ``installed_in`` records a disk inside a device (scrapping and repair look
    at it)."""

    class Kind(models.TextChoices):
        USB = "usb", _("U 盘")
        MOBILE_DISK = "mobile_disk", _("移动硬盘")
        OPTICAL = "optical", _("光盘")
        TAPE = "tape", _("磁带")
        FLOPPY = "floppy", _("软盘")
        HARD_DISK = "hard_disk", _("硬盘")
        SYSTEM_DISC = "system_disc", _("软件盘/系统盘/驱动盘")
        OTHER = "other", _("其他介质")
        # Paper carriers (p05.0.3.3, p06.9-a): kept, lent, handed over and destroyed (shredded) like media.
        BUSINESS_REPORT = "report", _("业务报表")
        TECHNICAL_DATA = "tech_data", _("技术资料")
        DRAWING = "drawing", _("图纸")

    class Status(models.TextChoices):
        IN_STORE = "in_store", _("在库")
        IN_USE = "in_use", _("在用")
        LENT = "lent", _("借出")
        DESTROYED = "destroyed", _("已销毁")
        LOST = "lost", _("丢失")
        SEALED = "sealed", _("已封存")  # p15.3.10: a replaced classified disk registered and sealed

    label_no = models.CharField(_("介质编号"), max_length=40, unique=True)
    kind = models.CharField(_("介质类型"), max_length=16, choices=Kind.choices, default=Kind.USB)
    is_backup = models.BooleanField(_("备份介质"), default=False)
    brand_model = models.CharField(_("品牌型号"), max_length=100, blank=True)
    serial_no = models.CharField(_("序列号"), max_length=100, blank=True)
    capacity = models.CharField(_("容量"), max_length=30, blank=True)
    classification = models.PositiveSmallIntegerField(_("密级标识"), choices=Classification.choices,
                                                      default=Classification.NONE)
    department = models.ForeignKey("org.Department", verbose_name=_("所属部门"), on_delete=models.PROTECT,
                                   related_name="media")
    custodian = models.ForeignKey(PERSON, verbose_name=_("保管人"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="media_kept")
    location = models.CharField(_("存放地点"), max_length=100, blank=True)
    installed_in = models.ForeignKey("assets.Equipment", verbose_name=_("所在设备"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="media")
    offsite_location = models.CharField(_("异地存放地点"), max_length=100, blank=True)
    offsite_custodian = models.ForeignKey(PERSON, verbose_name=_("异地存放负责人"), null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    contents = models.TextField(_("内容摘要"), blank=True)
    expires_on = models.DateField(_("介质有效期至"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.IN_STORE,
                              editable=False)
    destruction_approved_by = models.ForeignKey(USER, verbose_name=_("销毁批准人"), null=True, blank=True,
                                                on_delete=models.PROTECT, related_name="+", editable=False)
    destruction_approved_at = models.DateTimeField(_("销毁批准时间"), null=True, blank=True, editable=False)
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("存储介质")
        verbose_name_plural = _("存储介质")
        ordering = ["label_no"]

    def __str__(self):
        return self.label_no


# Paper carriers (业务报表、技术资料、图纸) and the removable media classified information may be
# written to only through the information security section (p05.0.3.2-a).
PAPER_KINDS = (StorageMedium.Kind.BUSINESS_REPORT, StorageMedium.Kind.TECHNICAL_DATA, StorageMedium.Kind.DRAWING)
REMOVABLE_KINDS = (StorageMedium.Kind.USB, StorageMedium.Kind.MOBILE_DISK, StorageMedium.Kind.OPTICAL,
                   StorageMedium.Kind.TAPE, StorageMedium.Kind.FLOPPY)


class MediumLabel(AuditedModel):
    """A label a medium carried (its history). Appended only; the check for p15.3.9-b compares a
    medium's current label with the highest it ever had."""

    medium = models.ForeignKey(StorageMedium, verbose_name=_("介质"), on_delete=models.PROTECT, related_name="labels")
    classification = models.PositiveSmallIntegerField(_("密级标识"), choices=Classification.choices)
    labelled_at = models.DateTimeField(_("标识时间"), auto_now_add=True)
    labelled_by = models.ForeignKey(USER, verbose_name=_("标识人"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("介质密级标识记录")
        verbose_name_plural = _("介质密级标识记录")
        ordering = ["labelled_at"]


class MediumContent(ArchivableModel):
    """存储内容登记: what is stored on a medium, with its classification. The medium's label is
    raised to the highest of them (p05.0.3.2-b). A classified entry on a removable medium is the
    record of the write (转存) by the information security section (p05.0.3.2-a)."""

    class Sensitivity(models.TextChoices):
        NONE = "", _("无")
        COMPANY_SECRET = "company_secret", _("公司秘密")
        SENSITIVE = "sensitive", _("敏感信息")

    medium = models.ForeignKey(StorageMedium, verbose_name=_("介质"), on_delete=models.PROTECT,
                               related_name="content_entries")
    department = models.ForeignKey("org.Department", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    description = models.CharField(_("存储内容"), max_length=200)
    classification = models.PositiveSmallIntegerField(_("内容密级"), choices=Classification.choices,
                                                      default=Classification.NONE)
    stored_on = models.DateField(_("存入日期"), null=True, blank=True)
    # p05.4.1 / p05.4.2: company-secret and sensitive files only encrypted, only on classified media.
    sensitivity = models.CharField(_("敏感标记"), max_length=16, choices=Sensitivity.choices, blank=True, default="")
    encrypted = models.BooleanField(_("加密存储"), default=False)
    recorded_by = models.ForeignKey(USER, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False)

    class Meta:
        verbose_name = _("介质存储内容")
        verbose_name_plural = _("介质存储内容")
        ordering = ["medium__label_no", "pk"]

    def __str__(self):
        return self.description


class MediumLoan(ArchivableModel):
    """介质借用登记 (p10.36.3-b, p05.0.3.3): who borrowed which medium, for what, until when,
    whether it left the company, and its return."""

    number = models.CharField(_("借用单号"), max_length=20, unique=True, editable=False)
    medium = models.ForeignKey(StorageMedium, verbose_name=_("介质"), on_delete=models.PROTECT, related_name="loans")
    department = models.ForeignKey("org.Department", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    borrower = models.ForeignKey(PERSON, verbose_name=_("借用人"), on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("用途"), max_length=200)
    offsite = models.BooleanField(_("带出公司"), default=False)
    due_back = models.DateField(_("应还日期"))
    lent_at = models.DateTimeField(_("借出时间"), editable=False)
    lent_by = models.ForeignKey(USER, verbose_name=_("经办人"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", editable=False)
    returned_at = models.DateTimeField(_("归还时间"), null=True, blank=True, editable=False)
    received_by = models.ForeignKey(USER, verbose_name=_("接收人"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False)

    class Meta:
        verbose_name = _("介质借用登记")
        verbose_name_plural = _("介质借用登记")
        ordering = ["-number"]

    def __str__(self):
        return self.number


class MediumHandover(AuditedModel):
    """介质移交: the custodian changes (both named, with the administrator who recorded it)."""

    medium = models.ForeignKey(StorageMedium, verbose_name=_("介质"), on_delete=models.PROTECT,
                               related_name="handovers")
    from_custodian = models.ForeignKey(PERSON, verbose_name=_("移交人"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    to_custodian = models.ForeignKey(PERSON, verbose_name=_("接收人"), on_delete=models.PROTECT, related_name="+")
    handed_at = models.DateTimeField(_("移交时间"))
    recorded_by = models.ForeignKey(USER, verbose_name=_("经办人"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reason = models.TextField(_("移交原因"), blank=True)
    # p14.3: the approved request the handover carried out (none on rows recorded before approvals).
    disposal = models.ForeignKey("assets.MediumDisposal", verbose_name=_("处置审批单"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="handovers")

    class Meta:
        verbose_name = _("介质移交记录")
        verbose_name_plural = _("介质移交记录")
        ordering = ["-handed_at"]


class Sanitisation(ArchivableModel):
    """数据清除与销毁记录: the data of a device or a medium backed up and wiped, or the medium
    destroyed, with who did it and who witnessed it. Before external repair (p14.7-c, p17.6.5),
    before scrapping (p14.8, p10.36.3-d) and for media destruction (p06.9-a, p15.3.10)."""

    class Purpose(models.TextChoices):
        REPAIR = "repair", _("送外维修前")
        SCRAPPING = "scrapping", _("报废前")
        DESTRUCTION = "destruction", _("介质销毁")
        REUSE = "reuse", _("转作他用前")

    class Method(models.TextChoices):
        WIPE = "wipe", _("数据擦除")
        DEGAUSS = "degauss", _("消磁")
        DESTROY = "destroy", _("物理销毁")
        SHRED = "shred", _("碎纸")  # paper carriers (p06.9-a)

    number = models.CharField(_("记录编号"), max_length=20, unique=True, editable=False)
    purpose = models.CharField(_("用途"), max_length=16, choices=Purpose.choices)
    equipment = models.ForeignKey("assets.Equipment", verbose_name=_("设备"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="sanitisations")
    medium = models.ForeignKey(StorageMedium, verbose_name=_("介质"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="sanitisations")
    department = models.ForeignKey("org.Department", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    backed_up = models.BooleanField(_("已备份数据"), default=False)
    backup_location = models.CharField(_("备份存放位置"), max_length=200, blank=True)
    method = models.CharField(_("处理方式"), max_length=16, choices=Method.choices)
    performed_at = models.DateTimeField(_("处理时间"))
    performed_by = models.ForeignKey(PERSON, verbose_name=_("处理人"), on_delete=models.PROTECT, related_name="+")
    witness = models.ForeignKey(PERSON, verbose_name=_("监督见证人"), on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("数据清除与销毁记录")
        verbose_name_plural = _("数据清除与销毁记录")
        ordering = ["-number"]

    def __str__(self):
        return self.number
