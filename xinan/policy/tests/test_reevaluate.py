"""After each write, the checks touching the changed subjects are re-evaluated (after commit)."""

import pytest
from django.db import connection

from xinan.audit.services import audited_write
from xinan.identity import services as identity
from xinan.identity.models import User
from xinan.org import services as org
from xinan.org.models import Role
from xinan.policy.models import Finding
from xinan.policy.services import _plan, checks_run

from .conftest import days_ago, open_findings, save_audited


def test_a_grant_resolves_the_vacancy_after_commit(make_person, run, after_commit):
    """p08.10.4-a: granting system_admin closes its vacancy without anyone running xinan check."""
    run()
    assert {f.subject_label for f in open_findings("p08.10.4-a")} == {"系统管理员", "安全保密管理员", "安全审计员"}
    person = make_person("李明")
    with after_commit() as callbacks:
        org.role_grant_direct(None, person=person, role=Role.objects.get(code="system_admin"))
    assert len(callbacks) == 1
    assert {f.subject_label for f in open_findings("p08.10.4-a")} == {"安全保密管理员", "安全审计员"}
    assert Finding.objects.get(clause="p08.10.4-a", subject_label="系统管理员").resolved_at is not None


def test_one_callback_per_transaction_however_many_writes(make_user, django_capture_on_commit_callbacks):
    connection._xinan_policy_pending = None
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with audited_write():
            for _ in range(3):
                make_user("staff")
    assert len(callbacks) == 1


def test_a_rolled_back_write_evaluates_nothing(make_person, after_commit):
    person = make_person()
    with after_commit() as callbacks:
        with pytest.raises(RuntimeError):
            with audited_write():
                org.role_grant_direct(None, person=person, role=Role.objects.get(code="auditor"))
                raise RuntimeError("abandon")
    assert callbacks == []
    assert not Finding.objects.exists()


def test_a_departure_opens_and_a_deactivation_resolves(make_user, after_commit):
    """p10.38-b through the hook alone: an account re-enabled after departure is found at once;
    disabling it resolves the finding."""
    user = make_user("staff")
    org.person_depart(None, user.person, effective_at=days_ago(0, hours=2))
    with after_commit():
        save_audited(User.objects.get(pk=user.pk), is_active=True)
    assert [f.subject_id for f in open_findings("p10.38-b")] == [str(user.pk)]
    with after_commit():
        identity.account_deactivate(None, User.objects.get(pk=user.pk), reason="停用")
    assert open_findings("p10.38-b") == []
    assert Finding.objects.get(clause="p10.38-b").resolved_at is not None


def test_password_change_is_evaluated_for_that_account_only(make_user, after_commit):
    """p04.3-a: a change of one account re-runs the account checks narrowed to it; another
    administrator's stale password found earlier stays open (not resolved by a narrowed run)."""
    first, second = make_user("system_admin"), make_user("security_admin")
    User.objects.filter(pk__in=[first.pk, second.pk]).update(password_changed_at=days_ago(20))
    checks_run(clause="p04.3-a")
    assert len(open_findings("p04.3-a")) == 2
    with after_commit():
        save_audited(User.objects.get(pk=first.pk), password_changed_at=days_ago(0))
    assert [f.subject_id for f in open_findings("p04.3-a")] == [str(second.pk)]


@pytest.mark.django_db
def test_plan_narrows_to_the_changed_rows_only_when_it_can(make_user):
    plan = {spec.id: ids for spec, ids in _plan(None, {"identity.user": {"7"}})}
    assert plan["p04.3-a"] == frozenset({"7"}) and plan["p10.38-b"] == frozenset({"7"})
    assert "p08.10.4-a" not in plan and "attestation" not in plan
    admin, other = make_user("system_admin"), make_user("staff")
    grant = admin.person.role_assignments.get(role__code="system_admin")
    plan = {spec.id: ids for spec, ids in _plan(None, {"identity.user": {str(other.pk)}, "org.roleassignment": {str(grant.pk)}})}
    # a role change may alter who is an administrator: the accounts of that grant's person
    assert plan["p04.3-a"] == frozenset({str(other.pk), str(admin.pk)})
    assert plan["p08.10.4-b"] is None
    assert plan["p15.2.11"] == frozenset({str(grant.pk)})  # its findings are grants: narrowed to the changed one
    assert plan["p04.3-a"] is not None
    plan = {spec.id: ids for spec, ids in _plan(None, {"identity.user": {"7"}, "core.parameter": {"x"}})}
    assert plan["p04.3-a"] is None  # a parameter may change every account's answer: whole run
    assert {spec.id for spec, _ids in _plan(None, {"test.thing": {"1"}})} == set()


def test_via_needs_narrow_and_listed_subjects():
    from xinan.policy.checks import check

    with pytest.raises(ValueError, match="via needs narrow"):
        check("p04.3-a", subjects=("org.person",), via={"org.person": "person"}, check_id="test.via1")
    with pytest.raises(ValueError, match="does not list"):
        check("p04.3-a", subjects=("identity.user",), narrow="identity.user", via={"org.person": "person"},
              check_id="test.via2")


def test_reevaluation_can_be_turned_off(settings, make_person, after_commit):
    settings.POLICY_REEVALUATE = False
    with after_commit() as callbacks:
        org.role_grant_direct(None, person=make_person(), role=Role.objects.get(code="auditor"))
    assert callbacks == []


def test_a_failing_check_never_fails_the_write(make_person, after_commit, caplog):
    from xinan.org.models import Person
    from xinan.policy.checks import CheckSpec, registry

    def broken(ctx):
        raise RuntimeError("a bug in a check")

    registry["test.broken"] = CheckSpec(id="test.broken", clause="p04.3-a", func=broken, severity="warning",
                                        subjects=("org.person",), narrow=None, also=())
    try:
        with after_commit():
            person = make_person("王芳")
    finally:
        del registry["test.broken"]
    assert Person.objects.filter(pk=person.pk).exists()
    assert "re-evaluating checks after a write failed" in caplog.text


def test_a_re_evaluation_that_changes_nothing_reads_the_findings_and_writes_nothing(make_user):
    """p04.3-a: after a write that changes no finding, the stored findings are read once and no
    transaction is opened (no savepoint, no audit event); a change still goes through the chain."""
    from django.test.utils import CaptureQueriesContext

    from xinan.audit.models import AuditEvent

    user = make_user("system_admin")
    User.objects.filter(pk=user.pk).update(password_changed_at=days_ago(20))
    checks_run(clause="p04.3-a")
    checks_run(subjects={"identity.user": {str(user.pk)}})  # the other account checks' first findings
    stored = {f.fingerprint: f.first_seen_at for f in open_findings("p04.3-a")}
    assert stored
    events = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        result = checks_run(subjects={"identity.user": {str(user.pk)}})
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in sql if "SAVEPOINT" in s or "INSERT" in s or "UPDATE" in s]
    assert len([s for s in sql if 'FROM "policy_finding"' in s]) == 1
    assert AuditEvent.objects.count() == events
    assert {f.fingerprint: f.first_seen_at for f in open_findings("p04.3-a")} == stored
    assert result.open_total == len(result.findings) and result.opened == result.resolved == 0
    User.objects.filter(pk=user.pk).update(password_changed_at=days_ago(0))
    result = checks_run(subjects={"identity.user": {str(user.pk)}})
    assert result.resolved == 1 and open_findings("p04.3-a") == []
    assert AuditEvent.objects.count() == events + 1  # the run's one policy.check_run event
