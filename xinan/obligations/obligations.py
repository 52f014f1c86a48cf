"""The obligations xinan can follow today, over the records it keeps.

- ``p04.3-a.admin_password`` 管理员口令每十五天更换: a rolling cycle per administrator account
  (an active grant of a role with ``is_administrator``, the 三员 included), due ``cadence``
  (the pack binds it to ``identity.password.admin_max_age_days``) after the last password
  change; met only by the change itself (the account is the evidence), never by hand.
- ``p15.2.11.access_review`` 定期检查用户访问授权: once per calendar period (pack parameter
  ``p15.2.11.review_cadence``, a quarter by default) the security administrator reviews users'
  access and grants and records what was found as the task's comment.
- ``p10.38-b.departed_accounts`` 及时删除或者禁用离岗人员系统账户: a deadline opened by each
  departure, due ``within`` (pack ``p10.38-b.within``, one hour) after it, for the system
  administrator; met by the disabled account (xinan disables it in the departure's own
  transaction, so it is normally met at once); a person without a xinan account leaves the task
  open for the administrator to confirm, with a comment, that their other accounts are closed.
- ``policy.attestation_renewal``: an approved attestation (合规声明, issue point 5) is renewed
  before it lapses: a month before its period ends the security administrator gets the task,
  met by a newer approved statement for the same clause covering the day after.
"""

from datetime import datetime, time, timedelta

from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinan.identity.models import User
from xinan.org.models import Person, RoleAssignment
from xinan.policy.models import Attestation

from .registry import Evidence, Subject, obligation


@obligation("p04.3-a.admin_password", clauses=["p04.3-a"], cadence=("p04.3-a", "cadence"), rolling=True,
            assignee={"subject": True}, manual=False, open_before="P5D", remind_before="P3D", report_overdue=False,
            title=_("更换管理员口令"), title_en="Change the administrator password")
def admin_passwords(ctx):
    """管理员口令每十五天更换 (p04.3-a): one cycle per administrator account since its last change."""
    administrator = RoleAssignment.objects.filter(person_id=OuterRef("person_id"), status=RoleAssignment.Status.ACTIVE,
                                                  role__is_administrator=True)
    rows = (User.objects.filter(is_active=True, person__status=Person.Status.ACTIVE).filter(Exists(administrator))
            .values("pk", "username", "person_id", "person__name", "person__department_id", "password_changed_at",
                    "created_at"))
    subjects = []
    for r in rows:
        since = r["password_changed_at"] or r["created_at"]
        label = f"{r['username']}({r['person__name']})"
        subjects.append(Subject("identity.user", r["pk"], label, cycle_start=since, person_id=r["person_id"],
                                department_id=r["person__department_id"],
                                evidence=Evidence("identity.user", r["pk"], f"{r['username']} 口令修改于 "
                                                  f"{timezone.localtime(since):%Y-%m-%d %H:%M}")))
    return subjects


@obligation("p15.2.11.access_review", clauses=["p15.2.11"], cadence=("p15.2.11", "review_cadence"),
            assignee={"role": "security_admin"}, evidence_register=None,
            title=_("检查用户访问与授权情况"), title_en="Review users' access and grants")
def access_review(ctx, tasks):
    """定期检查用户访问授权 (p15.2.11): met by hand; the comment records what the review found."""
    return {}


@obligation("p10.38-b.departed_accounts", clauses=["p10.38-b"], within=("p10.38-b", "within"),
            assignee={"role": "system_admin"}, remind_before="PT30M", second_after="PT4H", trigger="org.person_departed",
            title=_("停用离岗人员的系统账户"), title_en="Disable the departed person's accounts")
def departed_accounts(ctx, tasks):
    """及时删除或者禁用离岗人员系统账户 (p10.38-b): met by the leaver's disabled xinan account."""
    people = {int(pid): pk for pk, pid in tasks.filter(subject_type="org.person").values_list("pk", "subject_id")}
    met = {}
    for user in User.objects.filter(person_id__in=list(people), is_active=False):
        met[people[user.person_id]] = Evidence("identity.user", user.pk, f"{user.username} 已停用")
    return met


def on_person_departed(sender, person, job_change, actor, **kwargs):
    """Open the p10.38-b deadline in the departure's transaction."""
    from .services import task_open

    task_open("p10.38-b.departed_accounts",
              Subject("org.person", person.pk, str(person), cycle_start=job_change.effective_at,
                      department_id=person.department_id),
              at=job_change.effective_at, actor=actor)


def _lapse_day(task):
    return timezone.localdate(task.due_at)


def _renewal_evidence(task) -> Q:
    day = _lapse_day(task)
    return Q(clause=task.clause, status=Attestation.Status.APPROVED, period_start__lte=day, period_end__gte=day)


@obligation("policy.attestation_renewal", clauses=[], cadence="P1Y", rolling=True,
            assignee={"role": "security_admin"}, evidence_register="attestations", evidence_filter=_renewal_evidence,
            open_before="P1M", remind_before="P2W", report_overdue=False,
            title=_("续签合规声明"), title_en="Renew the attestation")
def attestation_renewals(ctx):
    """合规声明到期前续签: per clause, the latest approved statement lapses after its period."""
    approved = Attestation.objects.filter(status=Attestation.Status.APPROVED, archived_at__isnull=True)
    latest = dict(approved.values("clause").annotate(last=Max("period_end")).values_list("clause", "last"))
    chosen = {}
    for a in approved.filter(clause__in=list(latest), period_end__in=set(latest.values())).order_by("decided_at"):
        if a.period_end == latest[a.clause]:
            chosen[a.clause] = a  # the last decided of the latest-ending ones
    from xinan.policy import catalogue

    cat = catalogue.load()
    subjects = []
    for clause, a in chosen.items():
        title = cat.get(clause).title if clause in cat else ""
        lapse = timezone.make_aware(datetime.combine(a.period_end + timedelta(days=1), time.min))
        subjects.append(Subject("policy.clause", clause, f"{clause} {title}", cycle_start=a.decided_at or a.created_at,
                                due_at=lapse, evidence=Evidence.of(a), clause=clause))
    return subjects
