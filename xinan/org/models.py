"""Organisation: departments (a tree), posts (岗位), people, their job changes, roles and grants.

Clauses: p20.* (不相容岗位), p21.5.1.1 (组织机构), p21.5.1.2 (岗位职责); the 三员 rule is
enforced here by a partial unique index and in ``services.role_grant_*``.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinan.core.models import ArchivableModel, AuditedModel


class Department(ArchivableModel):
    """部门. A tree: ``parent`` is the department it belongs to."""

    code = models.CharField(_("部门编码"), max_length=32, unique=True)
    name = models.CharField(_("部门名称"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["code"]

    str_fields = ("name",)  # what __str__ reads: list tables load only these of a related row

    def __str__(self):
        return self.name


class Post(ArchivableModel):
    """岗位: a position with duties; incompatible posts are workflow rules (篇20)."""

    code = models.CharField(_("岗位编码"), max_length=32, unique=True)
    name = models.CharField(_("岗位名称"), max_length=100)
    department = models.ForeignKey(
        Department, verbose_name=_("所属部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    duties = models.TextField(_("岗位职责"), blank=True)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["code"]

    str_fields = ("name",)  # what __str__ reads: list tables load only these of a related row

    def __str__(self):
        return self.name


class Person(ArchivableModel):
    """人员. Phone and e-mail are personal data: audit images carry only their keyed digests."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("在岗")
        TRANSFERRED = "transferred", _("已调离岗位")
        LEFT = "left", _("已离职")

    employee_no = models.CharField(_("工号"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=64)
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="people")
    post = models.ForeignKey(
        Post, verbose_name=_("岗位"), null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    joined_on = models.DateField(_("入职日期"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    left_on = models.DateField(_("离职日期"), null=True, blank=True)

    audit_digest_fields = ("phone", "email", "birth_date")

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["employee_no"]
        indexes = [models.Index(fields=["department", "status"], name="org_person_dept_status_idx")]

    str_fields = ("name", "employee_no")  # what __str__ reads: list tables load only these of a related row

    def __str__(self):
        return f"{self.name}({self.employee_no})"


class JobChange(AuditedModel):
    """调离岗位 / 离职 / 入职: a recorded event with its time; other domains subscribe to it."""

    class Kind(models.TextChoices):
        JOINED = "joined", _("入职")
        TRANSFERRED = "transferred", _("调离岗位")
        LEFT = "left", _("离职")

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="job_changes")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    effective_at = models.DateTimeField(_("生效时间"))
    from_department = models.ForeignKey(
        Department, verbose_name=_("原部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_department = models.ForeignKey(
        Department, verbose_name=_("新部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_post = models.ForeignKey(Post, verbose_name=_("原岗位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_post = models.ForeignKey(Post, verbose_name=_("新岗位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("原因"), blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("人员变动")
        verbose_name_plural = _("人员变动")
        ordering = ["-effective_at"]


class Triad(models.TextChoices):
    """三员: the three roles one person may never combine."""

    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全保密管理员")
    AUDITOR = "auditor", _("安全审计员")


class Role(AuditedModel):
    """角色. Roles are data; ``permissions`` is a list of permission codes (see permissions.py)."""

    class Scope(models.TextChoices):
        DEPARTMENT = "department", _("本部门")
        ORGANISATION = "organisation", _("全单位")

    code = models.CharField(_("角色编码"), max_length=40, unique=True)
    name = models.CharField(_("角色名称"), max_length=100)
    triad = models.CharField(_("三员角色"), max_length=20, choices=Triad.choices, null=True, blank=True, unique=True)
    is_administrator = models.BooleanField(_("管理员类"), default=False, help_text=_("口令长度与有效期按管理员规则"))
    requires_mfa = models.BooleanField(_("须双因素认证"), default=False)
    scope = models.CharField(_("数据范围"), max_length=16, choices=Scope.choices, default=Scope.DEPARTMENT)
    permissions = models.JSONField(_("权限"), default=list, blank=True)
    description = models.TextField(_("说明"), blank=True)
    builtin = models.BooleanField(_("内置"), default=False, editable=False)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["code"]

    def __str__(self):
        return str(self.name)


class RoleAssignment(AuditedModel):
    """A grant of a role to a person: requested by the security administrator, approved by
    someone else, revocable. ``triad`` copies the role's 三员 kind so the database itself can
    refuse a second 三员 role for one person (partial unique index below, and a trigger that keeps
    the copy honest, migration 0002)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待批准")
        ACTIVE = "active", _("有效")
        REJECTED = "rejected", _("已驳回")
        REVOKED = "revoked", _("已撤销")

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="role_assignments")
    role = models.ForeignKey(Role, verbose_name=_("角色"), on_delete=models.PROTECT, related_name="assignments")
    department = models.ForeignKey(
        Department, verbose_name=_("适用部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triad = models.CharField(_("三员角色"), max_length=20, choices=Triad.choices, null=True, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        "identity.User", verbose_name=_("申请人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        "identity.User", verbose_name=_("审批人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    reason = models.TextField(_("理由"), blank=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(triad__isnull=False, status__in=["pending", "active"]),
                name="org_one_triad_role_per_person",
                violation_error_message=_("三员角色不得由同一人兼任 / one person may not hold two of the three 三员 roles"),
            ),
            models.UniqueConstraint(
                fields=["person", "role", "department"],
                condition=Q(status__in=["pending", "active"]),
                name="org_role_assignment_unique_open",
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.role}"
