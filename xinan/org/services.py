"""Every write to the organisation: departments, posts, people, job changes, role grants.

三员 separation (p21.5.1.1, p20.*): one person never holds two of the three 三员 roles. The rule is
checked here with a clear message and enforced again by the database (a partial unique index on
``RoleAssignment`` and a trigger keeping ``triad`` equal to the role's), whatever the entry point.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record, snapshot
from xinan.core.services import instance_archive, instance_create, instance_update, require

from . import permissions
from .models import Department, JobChange, Person, Post, Role, RoleAssignment, Triad
from .roles import BUILTIN_ROLES
from .signals import person_departed, person_transferred

# --- departments -------------------------------------------------------------------------


def _check_parent(department: Department, parent: Department | None) -> None:
    node = parent
    while node is not None:
        if node.pk == department.pk:
            raise ValidationError({"parent": _("上级部门不能是本部门或其下级 / a department cannot sit under itself")})
        node = node.parent
    if parent is not None and parent.archived_at:
        raise ValidationError({"parent": _("上级部门已归档 / the parent department is archived")})


def department_create(actor, *, reason: str = "", **data) -> Department:
    parent = data.get("parent")
    if parent is not None and parent.archived_at:
        raise ValidationError({"parent": _("上级部门已归档 / the parent department is archived")})
    return instance_create(actor, Department, data, reason=reason)


def department_update(actor, department: Department, *, reason: str = "", **data) -> Department:
    if "parent" in data:
        _check_parent(department, data["parent"])
    return instance_update(actor, department, data, department_field="self", reason=reason)


def department_archive(actor, department: Department, *, reason: str = "") -> Department:
    if department.people.filter(status=Person.Status.ACTIVE).exists():
        raise ValidationError(_("部门仍有在岗人员,不能归档 / the department still has active people"))
    if department.children.filter(archived_at__isnull=True).exists():
        raise ValidationError(_("部门仍有未归档的下级部门 / the department still has open sub-departments"))
    return instance_archive(actor, department, department_field="self", reason=reason)


# --- posts ---------------------------------------------------------------------------------


def post_create(actor, *, reason: str = "", **data) -> Post:
    return instance_create(actor, Post, data, department_field="department", reason=reason)


def post_update(actor, post: Post, *, reason: str = "", **data) -> Post:
    return instance_update(actor, post, data, department_field="department", reason=reason)


def post_archive(actor, post: Post, *, reason: str = "") -> Post:
    if post.people.filter(status=Person.Status.ACTIVE).exists():
        raise ValidationError(_("岗位仍有在岗人员,不能归档 / people still hold this post"))
    return instance_archive(actor, post, department_field="department", reason=reason)


# --- people --------------------------------------------------------------------------------


def _check_placement(department: Department | None, post: Post | None) -> None:
    if department is not None and department.archived_at:
        raise ValidationError({"department": _("部门已归档 / the department is archived")})
    if post is not None and post.archived_at:
        raise ValidationError({"post": _("岗位已归档 / the post is archived")})


def person_create(actor, *, reason: str = "", **data) -> Person:
    _check_placement(data.get("department"), data.get("post"))
    status = data.setdefault("status", Person.Status.ACTIVE)
    if status != Person.Status.ACTIVE:
        raise ValidationError({"status": _("新登记人员须为在岗状态 / a new person starts as active")})
    with audited_write():
        person = instance_create(actor, Person, data, department_field="department", reason=reason)
        JobChange(person=person, kind=JobChange.Kind.JOINED, effective_at=timezone.now(),
                  to_department=person.department, to_post=person.post).save()
    return person


def person_update(actor, person: Person, *, reason: str = "", **data) -> Person:
    """Edits contact and descriptive fields. Department, post and status change only through
    ``person_transfer`` and ``person_depart``, which record the job change."""
    moved = {k for k in ("department", "post", "status") if k in data and data[k] != getattr(person, k)}
    if moved:
        raise ValidationError({k: _("请通过调岗或离职办理 / use transfer or departure to change this") for k in moved})
    data = {k: v for k, v in data.items() if k not in ("department", "post", "status")}
    return instance_update(actor, person, data, department_field="department", reason=reason)


def person_transfer(actor, person: Person, *, department: Department, post: Post | None = None,
                    effective_at=None, reason: str = "") -> JobChange:
    """调离岗位: moves a person to another department/post and tells subscribers."""
    require(actor, "org.person.change", person.department_id)
    require(actor, "org.person.change", department.pk)
    if person.status == Person.Status.LEFT:
        raise ValidationError(_("已离职人员不能调岗 / a person who has left cannot be transferred"))
    _check_placement(department, post)
    if department == person.department and post == person.post:
        raise ValidationError(_("新部门与岗位与当前相同 / the new placement equals the current one"))
    effective_at = effective_at or timezone.now()
    with audited_write():
        before = snapshot(person, ["department", "post", "status"])
        change = JobChange(person=person, kind=JobChange.Kind.TRANSFERRED, effective_at=effective_at,
                           from_department=person.department, to_department=department,
                           from_post=person.post, to_post=post, reason=reason)
        change.save()
        person.department, person.post = department, post
        person.status_changed_at = effective_at
        person.save(update_fields=["department", "post", "status_changed_at"])
        record(actor, "org.person.transfer", person, before=before,
               after=snapshot(person, ["department", "post", "status"]), reason=reason)
        person_transferred.send(sender=Person, person=person, job_change=change, actor=actor)
    return change


def person_depart(actor, person: Person, *, effective_at=None, reason: str = "") -> JobChange:
    """离职: the person leaves; their grants end and subscribers revoke what else they hold."""
    require(actor, "org.person.change", person.department_id)
    if person.status == Person.Status.LEFT:
        raise ValidationError(_("该人员已离职 / the person has already left"))
    effective_at = effective_at or timezone.now()
    with audited_write():
        before = snapshot(person, ["status", "left_on"])
        change = JobChange(person=person, kind=JobChange.Kind.LEFT, effective_at=effective_at,
                           from_department=person.department, from_post=person.post, reason=reason)
        change.save()
        person.status = Person.Status.LEFT
        person.left_on = timezone.localdate(effective_at)
        person.status_changed_at = effective_at
        person.save(update_fields=["status", "left_on", "status_changed_at"])
        record(actor, "org.person.depart", person, before=before, after=snapshot(person, ["status", "left_on"]),
               reason=reason)
        for assignment in person.role_assignments.filter(status__in=["pending", "active"]):
            _close_assignment(actor, assignment, RoleAssignment.Status.REVOKED, _("人员离职 / person left"))
        person_departed.send(sender=Person, person=person, job_change=change, actor=actor)
    return change


def person_archive(actor, person: Person, *, reason: str = "") -> Person:
    if person.status != Person.Status.LEFT:
        raise ValidationError(_("只能归档已离职人员 / only people who have left can be archived"))
    return instance_archive(actor, person, department_field="department", reason=reason)


# --- roles ---------------------------------------------------------------------------------


def roles_sync_builtin() -> None:
    """Create the built-in roles, or bring their permissions up to date (after each migrate)."""
    with audited_write():
        for spec in BUILTIN_ROLES:
            spec = {k: (str(v) if k in ("name", "description") else v) for k, v in spec.items()}
            role = Role.objects.filter(code=spec["code"]).first()
            if role is None:
                role = Role(builtin=True, **spec)
                role.save()
                record(None, "org.role.create", role, after=snapshot(role))
                continue
            before = snapshot(role)
            for key, value in spec.items():
                setattr(role, key, value)
            after = snapshot(role)
            if before != after:
                role.save()
                record(None, "org.role.update", role, before=before, after=after)


def _refuse_triad_conflict(person: Person, role: Role) -> None:
    if not role.triad:
        return
    held = RoleAssignment.objects.filter(person=person, triad__isnull=False, status__in=["pending", "active"])
    other = held.exclude(triad=role.triad).select_related("role").first()
    if other is not None:
        raise ValidationError(
            _("三员分离:%(person)s 已担任或待批%(held)s,不得再兼任%(role)s / separation of duties: "
              "%(person)s already holds %(held)s and may not also hold %(role)s")
            % {"person": person, "held": other.role.name, "role": role.name}
        )


def _refusal(actor, action: str, subject, error: Exception, *, after: dict, reason: str) -> None:
    """A refused grant is itself an audit event (its own transaction: the grant wrote nothing)."""
    with audited_write():
        record(actor, action, subject, after={**after, "refused": "; ".join(getattr(error, "messages", [str(error)]))},
               reason=reason)


def role_grant_request(actor, *, person: Person, role: Role, department: Department | None = None,
                       reason: str = "") -> RoleAssignment:
    """授权申请: the security administrator proposes a role for a person; another approves it.

    Refusals (no permission, 三员 conflict, a grant to oneself) are audited as
    ``org.role.grant_refused`` and raised."""
    attempt = {"person": person.pk, "role": role.code, "department": department.pk if department else None}
    try:
        require(actor, "org.role.grant")
        if person.status != Person.Status.ACTIVE:
            raise ValidationError(_("只能向在岗人员授权 / roles go only to active people"))
        if actor is not None and actor.person_id == person.pk:
            raise ValidationError(_("不得为本人申请角色 / you may not request a role for yourself"))
        _refuse_triad_conflict(person, role)
        if RoleAssignment.objects.filter(person=person, role=role, department=department,
                                         status__in=["pending", "active"]).exists():
            raise ValidationError(_("该人员已有此角色或待批申请 / the person already holds or awaits this role"))
    except (ValidationError, PermissionDenied) as exc:
        _refusal(actor, "org.role.grant_refused", person, exc, after=attempt, reason=reason)
        raise
    try:
        with audited_write():
            assignment = RoleAssignment(person=person, role=role, department=department, triad=role.triad,
                                        requested_by=actor, reason=reason)
            try:
                assignment.save()
            except IntegrityError as exc:
                raise ValidationError(_("三员分离或重复授权,数据库拒绝 / refused by the database: %(e)s") % {"e": exc}) from exc
            record(actor, "org.role.grant_request", assignment, after=snapshot(assignment), reason=reason)
    except ValidationError as exc:
        _refusal(actor, "org.role.grant_refused", person, exc, after=attempt, reason=reason)
        raise
    return assignment


def role_grant_approve(actor, assignment: RoleAssignment, *, reason: str = "") -> RoleAssignment:
    """批准授权: by someone other than the requester and the grantee; refusals are audited."""
    try:
        require(actor, "org.role.approve")
        if assignment.status != RoleAssignment.Status.PENDING:
            raise ValidationError(_("该授权不在待批准状态 / the grant is not pending"))
        if actor is not None and actor.pk == assignment.requested_by_id:
            raise PermissionDenied(_("不得批准本人发起的授权 / you may not approve a grant you requested"))
        if actor is not None and actor.person_id == assignment.person_id:
            raise PermissionDenied(_("不得批准授予本人的角色 / you may not approve a grant to yourself"))
        _refuse_triad_conflict(assignment.person, assignment.role)
    except (ValidationError, PermissionDenied) as exc:
        _refusal(actor, "org.role.approve_refused", assignment, exc,
                 after={"assignment": assignment.pk, "role": assignment.role.code}, reason=reason)
        raise
    with audited_write():
        before = snapshot(assignment, ["status"])
        assignment.status = RoleAssignment.Status.ACTIVE
        assignment.decided_by, assignment.decided_at = actor, timezone.now()
        assignment.save()
        record(actor, "org.role.grant_approve", assignment, before=before,
               after=snapshot(assignment, ["status", "decided_by"]), reason=reason)
    permissions.forget(actor)
    return assignment


def role_grant_reject(actor, assignment: RoleAssignment, *, reason: str = "") -> RoleAssignment:
    require(actor, "org.role.approve")
    if assignment.status != RoleAssignment.Status.PENDING:
        raise ValidationError(_("该授权不在待批准状态 / the grant is not pending"))
    return _close_assignment(actor, assignment, RoleAssignment.Status.REJECTED, reason)


def role_revoke(actor, assignment: RoleAssignment, *, reason: str = "") -> RoleAssignment:
    require(actor, "org.role.grant")
    if assignment.status != RoleAssignment.Status.ACTIVE:
        raise ValidationError(_("只能撤销有效的授权 / only an active grant can be revoked"))
    return _close_assignment(actor, assignment, RoleAssignment.Status.REVOKED, reason)


def _close_assignment(actor, assignment, status, reason):
    with audited_write():
        before = snapshot(assignment, ["status"])
        assignment.status = status
        now = timezone.now()
        if status == RoleAssignment.Status.REVOKED:
            assignment.revoked_at = now
        else:
            assignment.decided_by, assignment.decided_at = actor, now
        assignment.save()
        record(actor, f"org.role.{status}", assignment, before=before, after=snapshot(assignment, ["status"]), reason=reason)
    return assignment


def role_grant_direct(actor, *, person: Person, role: Role, department: Department | None = None,
                      reason: str = "") -> RoleAssignment:
    """Request and approve in one step, for the system itself only (bootstrap, demo, bundles)."""
    if actor is not None:
        raise PermissionDenied(_("直接授权仅限系统初始化 / direct grants are for system bootstrap only"))
    _refuse_triad_conflict(person, role)
    with audited_write():
        assignment = RoleAssignment(person=person, role=role, department=department, triad=role.triad,
                                    status=RoleAssignment.Status.ACTIVE, decided_at=timezone.now(), reason=reason)
        try:
            assignment.save()
        except IntegrityError as exc:
            raise ValidationError(_("三员分离或重复授权,数据库拒绝 / refused by the database: %(e)s") % {"e": exc}) from exc
        record(None, "org.role.grant_direct", assignment, after=snapshot(assignment), reason=reason)
    return assignment


__all__ = [name for name in dir() if name.startswith(("department_", "post_", "person_", "role_", "roles_"))]
