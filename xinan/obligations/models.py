"""Tasks produced by obligations, the notifications they send, and the scheduler's lease rows.

A ``Task`` is one occurrence of a duty: due at ``due_at``, assigned to a person, a role or a
post, reminded at ``remind_at``, escalated when overdue (level 1: the head of the assignee's
department; level 2: the security administrator), and met by a record (the evidence) or, where
the obligation allows, by a comment. ``(obligation, period_start, scope_key)`` is unique, so two
schedulers generating at once cannot duplicate a task.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinan.core.models import AuditedModel


class Task(AuditedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("待办")
        DONE = "done", _("已完成")
        OVERDUE = "overdue", _("已逾期")
        ESCALATED = "escalated", _("已升级")
        CANCELLED = "cancelled", _("已取消")

    PENDING = (Status.OPEN, Status.OVERDUE, Status.ESCALATED)

    obligation = models.CharField(_("义务"), max_length=80)
    clause = models.CharField(_("条款"), max_length=32, db_index=True)
    title_zh = models.CharField(_("事项"), max_length=255)
    title_en = models.CharField(_("事项(英文)"), max_length=255)
    assignee_person = models.ForeignKey("org.Person", verbose_name=_("责任人"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    assignee_role = models.ForeignKey("org.Role", verbose_name=_("责任角色"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    assignee_post = models.ForeignKey("org.Post", verbose_name=_("责任岗位"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("org.Department", verbose_name=_("责任部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    scope_key = models.CharField(_("责任范围"), max_length=160)
    period_start = models.DateTimeField(_("周期起"))
    due_at = models.DateTimeField(_("截止时间"))
    remind_at = models.DateTimeField(_("提醒时间"))
    reminded_at = models.DateTimeField(_("已提醒"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    escalation_level = models.PositiveSmallIntegerField(_("升级级别"), default=0)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    subject_type = models.CharField(_("触发对象类型"), max_length=64, blank=True)
    subject_id = models.CharField(_("触发对象编号"), max_length=64, blank=True)
    subject_label = models.CharField(_("触发对象"), max_length=255, blank=True)
    evidence_type = models.ForeignKey("contenttypes.ContentType", verbose_name=_("证据类型"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    evidence_id = models.CharField(_("证据编号"), max_length=64, blank=True)
    evidence_label = models.CharField(_("证据"), max_length=255, blank=True)
    done_by = models.ForeignKey("identity.User", verbose_name=_("完成人"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    comment = models.TextField(_("办理说明"), blank=True)
    created_at = models.DateTimeField(_("生成时间"))

    # Free text may name people: the audit chain keeps its keyed digest, not the text.
    audit_digest_fields = ("comment",)

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["obligation", "period_start", "scope_key"],
                                    name="obligations_task_one_per_period_and_scope"),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="obligations_task_due_idx"),
            models.Index(fields=["status", "remind_at"], name="obligations_task_remind_idx"),
            models.Index(fields=["obligation", "status"], name="obligations_task_ob_idx"),
        ]

    def __str__(self):
        return self.title_zh

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING


class Notification(models.Model):
    """An in-app notification (站内通知); configured senders (e-mail) deliver copies. Not a
    compliance record itself: the reminder or escalation it reports is audited on the task."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("提醒")
        ESCALATION = "escalation", _("升级督办")
        INFO = "info", _("通知")

    recipient = models.ForeignKey("org.Person", verbose_name=_("接收人"), on_delete=models.CASCADE,
                                  related_name="notifications")
    task = models.ForeignKey(Task, verbose_name=_("任务"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="notifications")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    key = models.CharField(_("去重键"), max_length=40, blank=True, help_text=_("reminder、escalation:1 …"))
    message_zh = models.TextField(_("内容"))
    message_en = models.TextField(_("内容(英文)"))
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "recipient", "key"], condition=Q(task__isnull=False),
                                    name="obligations_notification_once_per_task_key"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="obligations_notif_unread_idx")]

    def __str__(self):
        return self.message_zh[:60]


class SchedulerLease(models.Model):
    """One row per scheduled job: who holds it until when, and when it is next due. A worker
    runs a job only after a conditional UPDATE made it the holder (free or expired lease, job
    due), so two workers on two machines never run the same job at once."""

    name = models.CharField(_("作业"), max_length=40, primary_key=True)
    holder = models.CharField(_("持有者"), max_length=120, blank=True)
    expires_at = models.DateTimeField(_("租约到期"), null=True, blank=True)
    next_run_at = models.DateTimeField(_("下次运行"), null=True, blank=True)
    last_run_at = models.DateTimeField(_("上次运行"), null=True, blank=True)
    last_status = models.CharField(_("上次结果"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("调度租约")
        verbose_name_plural = _("调度租约")

    def __str__(self):
        return self.name
