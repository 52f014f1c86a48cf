"""系统变更记录: p27.2.5-a (hardware-configuration and software-parameter changes), p15.2.30.3
(application function changes) and p19.5.10-b (program and data loads) are approved by the
leadership in the workflow engine — never by the requester — before a named person implements
them; the checks find changes implemented without or before an approval."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from xinan.audit.models import AuditEvent
from xinan.workflows.models import WorkflowInstance

from .. import services
from ..models import SystemChange
from .conftest import plant


@pytest.fixture
def system(dept):
    return services.system_create(None, name="核心业务系统", kind="application", department=dept,
                                  maintainer_department=dept, status="in_service",
                                  design_includes_authorisation=True, design_document="设计方案")


@pytest.fixture
def ask(system, admin, dgm):
    def make(kind="parameter", actor=None):
        return services.system_change_request(actor or admin, system=system, kind=kind, description="调整超时参数",
                                              justification="业务高峰需要")

    return make


def test_change_is_approved_in_the_engine_then_implemented_by_a_named_person(ask, admin, dgm, person):
    """p27.2.5-a: request → the deputy GM approves in the workflow → implementation recorded."""
    change = ask()
    instance = WorkflowInstance.objects.get(code="assets_system_change", subject_id=str(change.pk))
    assert instance.state == "running"
    with pytest.raises(ValidationError) as exc:  # not approved yet
        services.system_change_implement(admin, change)
    assert "未经批准" in str(exc.value)
    services.system_change_decide(dgm, change, approve=True, note="同意")
    change.refresh_from_db()
    assert (change.status, change.approved_by) == ("approved", dgm)
    engineer = person("实施工程师")
    services.system_change_implement(admin, change, implemented_by=engineer, note="已调整并验证")
    change.refresh_from_db()
    assert (change.status, change.implemented_by) == ("implemented", engineer)
    assert change.implemented_at >= change.approved_at
    actions = list(AuditEvent.objects.filter(subject_type="assets.systemchange", subject_id=str(change.pk))
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["assets.systemchange.create", "assets.systemchange.approve", "assets.systemchange.implement"]


def test_the_requester_cannot_approve_and_an_unprivileged_user_cannot_either(ask, make_user, dgm):
    """p15.2.30.3: a function change is never approved by its requester nor by someone without the right."""
    both = make_user("system_admin", "deputy_gm")
    change = ask(kind="function", actor=both)
    with pytest.raises(PermissionDenied):
        services.system_change_decide(both, change, approve=True)
    with pytest.raises(PermissionDenied):
        services.system_change_decide(make_user("staff"), change, approve=True)
    assert SystemChange.objects.get(pk=change.pk).status == "requested"
    with pytest.raises(ValidationError):  # a refusal needs its reason
        services.system_change_decide(dgm, change, approve=False)
    services.system_change_decide(dgm, change, approve=False, note="影响范围不明")
    assert SystemChange.objects.get(pk=change.pk).status == "rejected"


@pytest.mark.parametrize("clause,kind,other", [("p27.2.5-a", "hardware", "function"),
                                               ("p27.2.5-a", "parameter", "data_load"),
                                               ("p15.2.30.3", "function", "parameter"),
                                               ("p19.5.10-b", "program_load", "hardware"),
                                               ("p19.5.10-b", "data_load", "function")])
def test_checks_flag_changes_implemented_without_or_before_approval(clause, kind, other, ask, admin, dgm, person,
                                                                    run):
    """p27.2.5-a, p15.2.30.3, p19.5.10-b: an implemented change without an approval (imported or
    bad data), or approved only after implementation, is a violation of its kind's clause; an
    approved-then-implemented change is not."""
    good = ask(kind=kind)
    services.system_change_decide(dgm, good, approve=True)
    services.system_change_implement(admin, good, implemented_by=person("工程师"))
    unapproved = ask(kind=kind)
    plant(unapproved, status="implemented", implemented_at=unapproved.requested_at, implemented_by=person("某人"))
    late = ask(kind=kind)
    services.system_change_decide(dgm, late, approve=True)
    late.refresh_from_db()
    plant(late, status="implemented", implemented_at=late.approved_at - timedelta(hours=2), implemented_by=person("乙"))
    elsewhere = ask(kind=other)  # another kind: another clause's finding
    plant(elsewhere, status="implemented", implemented_at=elsewhere.requested_at, implemented_by=person("丙"))
    findings = run(clause)
    assert sorted(f.subject_label for f in findings) == sorted([unapproved.number, late.number])
    by_number = {f.subject_label: f for f in findings}
    assert "未经批准" in by_number[unapproved.number].message_zh
    assert "在批准之前" in by_number[late.number].message_zh


def test_steps_page_offers_approval_to_the_deputy_gm(ask, dgm, login):
    change = ask(kind="program_load")
    client = login(dgm)
    url = reverse("assets:system_change_steps", args=[change.pk])
    assert "批准变更" in client.get(url).content.decode()
    response = client.post(url, {"step": "approve", "reason": "同意上线"})
    assert response.status_code == 302
    assert SystemChange.objects.get(pk=change.pk).status == "approved"
