"""Definitions are data: the shipped YAML is installed on migrate, validated, versioned; a running
instance keeps the version it started with; the pack's ``workflow:`` references resolve."""

import copy

import pytest
from django.core.exceptions import ValidationError

from xinan.audit.models import AuditEvent
from xinan.policy import mechanisms
from xinan.workflows import definitions
from xinan.workflows.models import WorkflowConflict, WorkflowDefinition

from .conftest import spec


def test_shipped_definitions_are_installed_by_migrate():
    rows = {d.code: d for d in WorkflowDefinition.objects.filter(is_current=True)}
    assert {"two_step_approval", "transfer_with_deputy_gm"} <= set(rows)
    two = rows["two_step_approval"]
    assert [(s.code, s.kind, s.actor_kind, s.actor_value, s.deadline) for s in two.steps.order_by("order")] == [
        ("request", "request", "any", "", ""),
        ("department_head", "approve", "relation", "requester_department_head", "P3D"),
        ("deputy_gm", "approve", "relation", "deputy_gm", "P3D"),
    ]
    transfer = rows["transfer_with_deputy_gm"]
    assert transfer.clauses == ["p01.2.7.b-b"]
    assert [(s.code, s.kind, s.actor_kind, s.actor_value) for s in transfer.steps.order_by("order")] == [
        ("request", "request", "role", "system_admin"),
        ("deputy_gm_signs", "approve", "relation", "deputy_gm"),
        ("administrator_executes", "execute", "role", "system_admin"),
    ]


def test_p20_1_6_incompatible_pairs_are_derived_for_every_definition():
    transfer = definitions.current("transfer_with_deputy_gm")
    pairs = {(c.step.code, c.other.code, c.label, c.clause, c.triad)
             for c in WorkflowConflict.objects.filter(step__definition=transfer).select_related("step", "other")}
    assert pairs == {
        ("request", "deputy_gm_signs", "授权与批准", "p20.1.6", True),
        ("deputy_gm_signs", "request", "授权与批准", "p20.1.6", True),
        ("deputy_gm_signs", "administrator_executes", "批准与执行", "p20.1.6", True),
        ("administrator_executes", "deputy_gm_signs", "批准与执行", "p20.1.6", True),
    }
    two = definitions.current("two_step_approval")
    distinct = WorkflowConflict.objects.filter(step__definition=two, rule__startswith="distinct")
    assert {(c.step.code, c.other.code) for c in distinct} == {("department_head", "deputy_gm"),
                                                                ("deputy_gm", "department_head")}


def test_sync_is_idempotent_and_a_change_makes_a_new_version():
    before = WorkflowDefinition.objects.count()
    definitions.definitions_sync()
    assert WorkflowDefinition.objects.count() == before

    changed = copy.deepcopy(next(s for s in definitions.shipped() if s["code"] == "two_step_approval"))
    changed["steps"][0]["deadline"] = "P5D"
    v2 = definitions.install(changed)
    assert v2.version == 2 and v2.is_current
    v1 = WorkflowDefinition.objects.get(code="two_step_approval", version=1)
    assert not v1.is_current and v1.steps.get(code="department_head").deadline == "P3D"
    assert v2.steps.get(code="department_head").deadline == "P5D"
    event = AuditEvent.objects.filter(action="workflow.definition.create", subject_id=str(v2.pk)).get()
    assert event.before == {"version": 1} and event.after["version"] == 2


def test_a_running_instance_keeps_its_version(o, start):
    from xinan.workflows import services

    instance = start()
    changed = copy.deepcopy(next(s for s in definitions.shipped() if s["code"] == "two_step_approval"))
    changed["steps"][1]["name"] = "分管副总经理审批"
    definitions.install(changed)
    services.workflow_act(o.head, instance, "approve")
    instance.refresh_from_db()
    assert instance.definition.version == 1
    assert instance.current_step.name == "副总经理审批"
    assert instance.current_step.definition_id == instance.definition_id


def test_a_custom_definition_is_not_overwritten_by_sync():
    custom = copy.deepcopy(next(s for s in definitions.shipped() if s["code"] == "two_step_approval"))
    custom["name"] = "本单位两级审批"
    row = definitions.install(custom, source=WorkflowDefinition.Source.CUSTOM)
    definitions.definitions_sync()
    assert definitions.current("two_step_approval") == row


@pytest.mark.parametrize("change,fragment", [
    (lambda s: s["steps"][0].update(kind="sign"), "kind must be one of"),
    (lambda s: s["steps"][0].update(actor={"relation": "cousin"}), "unknown relation"),
    (lambda s: s["steps"][0].update(actor={"role": "wizard"}), "no role 'wizard'"),
    (lambda s: s["steps"][0].update(deadline="3 days"), "not an ISO-8601 duration"),
    (lambda s: s["steps"][0].update(code="request"), "repeated or 'request'"),
    (lambda s: s.update(clauses=["p99.9"]), "not in the catalogue"),
    (lambda s: s.update(on_complete="xinan.nowhere.hook"), "cannot be imported"),
    (lambda s: s.update(separation=[{"distinct": ["a", "nope"]}]), "no step 'nope'"),
    (lambda s: s.update(starter={"relation": "requester"}), "the requester cannot be who may start"),
    (lambda s: s.update(steps=[]), "at least one step"),
])
def test_a_malformed_definition_is_refused(change, fragment):
    bad = spec("bad_one", [("a", "approve", {"role": "deputy_gm"})])
    change(bad)
    assert any(fragment in p for p in definitions.validate(bad)), definitions.validate(bad)
    with pytest.raises(ValidationError):
        definitions.install(bad)
    assert not WorkflowDefinition.objects.filter(code="bad_one").exists()


def test_pack_workflow_references_resolve():
    assert mechanisms.problem("workflow:two_step_approval") is None
    assert mechanisms.problem("workflow:transfer_with_deputy_gm") is None
    assert "no such workflow definition" in mechanisms.problem("workflow:no_such_workflow")


def test_an_installed_definition_resolves(install):
    install("local_only", [("a", "approve", {"role": "deputy_gm"})])
    assert mechanisms.problem("workflow:local_only") is None
