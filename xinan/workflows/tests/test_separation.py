"""Separation of duties inside a workflow instance, from its history:

- p20.1.6 不相容岗位相互分离: 授权与批准 (requester ≠ approver), 批准与执行, 执行与监督,
  审核与记录, 记录与检查 — each refused and audited as ``workflow.refused``;
- p08.10.4-b 三员相互制约: for those pairs, another holder of the same 三员 role counts as the same person;
- a definition's own ``distinct`` rule (two_step_approval: the two approvals by two people).
"""

import pytest
from django.core.exceptions import PermissionDenied

from xinan.audit.models import AuditEvent
from xinan.workflows import selectors, services
from xinan.workflows.models import WorkflowInstance

from .conftest import grant

DEPUTY = {"role": "deputy_gm"}
FIRST_DECISION = {"approve": "approve", "review": "approve", "check": "approve", "execute": "execute",
                  "record": "execute"}


def refusals(instance):
    return list(AuditEvent.objects.filter(action="workflow.refused", subject_type="workflows.workflowinstance",
                                          subject_id=str(instance.pk)).order_by("seq"))


@pytest.fixture
def deputy2(make_user, o):
    return make_user("deputy_gm", dept=o.it, name="第二副总")


@pytest.mark.parametrize("first,second,label", [
    ("approve", "execute", "批准与执行"),
    ("execute", "check", "执行与监督"),
    ("review", "record", "审核与记录"),
    ("record", "check", "记录与检查"),
])
def test_p20_1_6_one_person_may_not_act_at_incompatible_steps(o, deputy2, install, start, first, second, label):
    install("pair_test", [("one", first, DEPUTY), ("two", second, DEPUTY)])
    instance = start("pair_test")
    services.workflow_act(o.deputy, instance, FIRST_DECISION[first])
    assert instance.current_step.code == "two"
    assert list(selectors.inbox(o.deputy)) == []  # not offered to the one who may not do it

    with pytest.raises(PermissionDenied, match=label):
        services.workflow_act(o.deputy, instance, FIRST_DECISION[second], "再办")
    instance.refresh_from_db()
    assert instance.current_step.code == "two" and instance.actions.count() == 2
    [event] = refusals(instance)
    assert event.actor_id == o.deputy.pk and event.reason == "再办"
    assert event.after["attempt"] == FIRST_DECISION[second] and event.after["step"] == "two"
    assert label in event.after["refused"] and "p20.1.6" in event.after["refused"]

    services.workflow_act(deputy2, instance, FIRST_DECISION[second])
    assert instance.state in ("approved", "done")


def test_p20_1_6_requester_may_not_approve_own_request(o, deputy2, install):
    """授权与批准: the deputy GM asks; only another deputy GM may approve."""
    install("ask_deputy", [("approve", "approve", DEPUTY)])
    instance = services.workflow_start(o.deputy, "ask_deputy", o.subject, reason="本人申请")
    assert list(selectors.inbox(o.deputy)) == [] and list(selectors.inbox(deputy2)) == [instance]
    with pytest.raises(PermissionDenied, match="授权与批准"):
        services.workflow_act(o.deputy, instance, "approve")
    assert "授权与批准" in refusals(instance)[0].after["refused"]
    services.workflow_act(deputy2, instance, "approve")
    assert instance.state == "approved"


def test_p20_1_6_requester_who_is_the_only_approver_cannot_start(o, install):
    install("ask_deputy_alone", [("approve", "approve", DEPUTY)])
    with pytest.raises(Exception, match="没有可以办理的人员"):
        services.workflow_start(o.deputy, "ask_deputy_alone", o.subject)
    assert not WorkflowInstance.objects.filter(code="ask_deputy_alone").exists()
    event = AuditEvent.objects.filter(action="workflow.refused", subject_type="org.post").latest("seq")
    assert event.after["attempt"] == "start" and event.after["definition"] == "ask_deputy_alone"


def test_steps_that_are_not_incompatible_may_share_a_person(o, start):
    """申请与执行 is not one of the five pairs: the administrator who files the 调用记录单 carries it out."""
    instance = start("transfer_with_deputy_gm", actor=o.sysadmin)
    services.workflow_act(o.deputy, instance, "approve")
    services.workflow_act(o.sysadmin, instance, "execute", "已调用并存档")
    assert instance.state == "done"


def test_p08_10_4_b_holders_of_one_triad_role_count_as_one_person(o, install, start):
    """三员相互制约: a system administrator's execution is not checked by another system administrator."""
    install("triad_test", [("execute", "execute", {"role": "system_admin"}),
                           ("check", "check", {"role": "system_admin"})])
    instance = start("triad_test")
    services.workflow_act(o.sysadmin, instance, "execute")
    assert list(selectors.inbox(o.sysadmin2)) == []
    with pytest.raises(PermissionDenied, match="三员相互制约"):
        services.workflow_act(o.sysadmin2, instance, "approve")
    assert "p08.10.4-b" in refusals(instance)[0].after["refused"]
    assert instance.actions.get(decision="execute").actor_triad == "system_admin"


def test_triad_rule_does_not_apply_to_compatible_steps(o, install, start):
    install("triad_ok", [("approve", "approve", {"role": "system_admin"}),
                         ("review", "review", {"role": "system_admin"})])
    instance = start("triad_ok")
    services.workflow_act(o.sysadmin, instance, "approve")
    services.workflow_act(o.sysadmin2, instance, "approve")
    assert instance.state == "approved"


def test_distinct_rule_two_step_approval_needs_two_people(o, start):
    grant(o.head.person, "deputy_gm")  # the sales head is also a deputy GM
    instance = start()
    services.workflow_act(o.head, instance, "approve", "同意")
    assert o.head.pk not in [i.requester_id for i in selectors.inbox(o.head)]
    assert list(selectors.inbox(o.head)) == []
    with pytest.raises(PermissionDenied, match="两级审批不得由同一人办理"):
        services.workflow_act(o.head, instance, "approve")
    services.workflow_act(o.deputy, instance, "approve")
    assert instance.state == "approved"
