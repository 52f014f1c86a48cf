"""The IP plan (IP地址管理): subnets, allocations of addresses to devices with their history,
network access requests (入网申请) and imported observations of what is on the network.

Clauses: p21.5.2.4 (IP 地址管理系统、规划与分配记录), p16.3.1 (IP 统一规划不得擅改), p15.2.7 (入网须
批准备案分配IP), p16.3.2–p16.3.4 (公网 IP), p15.2.9-a/-c, p07.11, p01.2.5-a (observed facts).
Addresses are stored in their canonical text and as keys (``addresses.key``) the database compares.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinan.core.models import ArchivableModel, AuditedModel

from ..addresses import validate_cidr, validate_hostname, validate_ip, validate_mac


class Subnet(ArchivableModel):
    """网段: a prefix of the IP plan with its purpose, VLAN and department. Prefixes never overlap
    (refused by ``services.subnet_create``/``subnet_update``)."""

    cidr = models.CharField(_("网段"), max_length=49, validators=[validate_cidr],
                            help_text=_("如 10.1.2.0/24 或 2001:db8:1::/64"))
    name = models.CharField(_("名称"), max_length=100)
    purpose = models.CharField(_("用途"), max_length=200)
    vlan = models.PositiveIntegerField(_("VLAN"), null=True, blank=True,
                                       validators=[MinValueValidator(1), MaxValueValidator(4094)])
    department = models.ForeignKey("org.Department", verbose_name=_("使用部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="subnets")
    is_public = models.BooleanField(_("公网地址"), default=False)
    zone = models.ForeignKey("network.SecurityZone", verbose_name=_("安全区域"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="subnets")
    description = models.TextField(_("说明"), blank=True)
    version = models.PositiveSmallIntegerField(_("IP 版本"), editable=False, default=4)
    first_key = models.CharField(max_length=32, editable=False, default="")
    last_key = models.CharField(max_length=32, editable=False, default="")

    class Meta:
        verbose_name = _("网段")
        verbose_name_plural = _("网段")
        ordering = ["version", "first_key"]
        indexes = [models.Index(fields=["version", "first_key", "last_key"], name="network_subnet_range")]
        # An archived prefix may be planned again; open ones never overlap (services) nor repeat.
        constraints = [models.UniqueConstraint(fields=["cidr"], condition=Q(archived_at__isnull=True),
                                               name="network_one_open_subnet_per_prefix")]

    def __str__(self):
        return f"{self.cidr}({self.name})"


class NetworkAccessRequest(ArchivableModel):
    """入网申请 (篇15 七, p15.2.7): a device may be given an address only after the IT section
    approves; a public address (p16.3.3) also needs a superior's approval."""

    class Kind(models.TextChoices):
        LAN = "lan", _("计算机入网")
        PUBLIC = "public", _("使用公网IP")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")
        WITHDRAWN = "withdrawn", _("已撤回")
        CLOSED = "closed", _("已结束")

    number = models.CharField(_("申请编号"), max_length=32, unique=True, blank=True,
                              help_text=_("留空则自动编号,如 NR202501-0001"))
    kind = models.CharField(_("申请类型"), max_length=16, choices=Kind.choices, default=Kind.LAN)
    department = models.ForeignKey("org.Department", verbose_name=_("申请部门"), on_delete=models.PROTECT,
                                   related_name="network_requests")
    applicant = models.ForeignKey("org.Person", verbose_name=_("申请人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="network_requests")
    device_label = models.CharField(_("设备编号"), max_length=100)
    mac = models.CharField(_("MAC地址"), max_length=17, blank=True, validators=[validate_mac])
    hostname = models.CharField(_("主机名"), max_length=253, blank=True, validators=[validate_hostname])
    subnet = models.ForeignKey(Subnet, verbose_name=_("申请网段"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="requests")
    purpose = models.TextField(_("用途及理由"))
    needed_until = models.DateField(_("使用截止日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED,
                              editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, editable=False,
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("信息科批准人"), null=True,
                                    editable=False, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("入网批准时间"), null=True, editable=False)
    public_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("领导批准人"), null=True,
                                           editable=False, on_delete=models.PROTECT, related_name="+")
    public_approved_at = models.DateTimeField(_("公网IP批准时间"), null=True, editable=False)
    decision_note = models.TextField(_("审批意见"), blank=True, editable=False)

    class Meta:
        verbose_name = _("入网申请")
        verbose_name_plural = _("入网申请")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.number}({self.device_label})"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class IPAllocation(ArchivableModel):
    """IP 地址分配 (《计算机地址分配表》): one address given to one device. At most one live
    (requested or active) allocation per address: a partial unique index, whatever the entry point."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待批准")
        ACTIVE = "active", _("在用")
        RELEASED = "released", _("已收回")

    LIVE = (Status.REQUESTED, Status.ACTIVE)

    ip = models.CharField(_("IP地址"), max_length=45, validators=[validate_ip])
    subnet = models.ForeignKey(Subnet, verbose_name=_("网段"), on_delete=models.PROTECT, related_name="allocations",
                               editable=False)
    version = models.PositiveSmallIntegerField(_("IP 版本"), editable=False, default=4)
    ip_key = models.CharField(max_length=32, editable=False, default="")
    device_label = models.CharField(_("设备编号"), max_length=100, help_text=_("资产编号或设备标识"))
    mac = models.CharField(_("MAC地址"), max_length=17, blank=True, validators=[validate_mac])
    hostname = models.CharField(_("主机名"), max_length=63, blank=True, validators=[validate_hostname])
    domain = models.CharField(_("域"), max_length=190, blank=True)
    # p15.2.26-b 入网用户名和 IP 地址是合法标识,一经指定不得擅自更改: observations carrying a user name
    # are compared with it.
    network_user = models.CharField(_("入网用户名"), max_length=100, blank=True)
    department = models.ForeignKey("org.Department", verbose_name=_("使用部门"), on_delete=models.PROTECT,
                                   related_name="ip_allocations")
    holder = models.ForeignKey("org.Person", verbose_name=_("责任人"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="ip_allocations")
    access_request = models.ForeignKey(NetworkAccessRequest, verbose_name=_("入网申请"), on_delete=models.PROTECT,
                                       related_name="allocations")
    valid_until = models.DateField(_("使用截止日期"), null=True, blank=True,
                                   help_text=_("公网IP必填:需要结束之日收回"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REQUESTED,
                              editable=False)
    is_public = models.BooleanField(_("公网地址"), default=False, editable=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    activated_at = models.DateTimeField(_("启用时间"), null=True, editable=False)
    # When the address, MAC or host name last took its present value (activation or an approved
    # change): observations older than this describe the device before the change.
    identity_since = models.DateTimeField(_("当前标识生效时间"), null=True, editable=False)
    released_at = models.DateTimeField(_("收回时间"), null=True, editable=False)

    class Meta:
        verbose_name = _("IP地址分配")
        verbose_name_plural = _("IP地址分配")
        ordering = ["version", "ip_key", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["ip"], condition=Q(status__in=["requested", "active"]),
                                    name="network_one_live_allocation_per_ip",
                                    violation_error_message=_("该 IP 地址已分配给其他设备 / this IP address is already allocated")),
        ]
        indexes = [models.Index(fields=["version", "ip_key"], name="network_alloc_key"),
                   models.Index(fields=["mac"], name="network_alloc_mac")]

    def __str__(self):
        return f"{self.ip}({self.device_label})"


class AllocationEvent(AuditedModel):
    """分配历史: a readable line per change of an allocation (the audit chain holds the proof)."""

    class Kind(models.TextChoices):
        REQUESTED = "requested", _("登记待批")
        ACTIVATED = "activated", _("启用")
        CHANGED = "changed", _("变更")
        RELEASED = "released", _("收回")

    allocation = models.ForeignKey(IPAllocation, verbose_name=_("IP地址分配"), on_delete=models.PROTECT,
                                   related_name="events")
    kind = models.CharField(_("事项"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor_label = models.CharField(_("操作人"), max_length=150)
    ip = models.CharField(_("IP地址"), max_length=45)
    mac = models.CharField(_("MAC地址"), max_length=17, blank=True)
    hostname = models.CharField(_("主机名"), max_length=63, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    reason = models.TextField(_("原因"), blank=True)

    class Meta:
        verbose_name = _("分配历史")
        verbose_name_plural = _("分配历史")
        ordering = ["-at", "-pk"]


class ObservationImport(AuditedModel):
    """一次观测导入: a CSV/xlsx of IP, MAC and host name as a DHCP lease file or a switch's ARP
    table shows them. The checks compare the latest observations with the allocations."""

    class Source(models.TextChoices):
        DHCP = "dhcp", _("DHCP 租约")
        ARP = "arp", _("交换机 ARP 表")
        CSV = "csv", _("其他清单")

    source = models.CharField(_("来源"), max_length=8, choices=Source.choices, default=Source.CSV)
    file_name = models.CharField(_("文件名"), max_length=255)
    file_digest = models.CharField(_("文件摘要(SM3)"), max_length=64)
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True,
                                    on_delete=models.PROTECT, related_name="+")
    rows = models.PositiveIntegerField(_("记录数"), default=0)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("观测导入")
        verbose_name_plural = _("观测导入")
        ordering = ["-imported_at", "-pk"]

    def __str__(self):
        return f"{self.get_source_display()} {self.file_name}"


class Observation(AuditedModel):
    """一条观测: an address seen on the network with its MAC and host name, at a moment."""

    source_import = models.ForeignKey(ObservationImport, verbose_name=_("观测导入"), on_delete=models.PROTECT,
                                      related_name="observations")
    row_number = models.PositiveIntegerField(_("行号"))
    ip = models.CharField(_("IP地址"), max_length=45)
    version = models.PositiveSmallIntegerField(default=4)
    ip_key = models.CharField(max_length=32)
    mac = models.CharField(_("MAC地址"), max_length=17, blank=True)
    hostname = models.CharField(_("主机名"), max_length=63, blank=True)
    domain = models.CharField(_("域"), max_length=190, blank=True)
    username = models.CharField(_("用户名"), max_length=100, blank=True)
    seen_at = models.DateTimeField(_("发现时间"))

    class Meta:
        verbose_name = _("观测记录")
        verbose_name_plural = _("观测记录")
        ordering = ["-seen_at", "-pk"]
        indexes = [models.Index(fields=["mac", "seen_at"], name="network_obs_mac"),
                   models.Index(fields=["version", "ip_key", "seen_at"], name="network_obs_ip"),
                   models.Index(fields=["seen_at"], name="network_obs_seen")]


from .security import (Boundary, ExternalLink, NetworkChange, NetworkDevice, NetworkOwner,  # noqa: E402,F401
                       SecurityZone, TopologyDiagram)
from .monitoring import MonitoringReport, NetworkViolation  # noqa: E402,F401
from .infra import (ControlBaseline, FactImport, ListeningPort, NetworkLink, RemoteAccessApplication,  # noqa: E402,F401
                    RemoteAccount, SecurityControl, ServerService, SwitchPortFact, SystemWeakness)
