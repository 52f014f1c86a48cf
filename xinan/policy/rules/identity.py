"""Checks over login accounts (xinan's own accounts; other systems come with their registers).

- p04.3-a 管理员口令每十五天更换: an administrator's password older than the administrators'
  age (``identity.password.admin_max_age_days``; administrator = an active role with
  ``is_administrator``, the 三员 included).
- p02.3.2-a 密码修改间隔≤一个月: anyone else's password older than ``identity.password.max_age_days``.
- p21.5.1.5-c 半年内账户密码应变更: any password older than the pack's ``max_age`` (P6M).
- p27.2.12-b 密码分级管理: an account of a role that requires a second factor without one.
- p04.4-b 所有帐号都有口令: an enabled account without a usable password.
- p10.38-b 及时删除或者禁用离岗人员系统账户: an enabled account of a person who left longer
  ago than ``within``.
A password never recorded as changed counts as stale from the account's creation.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from xinan.identity.models import User
from xinan.org.models import Person, RoleAssignment

from .. import pack
from ..checks import check

ACCOUNT_SUBJECTS = ("identity.user", "org.person", "org.roleassignment", "core.parameter")
USER = "identity.user"
# A change of a person or of their grants reaches only that person's accounts.
VIA = {"org.person": ("person",), "org.roleassignment": ("person__role_assignments",)}
VIA_PERSON = {"org.person": ("person",)}


def _accounts():
    """Enabled accounts, except those of people who left (p10.38-b reports those)."""
    return User.objects.filter(is_active=True).exclude(person__status=Person.Status.LEFT)


def _grants(**role_filter):
    return RoleAssignment.objects.filter(person_id=OuterRef("person_id"), status="active", **role_filter)


def _label(row) -> str:
    name = row.get("person__name")
    return f"{row['username']}({name})" if name else row["username"]


def _day(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}"


FIELDS = ("pk", "username", "password_changed_at", "created_at", "person__name", "person__employee_no")


def _stale(ctx, max_age, administrators: bool | None, who_zh: str, who_en: str):
    cutoff = max_age.before(ctx.as_of)
    qs = _accounts()
    if administrators is not None:
        qs = qs.annotate(admin=Exists(_grants(role__is_administrator=True))).filter(admin=administrators)
    qs = ctx.only(qs.filter(Q(password_changed_at__lt=cutoff) | Q(password_changed_at__isnull=True)))
    findings = []
    for row in qs.values(*FIELDS):
        changed = row["password_changed_at"]
        if changed is None:
            zh = f"{who_zh}账号 {_label(row)} 从未修改口令,口令更换周期为{max_age.label()}"
            en = f"{who_en}account {row['username']}: password never recorded as changed (rotation {max_age.iso()})"
        else:
            zh = f"{who_zh}账号 {_label(row)} 的口令最后修改于 {_day(changed)},已超过{max_age.label()}的更换周期"
            en = f"{who_en}account {row['username']}: password last changed {_day(changed)}, older than {max_age.iso()}"
        findings.append(ctx.found(
            (USER, row["pk"], _label(row)), zh, en,
            since=max_age.after(changed) if changed else row["created_at"],
            evidence={"password_changed_at": changed, "max_age": max_age.iso()},
        ))
    return findings


@check("p04.3-a", severity="violation", subjects=ACCOUNT_SUBJECTS, narrow=USER, via=VIA)
def admin_passwords_stale(ctx):
    """管理员口令每十五天更换:管理员(含三员)口令超过管理员口令有效期未修改。"""
    return _stale(ctx, pack.param("p04.3-a", "cadence"), True, "管理员", "administrator ")


@check("p02.3.2-a", severity="violation", subjects=ACCOUNT_SUBJECTS, narrow=USER, via=VIA)
def user_passwords_stale(ctx):
    """密码修改间隔不得超过一个月:非管理员账号口令超过有效期未修改。"""
    return _stale(ctx, pack.param("p02.3.2-a", "max_interval"), False, "", "")


@check("p21.5.1.5-c", severity="violation", subjects=ACCOUNT_SUBJECTS, narrow=USER, via=VIA)
def passwords_older_than_half_year(ctx):
    """半年内账户密码应变更:任何账号口令超过半年未修改。"""
    return _stale(ctx, pack.param("p21.5.1.5-c", "max_age"), None, "", "")


@check("p27.2.12-b", severity="warning", subjects=ACCOUNT_SUBJECTS, narrow=USER, via=VIA)
def second_factor_missing(ctx):
    """密码分级管理:须双因素认证的角色(三员)的账号尚未启用双因素认证。"""
    needs = _grants(role__requires_mfa=True)
    qs = ctx.only(_accounts().filter(mfa_enabled=False).annotate(needs=Exists(needs)).filter(needs=True))
    rows = list(qs.values(*FIELDS, "person_id"))
    roles = {}
    for grant in (RoleAssignment.objects.filter(person_id__in=[r["person_id"] for r in rows], status="active",
                                                role__requires_mfa=True)
                  .order_by("decided_at").values("person_id", "role__code", "decided_at")):
        roles.setdefault(grant["person_id"], []).append(grant)
    findings = []
    for row in rows:
        held = roles.get(row["person_id"], [])
        codes = [g["role__code"] for g in held]
        since = next((g["decided_at"] for g in held if g["decided_at"]), row["created_at"])
        findings.append(ctx.found(
            (USER, row["pk"], _label(row)),
            f"账号 {_label(row)} 担任须双因素认证的角色({', '.join(codes)}),尚未启用双因素认证",
            f"account {row['username']} holds {', '.join(codes)}, which needs a second factor; none is enrolled",
            since=since, evidence={"roles": codes, "mfa_enabled": False},
        ))
    return findings


@check("p04.4-b", severity="violation", subjects=("identity.user", "org.person"), narrow=USER, via=VIA_PERSON)
def accounts_without_password(ctx):
    """所有帐号都有口令:启用的账号没有可用口令。"""
    qs = ctx.only(_accounts().filter(Q(password="") | Q(password__startswith="!")))
    return [ctx.found((USER, r["pk"], _label(r)),
                      f"账号 {_label(r)} 已启用但没有可用口令",
                      f"account {r['username']} is enabled without a usable password",
                      since=r["created_at"], evidence={"username": r["username"]})
            for r in qs.values(*FIELDS)]


@check("p10.38-b", severity="violation", subjects=("identity.user", "org.person", "core.parameter"), narrow=USER,
       via=VIA_PERSON)
def departed_accounts_enabled(ctx):
    """及时删除或者禁用离岗人员系统账户:已离职人员的账号仍处于启用状态。"""
    within = pack.param("p10.38-b", "within")
    cutoff = within.before(ctx.as_of)
    qs = ctx.only(User.objects.filter(is_active=True, person__status=Person.Status.LEFT)
                  .filter(Q(person__status_changed_at__lt=cutoff) | Q(person__status_changed_at__isnull=True)))
    findings = []
    for r in qs.values(*FIELDS, "person__left_on", "person__status_changed_at"):
        left_at = r["person__status_changed_at"]
        findings.append(ctx.found(
            (USER, r["pk"], _label(r)),
            f"{r['person__name']}({r['person__employee_no']})已于 {r['person__left_on']} 离职,账号 {r['username']} 仍未停用",
            f"{r['person__employee_no']} left on {r['person__left_on']}; account {r['username']} is still enabled",
            since=within.after(left_at) if left_at else None,
            evidence={"left_on": r["person__left_on"], "within": within.iso()},
        ))
    return findings
