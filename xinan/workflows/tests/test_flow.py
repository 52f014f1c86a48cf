"""A workflow from start to end: every step an audit event in the step's transaction, completion
hooks inside that transaction, rejection, cancellation by the requester only, comments."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xinan.audit.models import AuditEvent
from xinan.workflows import services
from xinan.workflows.models import WorkflowAction, WorkflowInstance

HOOKS = "xinan.workflows.tests.hooks"


def events(instance):
    return list(AuditEvent.objects.filter(subject_type="workflows.workflowinstance", subject_id=str(instance.pk))
                .order_by("seq").values_list("action", "actor_id"))


def test_two_step_approval_audits_every_step(o, start):
    instance = start(reason="申请调岗")
    assert instance.state == "running" and instance.current_step.code == "department_head"
    services.workflow_act(o.head, instance, "approve", "同意")
    services.workflow_act(o.deputy, instance, "approve", "同意")
    assert instance.state == "approved" and instance.current_step is None and instance.finished_at
    assert events(instance) == [("workflow.start", o.requester.pk), ("workflow.approve", o.head.pk),
                                ("workflow.approve", o.deputy.pk)]
    start_event = AuditEvent.objects.get(action="workflow.start", subject_id=str(instance.pk))
    assert start_event.after["definition"] == "two_step_approval" and start_event.after["subject_type"] == "org.post"
    assert start_event.reason == "申请调岗"
    last = AuditEvent.objects.filter(action="workflow.approve", subject_id=str(instance.pk)).latest("seq")
    assert last.before == {"state": "running", "step": "deputy_gm"} and last.after["state"] == "approved"
    assert [a.decision for a in instance.actions.all()] == ["start", "approve", "approve"]


def test_a_step_and_its_event_are_one_transaction(o, start, monkeypatch):
    """If the audit event cannot be written, the step is not taken either."""
    instance = start()
    from xinan.workflows import services as module

    def broken(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(module, "record", broken)
    with pytest.raises(RuntimeError):
        services.workflow_act(o.head, instance, "approve")
    instance.refresh_from_db()
    assert instance.current_step.code == "department_head"
    assert not WorkflowAction.objects.filter(instance=instance, decision="approve").exists()


def test_completion_hook_runs_in_the_same_transaction(o, install, start):
    install("hooked", [("approve", "approve", {"role": "deputy_gm"})], on_complete=f"{HOOKS}.completed")
    instance = start("hooked")
    services.workflow_act(o.deputy, instance, "approve")
    hook = AuditEvent.objects.get(action="test.workflow.completed", subject_id=str(instance.pk))
    approve = AuditEvent.objects.get(action="workflow.approve", subject_id=str(instance.pk))
    assert hook.seq == approve.seq + 1 and hook.after == {"state": "approved"}


def test_a_refusing_hook_undoes_the_step_and_is_audited(o, install, start):
    install("hook_refuses", [("approve", "approve", {"role": "deputy_gm"})], on_complete=f"{HOOKS}.refuses")
    instance = start("hook_refuses")
    with pytest.raises(ValidationError, match="领域拒绝"):
        services.workflow_act(o.deputy, instance, "approve")
    instance.refresh_from_db()
    assert instance.state == "running"
    assert not AuditEvent.objects.filter(action="workflow.approve", subject_id=str(instance.pk)).exists()
    assert "领域拒绝" in AuditEvent.objects.get(action="workflow.refused", subject_id=str(instance.pk)).after["refused"]


def test_rejection_ends_the_workflow_and_calls_on_end(o, install, start):
    install("ends", [("approve", "approve", {"role": "deputy_gm"}), ("execute", "execute", {"role": "system_admin"})],
            on_end=f"{HOOKS}.ended", on_complete=f"{HOOKS}.completed")
    instance = start("ends")
    services.workflow_act(o.deputy, instance, "reject", "理由不足")
    assert instance.state == "rejected" and instance.current_step is None
    assert AuditEvent.objects.filter(action="workflow.reject", subject_id=str(instance.pk)).exists()
    assert AuditEvent.objects.get(action="test.workflow.ended").after == {"state": "rejected"}
    assert not AuditEvent.objects.filter(action="test.workflow.completed").exists()
    with pytest.raises(ValidationError, match="流程已结束"):
        services.workflow_act(o.sysadmin, instance, "execute")


def test_only_the_requester_cancels(o, start):
    instance = start()
    with pytest.raises(PermissionDenied, match="只有申请人"):
        services.workflow_cancel(o.head, instance, reason="替他撤销")
    assert AuditEvent.objects.filter(action="workflow.refused", actor_id=o.head.pk).latest("seq").after["attempt"] == "cancel"
    services.workflow_cancel(o.requester, instance, reason="不需要了")
    assert instance.state == "cancelled"
    assert AuditEvent.objects.get(action="workflow.cancel", subject_id=str(instance.pk)).reason == "不需要了"
    with pytest.raises(ValidationError):
        services.workflow_cancel(o.requester, instance)


def test_comments_decide_nothing_and_are_audited(o, start):
    instance = start()
    services.workflow_comment(o.head, instance, "请补充材料")
    instance.refresh_from_db()
    assert instance.current_step.code == "department_head"
    assert AuditEvent.objects.get(action="workflow.comment").reason == "请补充材料"
    assert services.may_view(o.clerk, instance)  # sees the post in its register: may read, not take part
    with pytest.raises(PermissionDenied, match="只有流程的申请人和办理人"):
        services.workflow_comment(o.clerk, instance, "路人意见")
    with pytest.raises(ValidationError):
        services.workflow_comment(o.requester, instance, "  ")


def test_one_running_instance_per_record_and_definition(o, start):
    first = start()
    with pytest.raises(ValidationError, match="已有办理中"):
        start()
    services.workflow_cancel(o.requester, first)
    second = start()
    assert WorkflowInstance.objects.filter(subject_id=str(o.subject.pk)).count() == 2 and second.is_running


def test_archived_record_and_unknown_definition_are_refused(o, start):
    with pytest.raises(ValidationError, match="没有流程定义"):
        start("no_such_flow")
    from xinan.org import services as org

    org.post_archive(None, o.subject, reason="撤岗")
    with pytest.raises(ValidationError, match="已归档"):
        start()
