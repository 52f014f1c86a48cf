"""Network infrastructure records of the second round: remote access (远程接入申请 and the gateway's
accounts), approved server services (服务器开放服务) with port scans, security controls (安全控制措施)
and host baselines (主机安全基线), system weaknesses (系统隐患) and the cabling register (布线登记)
with what switches report on their ports.

Observed facts (VPN accounts, listening ports, switch-port neighbours) come in through one import
(``FactImport``) read by ``xinan.network.facts``; registers are declared in ``registers_infra``.

Clauses: p15.2.26-a 远程接入须向信息科申请, p16.2.4 不得私设服务器, p07.9 入侵检测访问控制密钥管理,
p15.2.10 按主机安全级别采取措施, p04.6.8 排除系统隐患, p27.1.2.2 / p15.5.5 网络设施与布线不得擅动,
p27.2.2-b 涉密系统物理隔离.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinan.core.models import ArchivableModel, AuditedModel


class Level(models.IntegerChoices):
    """密级 (the same values as ``xinan.assets`` Equipment.classification, so a host's level is its
    classification; kept here so the network app reads without the assets app)."""

    NONE = 0, _("非涉密")
    SECRET = 1, _("秘密")
    CONFIDENTIAL = 2, _("机密")
    TOP_SECRET = 3, _("绝密")


class RemoteAccessApplication(ArchivableModel):
    """远程接入申请 (p15.2.26-a): a department or person asks the IT section for a remote-access
    (VPN) account for a period; the IT section (``network.remoteaccess.approve``) decides, never
    the requester or the applicant."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")
        WITHDRAWN = "withdrawn", _("已撤回")

    number = models.CharField(_("申请编号"), max_length=32, unique=True, blank=True,
                              help_text=_("留空则自动编号,如 RA2026-0001"))
    department = models.ForeignKey("org.Department", verbose_name=_("申请部门"), on_delete=models.PROTECT,
                                   related_name="remote_access_applications")
    applicant = models.ForeignKey("org.Person", verbose_name=_("申请人"), on_delete=models.PROTECT,
                                  related_name="remote_access_applications")
    account = models.CharField(_("远程接入账号"), max_length=100)
    purpose = models.TextField(_("申请理由"))
    valid_from = models.DateField(_("使用起始日期"))
    valid_until = models.DateField(_("使用截止日期"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED,
                              editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, editable=False,
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("信息科审批人"), null=True,
                                    editable=False, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("审批时间"), null=True, editable=False)
    decision_note = models.TextField(_("审批意见"), blank=True, editable=False)

    class Meta:
        verbose_name = _("远程接入申请")
        verbose_name_plural = _("远程接入申请")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["account", "status"], name="network_remote_account")]

    def __str__(self):
        return f"{self.number}({self.account})"

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("截止日期不得早于起始日期 / the end precedes the start")})


class ServerService(ArchivableModel):
    """服务器开放服务登记 (p16.2.4): a port a registered server may listen on, approved by the
    server administrator. Anything else found listening is a private server (私设服务器)."""

    class Protocol(models.TextChoices):
        TCP = "tcp", "TCP"
        UDP = "udp", "UDP"

    server_label = models.CharField(_("服务器资产编号"), max_length=100)
    port = models.PositiveIntegerField(_("端口"), validators=[MinValueValidator(1), MaxValueValidator(65535)])
    protocol = models.CharField(_("协议"), max_length=3, choices=Protocol.choices, default=Protocol.TCP)
    service = models.CharField(_("服务"), max_length=100)
    approved_by = models.ForeignKey("org.Person", verbose_name=_("批准人"), on_delete=models.PROTECT, related_name="+")
    approved_on = models.DateField(_("批准日期"))

    class Meta:
        verbose_name = _("服务器开放服务")
        verbose_name_plural = _("服务器开放服务")
        ordering = ["server_label", "port"]
        constraints = [models.UniqueConstraint(fields=["server_label", "port", "protocol"],
                                               condition=Q(archived_at__isnull=True),
                                               name="network_one_open_server_service")]

    def __str__(self):
        return f"{self.server_label}({self.port}/{self.protocol} {self.service})"


