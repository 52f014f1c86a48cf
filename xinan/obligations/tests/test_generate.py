"""Generating tasks: calendar periods (p15.2.11 access review), rolling cycles (p04.3-a
administrator passwords, attestation renewal), idempotence, parameter overrides, and no
per-row query loops."""

from datetime import date, datetime, timedelta

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xinan.audit.models import AuditEvent
from xinan.audit.services import audited_write
from xinan.core.parameters import parameter_set
from xinan.identity import passwords
from xinan.obligations.models import Task
from xinan.obligations.services import tasks_generate
from xinan.policy.services import attestation_approve, attestation_create, attestation_sign

from .conftest import split, tasks

REVIEW = "p15.2.11.access_review"
PASSWORD = "p04.3-a.admin_password"
RENEWAL = "policy.attestation_renewal"


def local(moment):
    return timezone.localtime(moment).replace(tzinfo=None)


def test_calendar_task_for_the_current_quarter_once(make_user):
    """p15.2.11: one review task per quarter for the security administrator; a second run, and a
    run later in the same quarter, create nothing more."""
    make_user("security_admin")
    as_of = timezone.make_aware(datetime(2025, 5, 15, 10))
    result = tasks_generate(as_of, only=[REVIEW])
    assert result.created == 1 and result.by_obligation == {REVIEW: 1}
    [task] = tasks(REVIEW)
    assert (local(task.period_start), local(task.due_at)) == (datetime(2025, 4, 1), datetime(2025, 7, 1))
    assert local(task.remind_at) == datetime(2025, 6, 28)  # P3D before, the default parameter
    assert task.assignee_role.code == "security_admin" and task.scope_key == "role:security_admin"
    assert task.clause == "p15.2.11" and task.status == Task.Status.OPEN
    assert tasks_generate(as_of, only=[REVIEW]).created == 0
    assert tasks_generate(as_of + timedelta(days=30), only=[REVIEW]).created == 0
    assert tasks_generate(timezone.make_aware(datetime(2025, 7, 1, 0, 5)), only=[REVIEW]).created == 1  # next quarter
    assert AuditEvent.objects.filter(action="obligations.task.create").count() == 2


def test_unique_constraint_refuses_a_duplicate(db):
    """Two schedulers racing past the existence test still cannot insert the same task twice."""
    tasks_generate(only=[REVIEW])
    [task] = tasks(REVIEW)
    task.pk = None
    with pytest.raises(IntegrityError), audited_write():
        Task.objects.bulk_create([task])


def test_parameter_override_changes_the_next_due_date(make_user):
    """The organisation reviews monthly instead of quarterly: the next task is due at month end."""
    secadmin = make_user("security_admin")
    as_of = timezone.make_aware(datetime(2025, 5, 15, 10))
    tasks_generate(as_of, only=[REVIEW])
    parameter_set(secadmin, "p15.2.11.review_cadence", "P1M", reason="每月检查")
    tasks_generate(as_of, only=[REVIEW])
    [task] = tasks(REVIEW)  # the open quarterly task is moved onto the current month
    assert (local(task.period_start), local(task.due_at)) == (datetime(2025, 5, 1), datetime(2025, 6, 1))
    assert AuditEvent.objects.filter(action="obligations.task.reschedule", subject_id=str(task.pk)).count() == 1
    tasks_generate(timezone.make_aware(datetime(2025, 6, 2)), only=[REVIEW])
    assert [local(t.due_at) for t in tasks(REVIEW)] == [datetime(2025, 6, 1), datetime(2025, 7, 1)]  # June's


def _admin(make_user, changed_days_ago, **extra):
    user = make_user("system_admin", **extra)
    with audited_write():
        user.password_changed_at = timezone.now() - timedelta(days=changed_days_ago)
        user.save(update_fields=["password_changed_at"])
        from xinan.audit.services import record

        record(None, "test.plant", user)
    return user


def test_admin_password_cycle_and_auto_met(make_user):
    """p04.3-a: a task opens 5 days before the 15 days run out, assigned to the administrator;
    changing the password meets it (the account is the evidence) and starts the next cycle."""
    fresh = _admin(make_user, 2)
    due_soon = _admin(make_user, 12)
    staff = make_user("staff")  # not an administrator: no task
    tasks_generate(only=[PASSWORD])
    [task] = tasks(PASSWORD)
    assert task.assignee_person_id == due_soon.person_id and task.department_id == due_soon.person.department_id
    assert task.due_at == due_soon.password_changed_at + timedelta(days=15)
    assert task.subject_type == "identity.user" and task.subject_id == str(due_soon.pk)
    assert not Task.objects.filter(assignee_person_id__in=[fresh.person_id, staff.person_id]).exists()

    passwords.password_change(due_soon, due_soon, "Xa9#kq2!Lm7z", "Yb8$pr3@Nn6w")
    result = tasks_generate(only=[PASSWORD])
    task.refresh_from_db()
    assert result.met == 1 and task.status == Task.Status.DONE and task.done_by is None
    assert task.evidence_type.model == "user" and task.evidence_id == str(due_soon.pk)
    assert task.done_at == due_soon.password_changed_at
    assert tasks(PASSWORD) == [task]  # the new cycle's task opens 5 days before it is due

    # 30 days instead of 15: an open task is rescheduled, not left to escalate at 15.
    other = _admin(make_user, 11)
    tasks_generate(only=[PASSWORD])
    [open_task] = Task.objects.filter(obligation=PASSWORD, status="open")
    secadmin = make_user("security_admin")
    parameter_set(secadmin, "identity.password.admin_max_age_days", 30, reason="每30天")
    result = tasks_generate(only=[PASSWORD])
    open_task.refresh_from_db()
    assert result.rescheduled == 1 and open_task.due_at == other.password_changed_at + timedelta(days=30)


