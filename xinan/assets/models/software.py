"""Software: the licensed catalogue (软件目录), installation and removal requests (软件安装/删除
申请, 禁止私自安装), what is installed on each device (设备软件清单) and the register of copies
issued (软件复制及领用登记簿).

Clauses: p01.4.1.a, p01.4.2.a, p01.4.2.b-a/b-b, p07.13, p07.16-b, p08.17-b, p14.10-a, p06.6-b,
p15.2.8-c, p01.8.1.a.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinan.core.models import ArchivableModel

PERSON = "org.Person"
USER = "identity.User"


class Software(ArchivableModel):
    """软件目录: licensed software and the standard configuration (标准配置软件, p01.4.2.a)."""

    class Category(models.TextChoices):
        OS = "os", _("操作系统")
        OFFICE = "office", _("办公软件")
        MANAGEMENT = "management", _("管理系统")
        DRAWING = "drawing", _("制图软件")
        ANTIVIRUS = "antivirus", _("杀毒软件")
        MAIL = "mail", _("邮件软件")
        IN_HOUSE = "in_house", _("自主开发")
        OTHER = "other", _("其他")

    class License(models.TextChoices):
        COMMERCIAL = "commercial", _("正版授权")
        FREE = "free", _("免费/绿色软件")
        IN_HOUSE = "in_house", _("自主开发")
        UNLICENSED = "unlicensed", _("未授权/盗版")

    class Usage(models.TextChoices):
        WORK = "work", _("工作软件")
        MONITORING = "monitoring", _("监控软件")
        NON_WORK = "non_work", _("与工作无关(游戏/娱乐)")

    LICENSED = (License.COMMERCIAL, License.FREE, License.IN_HOUSE)

    name = models.CharField(_("软件名称"), max_length=100, unique=True,
                            help_text=_("含版本的完整名称,如 AutoCAD 2024;导入、数据包按此名称引用"))
    version = models.CharField(_("版本"), max_length=40, blank=True)
    vendor = models.CharField(_("厂商"), max_length=100, blank=True)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices, default=Category.OTHER)
    license = models.CharField(_("授权"), max_length=16, choices=License.choices, default=License.COMMERCIAL)
    seats = models.PositiveIntegerField(_("授权数量"), null=True, blank=True)
    standard = models.BooleanField(_("标准配置软件"), default=False,
                                   help_text=_("由管理员统一配装的正版标准软件"))
    # How endpoint application logs are judged (p05.0.2.2, p15.5.9, p15.8.5-c).
    usage = models.CharField(_("用途"), max_length=16, choices=Usage.choices, default=Usage.WORK)
    executables = models.CharField(_("进程名"), max_length=300, blank=True,
                                   help_text=_("终端管理工具报告的程序名,逗号分隔,如 acad.exe"))
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("软件")
        verbose_name_plural = _("软件目录")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}({self.version})" if self.version else self.name


class SoftwareRequest(ArchivableModel):
    """软件安装/删除申请 (p01.4.2.b-b): the responsible person asks, the administrator checks and
    approves, and the software is installed or removed by the administrator or under their
    supervision."""

    class Action(models.TextChoices):
        INSTALL = "install", _("安装")
        UNINSTALL = "uninstall", _("删除")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待管理员审核")
        APPROVED = "approved", _("已批准待实施")
        REJECTED = "rejected", _("未批准")
        DONE = "done", _("已实施")

    number = models.CharField(_("申请单号"), max_length=20, unique=True, editable=False)
    equipment = models.ForeignKey("assets.Equipment", verbose_name=_("设备"), on_delete=models.PROTECT,
                                  related_name="software_requests")
    department = models.ForeignKey("org.Department", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    software = models.ForeignKey(Software, verbose_name=_("软件"), on_delete=models.PROTECT, related_name="requests")
    action = models.CharField(_("申请事项"), max_length=16, choices=Action.choices, default=Action.INSTALL)
    requested_by = models.ForeignKey(PERSON, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+",
                                     blank=True, help_text=_("留空为本人"))
    justification = models.TextField(_("工作需要说明"))
    source_medium = models.ForeignKey("assets.StorageMedium", verbose_name=_("安装介质"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+",
                                      help_text=_("服务器安装须使用已登记的介质"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REQUESTED,
                              editable=False)
    requested_at = models.DateTimeField(_("申请时间"), null=True, blank=True, editable=False)
    checked_by = models.ForeignKey(USER, verbose_name=_("审核人(管理员)"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    checked_at = models.DateTimeField(_("审核时间"), null=True, blank=True, editable=False)
    check_note = models.TextField(_("审核意见"), blank=True, editable=False)
    performed_by = models.ForeignKey(USER, verbose_name=_("实施或监督人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", editable=False)
    performed_at = models.DateTimeField(_("实施时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("软件安装删除申请")
        verbose_name_plural = _("软件安装删除申请")
        ordering = ["-number"]

    def __str__(self):
        return self.number


class SoftwareInstallation(ArchivableModel):
    """设备软件清单: one piece of software on one device. ``approved`` says how it came there: the
    standard configuration, a completed request, or found without either (a violation with its
    penalty, p01.4.2.b-a, p01.8.1.a)."""

    class Basis(models.TextChoices):
        STANDARD = "standard", _("标准配置")
        REQUEST = "request", _("经申请批准")
        UNAPPROVED = "unapproved", _("未经批准(违规)")

    equipment = models.ForeignKey("assets.Equipment", verbose_name=_("设备"), on_delete=models.PROTECT,
                                  related_name="software")
    department = models.ForeignKey("org.Department", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    software = models.ForeignKey(Software, verbose_name=_("软件"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="installations")
    name_found = models.CharField(_("发现的软件名称"), max_length=200, blank=True,
                                  help_text=_("不在软件目录中的软件按发现的名称登记"))
    found_on = models.DateField(_("登记日期"))
    basis = models.CharField(_("安装依据"), max_length=16, choices=Basis.choices, editable=False)
    request = models.ForeignKey(SoftwareRequest, verbose_name=_("申请单"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+", editable=False)
    removed_at = models.DateTimeField(_("删除时间"), null=True, blank=True, editable=False)
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("设备软件")
        verbose_name_plural = _("设备软件清单")
        ordering = ["equipment__asset_no", "pk"]

    def __str__(self):
        return f"{self.equipment}({self.software or self.name_found})"


class SoftwareCopy(ArchivableModel):
    """软件复制及领用登记簿 (p07.13): each copy made or package issued, to whom, on what medium."""

    class Kind(models.TextChoices):
        COPY = "copy", _("复制")
        ISSUE = "issue", _("领用")

    number = models.CharField(_("登记号"), max_length=20, unique=True, editable=False)
    software = models.ForeignKey(Software, verbose_name=_("软件"), on_delete=models.PROTECT, related_name="copies")
    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices, default=Kind.ISSUE)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    medium = models.ForeignKey("assets.StorageMedium", verbose_name=_("载体"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(PERSON, verbose_name=_("领用人"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("org.Department", verbose_name=_("领用部门"), on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    purpose = models.CharField(_("用途"), max_length=200)
    issued_on = models.DateField(_("领用日期"))
    issued_by = models.ForeignKey(USER, verbose_name=_("经办人"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", editable=False)
    returned_on = models.DateField(_("归还日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("软件复制及领用")
        verbose_name_plural = _("软件复制及领用登记簿")
        ordering = ["-number"]

    def __str__(self):
        return self.number
