"""Findings of the checks (with their history) and attestations (signed statements for a period)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinan.core.models import ArchivableModel, AuditedModel


class Finding(AuditedModel):
    """A check's finding: open while the condition holds (``resolved_at`` empty), resolved when a
    later evaluation no longer yields it. The history of an organisation's compliance is the set
    of findings with their first-seen and resolved times. Written only by
    ``services.checks_run``, in bulk, with one ``policy.check_run`` audit event per run."""

    class Severity(models.TextChoices):
        VIOLATION = "violation", _("违规")
        WARNING = "warning", _("警告")

    check_id = models.CharField(_("检查"), max_length=64)
    clause = models.CharField(_("条款"), max_length=32, db_index=True)
    severity = models.CharField(_("严重程度"), max_length=16, choices=Severity.choices)
    subject_type = models.CharField(_("对象类型"), max_length=64)
    subject_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    subject_label = models.CharField(_("对象"), max_length=255, blank=True)
    message_zh = models.TextField(_("说明"))
    message_en = models.TextField(_("说明(英文)"))
    since = models.DateTimeField(_("起始时间"), null=True, blank=True)
    evidence = models.JSONField(_("证据"), default=dict, blank=True)
    fingerprint = models.CharField(_("指纹"), max_length=64)
    first_seen_at = models.DateTimeField(_("首次发现"))
    resolved_at = models.DateTimeField(_("消除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("检查发现")
        verbose_name_plural = _("检查发现")
        ordering = ["-first_seen_at", "clause"]
        constraints = [
            models.UniqueConstraint(fields=["fingerprint"], condition=Q(resolved_at__isnull=True),
                                    name="policy_finding_one_open_per_fingerprint"),
        ]
        indexes = [
            models.Index(fields=["check_id", "resolved_at"], name="policy_finding_check_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="policy_finding_subject_idx"),
        ]

    def __str__(self):
        return f"{self.clause} {self.subject_label}"


class Attestation(ArchivableModel):
    """合规声明: a person states, for a period, that a clause records cannot show was complied
    with (the catalogue's ``check: attestation``), with the evidence they rely on.

    Life: drafted (草稿, editable) → signed by the named signer (已签署; the content is frozen and
    its digest kept) → approved by someone else (已批准; it then counts for every day of its
    period) or rejected. Withdrawing is archiving. Every step is audited."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SIGNED = "signed", _("已签署待批准")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    clause = models.CharField(_("条款"), max_length=32, db_index=True,
                              help_text=_("以声明为证的条款编号,如 p10.35-c"))
    signer = models.ForeignKey("org.Person", verbose_name=_("声明人"), on_delete=models.PROTECT, related_name="+")
    statement = models.TextField(_("声明内容"))
    evidence = models.TextField(_("证据说明"), blank=True)
    period_start = models.DateField(_("声明期间起"))
    period_end = models.DateField(_("声明期间止"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False)
    signer_post = models.ForeignKey("org.Post", verbose_name=_("声明人岗位"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)
    signed_at = models.DateTimeField(_("签署时间"), null=True, blank=True, editable=False)
    content_digest = models.CharField(_("内容摘要"), max_length=80, blank=True, editable=False)
    approver = models.ForeignKey("org.Person", verbose_name=_("批准人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", editable=False)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("合规声明")
        verbose_name_plural = _("合规声明")
        ordering = ["-period_end", "clause"]
        indexes = [models.Index(fields=["clause", "status", "period_start", "period_end"],
                                name="policy_attestation_valid_idx")]

    def __str__(self):
        return f"{self.clause}({self.period_start}–{self.period_end})"


class ComplianceSnapshot(AuditedModel):
    """合规快照: the compliance counts of one day, for the whole organisation (``overall``), one
    domain of the catalogue or one department (``key`` = department id, ``org`` for findings no
    department owns). Written by ``snapshots.snapshot_take`` at the end of every full check run
    (and daily by the scheduler); the latest run of a day replaces that day's rows. The trend chart
    reads them, and backfills days before the first snapshot from the findings' history."""

    class Scope(models.TextChoices):
        OVERALL = "overall", _("全单位")
        DOMAIN = "domain", _("领域")
        DEPARTMENT = "department", _("部门")

    day = models.DateField(_("日期"))
    scope = models.CharField(_("范围"), max_length=16, choices=Scope.choices)
    key = models.CharField(_("范围编号"), max_length=64, blank=True)
    label = models.CharField(_("名称"), max_length=255, blank=True)
    counts = models.JSONField(_("计数"), default=dict)
    taken_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("合规快照")
        verbose_name_plural = _("合规快照")
        ordering = ["-day", "scope", "key"]
        constraints = [models.UniqueConstraint(fields=["day", "scope", "key"], name="policy_snapshot_one_per_day")]

    def __str__(self):
        return f"{self.day} {self.scope} {self.key}"
