"""Checks over the organisation: p08.10.4-b (三员不得兼任), p08.10.4-a (配备三员),
p21.5.1.2-b (岗位职责), p15.2.11 (授权申请长期未审批). Each plants a violation, asserts the exact
finding, fixes it and asserts the finding is resolved on the next run."""

from datetime import timedelta

from django.db import connection

from xinan.audit.services import audited_write, record
from xinan.org import services as org
from xinan.org.models import Role, RoleAssignment
from xinan.policy.models import Finding

from .conftest import days_ago, open_findings, save_audited


def _plant_second_triad_role(person, code):
    """What the services and the database refuse: drop the partial unique index (rolled back
    with the test's transaction) and insert a second 三员 grant directly."""
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX org_one_triad_role_per_person")
    role = Role.objects.get(code=code)
    with audited_write():
        grant = RoleAssignment(person=person, role=role, triad=role.triad, status="active", decided_at=days_ago(0))
        grant.save()
        record(None, "test.plant", grant)
    return grant


def test_p08_10_4_b_person_holding_two_triad_roles(make_person, run):
    li = make_person("李明")
    org.role_grant_direct(None, person=li, role=Role.objects.get(code="system_admin"))
    assert run("p08.10.4-b") == []
    second = _plant_second_triad_role(li, "auditor")

    findings = run("p08.10.4-b")
    assert len(findings) == 1
    f = findings[0]
    assert (f.clause, f.severity, f.subject_type, f.subject_id) == ("p08.10.4-b", "violation", "org.person", str(li.pk))
    assert f.subject_label == f"李明({li.employee_no})"
    assert f.message_zh == f"李明({li.employee_no}) 同时担任三员角色:系统管理员、安全审计员(三员不得兼任)"
    assert f.message_en == f"{li.employee_no} holds more than one 三员 role: system_admin, auditor"
    assert f.since == second.decided_at
    assert [g["role"] for g in f.evidence["grants"]] == ["system_admin", "auditor"]
    stored = open_findings("p08.10.4-b")
    assert len(stored) == 1 and stored[0].first_seen_at is not None

    org.role_revoke(None, second, reason="纠正兼任")
    assert run("p08.10.4-b") == []
    row = Finding.objects.get(pk=stored[0].pk)
    assert row.resolved_at is not None and row.resolved_at >= row.first_seen_at


def test_p08_10_4_b_triad_roles_with_overlapping_powers(run):
    assert run("p08.10.4-b") == []  # the built-in 三员 roles share nothing but read access
    security = Role.objects.get(code="security_admin")
    save_audited(security, permissions=security.permissions + ["identity.account.manage", "org.person.view"])

    findings = run("p08.10.4-b")
    assert len(findings) == 1
    f = findings[0]
    admin = Role.objects.get(code="system_admin")
    assert (f.subject_type, f.subject_id, f.subject_label) == ("org.role", str(security.pk), "安全保密管理员 / 系统管理员")
    assert f.evidence == {"roles": ["security_admin", "system_admin"], "permissions": ["identity.account.manage"]}
    assert "identity.account.manage" in f.message_zh and admin.code in f.message_en

    save_audited(security, permissions=[p for p in security.permissions if p != "identity.account.manage"])
    assert run("p08.10.4-b") == []
    assert Finding.objects.get(clause="p08.10.4-b").resolved_at is not None


def test_p08_10_4_b_wildcards_count_as_overlap(run):
    auditor = Role.objects.get(code="auditor")
    save_audited(auditor, permissions=auditor.permissions + ["org.*"])
    findings = run("p08.10.4-b")
    assert {tuple(f.evidence["roles"]) for f in findings} == {("auditor", "security_admin"), ("auditor", "system_admin")}


def test_p08_10_4_a_vacant_triad_posts(make_person, run):
    findings = {f.subject_label: f for f in run("p08.10.4-a")}
    assert set(findings) == {"安全审计员", "安全保密管理员", "系统管理员"}
    auditor = findings["安全审计员"]
    assert (auditor.severity, auditor.subject_type, auditor.subject_id, auditor.since) == (
        "violation", "org.role", str(Role.objects.get(code="auditor").pk), None)
    assert auditor.message_zh == "三员岗位空缺:没有在岗人员担任安全审计员"
    assert auditor.message_en == "三员 post vacant: no active person holds auditor"

    holders = {}
    for code in ("system_admin", "security_admin", "auditor"):
        holders[code] = make_person(f"持有{code}")
        org.role_grant_direct(None, person=holders[code], role=Role.objects.get(code=code))
    assert run("p08.10.4-a") == []
    assert not open_findings("p08.10.4-a")
    assert Finding.objects.filter(clause="p08.10.4-a", resolved_at__isnull=False).count() == 3

    change = org.person_depart(None, holders["auditor"], reason="离职")
    findings = run("p08.10.4-a")
    assert [f.subject_label for f in findings] == ["安全审计员"]
    revoked = RoleAssignment.objects.get(person=holders["auditor"]).revoked_at
    assert findings[0].since == revoked and revoked >= change.effective_at


def test_p21_5_1_2_b_post_without_duties(department, run):
    post = org.post_create(None, code="P-CLK", name="文员", department=department, duties="  ")
    org.post_create(None, code="P-ACC", name="会计", department=department, duties="财务核算")
    findings = run("p21.5.1.2-b")
    assert [(f.subject_type, f.subject_id, f.severity, f.message_zh) for f in findings] == [
        ("org.post", str(post.pk), "warning", "岗位 文员(P-CLK)未填写岗位职责")]
    org.post_update(None, post, duties="收发文件")
    assert run("p21.5.1.2-b") == []
    assert Finding.objects.get(clause="p21.5.1.2-b").resolved_at is not None


def test_p15_2_11_grant_left_pending(make_user, make_person, run):
    secadmin, dgm = make_user("security_admin"), make_user("deputy_gm")
    grantee = make_person("周鹏")
    grant = org.role_grant_request(secadmin, person=grantee, role=Role.objects.get(code="staff"))
    assert run("p15.2.11") == []  # pending, but not for long
    RoleAssignment.objects.filter(pk=grant.pk).update(requested_at=days_ago(8))
    grant.refresh_from_db()

    findings = run("p15.2.11")
    assert len(findings) == 1
    f = findings[0]
    assert (f.clause, f.severity, f.subject_type, f.subject_id) == ("p15.2.11", "warning", "org.roleassignment", str(grant.pk))
    assert f.subject_label == "周鹏 — 员工"
    assert "超过7天" in f.message_zh and "longer than P1W" in f.message_en
    assert f.since == grant.requested_at + timedelta(days=7)

    org.role_grant_approve(dgm, grant)
    assert run("p15.2.11") == []
    assert Finding.objects.get(clause="p15.2.11").resolved_at is not None
