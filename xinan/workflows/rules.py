"""Who may act at a step, and which steps one person may not both act at.

Actor rules (a step's ``actor``): ``{role: code}`` any active holder of the role;
``{post: code}`` any active person in that post; ``{relation: requester}`` the requester;
``{relation: requester_department_head}`` a holder of the ``department_head`` role whose grant is
for the requester's department (or, for a grant without a department, whose own department it
is); ``{relation: deputy_gm}`` a holder of the ``deputy_gm`` role.

Separation (p20.1.6 不相容岗位相互分离): the five incompatible duties of 篇20 are pairs of step
kinds; the request counts as 授权 (the requester asks for the authority the approver grants).
Holders of the same 三员 role count as one person for these pairs (p08.10.4-b 三员相互制约: a
system administrator's execution is not checked by another system administrator).
"""

from dataclasses import dataclass, field

from django.db.models import Q

from xinan.org.models import Person, RoleAssignment

from .models import ActorKind, Relation, StepKind

# (kind, kind, zh, en): 篇20 p20.1.6 不相容岗位:授权与批准、批准与执行、执行与监督、审核与记录、记录与检查
INCOMPATIBLE = (
    (StepKind.REQUEST, StepKind.APPROVE, "授权与批准", "authorise / approve"),
    (StepKind.APPROVE, StepKind.EXECUTE, "批准与执行", "approve / execute"),
    (StepKind.EXECUTE, StepKind.CHECK, "执行与监督", "execute / supervise"),
    (StepKind.REVIEW, StepKind.RECORD, "审核与记录", "review / record"),
    (StepKind.RECORD, StepKind.CHECK, "记录与检查", "record / check"),
)
INCOMPATIBLE_CLAUSE = "p20.1.6"
TRIAD_CLAUSE = "p08.10.4-b"

DEPARTMENT_HEAD_ROLE = "department_head"
DEPUTY_GM_ROLE = "deputy_gm"

# The decisions each step kind accepts (besides comments).
DECISIONS = {
    StepKind.APPROVE: ("approve", "reject"),
    StepKind.REVIEW: ("approve", "reject"),
    StepKind.CHECK: ("approve", "reject"),
    StepKind.EXECUTE: ("execute", "reject"),
    StepKind.RECORD: ("execute", "reject"),
}
# Decisions that make the actor a participant of their step (for the separation rules).
ACTING = ("start", "approve", "reject", "execute")


def incompatible_pairs():
    """[(kind_a, kind_b, rule, label_zh, label_en)] with both orders."""
    out = []
    for a, b, zh, en in INCOMPATIBLE:
        rule = f"{a}_{b}"
        out.append((str(a), str(b), rule, zh, en))
        out.append((str(b), str(a), rule, zh, en))
    return out


@dataclass
class Facts:
    """What the actor rules need to know about one user, read in one query."""

    user_id: int | None
    active: bool = False
    person_id: int | None = None
    department_id: int | None = None
    post_code: str | None = None
    roles: set[str] = field(default_factory=set)
    head_of: set[int] = field(default_factory=set)
    triad: str = ""


