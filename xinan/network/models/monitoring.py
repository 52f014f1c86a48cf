"""Network monitoring records: the periodic packet/traffic monitoring report (p04.6.5) and the
violations that monitoring (IDS, web proxy, mail gateway, NAC) attributes to someone.

A violation names the clause its kind breaks; it stays a finding until it is attributed and
handled (``checks_security.network_violations``), and remains on record afterwards.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinan.core.models import ArchivableModel


class MonitoringReport(ArchivableModel):
    """网络监控记录: one period's monitoring of public servers' traffic, with the attacks blocked."""

    number = models.CharField(_("记录编号"), max_length=32, unique=True)
    period_start = models.DateField(_("监控期间起"))
    period_end = models.DateField(_("监控期间止"))
    scope = models.CharField(_("监控范围"), max_length=200, help_text=_("如 对外服务区全部服务器"))
    reviewer = models.ForeignKey("org.Person", verbose_name=_("监控人"), on_delete=models.PROTECT, related_name="+")
    attacks_blocked = models.PositiveIntegerField(_("阻断的攻击次数"), default=0)
    findings = models.TextField(_("发现与处置"), blank=True)
    reported_on = models.DateField(_("报告日期"))

    class Meta:
        verbose_name = _("网络监控记录")
        verbose_name_plural = _("网络监控记录")
        ordering = ["-period_end", "-pk"]

    def __str__(self):
        return f"{self.number}({self.period_start}—{self.period_end})"


class NetworkViolation(ArchivableModel):
    """网络违规记录: a hit of the monitoring attributed to a person, and how it was handled."""

    class Kind(models.TextChoices):
        ILLEGAL_CONTENT = "illegal_content", _("浏览非法网站或收发非法邮件")
        PORT_SCAN = "port_scan", _("扫描端口")
        INTRUSION = "intrusion", _("入侵他人计算机")
        NON_WORK_DOWNLOAD = "download", _("下载与工作无关的文件")
        UNAUTHORISED_LINK = "external_link", _("非授权外部链接(拨号、违规链接、无线上网)")
        ATTACK = "attack", _("攻击、损害网络或其他用户")
        ROGUE_ACCESS = "rogue_access", _("私自对外提供互联网接入")

    CLAUSES = {
        "illegal_content": "p01.6.1-a", "port_scan": "p04.6.2-a", "intrusion": "p05.5.2", "download": "p07.17-a",
        "external_link": "p15.2.17", "attack": "p15.2.28-c", "rogue_access": "p27.1.5-a",
    }

    class Source(models.TextChoices):
        IDS = "ids", _("入侵检测")
        PROXY = "proxy", _("上网行为/代理日志")
        MAIL = "mail", _("邮件网关")
        NAC = "nac", _("准入控制")
        OTHER = "other", _("其他")

    number = models.CharField(_("记录编号"), max_length=32, unique=True)
    kind = models.CharField(_("违规类型"), max_length=16, choices=Kind.choices)
    source = models.CharField(_("发现来源"), max_length=8, choices=Source.choices)
    detected_at = models.DateTimeField(_("发现时间"))
    ip = models.CharField(_("IP地址"), max_length=45, blank=True)
    person = models.ForeignKey("org.Person", verbose_name=_("行为人"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    description = models.TextField(_("情况说明"))
    handled_on = models.DateField(_("处理日期"), null=True, blank=True)
    handling = models.TextField(_("处理结果"), blank=True)

    class Meta:
        verbose_name = _("网络违规记录")
        verbose_name_plural = _("网络违规记录")
        ordering = ["-detected_at", "-pk"]

    def __str__(self):
        return f"{self.number}({self.get_kind_display()})"
