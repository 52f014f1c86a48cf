"""Endpoint observations (终端监测记录): what the organisation's endpoint-management tool (桌管系统,
osquery, EDR) exported about the computers — power state, applications run, installs and
removals, hardware and peripheral changes, logins, DLP scan hits, the device-control policy in
force — imported as files (``EndpointImport``) of rows (``EndpointEvent``), and the approved
exceptions the checks honour (``EndpointException``: 加班/夜间开机, USB 存储使用, 外接设备接入).

xinan runs no agent; the checks in ``checks_endpoint.py`` compare these facts with the registers.
Clauses: p01.2.4.c, p01.2.6-c, p05.0.2.2, p15.5.9, p15.8.5-c, p15.7.9, p07.16-a, p27.2.5-c,
p15.2.8-c, p10.36.3-c, p15.3.8-b, p15.3.11-c, p05.2.5-a, p05.0.3.1-b.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinan.core.models import ArchivableModel


class EndpointImport(ArchivableModel):
    """One uploaded export of the endpoint tool. The file itself is not kept: its SM3 digest is,
    so the imported rows can be tied to the file the organisation archives."""

    source = models.CharField(_("来源工具"), max_length=100, help_text=_("如 桌管系统、osquery、EDR"))
    file_name = models.CharField(_("文件名"), max_length=255)
    file_digest = models.CharField(_("文件 SM3 摘要"), max_length=64)
    rows = models.PositiveIntegerField(_("记录数"), default=0)
    imported_by = models.ForeignKey("identity.User", verbose_name=_("导入人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("终端监测导入")
        verbose_name_plural = _("终端监测导入")
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.source} {self.file_name}"


class EndpointEvent(ArchivableModel):
    """终端监测记录: one fact the endpoint tool observed on one registered device."""

    class Kind(models.TextChoices):
        POWER_ON = "power_on", _("开机")
        POWER_OFF = "power_off", _("关机")
        APP_RUN = "app_run", _("运行程序")
        SOFTWARE_INSTALLED = "software_installed", _("安装软件")
        SOFTWARE_REMOVED = "software_removed", _("卸载软件")
        HARDWARE_CHANGED = "hardware_changed", _("硬件变更")
        CONFIG_CHANGED = "config_changed", _("配置变更")
        DISK_FORMAT = "disk_format", _("硬盘格式化")
        PERIPHERAL_CONNECTED = "peripheral_connected", _("接入外设")
        MEDIUM_INSERTED = "medium_inserted", _("插入介质")
        CHASSIS_OPENED = "chassis_opened", _("机箱打开")
        LOGIN = "login", _("登录")
        POLICY_STATE = "policy_state", _("终端策略状态")
        FILE_FOUND = "file_found", _("扫描发现文件")

    class Tag(models.TextChoices):
        CLASSIFIED = "classified", _("涉密")
        SECRET = "secret", _("秘密")
        IMPORTANT = "important", _("重要")
        CONTROLLED = "controlled", _("受控")

    CLASSIFIED_TAGS = (Tag.CLASSIFIED, Tag.SECRET)

    source_import = models.ForeignKey(EndpointImport, verbose_name=_("导入批次"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="events", editable=False)
    row_number = models.PositiveIntegerField(_("行号"), null=True, blank=True, editable=False)
    device = models.ForeignKey("assets.Equipment", verbose_name=_("设备"), on_delete=models.PROTECT,
                               related_name="endpoint_events")
    department = models.ForeignKey("org.Department", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    observed_at = models.DateTimeField(_("发生时间"))
    kind = models.CharField(_("事件类型"), max_length=24, choices=Kind.choices)
    account = models.CharField(_("登录账号"), max_length=100, blank=True, help_text=_("当时登录的账号名;从不记录口令"))
    detail = models.CharField(_("详情"), max_length=300, blank=True,
                              help_text=_("程序名、部件、外设类别、介质标签、策略状态或文件路径"))
    software = models.ForeignKey("assets.Software", verbose_name=_("对应目录软件"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", editable=False,
                                 help_text=_("导入时按软件名称或进程名对应"))
    tag = models.CharField(_("文件标记"), max_length=16, choices=Tag.choices, blank=True)
    encrypted = models.BooleanField(_("已加密"), null=True, blank=True)

    class Meta:
        verbose_name = _("终端监测记录")
        verbose_name_plural = _("终端监测记录")
        ordering = ["-observed_at", "-pk"]
        indexes = [models.Index(fields=["device", "kind", "observed_at"], name="assets_endpoint_dev_idx"),
                   models.Index(fields=["kind", "observed_at"], name="assets_endpoint_kind_idx")]

    def __str__(self):
        from django.utils import timezone

        return f"{self.device}({self.get_kind_display()} {timezone.localtime(self.observed_at):%Y-%m-%d %H:%M})"

    def clean(self):
        if self.kind == self.Kind.FILE_FOUND and not self.tag:
            raise ValidationError({"tag": _("扫描发现的文件须有标记 / a file found needs its tag")})
        if self.kind != self.Kind.FILE_FOUND:
            if self.tag or self.encrypted:
                raise ValidationError({"tag": _("只有扫描发现文件有标记与加密 / only a file found has a tag")})
            self.encrypted = None  # a form's empty checkbox reads as "no"; only a file has the flag


class EndpointException(ArchivableModel):
    """终端例外登记: an approved exception the endpoint checks honour — a computer left on after
    hours or at night (加班/夜间开机, p01.2.4.c), USB storage allowed on a customer-data device
    (p10.36.3-c), a peripheral connected with approval (p15.7.9). Dates inclusive."""

    class Kind(models.TextChoices):
        AFTER_HOURS = "after_hours", _("加班/夜间开机")
        USB_STORAGE = "usb_storage", _("USB 存储使用")
        PERIPHERAL = "peripheral", _("外接设备接入")

    number = models.CharField(_("登记编号"), max_length=20, unique=True, editable=False)
    equipment = models.ForeignKey("assets.Equipment", verbose_name=_("设备"), on_delete=models.PROTECT,
                                  related_name="endpoint_exceptions")
    department = models.ForeignKey("org.Department", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    kind = models.CharField(_("例外类型"), max_length=16, choices=Kind.choices, default=Kind.AFTER_HOURS)
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("截止日期"))
    detail = models.CharField(_("外设类别"), max_length=100, blank=True,
                              help_text=_("外接设备接入时填写外设类别(如 camera),留空为任意"))
    grounds = models.TextField(_("事由"), help_text=_("加班、使用 USB 存储或接入外设的事由"))
    approved_by = models.ForeignKey("org.Person", verbose_name=_("批准人"), on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("终端例外登记")
        verbose_name_plural = _("终端例外登记")
        ordering = ["-starts_on", "-pk"]

    def __str__(self):
        return self.number

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("截止日期早于起始日期 / the end is before the start")})