class SecurityControl(ArchivableModel):
    """安全控制措施 (p07.9, p15.2.10): a deployed control (intrusion detection, access control, key
    management, …) protecting a zone, a boundary or one host, and when it last reported."""

    class Kind(models.TextChoices):
        IDS = "ids", _("入侵检测")
        ACCESS_CONTROL = "access_control", _("访问控制")
        KEY_MANAGEMENT = "key_management", _("密钥管理")
        FIREWALL = "firewall", _("防火墙")
        ANTIVIRUS = "antivirus", _("防病毒")
        AUDIT = "audit", _("安全审计")
        DATA_PROTECTION = "data_protection", _("数据保护(加密/备份)")
        CONFIDENTIALITY = "confidentiality", _("保密监控")

    code = models.CharField(_("措施编号"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("措施类型"), max_length=20, choices=Kind.choices)
    zone = models.ForeignKey("network.SecurityZone", verbose_name=_("保护区域"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="controls")
    boundary = models.ForeignKey("network.Boundary", verbose_name=_("保护边界"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="controls")
    host_label = models.CharField(_("主机资产编号"), max_length=100, blank=True,
                                  help_text=_("措施部署在单台主机上时填写"))
    deployed_on = models.DateField(_("部署日期"))
    last_report_at = models.DateTimeField(_("最近上报时间"), null=True, blank=True,
                                          help_text=_("告警/日志/状态最近一次上报到管理平台的时间"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("安全控制措施")
        verbose_name_plural = _("安全控制措施")
        ordering = ["code"]
        indexes = [models.Index(fields=["host_label", "kind"], name="network_control_host")]

    def __str__(self):
        return f"{self.code}({self.name})"


class ControlBaseline(ArchivableModel):
    """主机安全基线 (p15.2.10): a control every host of a security level (its 密级) must have."""

    level = models.PositiveSmallIntegerField(_("安全级别(密级)"), choices=Level.choices)
    control_kind = models.CharField(_("必备措施"), max_length=20, choices=SecurityControl.Kind.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("主机安全基线")
        verbose_name_plural = _("主机安全基线")
        ordering = ["level", "control_kind"]
        constraints = [models.UniqueConstraint(fields=["level", "control_kind"], condition=Q(archived_at__isnull=True),
                                               name="network_one_open_baseline_item")]

    def __str__(self):
        return f"{self.get_level_display()}({self.get_control_kind_display()})"


class SystemWeakness(ArchivableModel):
    """系统隐患 (p04.6.8): a weakness found in the network, its deadline, and the network change
    that removed it (closure)."""

    number = models.CharField(_("隐患编号"), max_length=32, unique=True)
    description = models.TextField(_("隐患描述"))
    found_on = models.DateField(_("发现日期"))
    found_by = models.ForeignKey("org.Person", verbose_name=_("发现人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("整改期限"))
    closed_by = models.ForeignKey("network.NetworkChange", verbose_name=_("排除隐患的变更"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="closed_weaknesses")
    closed_on = models.DateField(_("排除日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("系统隐患")
        verbose_name_plural = _("系统隐患")
        ordering = ["-found_on", "-pk"]

    def __str__(self):
        return f"{self.number}({self.found_on})"

    def clean(self):
        if bool(self.closed_by_id) != bool(self.closed_on):
            raise ValidationError({"closed_on": _("排除隐患须同时填写变更记录和排除日期 / a closure names the change "
                                                  "and its date")})
        if self.closed_on and self.found_on and self.closed_on < self.found_on:
            raise ValidationError({"closed_on": _("排除日期不得早于发现日期 / closed before it was found")})


class NetworkLink(ArchivableModel):
    """布线登记 (p27.1.2.2): what is plugged into a node device's port (a neighbour device or a
    MAC), over which medium, and the approved change that made it so."""

    class Medium(models.TextChoices):
        FIBRE = "fibre", _("光缆")
        COPPER = "copper", _("网线")

    device_label = models.CharField(_("节点设备编号"), max_length=100)
    port = models.CharField(_("端口"), max_length=50)
    medium = models.CharField(_("介质"), max_length=8, choices=Medium.choices, default=Medium.COPPER)
    connected_to = models.CharField(_("对端(设备编号或MAC)"), max_length=100)
    change = models.ForeignKey("network.NetworkChange", verbose_name=_("依据的变更记录"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="links")
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("布线登记")
        verbose_name_plural = _("布线登记")
        ordering = ["device_label", "port"]
        constraints = [models.UniqueConstraint(fields=["device_label", "port"], condition=Q(archived_at__isnull=True),
                                               name="network_one_open_link_per_port")]

    def __str__(self):
        return f"{self.device_label}({self.port} → {self.connected_to})"


class FactImport(AuditedModel):
    """一次设备事实导入: the remote-access gateway's accounts, a port scan, or what switches report
    on their ports, as files; the checks compare them with the registers."""

    class Kind(models.TextChoices):
        REMOTE_ACCOUNTS = "remote_accounts", _("远程接入(VPN)账号")
        PORT_SCAN = "port_scan", _("端口扫描")
        SWITCH_PORTS = "switch_ports", _("交换机端口邻居")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    file_name = models.CharField(_("文件名"), max_length=255)
    file_digest = models.CharField(_("文件摘要(SM3)"), max_length=64)
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True,
                                    on_delete=models.PROTECT, related_name="+")
    seen_at = models.DateTimeField(_("观测时间"))
    rows = models.PositiveIntegerField(_("记录数"), default=0)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("设备事实导入")
        verbose_name_plural = _("设备事实导入")
        ordering = ["-imported_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name}"


class RemoteAccount(AuditedModel):
    """An account the remote-access gateway has (observed)."""

    source_import = models.ForeignKey(FactImport, on_delete=models.PROTECT, related_name="remote_accounts")
    row_number = models.PositiveIntegerField(_("行号"))
    account = models.CharField(_("账号"), max_length=100)
    enabled = models.BooleanField(_("启用"))
    last_login = models.DateTimeField(_("最近登录"), null=True)

    class Meta:
        verbose_name = _("远程接入账号(观测)")
        verbose_name_plural = _("远程接入账号(观测)")
        ordering = ["account"]


class ListeningPort(AuditedModel):
    """A port a scan found open on an address (observed)."""

    source_import = models.ForeignKey(FactImport, on_delete=models.PROTECT, related_name="ports")
    row_number = models.PositiveIntegerField(_("行号"))
    ip = models.CharField(_("IP地址"), max_length=45)
    port = models.PositiveIntegerField(_("端口"))
    protocol = models.CharField(_("协议"), max_length=3)
    service = models.CharField(_("服务"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("开放端口(观测)")
        verbose_name_plural = _("开放端口(观测)")
        ordering = ["ip", "port"]
        indexes = [models.Index(fields=["ip", "port"], name="network_port_ip")]


class SwitchPortFact(AuditedModel):
    """What a node device reports on one of its ports: a neighbour (LLDP/CDP) or a learned MAC."""

    source_import = models.ForeignKey(FactImport, on_delete=models.PROTECT, related_name="switch_ports")
    row_number = models.PositiveIntegerField(_("行号"))
    device_label = models.CharField(_("节点设备编号"), max_length=100)
    port = models.CharField(_("端口"), max_length=50)
    neighbour = models.CharField(_("对端(设备编号或MAC)"), max_length=100)

    class Meta:
        verbose_name = _("交换机端口(观测)")
        verbose_name_plural = _("交换机端口(观测)")
        ordering = ["device_label", "port"]