def facts(user) -> Facts:
    """The user's active roles, the departments they head, their post and 三员 role (cached)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Facts(None)
    cached = getattr(user, "_xinan_workflow_facts", None)
    if cached is not None:
        return cached
    result = Facts(user.pk)
    person_id = getattr(user, "person_id", None)
    if user.is_active and person_id:
        rows = list(Person.objects.filter(pk=person_id, status=Person.Status.ACTIVE)
                    .values("department_id", "post__code", "post__archived_at"))
        if rows:
            result.active, result.person_id = True, person_id
            result.department_id = rows[0]["department_id"]
            result.post_code = rows[0]["post__code"] if rows[0]["post__archived_at"] is None else None
            grants = RoleAssignment.objects.filter(person_id=person_id, status=RoleAssignment.Status.ACTIVE)
            for code, department_id, triad in grants.values_list("role__code", "department_id", "role__triad"):
                result.roles.add(code)
                if code == DEPARTMENT_HEAD_ROLE:
                    result.head_of.add(department_id or result.department_id)
                if triad:
                    result.triad = triad
    user._xinan_workflow_facts = result
    return result


def forget(user) -> None:
    if user is not None and hasattr(user, "_xinan_workflow_facts"):
        del user._xinan_workflow_facts


def matches(f: Facts, step, *, requester_id, requester_department_id) -> bool:
    """Does the actor rule of ``step`` name this user, for an instance with this requester?"""
    if not f.active:
        return False
    kind, value = step.actor_kind, step.actor_value
    if kind == ActorKind.ANY:
        return True
    if kind == ActorKind.ROLE:
        return value in f.roles
    if kind == ActorKind.POST:
        return f.post_code is not None and f.post_code == value
    if value == Relation.REQUESTER:
        return f.user_id == requester_id
    if value == Relation.REQUESTER_DEPARTMENT_HEAD:
        return requester_department_id is not None and requester_department_id in f.head_of
    if value == Relation.DEPUTY_GM:
        return DEPUTY_GM_ROLE in f.roles
    return False


def candidate_q(f: Facts, prefix: str = "current_step__") -> Q:
    """The instances (``WorkflowInstance`` rows) whose current step's actor rule names this user,
    as one condition: the inbox is one query, never the rule called per instance."""
    if not f.active:
        return Q(pk__in=[])
    k, v = f"{prefix}actor_kind", f"{prefix}actor_value"
    q = Q(**{k: ActorKind.ROLE, f"{v}__in": sorted(f.roles)})
    if f.post_code:
        q |= Q(**{k: ActorKind.POST, v: f.post_code})
    q |= Q(**{k: ActorKind.RELATION, v: Relation.REQUESTER}, requester_id=f.user_id)
    if f.head_of:
        q |= Q(**{k: ActorKind.RELATION, v: Relation.REQUESTER_DEPARTMENT_HEAD},
               requester_department_id__in=sorted(f.head_of))
    if DEPUTY_GM_ROLE in f.roles:
        q |= Q(**{k: ActorKind.RELATION, v: Relation.DEPUTY_GM})
    return q


def holders(step, *, requester_id, requester_department_id):
    """The accounts the step's actor rule names (for the detail page and the start check)."""
    from xinan.identity.models import User

    users = User.objects.filter(is_active=True, person__status=Person.Status.ACTIVE)
    kind, value = step.actor_kind, step.actor_value
    if kind == ActorKind.ANY:
        return users
    if kind == ActorKind.POST:
        return users.filter(person__post__code=value, person__post__archived_at__isnull=True)
    if kind == ActorKind.RELATION and value == Relation.REQUESTER:
        return users.filter(pk=requester_id)
    if kind == ActorKind.RELATION and value == Relation.REQUESTER_DEPARTMENT_HEAD:
        heads = RoleAssignment.objects.filter(role__code=DEPARTMENT_HEAD_ROLE, status=RoleAssignment.Status.ACTIVE).filter(
            Q(department_id=requester_department_id)
            | Q(department__isnull=True, person__department_id=requester_department_id))
        return users.filter(person__in=heads.values("person_id"))
    role = DEPUTY_GM_ROLE if kind == ActorKind.RELATION else value
    grants = RoleAssignment.objects.filter(role__code=role, status=RoleAssignment.Status.ACTIVE)
    return users.filter(person__in=grants.values("person_id"))


def describe(step) -> str:
    """The actor rule in words (Chinese, as the definitions are written)."""
    if step.actor_kind == ActorKind.ANY:
        return str(ActorKind.ANY.label)
    if step.actor_kind == ActorKind.RELATION:
        return str(Relation(step.actor_value).label) if step.actor_value in Relation.values else step.actor_value
    if step.actor_kind == ActorKind.ROLE:
        from xinan.org.models import Role

        name = Role.objects.filter(code=step.actor_value).values_list("name", flat=True).first()
        return f"{ActorKind.ROLE.label}:{name or step.actor_value}"
    return f"{ActorKind.POST.label}:{step.actor_value}"
