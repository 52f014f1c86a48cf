"""Who may act at a step: {role}, {post}, {relation: requester | requester_department_head |
deputy_gm}; who may start (the request step's rule); refusals audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xinan.audit.models import AuditEvent
from xinan.identity import tokens
from xinan.org import services as org
from xinan.workflows import selectors, services

from .conftest import grant


def test_requester_department_head_is_the_head_of_the_requesters_department(o, start):
    instance = start()
    assert instance.requester_department_id == o.sales.pk
    assert list(selectors.inbox(o.head)) == [instance]
    assert list(selectors.inbox(o.other_head)) == []
    with pytest.raises(PermissionDenied, match="申请人所在部门负责人"):
        services.workflow_act(o.other_head, instance, "approve")
    event = AuditEvent.objects.filter(action="workflow.refused").latest("seq")
    assert event.actor_id == o.other_head.pk and event.after["step"] == "department_head"
    services.workflow_act(o.head, instance, "approve")
    assert instance.current_step.code == "deputy_gm"


def test_a_department_head_grant_without_department_covers_the_heads_own_department(o, make_user, start):
    own = make_user("department_head", dept=o.sales, name="无部门授权的负责人")
    instance = start()
    assert instance in selectors.inbox(own)
    services.workflow_act(own, instance, "approve")


def test_deputy_gm_relation_and_staff_refused(o, start):
    instance = start()
    services.workflow_act(o.head, instance, "approve")
    for outsider in (o.clerk, o.head, o.sysadmin):
        assert list(selectors.inbox(outsider)) == []
    with pytest.raises(PermissionDenied):
        services.workflow_act(o.clerk, instance, "approve")
    services.workflow_act(o.deputy, instance, "approve", "同意")
    assert instance.state == "approved" and instance.finished_at is not None


def test_role_rule_and_starter_rule(o, start):
    """transfer_with_deputy_gm: only a system administrator may start it or execute it."""
    with pytest.raises(PermissionDenied, match="不能发起"):
        start("transfer_with_deputy_gm", actor=o.clerk)
    assert AuditEvent.objects.filter(action="workflow.refused", actor_id=o.clerk.pk).exists()
    instance = start("transfer_with_deputy_gm", actor=o.sysadmin)
    services.workflow_act(o.deputy, instance, "approve")
    with pytest.raises(PermissionDenied):
        services.workflow_act(o.deputy, instance, "execute")
    assert list(selectors.inbox(o.sysadmin2)) == [instance]
    services.workflow_act(o.sysadmin2, instance, "execute")
    assert instance.state == "done"


def test_post_rule(o, make_user, install, start):
    post = org.post_create(None, code="P-ARCH", name="档案管理员", department=o.it, duties="存档")
    keeper = make_user("staff", dept=o.it, name="档案员", post=post)
    install("post_test", [("file", "record", {"post": "P-ARCH"})])
    instance = start("post_test")
    assert list(selectors.inbox(keeper)) == [instance]
    assert list(selectors.inbox(o.clerk)) == []
    with pytest.raises(PermissionDenied):
        services.workflow_act(o.clerk, instance, "execute")
    services.workflow_act(keeper, instance, "execute")
    assert instance.state == "done"


def test_requester_relation(o, install, start):
    install("confirm_test", [("approve", "approve", {"role": "deputy_gm"}),
                             ("confirm", "record", {"relation": "requester"})])
    instance = start("confirm_test")
    services.workflow_act(o.deputy, instance, "approve")
    assert list(selectors.inbox(o.requester)) == [instance] and list(selectors.inbox(o.clerk)) == []
    services.workflow_act(o.requester, instance, "execute", "已登记")
    assert instance.state == "done"


def test_a_person_who_left_may_not_act(o, start):
    instance = start()
    org.person_depart(None, o.head.person, reason="离职")
    o.head.refresh_from_db()
    assert list(selectors.inbox(o.head)) == []
    with pytest.raises(PermissionDenied, match="在岗"):
        services.workflow_act(o.head, instance, "approve")


def test_decision_must_fit_the_step(o, start):
    instance = start()
    with pytest.raises(ValidationError, match="不能作出此办理结果"):
        services.workflow_act(o.head, instance, "execute")
    with pytest.raises(ValidationError, match="驳回须填写意见"):
        services.workflow_act(o.head, instance, "reject")


def test_an_api_token_needs_the_act_scope(o, start):
    instance = start()
    _token, plaintext = tokens.token_create(o.head, o.head, "只读", ["org.*"])
    narrowed = tokens.token_authenticate(plaintext)
    assert list(selectors.inbox(narrowed)) == []
    with pytest.raises(PermissionDenied, match="workflows.instance.act"):
        services.workflow_act(narrowed, instance, "approve")
    _token, plaintext = tokens.token_create(o.head, o.head, "审批", ["workflows.*"])
    services.workflow_act(tokens.token_authenticate(plaintext), instance, "approve")
    assert instance.current_step.code == "deputy_gm"
