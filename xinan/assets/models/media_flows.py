"""Storage media flows beyond custody: approvals of handovers, assignments, sealing and disk
replacement (p14.3, p15.3.10), movements between sites (p14.2), migration of long-term media
(p14.6-a/b), authorisations to use classified media and devices with their joint review
(p08.9.4-a), machine-room removal passes (p15.2.8-d) and visits of outside technicians (p17.6.5).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinan.core.models import ArchivableModel

PERSON = "org.Person"
USER = "identity.User"
DEPT = "org.Department"
MEDIUM = "assets.StorageMedium"
EQUIPMENT = "assets.Equipment"


def _user(label, **kw):
    return models.ForeignKey(USER, verbose_name=label, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", editable=False, **kw)


def _dept():
    return models.ForeignKey(DEPT, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+", editable=False)


class MediumDisposal(ArchivableModel):
    """介质处置审批单 (p14.3, p15.3.10): a handover, an assignment to another department, a sealing
    (封存) or the replacement of a disk inside a device, approved level by level before it is done:
    first the information technology department (the administrators' approval right), then, for a
    classified medium, the leadership (the right that approves classified destruction)."""

    class Kind(models.TextChoices):
        HANDOVER = "handover", _("移交")
        ASSIGNMENT = "assignment", _("调拨")
        SEAL = "seal", _("封存")
        DISK_REPLACEMENT = "disk_replacement", _("硬盘更换")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")
        DONE = "done", _("已办结")

    class Outcome(models.TextChoices):
        NONE = "", _("无")
        SEAL = "seal", _("登记封存")
        DESTROY = "destroy", _("按规定销毁")

    number = models.CharField(_("审批单号"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("处置类型"), max_length=20, choices=Kind.choices)
    medium = models.ForeignKey(MEDIUM, verbose_name=_("介质"), on_delete=models.PROTECT, related_name="disposals")
    equipment = models.ForeignKey(EQUIPMENT, verbose_name=_("所在设备"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    department = _dept()
    to_custodian = models.ForeignKey(PERSON, verbose_name=_("接收人"), null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    to_department = models.ForeignKey(DEPT, verbose_name=_("调入部门"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    grounds = models.TextField(_("事由"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REQUESTED,
                              editable=False)
    classified = models.BooleanField(_("涉密介质"), default=False, editable=False)
    requested_by = _user(_("申请人"))
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    reviewed_by = _user(_("信息技术部门审批人"))
    reviewed_at = models.DateTimeField(_("信息技术部门审批时间"), null=True, blank=True, editable=False)
    leader_approved_by = _user(_("领导审批人"))
    leader_approved_at = models.DateTimeField(_("领导审批时间"), null=True, blank=True, editable=False)
    decision_note = models.TextField(_("审批意见"), blank=True, editable=False)
    outcome = models.CharField(_("处理结果"), max_length=16, choices=Outcome.choices, blank=True, default="",
                               editable=False)
    seal_no = models.CharField(_("封条编号"), max_length=50, blank=True, editable=False)
    seal_location = models.CharField(_("封存地点"), max_length=100, blank=True, editable=False)
    sealed_by = models.ForeignKey(PERSON, verbose_name=_("封存人"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", editable=False)
    sanitisation = models.ForeignKey("assets.Sanitisation", verbose_name=_("销毁记录"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", editable=False)
    done_by = _user(_("办理人"))
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("介质处置审批单")
        verbose_name_plural = _("介质处置审批单")
        ordering = ["-number"]

    def __str__(self):
        return self.number


class MediumMovement(ArchivableModel):
    """介质转运登记 (p14.2): a medium carried to another site or rotated to the offsite backup
    store: from, to, carrier and escort, the sealed container and its seal, handed over and
    received with times."""

    class Purpose(models.TextChoices):
        TRANSPORT = "transport", _("异地转运")
        OFFSITE_BACKUP = "offsite_backup", _("异地备份轮换")
        RETURN = "return", _("运回本地")

    number = models.CharField(_("转运单号"), max_length=20, unique=True, editable=False)
    medium = models.ForeignKey(MEDIUM, verbose_name=_("介质"), on_delete=models.PROTECT, related_name="movements")
    department = _dept()
    purpose = models.CharField(_("转运类型"), max_length=16, choices=Purpose.choices)
    from_place = models.CharField(_("起运地点"), max_length=100)
    to_place = models.CharField(_("目的地点"), max_length=100)
    carrier = models.ForeignKey(PERSON, verbose_name=_("携运人"), on_delete=models.PROTECT, related_name="+")
    escort = models.ForeignKey(PERSON, verbose_name=_("押运人"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    sealed_container = models.BooleanField(_("密封容器"), default=False)
    seal_no = models.CharField(_("封条编号"), max_length=50, blank=True)
    handed_over_at = models.DateTimeField(_("交接起运时间"))
    received_at = models.DateTimeField(_("接收时间"), null=True, blank=True, editable=False)
    received_by = models.ForeignKey(PERSON, verbose_name=_("接收人"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False)
    seal_intact = models.BooleanField(_("封条完好"), null=True, editable=False)
    recorded_by = _user(_("登记人"))

    class Meta:
        verbose_name = _("介质转运登记")
        verbose_name_plural = _("介质转运登记")
        ordering = ["-number"]

    def __str__(self):
        return self.number


class MediumMigrationPlan(ArchivableModel):
    """转存方案 (p14.6-a): the data of a long-term medium is to be migrated by a date before the
    medium's recorded expiry, how, and how it is to be queried afterwards."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("待转存")
        DONE = "done", _("已转存")

    number = models.CharField(_("方案编号"), max_length=20, unique=True, editable=False)
    medium = models.ForeignKey(MEDIUM, verbose_name=_("待转存介质"), on_delete=models.PROTECT,
                               related_name="migration_plans")
    department = _dept()
    target_kind = models.CharField(_("目标介质类型"), max_length=100, blank=True)
    method = models.TextField(_("转存方案及查询使用方法"))
    migrate_by = models.DateField(_("计划转存日期"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PLANNED,
                              editable=False)
    planned_by = _user(_("制定人"))

    class Meta:
        verbose_name = _("介质转存方案")
        verbose_name_plural = _("介质转存方案")
        ordering = ["-number"]

    def __str__(self):
        return self.number


class MediumMigration(ArchivableModel):
    """转存记录 (p14.6-b): what was migrated from which medium to which, the count and digest
    verified on the target, who did it and when."""

    number = models.CharField(_("记录编号"), max_length=20, unique=True, editable=False)
    plan = models.ForeignKey(MediumMigrationPlan, verbose_name=_("转存方案"), on_delete=models.PROTECT,
                             related_name="migrations")
    source = models.ForeignKey(MEDIUM, verbose_name=_("原介质"), on_delete=models.PROTECT, related_name="+",
                               editable=False)
    target = models.ForeignKey(MEDIUM, verbose_name=_("新介质"), on_delete=models.PROTECT, related_name="+")
    department = _dept()
    contents = models.TextField(_("转存内容"))
    item_count = models.PositiveIntegerField(_("文件数量"))
    digest = models.CharField(_("校验值"), max_length=128)
    verified = models.BooleanField(_("已校验一致"), default=False)
    performed_by = models.ForeignKey(PERSON, verbose_name=_("转存人"), on_delete=models.PROTECT, related_name="+")
    performed_at = models.DateTimeField(_("转存时间"))
    recorded_by = _user(_("登记人"))

    class Meta:
        verbose_name = _("介质转存记录")
        verbose_name_plural = _("介质转存记录")
        ordering = ["-number"]

    def __str__(self):
        return self.number


class MediumAuthorisation(ArchivableModel):
    """涉密介质、设备授权使用 (p08.9.4-a): who may use which classified medium or device, reviewed
    jointly by the secrecy office (安全保密管理员) and the technology-information department
    (系统管理员), two different people."""

    number = models.CharField(_("授权编号"), max_length=20, unique=True, editable=False)
    person = models.ForeignKey(PERSON, verbose_name=_("被授权人"), on_delete=models.PROTECT, related_name="+")
    medium = models.ForeignKey(MEDIUM, verbose_name=_("介质"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="authorisations")
    equipment = models.ForeignKey(EQUIPMENT, verbose_name=_("设备"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    department = _dept()
    purpose = models.CharField(_("授权用途"), max_length=200)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    granted_by = _user(_("登记人"))
    secrecy_reviewed_by = _user(_("保密办审查人"))
    secrecy_reviewed_at = models.DateTimeField(_("保密办审查时间"), null=True, blank=True, editable=False)
    technology_reviewed_by = _user(_("科技信息部审查人"))
    technology_reviewed_at = models.DateTimeField(_("科技信息部审查时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("涉密介质设备授权")
        verbose_name_plural = _("涉密介质设备授权")
        ordering = ["-number"]

    def __str__(self):
        return self.number


class RemovalPass(ArchivableModel):
    """机房设备、数据带出登记 (p15.2.8-d): approved before the equipment or medium leaves the
    machine room, with its return."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待批准")
        APPROVED = "approved", _("已批准")
        OUT = "out", _("已带出")
        RETURNED = "returned", _("已带回")
        REJECTED = "rejected", _("未批准")

    number = models.CharField(_("带出单号"), max_length=20, unique=True, editable=False)
    equipment = models.ForeignKey(EQUIPMENT, verbose_name=_("设备"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="removal_passes")
    medium = models.ForeignKey(MEDIUM, verbose_name=_("介质"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="removal_passes")
    department = _dept()
    carried_by = models.ForeignKey(PERSON, verbose_name=_("携带人"), on_delete=models.PROTECT, related_name="+")
    destination = models.CharField(_("带往地点"), max_length=100)
    purpose = models.CharField(_("事由"), max_length=200)
    due_back = models.DateField(_("预计带回日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REQUESTED,
                              editable=False)
    requested_by = _user(_("申请人"))
    approved_by = _user(_("批准人"))
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True, editable=False)
    taken_out_at = models.DateTimeField(_("带出时间"), null=True, blank=True, editable=False)
    returned_at = models.DateTimeField(_("带回时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("机房设备数据带出登记")
        verbose_name_plural = _("机房设备数据带出登记")
        ordering = ["-number"]

    def __str__(self):
        return self.number


class TechnicianVisit(ArchivableModel):
    """外来人员维修登记 (p17.6.5): an outside technician working on a device on site, after its
    data was wiped (a sanitisation record) or with the decision that the data is protected and
    the work supervised throughout (未经处理的计算机设备不得请外来人员维修)."""

    class Protection(models.TextChoices):
        SANITISED = "sanitised", _("已清除数据")
        SUPERVISED = "supervised", _("数据已保护并全程监督")

    number = models.CharField(_("登记编号"), max_length=20, unique=True, editable=False)
    equipment = models.ForeignKey(EQUIPMENT, verbose_name=_("设备"), on_delete=models.PROTECT,
                                  related_name="technician_visits")
    repair = models.ForeignKey("assets.Repair", verbose_name=_("维修记录"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="technician_visits")
    department = _dept()
    technician = models.CharField(_("外来维修人员"), max_length=100)
    company = models.CharField(_("所属单位"), max_length=100, blank=True)
    visited_at = models.DateTimeField(_("维修时间"))
    supervisor = models.ForeignKey(PERSON, verbose_name=_("现场监督人"), on_delete=models.PROTECT, related_name="+")
    protection = models.CharField(_("数据处理方式"), max_length=16, choices=Protection.choices)
    sanitisation = models.ForeignKey("assets.Sanitisation", verbose_name=_("数据清除记录"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    protection_note = models.TextField(_("数据保护措施"), blank=True)
    decided_by = _user(_("决定人"))

    class Meta:
        verbose_name = _("外来人员维修登记")
        verbose_name_plural = _("外来人员维修登记")
        ordering = ["-number"]

    def __str__(self):
        return self.number
