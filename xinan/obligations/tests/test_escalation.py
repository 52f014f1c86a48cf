"""Reminders before the due time and two-level escalation after it, with the right recipients
(the assignees; the head of the assignee's department; the security administrators), each once,
audited once per task and level, delivered by e-mail when a sender is configured, and with a
constant number of queries whatever the number of tasks."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xinan.audit.models import AuditEvent
from xinan.obligations.models import Notification, Task
from xinan.obligations.registry import obligation
from xinan.obligations.services import tasks_escalate, tasks_generate, tasks_remind
from xinan.org.models import Role
from xinan.org.services import post_create, role_grant_direct

from .conftest import notes, split

OB = "test.weekly_check"


def declare(assignee, **extra):
    @obligation(OB, clauses=["p04.2"], cadence="P1W", assignee=assignee, title="每周检查", title_en="Weekly check", **extra)
    def weekly(ctx, tasks):
        return {}


def head_of(make_user, department):
    head = make_user("staff", dept=department)
    role_grant_direct(None, person=head.person, role=Role.objects.get(code="department_head"), department=department)
    return head


def test_reminder_then_two_levels(make_user, make_department, mailoutbox, settings, django_capture_on_commit_callbacks):
    """p04.2-style weekly duty on a post: reminded 3 days before its end, escalated to the head
    of the post's department when due, then to the security administrator 3 days later."""
    settings.XINAN_NOTIFICATION_SENDERS = ["xinan.obligations.senders.EmailSender"]
    it = make_department("信息科")
    post = post_create(None, code="NETADM", name="网络管理员", department=it)
    holder = make_user("staff", dept=it, post=post, email="holder@example.cn")
    other_holder = make_user("staff", dept=it, post=post)
    head = head_of(make_user, it)
    secadmin = make_user("security_admin", email="sec@example.cn")
    make_user("staff", dept=it)  # neither holds the post nor heads the department
    declare({"post": "NETADM"})
    tasks_generate(only=[OB])
    [task] = Task.objects.filter(obligation=OB)
    assert task.department_id == it.pk and task.assignee_post_id == post.pk

    assert tasks_remind(task.remind_at - timedelta(seconds=1)) == 0
    with_reminder = task.remind_at + timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):  # e-mail goes out after the commit
        assert tasks_remind(with_reminder) == 1
    assert tasks_remind(with_reminder) == 0  # once
    assert {n.recipient_id for n in notes(task=task, kind="reminder")} == {holder.person_id, other_holder.person_id}
    assert [m.to for m in mailoutbox] == [["holder@example.cn"]]  # the one with an address
    assert "每周检查" in mailoutbox[0].subject and "Weekly check" in mailoutbox[0].body

    assert tasks_escalate(task.due_at - timedelta(seconds=1)) == {1: 0, 2: 0}
    assert tasks_escalate(task.due_at) == {1: 1, 2: 0}
    task.refresh_from_db()
    assert (task.status, task.escalation_level) == (Task.Status.OVERDUE, 1)
    assert [n.recipient_id for n in notes(task=task, kind="escalation")] == [head.person_id]
    assert tasks_escalate(task.due_at + timedelta(days=2)) == {1: 0, 2: 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks_escalate(task.due_at + timedelta(days=3)) == {1: 0, 2: 1}
    task.refresh_from_db()
    assert (task.status, task.escalation_level) == (Task.Status.ESCALATED, 2)
    assert notes(task=task, key="escalation:2")[0].recipient_id == secadmin.person_id
    assert tasks_escalate(task.due_at + timedelta(days=30)) == {1: 0, 2: 0}
    assert mailoutbox[-1].to == ["sec@example.cn"]
    levels = list(AuditEvent.objects.filter(action="obligations.task.escalate", subject_id=str(task.pk))
                  .order_by("seq").values_list("after", flat=True))
    assert [(a["level"], a["recipients"]) for a in levels] == [(1, 1), (2, 1)]


def test_head_of_the_nearest_department_above(make_user, make_department):
    """A person's task whose own department has no head goes to the head above; the person's
    own head grant never makes them their own escalation."""
    top = make_department("运营中心")
    team = make_department("机房组", parent=top)
    top_head = head_of(make_user, top)
    declare({"role": "auditor"})
    auditor = make_user("auditor", dept=team)
    tasks_generate(only=[OB])
    [task] = Task.objects.filter(obligation=OB)
    tasks_escalate(task.due_at)
    assert [n.recipient_id for n in notes(task=task, key="escalation:1")] == [top_head.person_id]
    assert auditor.person_id not in {n.recipient_id for n in notes(task=task)}


def test_no_head_anywhere_goes_to_the_security_administrator(make_user, make_department):
    declare({"role": "auditor"})
    make_user("auditor", dept=make_department("孤立部门"))
    secadmin = make_user("security_admin")
    tasks_generate(only=[OB])
    [task] = Task.objects.filter(obligation=OB)
    tasks_escalate(task.due_at)
    assert [n.recipient_id for n in notes(task=task, key="escalation:1")] == [secadmin.person_id]


def test_done_tasks_are_neither_reminded_nor_escalated(make_user):
    declare({"role": "security_admin"})
    make_user("security_admin")
    tasks_generate(only=[OB])
    Task.objects.filter(obligation=OB).update(status=Task.Status.DONE)
    assert tasks_remind(timezone.now() + timedelta(days=30)) == 0
    assert tasks_escalate(timezone.now() + timedelta(days=30)) == {1: 0, 2: 0}
    assert not Notification.objects.exists()


def test_queries_constant_over_10_and_100_tasks(make_user, make_department):
    """Set-based: reminding and escalating 100 tasks reads as much as 10."""
    it = make_department("信息科")
    head_of(make_user, it)
    make_user("security_admin")
    people = []

    def run(n):
        Task.objects.all().delete()
        Notification.objects.all().delete()
        while len(people) < n:
            people.append(make_user("system_admin" if not people else "staff", dept=it).person)
        due = timezone.now() + timedelta(days=1)
        from xinan.audit.services import audited_write

        with audited_write():
            Task.objects.bulk_create([Task(obligation="test.bulk", clause="p04.2", title_zh=f"任务{i}", title_en=f"t{i}",
                                           assignee_person=p, department=it, scope_key=f"person:{p.pk}",
                                           period_start=timezone.now(), due_at=due, remind_at=timezone.now(),
                                           created_at=timezone.now()) for i, p in enumerate(people[:n])])
        counts = []
        for step in (lambda: tasks_remind(), lambda: tasks_escalate(due), lambda: tasks_escalate(due + timedelta(days=5))):
            with CaptureQueriesContext(connection) as ctx:
                step()
            counts.append(split(ctx.captured_queries))
        assert Notification.objects.count() == 3 * n
        return counts

    small, large = run(10), run(100)
    assert [r for r, _w in small] == [r for r, _w in large]
    assert all(w <= 12 for _r, w in large)
