"""Completing tasks: by the assignee only, with a record of the declared register that they may
see (wrong register, invisible or archived records refused), or a comment where no register is
declared; audited with the comment digested. The p10.38-b departure deadline is opened by the
departure and met by the disabled account."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from xinan.audit.models import AuditEvent
from xinan.audit.services import digest
from xinan.obligations.models import Task
from xinan.obligations.registry import obligation
from xinan.obligations.services import task_cancel, task_complete, tasks_generate
from xinan.org.services import person_archive, person_depart

DEPARTED = "p10.38-b.departed_accounts"


@pytest.fixture
def roster_task(make_user, make_department):
    """A monthly duty of every staff role holder, evidenced by a record of the people register
    (department-scoped): the staff member sees only their own department's people."""

    @obligation("test.roster", clauses=["p21.5.1.1"], cadence="P1M", assignee={"role": "staff"},
                evidence_register="people", title="核对人员名册", title_en="Check the roster")
    def roster(ctx, tasks):
        return {}

    tasks_generate(only=["test.roster"])
    return Task.objects.get(obligation="test.roster")


def test_evidence_must_be_a_visible_record_of_the_register(roster_task, make_user, make_person, make_department):
    ours, theirs = make_department("信息科"), make_department("财务部")
    clerk = make_user("staff", dept=ours)
    mine, foreign = make_person("王五", dept=ours), make_person("赵六", dept=theirs)
    with pytest.raises(ValidationError) as exc:
        task_complete(clerk, roster_task, comment="核对完毕")
    assert "evidence" in exc.value.message_dict  # a register is declared: a record is required
    with pytest.raises(ValidationError) as exc:
        task_complete(clerk, roster_task, evidence=ours)  # a department is not a record of "people"
    assert "people" in exc.value.message_dict["evidence"][0]
    with pytest.raises(ValidationError):
        task_complete(clerk, roster_task, evidence=foreign)  # outside the clerk's department
    person_depart(None, mine, reason="离职")
    person_archive(None, mine, reason="归档")
    with pytest.raises(ValidationError):
        task_complete(clerk, roster_task, evidence=mine)  # archived
    current = make_person("钱七", dept=ours)
    done = task_complete(clerk, roster_task, evidence=current, comment="与名册一致")
    assert done.status == Task.Status.DONE and done.done_by == clerk and done.evidence_id == str(current.pk)
    assert done.evidence_type.model == "person" and done.evidence_label == str(current)
    event = AuditEvent.objects.get(action="obligations.task.complete", subject_id=str(done.pk))
    assert event.actor_id == clerk.pk and event.after["comment"] == digest("与名册一致")
    with pytest.raises(ValidationError):
        task_complete(clerk, roster_task, evidence=current)  # already done


def test_only_the_assignee(roster_task, make_user):
    outsider = make_user("auditor")
    with pytest.raises(PermissionDenied):
        task_complete(outsider, roster_task, evidence=outsider.person)


def test_comment_is_the_record_where_no_register_is_declared(make_user):
    """p15.2.11: the review's finding is written as the comment; a record is refused."""
    secadmin = make_user("security_admin")
    tasks_generate(only=["p15.2.11.access_review"])
    task = Task.objects.get(obligation="p15.2.11.access_review")
    with pytest.raises(ValidationError) as exc:
        task_complete(secadmin, task, comment="  ")
    assert "comment" in exc.value.message_dict
    with pytest.raises(ValidationError):
        task_complete(secadmin, task, evidence=secadmin.person, comment="x")
    task_complete(secadmin, task, comment="本季度核查 42 个账号,撤销 2 项多余授权")
    task.refresh_from_db()
    assert task.status == Task.Status.DONE and task.comment.startswith("本季度")


def test_records_only_obligation_refuses_completion_by_hand(make_user):
    """p04.3-a: only the password change meets it."""
    admin = make_user("system_admin")
    from xinan.audit.services import audited_write, record

    with audited_write():
        admin.password_changed_at = timezone.now() - timedelta(days=14)
        admin.save(update_fields=["password_changed_at"])
        record(None, "test.plant", admin)
    tasks_generate(only=["p04.3-a.admin_password"])
    task = Task.objects.get(obligation="p04.3-a.admin_password")
    with pytest.raises(ValidationError):
        task_complete(admin, task, comment="已修改")


def test_departure_opens_the_deadline_met_by_the_disabled_account(make_user):
    """p10.38-b: leaving disables the xinan account in the same transaction; the deadline task is
    opened, due one hour after the departure, and met at once with the account as evidence."""
    sysadmin = make_user("system_admin")
    leaver = make_user("staff", name="离职人")
    change = person_depart(sysadmin, leaver.person, reason="合同到期")
    task = Task.objects.get(obligation=DEPARTED)
    assert task.clause == "p10.38-b" and task.assignee_role.code == "system_admin"
    assert task.due_at == change.effective_at + timedelta(hours=1)
    assert task.subject_type == "org.person" and task.subject_id == str(leaver.person_id)
    assert task.status == Task.Status.DONE and task.evidence_id == str(leaver.pk)
    assert [e.action for e in AuditEvent.objects.filter(subject_type="obligations.task", subject_id=str(task.pk))
            .order_by("seq")] == ["obligations.task.create", "obligations.task.complete"]


def test_departure_without_account_waits_for_the_administrator(make_user, make_person):
    sysadmin = make_user("system_admin")
    contractor = make_person("外包人员")
    person_depart(None, contractor, reason="项目结束")
    task = Task.objects.get(obligation=DEPARTED)
    assert task.status == Task.Status.OPEN and task.remind_at == task.due_at - timedelta(minutes=30)
    task_complete(sysadmin, task, comment="其在机房门禁与 VPN 的账户已停用")
    assert Task.objects.get(pk=task.pk).status == Task.Status.DONE


def test_cancel_needs_the_permission_and_a_reason(make_user, make_person):
    person_depart(None, make_person("误登记"), reason="误操作")
    task = Task.objects.get(obligation=DEPARTED)
    with pytest.raises(PermissionDenied):
        task_cancel(make_user("staff"), task, reason="误登记")
    secadmin = make_user("security_admin")
    with pytest.raises(ValidationError):
        task_cancel(secadmin, task, reason="")
    assert task_cancel(secadmin, task, reason="离职登记有误").status == Task.Status.CANCELLED