def test_admin_who_loses_the_role_has_the_task_cancelled(make_user):
    admin = _admin(make_user, 14)
    tasks_generate(only=[PASSWORD])
    from xinan.org.models import RoleAssignment
    from xinan.org.services import role_revoke

    grant = RoleAssignment.objects.get(person=admin.person, status="active")
    role_revoke(make_user("security_admin"), grant, reason="调岗")
    assert tasks_generate(only=[PASSWORD]).cancelled == 1
    assert tasks(PASSWORD)[0].status == Task.Status.CANCELLED


def _approved(people, clause, start, end):
    a = attestation_create(people["secadmin"], clause=clause, signer=people["signer"].person, statement="遵守",
                           evidence="记录", period_start=start, period_end=end)
    attestation_sign(people["signer"], a)
    return attestation_approve(people["dgm"], a)


@pytest.fixture
def people(make_user):
    return {"secadmin": make_user("security_admin"), "signer": make_user("staff", name="林晓燕"),
            "dgm": make_user("deputy_gm", name="陈立伟")}


def test_attestation_renewed_before_it_lapses(people):
    """Issue point 5: a month before an approved attestation lapses, the security administrator
    is tasked to renew it; a newer approved statement for the clause meets the task."""
    today = timezone.localdate()
    far = _approved(people, "p10.35-c", today - timedelta(days=10), today + timedelta(days=200))
    near = _approved(people, "p06.4", today - timedelta(days=300), today + timedelta(days=20))
    tasks_generate(only=[RENEWAL])
    [task] = tasks(RENEWAL)
    assert task.clause == "p06.4" and task.subject_id == "p06.4" and far.clause not in task.title_zh
    assert timezone.localdate(task.due_at) == near.period_end + timedelta(days=1)
    assert task.assignee_role.code == "security_admin"

    renewal = _approved(people, "p06.4", near.period_end + timedelta(days=1), near.period_end + timedelta(days=300))
    assert tasks_generate(only=[RENEWAL]).met == 1
    task.refresh_from_db()
    assert task.status == Task.Status.DONE and task.evidence_id == str(renewal.pk)
    assert len(tasks(RENEWAL)) == 1  # the renewal lapses far away: no new task yet


def test_generation_queries_do_not_grow_with_tasks(make_user):
    """No per-row loop: generating for 10 or for 100 subjects costs the same number of queries."""

    def count(n):
        Task.objects.all().delete()
        for _i in range(n - len(created)):
            created.append(_admin(make_user, 12))
        with CaptureQueriesContext(connection) as ctx:
            result = tasks_generate(only=[PASSWORD, REVIEW])
        assert result.created == n + 1  # n passwords + the review
        return split(ctx.captured_queries)

    created = []
    (reads10, writes10), (reads100, writes100) = count(10), count(100)
    assert reads10 == reads100
    assert writes100 <= 12  # a few bulk statements, not one per task


def test_pack_references_resolve_and_the_pack_validates(db):
    """The pack's obligation: references name declared obligations (p04.3-a, p10.38-b, p15.2.11)."""
    from xinan.policy import mechanisms
    from xinan.policy.resolution import resolve, validate

    for name in (PASSWORD, REVIEW, "p10.38-b.departed_accounts"):
        assert mechanisms.problem(f"obligation:{name}") is None
    assert "no such declared obligation" in mechanisms.problem("obligation:p99.nothing")
    assert not [p for p in validate() if "obligation" in p]
    statuses = resolve()
    assert statuses["p10.38-b"].status == "implemented" and "obligation:p10.38-b.departed_accounts" in statuses["p10.38-b"].by
    assert statuses["p15.2.11"].status == "missing" and "obligation:p15.2.11.access_review" in statuses["p15.2.11"].by


def test_count_per_year_from_the_pack(make_user):
    """p03.9.8.2 每年演练不少于二次 (pack: per_year_min: 2): declared on the pack parameter, the
    duty falls due every half-year; the organisation's 4 a year makes it quarterly."""
    from xinan.obligations.registry import obligation

    @obligation("test.drills", clauses=["p03.9.8.2"], cadence=("p03.9.8.2", "per_year_min"),
                assignee={"role": "security_admin"}, title="消防演练", title_en="Fire drill")
    def drills(ctx, tasks):
        return {}

    secadmin = make_user("security_admin")
    as_of = timezone.make_aware(datetime(2025, 2, 10, 9))
    tasks_generate(as_of, only=["test.drills"])
    parameter_set(secadmin, "p03.9.8.2.per_year_min", 4, reason="每季度一次")
    tasks_generate(as_of, only=["test.drills"])
    assert [(local(t.period_start), local(t.due_at)) for t in tasks("test.drills")] == [
        (datetime(2025, 1, 1), datetime(2025, 4, 1))]  # the half-year task became the first quarter's
    tasks_generate(timezone.make_aware(datetime(2025, 4, 1, 8)), only=["test.drills"])
    assert len(tasks("test.drills")) == 2
