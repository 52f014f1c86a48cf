"""Information systems and what is recorded about them: 信息系统台账 (with the design's
user-to-level authorisation function and the decommissioning record), 系统维护记录, 系统变更记录
(approved before implementation) and 制度文件登记 (the regulations a department has issued).

Clauses: p27.2.4-b, p27.2.10, p24.6, p24.8, p27.2.5-a, p15.2.30.3, p19.5.10-b, p07.12.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinan.core.models import ArchivableModel

from .common import Classification

USER = "identity.User"
PERSON = "org.Person"
DEPARTMENT = "org.Department"


class InformationSystem(ArchivableModel):
    """信息系统台账. A system cannot move past design unless its design includes the function
    that sets which users may reach which level (p27.2.4-b); it is decommissioned only with a
    record of the data migrated and destroyed, who did it and who witnessed it (p27.2.10)."""

    class Kind(models.TextChoices):
        OA = "oa", _("办公自动化(OA)系统")
        APPLICATION = "application", _("业务应用系统")
        WEBSITE = "website", _("网站")
        COURSEWARE = "courseware", _("课件/教学软件")
        DATABASE = "database", _("数据库")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        PLANNED = "planned", _("规划中")
        DESIGN = "design", _("设计中")
        DEVELOPMENT = "development", _("开发建设中")
        IN_SERVICE = "in_service", _("运行中")
        DECOMMISSIONED = "decommissioned", _("已停止运行")

    # Statuses past design: the authorisation function must be in the design (p27.2.4-b).
    PAST_DESIGN = (Status.DEVELOPMENT, Status.IN_SERVICE)
    # Kinds the 电教/信息 office owns as projects (p24.6: 课件制作和应用软件的开发).
    OFFICE_PROJECTS = (Kind.COURSEWARE, Kind.APPLICATION)

    name = models.CharField(_("系统名称"), max_length=100, unique=True)
    kind = models.CharField(_("系统类型"), max_length=16, choices=Kind.choices, default=Kind.APPLICATION)
    department = models.ForeignKey(DEPARTMENT, verbose_name=_("归属部门"), on_delete=models.PROTECT,
                                   related_name="+")
    maintainer_department = models.ForeignKey(DEPARTMENT, verbose_name=_("维护部门"), on_delete=models.PROTECT,
                                              related_name="+")
    maintainer = models.ForeignKey(PERSON, verbose_name=_("维护负责人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    classification = models.IntegerField(_("密级"), choices=Classification.choices, default=Classification.NONE)
    status = models.CharField(_("生命周期状态"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    planned_on = models.DateField(_("立项日期"), null=True, blank=True)
    in_service_on = models.DateField(_("投入运行日期"), null=True, blank=True)
    design_includes_authorisation = models.BooleanField(
        _("设计含用户与级别授权对应设置功能"), default=False,
        help_text=_("新建系统的设计方案中预留用户与授权级别对应关系设置的功能"))
    design_document = models.CharField(_("设计文档编号或名称"), max_length=200, blank=True)
    design_document_digest = models.CharField(_("设计文档摘要(SM3)"), max_length=64, blank=True)
    # 停止运行 (p27.2.10): set by the decommission step only.
    decommissioned_on = models.DateField(_("停止运行日期"), null=True, blank=True, editable=False)
    data_migrated = models.TextField(_("数据转移情况"), blank=True, editable=False)
    data_destroyed = models.TextField(_("数据销毁情况"), blank=True, editable=False)
    decommissioned_by = models.ForeignKey(PERSON, verbose_name=_("善后执行人"), null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+", editable=False)
    decommission_witness = models.ForeignKey(PERSON, verbose_name=_("善后监督人"), null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+", editable=False)
    decommission_recorded_at = models.DateTimeField(_("善后登记时间"), null=True, blank=True, editable=False)
    # 涉密信息系统 (p08.4-a, p08.4-b, p08.12-b): the milestones of design, implementation,
    # evaluation, national approval and acceptance under the named secrecy standards, and the
    # second-level secrecy regulation the system follows.
    security_standards = models.CharField(_("依据的国家保密标准及规定"), max_length=300, blank=True)
    designed_on = models.DateField(_("保密方案设计完成日期"), null=True, blank=True)
    implemented_on = models.DateField(_("安全保密防护实施完成日期"), null=True, blank=True)
    evaluated_on = models.DateField(_("测评日期"), null=True, blank=True)
    evaluation_body = models.CharField(_("测评机构"), max_length=100, blank=True)
    evaluation_report = models.CharField(_("测评报告编号"), max_length=100, blank=True)
    approved_on = models.DateField(_("国家审批日期"), null=True, blank=True)
    approval_document_no = models.CharField(_("审批文件文号"), max_length=100, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    secrecy_regulation = models.ForeignKey("RegulationDocument", verbose_name=_("二级保密管理制度"), null=True,
                                           blank=True, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("信息系统")
        verbose_name_plural = _("信息系统台账")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SystemMaintenance(ArchivableModel):
    """系统维护记录: who maintained a system, when, what was done (p24.8 for the OA system)."""

    system = models.ForeignKey(InformationSystem, verbose_name=_("信息系统"), on_delete=models.PROTECT,
                               related_name="maintenance")
    department = models.ForeignKey(DEPARTMENT, verbose_name=_("维护部门"), on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    performed_on = models.DateField(_("维护日期"))
    performed_by = models.ForeignKey(PERSON, verbose_name=_("维护人"), on_delete=models.PROTECT, related_name="+")
    work = models.TextField(_("维护内容"))

    class Meta:
        verbose_name = _("系统维护记录")
        verbose_name_plural = _("系统维护记录")
        ordering = ["-performed_on"]
        indexes = [models.Index(fields=["system", "performed_on"], name="assets_sysmaint_idx")]

    def __str__(self):
        return f"{self.system}({self.performed_on})"


class SystemChange(ArchivableModel):
    """系统变更记录: requested with a reason, approved by the leadership (never the requester) in
    the workflow engine, then implemented by a named person on a recorded date. Implementation
    without approval is refused (p27.2.5-a, p15.2.30.3, p19.5.10-b)."""

    class Kind(models.TextChoices):
        FUNCTION = "function", _("应用功能变更")
        PARAMETER = "parameter", _("软件参数修改")
        HARDWARE = "hardware", _("硬件配置调整")
        PROGRAM_LOAD = "program_load", _("程序输入运行")
        DATA_LOAD = "data_load", _("数据输入")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待审批")
        APPROVED = "approved", _("已批准待实施")
        REJECTED = "rejected", _("未批准")
        IMPLEMENTED = "implemented", _("已实施")
        CANCELLED = "cancelled", _("已撤销")

    OPEN = (Status.REQUESTED, Status.APPROVED)

    number = models.CharField(_("变更单号"), max_length=20, unique=True, editable=False)
    system = models.ForeignKey(InformationSystem, verbose_name=_("信息系统"), on_delete=models.PROTECT,
                               related_name="changes")
    department = models.ForeignKey(DEPARTMENT, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+",
                                   editable=False)
    kind = models.CharField(_("变更类型"), max_length=16, choices=Kind.choices)
    description = models.TextField(_("变更内容"))
    justification = models.TextField(_("变更理由"))
    requested_by = models.ForeignKey(PERSON, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+",
                                     blank=True, help_text=_("留空为本人"))
    requested_at = models.DateTimeField(_("申请时间"), null=True, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REQUESTED,
                              editable=False)
    approved_by = models.ForeignKey(USER, verbose_name=_("审批人"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False)
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True, editable=False)
    decision_note = models.TextField(_("审批意见"), blank=True, editable=False)
    implemented_by = models.ForeignKey(PERSON, verbose_name=_("实施人"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+", editable=False)
    implemented_at = models.DateTimeField(_("实施时间"), null=True, blank=True, editable=False)
    implementation_note = models.TextField(_("实施情况"), blank=True, editable=False)

    class Meta:
        verbose_name = _("系统变更记录")
        verbose_name_plural = _("系统变更记录")
        ordering = ["-number"]

    def __str__(self):
        return self.number


class RegulationDocument(ArchivableModel):
    """制度文件登记: a regulation a department has issued (软件运行管理制度 for p07.12), with its
    review date and the digest of the document."""

    class Topic(models.TextChoices):
        SOFTWARE_OPERATION = "software_operation", _("软件运行管理")
        NETWORK = "network", _("网络管理")
        MACHINE_ROOM = "machine_room", _("机房管理")
        DATA = "data", _("数据管理")
        SECURITY = "security", _("信息安全综合")
        SECRECY = "secrecy", _("保密管理")  # 二级保密管理制度 of a classified system (p08.12-b)
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("现行有效")
        WITHDRAWN = "withdrawn", _("已废止")

    title = models.CharField(_("制度名称"), max_length=200)
    topic = models.CharField(_("制度类别"), max_length=24, choices=Topic.choices)
    department = models.ForeignKey(DEPARTMENT, verbose_name=_("制定部门"), on_delete=models.PROTECT,
                                   related_name="+")
    document_no = models.CharField(_("文号"), max_length=60, blank=True)
    issued_on = models.DateField(_("发布日期"))
    next_review_on = models.DateField(_("下次复审日期"), null=True, blank=True)
    document_digest = models.CharField(_("文件摘要(SM3)"), max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.IN_FORCE)

    class Meta:
        verbose_name = _("制度文件")
        verbose_name_plural = _("制度文件登记")
        ordering = ["department__code", "title"]

    def __str__(self):
        return self.title
