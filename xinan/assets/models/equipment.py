"""The equipment register (设备台账 / 《计算机地址分配表》) and what hangs off a device directly:
responsible-person filings (负责人变更备案), department PC keepers (科室计算机管理员) and
maintenance records (维护记录).

Clauses: p01.2.1-a/b/c, p01.2.2-a, p05.0.1, p05.0.2.1, p15.5.2, p15.7.2-a, p15.7.15-a/b,
p16.2.1-a, p21.3, p01.5.1.a/c/e.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinan.core.models import ArchivableModel

from .common import Classification

MAC_VALIDATOR = RegexValidator(
    r"^[0-9A-F]{2}(-[0-9A-F]{2}){5}$",
    _("MAC 地址格式应为 AA-BB-CC-DD-EE-FF / MAC address must look like AA-BB-CC-DD-EE-FF"),
)


class Equipment(ArchivableModel):
    """设备: computers, servers, network devices, printers, UPS, monitoring equipment.

    ``ip_address`` / ``mac_address`` are the contract with the IP plan (``xinan.network``): its
    allocation service writes them through ``services.equipment_set_address`` when it allocates
    or releases an address; the register shows them in 《计算机地址分配表》.
    """

    class Kind(models.TextChoices):
        DESKTOP = "desktop", _("台式计算机")
        LAPTOP = "laptop", _("便携式计算机")
        SERVER = "server", _("服务器")
        SWITCH = "switch", _("交换机")
        ROUTER = "router", _("路由器")
        FIREWALL = "firewall", _("防火墙")
        PRINTER = "printer", _("打印机")
        UPS = "ups", _("UPS 电源")
        MONITORING = "monitoring", _("监控设备")
        CRYPTO = "crypto", _("密码设备")
        OTHER = "other", _("其他设备")

    class Status(models.TextChoices):
        IN_USE = "in_use", _("在用")
        SPARE = "spare", _("备用")
        REPAIR = "repair", _("维修中")
        EXTERNAL_REPAIR = "external_repair", _("送外维修")
        SCRAPPING = "scrapping", _("报废审批中")
        SCRAPPED = "scrapped", _("已报废")
        MISSING = "missing", _("盘亏待查")

    COMPUTERS = (Kind.DESKTOP, Kind.LAPTOP, Kind.SERVER)
    WORKSTATIONS = (Kind.DESKTOP, Kind.LAPTOP, Kind.PRINTER)
    NETWORK = (Kind.SWITCH, Kind.ROUTER, Kind.FIREWALL)
    # Statuses only the repair and scrapping workflows set (an edit may not jump into or out of them).
    WORKFLOW_STATUSES = (Status.REPAIR, Status.EXTERNAL_REPAIR, Status.SCRAPPING, Status.SCRAPPED)

    asset_no = models.CharField(_("资产编号"), max_length=40, unique=True)
    kind = models.CharField(_("设备类型"), max_length=16, choices=Kind.choices, default=Kind.DESKTOP)
    brand_model = models.CharField(_("品牌型号"), max_length=100, blank=True)
    serial_no = models.CharField(_("序列号"), max_length=100, blank=True)
    hostname = models.CharField(_("计算机名"), max_length=63, blank=True)
    department = models.ForeignKey("org.Department", verbose_name=_("使用部门"), on_delete=models.PROTECT,
                                   related_name="equipment")
    location = models.CharField(_("存放地点"), max_length=100, blank=True)
    responsible = models.ForeignKey("org.Person", verbose_name=_("负责人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="equipment_responsible")
    user = models.ForeignKey("org.Person", verbose_name=_("使用人"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="equipment_used")
    administrator = models.ForeignKey("org.Person", verbose_name=_("服务器管理员"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="equipment_administered",
                                      help_text=_("服务器须指定专人负责管理(篇16)"))
    classification = models.PositiveSmallIntegerField(_("密级"), choices=Classification.choices,
                                                      default=Classification.NONE)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True,
                                              help_text=_("由 IP 地址规划分配后同步"))
    mac_address = models.CharField(_("MAC 地址"), max_length=17, blank=True, validators=[MAC_VALIDATOR])
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.IN_USE)
    purchase_date = models.DateField(_("购置日期"), null=True, blank=True)
    purchase_value = models.PositiveIntegerField(_("购置价值(元)"), null=True, blank=True)
    warranty_until = models.DateField(_("保修截止"), null=True, blank=True)
    important = models.BooleanField(_("重要资产"), default=False,
                                    help_text=_("停止运行影响面大的关键设备或承载敏感数据的服务器(篇21)"))
    impact = models.TextField(_("受破坏后的影响"), blank=True)
    # Markers the endpoint checks need (p10.36.3-c 限制输出接口, p05.0.3.1-b 国际联网计算机不存未加密重要文件).
    handles_customer_data = models.BooleanField(_("处理客户信息"), default=False,
                                                help_text=_("处理寄递用户信息的设备须限制 USB 等输出接口"))
    internet_access = models.BooleanField(_("国际联网"), default=False, help_text=_("可访问互联网的计算机"))
    notes = models.TextField(_("备注"), blank=True)
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("设备")
        verbose_name_plural = _("设备")
        ordering = ["asset_no"]
        indexes = [
            # The list's filters and its count: archived_at last, so counting the rows in service
            # of a department, kind and status reads the index alone.
            models.Index(fields=["department", "kind", "status", "archived_at"], name="assets_equipment_filter_idx"),
            # The register's list and its count read the rows in service, in asset-number order.
            models.Index(fields=["asset_no"], condition=models.Q(archived_at__isnull=True), name="assets_equipment_live_idx"),
            # "a department with devices in service registered before the cut-off" (p15.7.15-b, p15.5.3-b)
            models.Index(fields=["department", "registered_at"], name="assets_equipment_dept_reg_idx"),
            # an IP or MAC address names one device: every create and edit looks for another holder
            models.Index(fields=["ip_address"], name="assets_equipment_ip_idx"),
            models.Index(fields=["mac_address"], name="assets_equipment_mac_idx"),
            # The few classified devices, without reading every device (p15.2.25-c, p27.2.2-b).
            models.Index(fields=["classification"], condition=models.Q(classification__gt=0),
                         name="assets_equip_classified_idx"),
        ]

    str_fields = ("asset_no",)  # what __str__ reads: list tables load only these of a related row

    def __str__(self):
        return self.asset_no

    @property
    def classified(self) -> bool:
        return self.classification > Classification.NONE


class ResponsibleChange(ArchivableModel):
    """负责人变更备案 (p01.2.1-c): a change of a device's responsible person, filed with the
    administrator. ``changed_at`` is when the change happened, ``filed_at`` when it was filed; a
    filing later than the pack's ``within`` (one week) is a finding."""

    number = models.CharField(_("备案编号"), max_length=20, unique=True, editable=False)
    equipment = models.ForeignKey(Equipment, verbose_name=_("设备"), on_delete=models.PROTECT,
                                  related_name="responsible_changes")
    department = models.ForeignKey("org.Department", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    from_person = models.ForeignKey("org.Person", verbose_name=_("原负责人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)
    to_person = models.ForeignKey("org.Person", verbose_name=_("新负责人"), on_delete=models.PROTECT,
                                  related_name="+")
    changed_at = models.DateTimeField(_("变更时间"))
    filed_at = models.DateTimeField(_("备案时间"), editable=False)
    filed_by = models.ForeignKey("identity.User", verbose_name=_("备案人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", editable=False)
    explanation = models.TextField(_("变更说明"), blank=True)

    class Meta:
        verbose_name = _("负责人变更备案")
        verbose_name_plural = _("负责人变更备案")
        ordering = ["-filed_at"]

    def __str__(self):
        return self.number


class AssetKeeper(ArchivableModel):
    """科室计算机管理员 (p15.7.15-a, p15.5.2): the person a department names for the general
    management of its computers."""

    department = models.ForeignKey("org.Department", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="asset_keepers")
    person = models.ForeignKey("org.Person", verbose_name=_("计算机管理员"), on_delete=models.PROTECT,
                               related_name="asset_keeper_of")
    appointed_on = models.DateField(_("指定日期"), null=True, blank=True)
    duties = models.TextField(_("职责"), blank=True)

    class Meta:
        verbose_name = _("科室计算机管理员")
        verbose_name_plural = _("科室计算机管理员")
        ordering = ["department__code"]

    def __str__(self):
        return str(self.person)


class MaintenanceRecord(ArchivableModel):
    """维护记录: monthly maintenance by the manual (p01.5.1.e), cleaning (p15.7.15-b), by the
    management department's staff (p01.5.1.a); the device is restored when the work ends
    (p01.5.1.c) and anti-static measures are noted (p01.5.1.b)."""

    class Kind(models.TextChoices):
        ROUTINE = "routine", _("按说明书例行维护")
        CLEANING = "cleaning", _("除尘清洁")
        INSPECTION = "inspection", _("状况检查")

    number = models.CharField(_("记录编号"), max_length=20, unique=True, editable=False)
    equipment = models.ForeignKey(Equipment, verbose_name=_("设备"), on_delete=models.PROTECT,
                                  related_name="maintenance")
    department = models.ForeignKey("org.Department", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    kind = models.CharField(_("维护类型"), max_length=16, choices=Kind.choices, default=Kind.ROUTINE)
    performed_on = models.DateField(_("维护日期"))
    performed_by = models.ForeignKey("org.Person", verbose_name=_("维护人"), on_delete=models.PROTECT,
                                     related_name="+")
    content = models.TextField(_("维护内容"))
    anti_static = models.BooleanField(_("已采取防静电措施"), default=False)
    restored = models.BooleanField(_("设备已复原"), default=False)

    class Meta:
        verbose_name = _("设备维护记录")
        verbose_name_plural = _("设备维护记录")
        ordering = ["-performed_on"]
        indexes = [
            models.Index(fields=["equipment", "kind", "performed_on"], name="assets_maint_equip_idx"),
            # "a department's latest cleaning" (p15.7.15-b) without reading all its records
            models.Index(fields=["department", "kind", "performed_on"], name="assets_maint_dept_idx"),
        ]

    def __str__(self):
        return self.number
