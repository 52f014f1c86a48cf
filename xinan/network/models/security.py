"""Network architecture records (网络架构): security zones, their boundaries with the controls
that enforce them, external links, network devices' resilience and hardening, the topology
diagram, each unit's network-security owner and network changes.

Clauses: p10.29 安全分区隔离, p21.5.2.2 生产控制与管理信息分区, p15.2.13 边界访问控制, p15.2.14 边界
关键点防护, p27.2.8 防火墙入侵检测, p21.5.2.1-b 外联不绕过防火墙, p07.10.4 安全不完善禁接互联网,
p10.39-a/-b 安全互联规则与接入审查, p15.2.25-a/-b 远程接入, p21.5.2.1-a 核心设备冗余, p21.5.2.3-b/-c
双电源与关闭明文服务, p21.5.2.1-c 拓扑图, p27.1.3-a 单位网络安全负责人, p04.6.8/p27.1.2.2 网络变更.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinan.core.models import ArchivableModel


class SecurityZone(ArchivableModel):
    """安全区域: a part of the network with one security level; subnets belong to one."""

    class Kind(models.TextChoices):
        PRODUCTION = "production", _("生产控制区")
        MANAGEMENT = "management", _("管理信息区")
        OFFICE = "office", _("办公区")
        DMZ = "dmz", _("对外服务区(DMZ)")
        REMOTE = "remote", _("远程接入区")
        EXTERNAL = "external", _("外部网络(互联网/外单位)")

    BUSINESS = (Kind.PRODUCTION, Kind.MANAGEMENT)

    code = models.CharField(_("区域编码"), max_length=32, unique=True)
    name = models.CharField(_("区域名称"), max_length=100)
    kind = models.CharField(_("区域类型"), max_length=16, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("安全级别"), default=2, help_text=_("1 最高"))
    # p27.2.2-b 涉密信息系统与内部网和互联网物理隔离: a classified zone has no recorded link to others.
    classification = models.PositiveSmallIntegerField(_("涉密等级"), default=0,
                                                      choices=[(0, _("非涉密")), (1, _("秘密")), (2, _("机密")),
                                                               (3, _("绝密"))])
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("安全区域")
        verbose_name_plural = _("安全区域")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code}({self.name})"


class Boundary(ArchivableModel):
    """网络边界: where two zones meet, with the controls recorded at it (防火墙、入侵防范、防病毒网关)
    and its access-control policy."""

    code = models.CharField(_("边界编码"), max_length=32, unique=True)
    name = models.CharField(_("边界名称"), max_length=100)
    inside = models.ForeignKey(SecurityZone, verbose_name=_("内侧区域"), on_delete=models.PROTECT, related_name="+")
    outside = models.ForeignKey(SecurityZone, verbose_name=_("外侧区域"), on_delete=models.PROTECT, related_name="+")
    key_point = models.BooleanField(_("边界关键点"), default=False)
    firewall = models.BooleanField(_("防火墙"), default=False)
    ids_ips = models.BooleanField(_("入侵检测/防范"), default=False)
    av_gateway = models.BooleanField(_("防病毒网关"), default=False)
    access_policy = models.TextField(_("访问控制策略"), blank=True, help_text=_("允许的访问与默认拒绝规则"))
    policy_reviewed_on = models.DateField(_("策略审核日期"), null=True, blank=True)
    device_label = models.CharField(_("防护设备编号"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("网络边界")
        verbose_name_plural = _("网络边界")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code}({self.name})"

    def clean(self):
        if self.inside_id and self.inside_id == self.outside_id:
            raise ValidationError({"outside": _("边界两侧须为不同区域 / a boundary joins two different zones")})


class ExternalLink(ArchivableModel):
    """外联链路: a link from a zone to the internet, another organisation or remote users."""

    class Kind(models.TextChoices):
        INTERNET = "internet", _("互联网出口")
        PARTNER = "partner", _("外单位互联")
        REMOTE = "remote", _("远程接入")
        LEASED = "leased", _("专线")

    code = models.CharField(_("链路编码"), max_length=32, unique=True)
    name = models.CharField(_("链路名称"), max_length=100)
    kind = models.CharField(_("链路类型"), max_length=16, choices=Kind.choices)
    zone = models.ForeignKey(SecurityZone, verbose_name=_("接入区域"), on_delete=models.PROTECT, related_name="links")
    boundary = models.ForeignKey(Boundary, verbose_name=_("经过的边界"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="links", help_text=_("链路经过的防护边界;空表示直连"))
    counterparty = models.CharField(_("对端"), max_length=200, blank=True)
    live_from = models.DateField(_("开通日期"), null=True, blank=True)
    carries_customer_data = models.BooleanField(_("连接存储寄递信息的系统"), default=False)
    interconnection_rule = models.CharField(_("安全互联技术规则"), max_length=200, blank=True,
                                            help_text=_("依据的互联技术规则文件及编号"))
    reviewed_on = models.DateField(_("接入审查日期"), null=True, blank=True)
    security_signoff_on = models.DateField(_("安全措施确认日期"), null=True, blank=True,
                                           help_text=_("业务网接入互联网前,安全措施完善的确认"))

    class Meta:
        verbose_name = _("外联链路")
        verbose_name_plural = _("外联链路")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code}({self.name})"


class NetworkDevice(ArchivableModel):
    """网络设备档案: a switch, router or firewall's role and hardening, by asset number."""

    class Role(models.TextChoices):
        CORE_SWITCH = "core_switch", _("局域核心交换机")
        CORE_ROUTER = "core_router", _("城域核心路由器")
        FIREWALL = "firewall", _("防火墙")
        ACCESS_SWITCH = "access_switch", _("接入交换机")
        OTHER = "other", _("其他")

    CORE = (Role.CORE_SWITCH, Role.CORE_ROUTER)

    device_label = models.CharField(_("设备编号"), max_length=100, unique=True)
    name = models.CharField(_("设备名称"), max_length=100)
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    zone = models.ForeignKey(SecurityZone, verbose_name=_("所在区域"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="devices")
    key_point = models.BooleanField(_("关键点设备"), default=False)
    power_supplies = models.PositiveSmallIntegerField(_("电源数"), default=1)
    redundant_peer = models.CharField(_("冗余设备编号"), max_length=100, blank=True)
    spare_label = models.CharField(_("备用设备编号"), max_length=100, blank=True)
    plaintext_services_off = models.BooleanField(_("已关闭 HTTP/FTP/TFTP"), default=False)
    config_checked_on = models.DateField(_("配置检查日期"), null=True, blank=True)
    # p16.1 网络资源和服务器由信息系统管理员统一规划、管理和监督.
    administrator = models.ForeignKey("org.Person", verbose_name=_("信息系统管理员"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("网络设备档案")
        verbose_name_plural = _("网络设备档案")
        ordering = ["device_label"]

    def __str__(self):
        return f"{self.device_label}({self.name})"


class TopologyDiagram(ArchivableModel):
    """网络拓扑图: a version of the diagram, with the date it was drawn."""

    version = models.CharField(_("版本"), max_length=32, unique=True)
    drawn_on = models.DateField(_("绘制日期"))
    document = models.CharField(_("图纸文件或编号"), max_length=200)
    summary = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("网络拓扑图")
        verbose_name_plural = _("网络拓扑图")
        ordering = ["-drawn_on", "-pk"]

    def __str__(self):
        return f"{self.version}({self.drawn_on})"


class NetworkOwner(ArchivableModel):
    """单位网络安全负责人: the person answering for a unit's network and information security."""

    department = models.ForeignKey("org.Department", verbose_name=_("单位"), on_delete=models.PROTECT,
                                   related_name="network_owners")
    person = models.ForeignKey("org.Person", verbose_name=_("负责人"), on_delete=models.PROTECT,
                               related_name="network_ownerships")
    since = models.DateField(_("起始日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("网络安全负责人")
        verbose_name_plural = _("网络安全负责人")
        ordering = ["department__code"]
        constraints = [models.UniqueConstraint(fields=["department"], condition=Q(archived_at__isnull=True),
                                               name="network_one_owner_per_unit")]

    def __str__(self):
        return f"{self.person}({self.department})"


class NetworkChange(ArchivableModel):
    """网络变更记录: a change to the network's structure, parameters, devices or cabling, with who
    did it and who approved it; a weakness it addresses is closed by it."""

    class Kind(models.TextChoices):
        STRUCTURE = "structure", _("网络结构")
        PARAMETER = "parameter", _("系统参数")
        DEVICE = "device", _("节点设备")
        CABLING = "cabling", _("光缆与布线")

    number = models.CharField(_("变更编号"), max_length=32, unique=True)
    kind = models.CharField(_("变更类型"), max_length=16, choices=Kind.choices)
    description = models.TextField(_("变更内容"))
    weakness = models.TextField(_("排除的隐患"), blank=True)
    performed_by = models.ForeignKey("org.Person", verbose_name=_("实施人"), on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey("org.Person", verbose_name=_("批准人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    changed_on = models.DateField(_("变更日期"))
    # p27.1.2.2: the node device (and port) a change touched, so what switches report can be matched.
    device_label = models.CharField(_("涉及节点设备编号"), max_length=100, blank=True)
    port = models.CharField(_("涉及端口"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("网络变更记录")
        verbose_name_plural = _("网络变更记录")
        ordering = ["-changed_on", "-pk"]

    def __str__(self):
        return f"{self.number}({self.changed_on})"

    def clean(self):
        if self.approved_by_id and self.approved_by_id == self.performed_by_id:
            raise ValidationError({"approved_by": _("批准人与实施人须为不同人员 / approver and performer must differ")})
