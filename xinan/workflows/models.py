"""The workflow engine's records (审批流程): definitions as data, their running instances, every
action taken on them and the files attached.

A definition is versioned: a change makes a new ``WorkflowDefinition`` row (same ``code``, next
``version``) and an instance keeps the row it started with. Its steps are rows
(``WorkflowStep``): step 0 is the request itself (kind ``request``, actor = who may start), the
others are approve / execute / review / record / check steps. Separation of duties is data too
(``WorkflowConflict``: two steps whose actors must differ), derived when a definition is installed
from the incompatible duties of 篇20 (p20.1.6: 授权与批准、批准与执行、执行与监督、审核与记录、
记录与检查) and from the definition's own ``distinct`` rules, so the service that enforces them and
the inbox that hides what a person may not do read the same rows.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinan.core.models import AuditedModel


class StepKind(models.TextChoices):
    REQUEST = "request", _("申请")
    APPROVE = "approve", _("批准")
    EXECUTE = "execute", _("执行")
    REVIEW = "review", _("审核")
    RECORD = "record", _("记录")
    CHECK = "check", _("检查")


class ActorKind(models.TextChoices):
    ANY = "any", _("任何在岗人员")
    ROLE = "role", _("角色")
    POST = "post", _("岗位")
    RELATION = "relation", _("关系")


class Relation(models.TextChoices):
    REQUESTER = "requester", _("申请人本人")
    REQUESTER_DEPARTMENT_HEAD = "requester_department_head", _("申请人所在部门负责人")
    DEPUTY_GM = "deputy_gm", _("副总经理")


class WorkflowDefinition(AuditedModel):
    """流程定义: one version of a workflow. Shipped definitions come from ``definitions/*.yaml``."""

    class Source(models.TextChoices):
        SHIPPED = "shipped", _("系统内置")
        CUSTOM = "custom", _("本单位定义")

    code = models.CharField(_("流程编码"), max_length=64)
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("流程名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    clauses = models.JSONField(_("条款"), default=list, blank=True)
    on_complete = models.CharField(_("完成时调用"), max_length=200, blank=True)
    on_end = models.CharField(_("驳回或撤销时调用"), max_length=200, blank=True)
    spec = models.JSONField(_("定义"), default=dict)
    digest = models.CharField(_("定义摘要"), max_length=64)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.SHIPPED)
    is_current = models.BooleanField(_("现行版本"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("流程定义")
        verbose_name_plural = _("流程定义")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="workflows_definition_code_version"),
            models.UniqueConstraint(fields=["code"], condition=Q(is_current=True), name="workflows_definition_one_current"),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"


class WorkflowStep(AuditedModel):
    """A step of one definition version: who may act (``actor_kind``/``actor_value``) and how long
    they have (``deadline``, ISO-8601)."""

    definition = models.ForeignKey(WorkflowDefinition, verbose_name=_("流程定义"), on_delete=models.PROTECT,
                                   related_name="steps")
    order = models.PositiveSmallIntegerField(_("顺序"))
    code = models.CharField(_("步骤编码"), max_length=64)
    name = models.CharField(_("步骤名称"), max_length=200)
    kind = models.CharField(_("性质"), max_length=16, choices=StepKind.choices)
    actor_kind = models.CharField(_("办理人规则"), max_length=16, choices=ActorKind.choices)
    actor_value = models.CharField(_("办理人"), max_length=64, blank=True)
    deadline = models.CharField(_("办理时限"), max_length=32, blank=True, help_text=_("ISO-8601 时长,如 P3D、PT4H"))

    class Meta:
        verbose_name = _("流程步骤")
        verbose_name_plural = _("流程步骤")
        ordering = ["definition", "order"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "order"], name="workflows_step_order"),
            models.UniqueConstraint(fields=["definition", "code"], name="workflows_step_code"),
        ]

    def __str__(self):
        return self.name


class WorkflowConflict(AuditedModel):
    """Two steps of one definition whose actors must be different people (stored both ways).

    ``triad``: holders of the same 三员 role count as one person here (p08.10.4-b: 三员相互制约),
    set for the incompatible duties of 篇20; ``clause`` the catalogue id the rule implements."""

    step = models.ForeignKey(WorkflowStep, on_delete=models.PROTECT, related_name="conflicts")
    other = models.ForeignKey(WorkflowStep, on_delete=models.PROTECT, related_name="conflicted_by")
    rule = models.CharField(_("规则"), max_length=40)
    label = models.CharField(_("规则名称"), max_length=100)
    clause = models.CharField(_("条款"), max_length=32, blank=True)
    triad = models.BooleanField(_("三员视同一人"), default=False)

    class Meta:
        verbose_name = _("不相容步骤")
        verbose_name_plural = _("不相容步骤")
        constraints = [models.UniqueConstraint(fields=["step", "other", "rule"], name="workflows_conflict_unique")]


class WorkflowInstance(AuditedModel):
    """A running (or finished) workflow on one record (its subject), in the version it started with."""

    class State(models.TextChoices):
        RUNNING = "running", _("办理中")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")
        CANCELLED = "cancelled", _("已撤销")
        DONE = "done", _("已办结")

    definition = models.ForeignKey(WorkflowDefinition, verbose_name=_("流程定义"), on_delete=models.PROTECT,
                                   related_name="instances")
    code = models.CharField(_("流程编码"), max_length=64, editable=False)
    subject_type = models.ForeignKey(ContentType, verbose_name=_("事项类型"), on_delete=models.PROTECT, related_name="+")
    subject_id = models.CharField(_("事项编号"), max_length=64)
    subject_label = models.CharField(_("事项"), max_length=255)
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                  related_name="workflow_requests")
    requester_department = models.ForeignKey("org.Department", verbose_name=_("申请人部门"), null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("申请理由"), blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.RUNNING)
    current_step = models.ForeignKey(WorkflowStep, verbose_name=_("当前步骤"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    step_started_at = models.DateTimeField(_("本步开始时间"), null=True, blank=True)
    due_at = models.DateTimeField(_("本步办理期限"), null=True, blank=True)
    started_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("流程实例")
        verbose_name_plural = _("流程实例")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="workflows_inst_state_due"),
            models.Index(fields=["subject_type", "subject_id"], name="workflows_inst_subject"),
            models.Index(fields=["requester", "state"], name="workflows_inst_requester"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "subject_type", "subject_id"], condition=Q(state="running"),
                name="workflows_one_running_per_subject",
                violation_error_message=_("该事项已有办理中的同类流程 / this record already has that workflow running"),
            ),
        ]

    def __str__(self):
        return f"{self.definition.name} #{self.pk}:{self.subject_label}"

    @property
    def is_running(self) -> bool:
        return self.state == self.State.RUNNING


class WorkflowAction(AuditedModel):
    """One thing a person did on an instance: started it, approved, rejected, executed, commented
    or cancelled. ``actor_triad`` is the 三员 role the actor held at that moment (for the
    separation rules); ``due_at`` the step's deadline then, so the timeline shows lateness."""

    class Decision(models.TextChoices):
        START = "start", _("发起")
        APPROVE = "approve", _("同意")
        REJECT = "reject", _("驳回")
        EXECUTE = "execute", _("已办理")
        COMMENT = "comment", _("意见")
        CANCEL = "cancel", _("撤销")

    instance = models.ForeignKey(WorkflowInstance, verbose_name=_("流程实例"), on_delete=models.PROTECT,
                                 related_name="actions")
    step = models.ForeignKey(WorkflowStep, verbose_name=_("步骤"), on_delete=models.PROTECT, related_name="actions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办理人"), on_delete=models.PROTECT,
                              related_name="workflow_actions")
    actor_triad = models.CharField(_("办理人三员角色"), max_length=20, blank=True)
    decision = models.CharField(_("办理结果"), max_length=16, choices=Decision.choices)
    comment = models.TextField(_("意见"), blank=True)
    due_at = models.DateTimeField(_("办理期限"), null=True, blank=True)
    at = models.DateTimeField(_("办理时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["instance", "actor"], name="workflows_action_actor")]


class WorkflowAttachment(AuditedModel):
    """附件: a file kept under ``MEDIA_ROOT/workflows/`` by its SM3 digest (SHA-256 kept too)."""

    instance = models.ForeignKey(WorkflowInstance, verbose_name=_("流程实例"), on_delete=models.PROTECT,
                                 related_name="attachments")
    step = models.ForeignKey(WorkflowStep, verbose_name=_("步骤"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    action = models.ForeignKey(WorkflowAction, verbose_name=_("办理记录"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="attachments")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT,
                                    related_name="+")
    name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小(字节)"))
    sm3 = models.CharField(_("SM3 摘要"), max_length=64)
    sha256 = models.CharField(_("SHA-256 摘要"), max_length=64)
    path = models.CharField(_("存储位置"), max_length=255, editable=False)
    at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["at", "pk"]

    def __str__(self):
        return self.name
