"""Checks over the organisation: 三员 never combined and never vacant, posts with duties, role
grants left pending.

- p08.10.4-b 三员不得兼任,权限相互独立、相互制约: a person with two 三员 roles (pending or active
  grants), and 三员 roles whose powers overlap (permissions other than ``.view``).
- p08.10.4-a 配备三员: each of the three roles held by an active person.
- p21.5.1.2-b 专责的工作职责应明确界定: a post in use without its duties.
- p15.2.11 及时发现和限制非授权访问 (in part): a grant left pending past ``pending_grant_max_age``.
"""

from itertools import combinations, groupby
from operator import itemgetter

from django.db.models import Count, Max, Q, Subquery
from django.db.models.functions import Trim
from django.utils import timezone

from xinan.org.models import Person, Post, Role, RoleAssignment, Triad

from .. import pack
from ..checks import check

OPEN_GRANT = ("pending", "active")
ORG_SUBJECTS = ("org.roleassignment", "org.role", "org.person")


def _covers(granted: str, wanted: str) -> bool:
    """The permission-pattern rule of ``xinan.org.permissions``: exact, ``*`` or ``app.*``."""
    return granted == wanted or granted == "*" or (granted.endswith(".*") and wanted.startswith(granted[:-1]))


def _day(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}"


def _powers(permissions) -> list[str]:
    return [p for p in permissions or [] if not p.endswith(".view")]


def _overlap(a, b) -> list[str]:
    """Powers of ``a`` that ``b`` also grants (patterns such as ``org.*`` or ``*`` included)."""
    mine, theirs = _powers(a), _powers(b)
    return sorted({p for p in mine for q in theirs if _covers(q, p) or _covers(p, q)})


@check("p08.10.4-b", severity="violation", subjects=ORG_SUBJECTS)
def triad_combined(ctx):
    """三员不得兼任:一人同时担任(或待批)两个三员角色,或三员角色的权限相互重叠。"""
    grants = RoleAssignment.objects.filter(status__in=OPEN_GRANT, role__triad__isnull=False)
    combined = grants.values("person_id").annotate(n=Count("role__triad", distinct=True)).filter(n__gt=1)
    rows = list(grants.filter(person_id__in=Subquery(combined.values("person_id"))).order_by("person_id", "requested_at")
                .values("pk", "person_id", "person__name", "person__employee_no", "role__code", "role__name",
                        "role__triad", "status", "requested_at", "decided_at"))
    findings = []
    for person_id, held in groupby(rows, key=itemgetter("person_id")):
        held = list(held)
        started = {}
        for g in held:
            started.setdefault(g["role__triad"], g["decided_at"] or g["requested_at"])
        since = sorted(started.values())[1]  # the moment a second 三员 role was added
        names = "、".join(dict.fromkeys(g["role__name"] for g in held))
        codes = ", ".join(dict.fromkeys(g["role__code"] for g in held))
        label = f"{held[0]['person__name']}({held[0]['person__employee_no']})"
        findings.append(ctx.found(
            ("org.person", person_id, label),
            f"{label} 同时担任三员角色:{names}(三员不得兼任)",
            f"{held[0]['person__employee_no']} holds more than one 三员 role: {codes}",
            since=since,
            evidence={"grants": [{"id": g["pk"], "role": g["role__code"], "status": g["status"]} for g in held]},
        ))
    roles = list(Role.objects.filter(triad__isnull=False).order_by("code").values("pk", "code", "name", "permissions"))
    for a, b in combinations(roles, 2):
        shared = _overlap(a["permissions"], b["permissions"])
        if shared:
            findings.append(ctx.found(
                ("org.role", a["pk"], f"{a['name']} / {b['name']}"),
                f"三员角色权限重叠:{a['name']}与{b['name']}均有 {', '.join(shared)}(权限应相互独立)",
                f"三员 roles {a['code']} and {b['code']} share powers: {', '.join(shared)}",
                key=b["code"], evidence={"roles": [a["code"], b["code"]], "permissions": shared},
            ))
    return findings


@check("p08.10.4-a", severity="violation", subjects=ORG_SUBJECTS)
def triad_vacant(ctx):
    """配备三员:系统管理员、安全保密管理员、安全审计员均须有在岗人员担任。"""
    held = set(RoleAssignment.objects.filter(status="active", role__triad__isnull=False,
                                             person__status=Person.Status.ACTIVE)
               .order_by().values_list("role__triad", flat=True).distinct())  # DISTINCT over the triads only
    vacant = [t for t in Triad.values if t not in held]
    if not vacant:
        return []
    roles = {r["triad"]: r for r in Role.objects.filter(triad__in=vacant).values("pk", "triad", "name")}
    ended = dict(RoleAssignment.objects.filter(role__triad__in=vacant, status="revoked").values("role__triad")
                 .annotate(last=Max("revoked_at")).values_list("role__triad", "last"))
    findings = []
    for triad in vacant:
        role = roles.get(triad, {"pk": triad, "name": Triad(triad).label})
        findings.append(ctx.found(
            ("org.role", role["pk"], role["name"]),
            f"三员岗位空缺:没有在岗人员担任{role['name']}",
            f"三员 post vacant: no active person holds {triad}",
            since=ended.get(triad), evidence={"triad": triad, "last_revoked_at": ended.get(triad)},
        ))
    return findings


@check("p21.5.1.2-b", severity="warning", subjects=("org.post",), narrow="org.post")
def posts_without_duties(ctx):
    """岗位职责须明确界定:在用岗位未填写岗位职责。"""
    posts = ctx.only(Post.objects.filter(archived_at__isnull=True).annotate(d=Trim("duties")).filter(Q(d="") | Q(d__isnull=True)))
    return [ctx.found(("org.post", p["pk"], f"{p['name']}({p['code']})"),
                      f"岗位 {p['name']}({p['code']})未填写岗位职责",
                      f"post {p['code']} has no recorded duties",
                      evidence={"code": p["code"]})
            for p in posts.values("pk", "code", "name")]


@check("p15.2.11", severity="warning", subjects=("org.roleassignment", "core.parameter"), narrow="org.roleassignment")
def grants_left_pending(ctx):
    """授权申请长期未审批:角色授权待批准超过规定时限(pending_grant_max_age)。"""
    limit = pack.param("p15.2.11", "pending_grant_max_age")
    late = ctx.only(RoleAssignment.objects.filter(status="pending", requested_at__lt=limit.before(ctx.as_of)))
    rows = late.values("pk", "requested_at", "person__name", "person__employee_no", "role__code", "role__name")
    return [ctx.found(
        ("org.roleassignment", r["pk"], f"{r['person__name']} — {r['role__name']}"),
        f"{r['person__name']}({r['person__employee_no']})的{r['role__name']}授权申请自 {_day(r['requested_at'])} 起待批准,超过{limit.label()}",
        f"grant of {r['role__code']} to {r['person__employee_no']} pending since {_day(r['requested_at'])}, longer than {limit.iso()}",
        since=limit.after(r["requested_at"]),
        evidence={"role": r["role__code"], "requested_at": r["requested_at"], "limit": limit.iso()},
    ) for r in rows]
