"""Deadlines: each pending step's ``due_at`` from its ISO-8601 deadline; the overdue selector; the
``workflow_overdue`` check (findings name the definition's clauses, e.g. 调用记录单 p01.2.7.b-b)."""

from datetime import timedelta

from django.utils import timezone

from xinan.policy.checks import registry
from xinan.policy.models import Finding
from xinan.policy.services import checks_run
from xinan.workflows import selectors, services
from xinan.workflows.models import WorkflowInstance


def _age(instance, days):
    """Move an instance's clock back, as if it had been waiting ``days`` days (test-only update)."""
    WorkflowInstance.objects.filter(pk=instance.pk).update(
        due_at=instance.due_at - timedelta(days=days), step_started_at=instance.step_started_at - timedelta(days=days))
    instance.refresh_from_db()


def test_due_at_follows_each_steps_deadline(o, start):
    before = timezone.now()
    instance = start("transfer_with_deputy_gm", actor=o.sysadmin)
    assert before + timedelta(days=3) <= instance.due_at <= timezone.now() + timedelta(days=3)  # P3D
    services.workflow_act(o.deputy, instance, "approve")
    assert instance.due_at - instance.step_started_at == timedelta(days=5)  # P5D
    services.workflow_act(o.sysadmin, instance, "execute")
    assert instance.due_at is None


def test_overdue_selector_and_late_actions(o, start):
    late, fresh = start("transfer_with_deputy_gm", actor=o.sysadmin), start()
    assert list(selectors.overdue()) == []
    _age(late, 4)
    assert list(selectors.overdue()) == [late]
    assert list(selectors.overdue(timezone.now() + timedelta(days=3, hours=1))) == [late, fresh]
    services.workflow_act(o.deputy, late, "approve")
    action = late.actions.get(decision="approve")
    assert action.due_at < action.at  # the timeline shows it was late
    assert list(selectors.overdue()) == []


def test_workflow_overdue_check(o, start):
    spec = registry["workflow_overdue"]
    assert "p01.2.7.b-b" in spec.clauses()
    transfer, plain = start("transfer_with_deputy_gm", actor=o.sysadmin), start()
    assert checks_run(clause="p01.2.7.b-b").findings == []
    _age(transfer, 4)
    _age(plain, 4)
    [finding] = checks_run(clause="p01.2.7.b-b").findings  # two_step_approval names no clause: no finding
    assert (finding.clause, finding.severity, finding.subject_type, finding.subject_id) == (
        "p01.2.7.b-b", "warning", "workflows.workflowinstance", str(transfer.pk))
    assert "副总经理签字认可" in finding.message_zh and finding.since == transfer.due_at
    assert finding.evidence["deadline"] == "P3D"
    stored = Finding.objects.get(check_id="workflow_overdue", resolved_at__isnull=True)

    services.workflow_act(o.deputy, transfer, "approve")
    assert checks_run(clause="p01.2.7.b-b").findings == []
    stored.refresh_from_db()
    assert stored.resolved_at is not None


def test_overdue_check_can_be_narrowed_to_changed_instances(o, start):
    a, b = start("transfer_with_deputy_gm", actor=o.sysadmin), start("transfer_with_deputy_gm", actor=o.sysadmin2,
                                                                       subject=o.sales)
    _age(a, 4)
    _age(b, 4)
    result = checks_run(subjects={"workflows.workflowinstance": {str(a.pk)}})
    assert [f.subject_id for f in result.findings if f.check_id == "workflow_overdue"] == [str(a.pk)]
