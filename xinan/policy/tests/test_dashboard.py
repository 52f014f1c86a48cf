"""Computed compliance (p21.1 自评估 and every clause the pack maps): the status of each clause from
the pack, the open findings and the approved attestations; rates; findings attributed to the
department of their subject; snapshots and the trend backfilled from the findings' history."""

from datetime import timedelta

import pytest
from django.utils import timezone

from xinan.audit.models import AuditEvent
from xinan.audit.services import audited_write, record
from xinan.policy.attribution import ORGANISATION, by_department
from xinan.policy.compliance import clause_status, clause_statuses, findings_open_at, status_of, tally
from xinan.policy.models import ComplianceSnapshot, Finding
from xinan.policy.resolution import resolve
from xinan.policy.selectors import findings_filtered
from xinan.policy.services import attestation_approve, attestation_create, attestation_sign, checks_run
from xinan.policy.snapshots import snapshot_take, trend

IMPLEMENTED = "p04.3-a"  # 管理员口令每十五天更换: implemented (check p04.3-a)
IMPLEMENTED_2 = "p04.4-b"  # 所有帐号都有口令: implemented
IMPLEMENTED_3 = "p04.3-c"  # 重要口令多于八位: implemented (no check)
ATTESTED = "p10.35-c"  # attestation

NOT_APPLICABLE = "p10.5"


def _missing_clause() -> str:
    return next(cid for cid, r in resolve().items() if r.status == "missing")


def _attestation_clauses() -> list[str]:
    return [cid for cid, r in resolve().items() if r.status == "attestation"]


def plant(clause, severity="violation", subject=("policy.clause", "x", "x"), *, seen_days_ago=0, resolved_days_ago=None,
          evidence=None, key=""):
    """A finding as a check run would have stored it (written in the audit chain)."""
    now = timezone.now()
    subject_type, subject_id, label = subject
    with audited_write():
        f = Finding.objects.create(
            check_id=clause, clause=clause, severity=severity, subject_type=subject_type, subject_id=str(subject_id),
            subject_label=label, message_zh=f"{label} 违反 {clause}", message_en=f"{label} breaks {clause}",
            evidence=evidence or {}, fingerprint=f"{clause}|{subject_type}|{subject_id}|{key}|{seen_days_ago}|{severity}",
            first_seen_at=now - timedelta(days=seen_days_ago),
            resolved_at=now - timedelta(days=resolved_days_ago) if resolved_days_ago is not None else None)
        record(None, "test.plant", f)
    return f


def _by_id():
    return {s.id: s for s in clause_statuses()}


@pytest.fixture
def approved_attestation(make_user):
    secadmin, signer, dgm = make_user("security_admin"), make_user("staff", name="林晓燕"), make_user("deputy_gm")
    today = timezone.localdate()
    a = attestation_create(secadmin, clause=ATTESTED, signer=signer.person, statement="未向无关人员透露密码",
                           evidence="抽查记录", period_start=today - timedelta(days=5), period_end=today + timedelta(days=30))
    attestation_sign(signer, a)
    return attestation_approve(dgm, a)


def test_each_status(approved_attestation):
    """符合 / 基本符合 / 不符合 / 符合(声明) / 待声明 / 不适用 / 未实现, each from what is recorded."""
    missing = _missing_clause()
    plant(IMPLEMENTED, "violation")
    plant(IMPLEMENTED, "warning", key="w")
    plant(IMPLEMENTED_2, "warning")
    plant(missing, "violation")  # a finding on an unimplemented clause does not make it evaluable
    plant(IMPLEMENTED_3, "violation", resolved_days_ago=1)  # resolved: no longer counts
    s = _by_id()
    assert (s[IMPLEMENTED].status, s[IMPLEMENTED].violations, s[IMPLEMENTED].warnings) == ("noncompliant", 1, 1)
    assert s[IMPLEMENTED_2].status == "partly"
    assert s[IMPLEMENTED_3].status == "compliant"
    assert s[ATTESTED].status == "attested" and s[ATTESTED].attested_until == approved_attestation.period_end
    unattested = next(c for c in _attestation_clauses() if c != ATTESTED)
    assert s[unattested].status == "unattested"
    assert s[NOT_APPLICABLE].status == "not_applicable"
    assert s[missing].status == "missing" and s[missing].violations == 1
    assert s[IMPLEMENTED].status_label == "不符合" and s[ATTESTED].status_label == "符合(声明)"
    assert clause_status(IMPLEMENTED).status == "noncompliant"  # the detail page's single read agrees


def test_missing_is_never_compliant_and_violation_beats_attestation(approved_attestation):
    assert all(status_of("missing", 0, 0, True) == "missing" for _ in range(1))
    plant(ATTESTED, "violation")  # a record contradicting the statement
    assert _by_id()[ATTESTED].status == "noncompliant"


def test_rates():
    counts = tally(clause_statuses())
    assert counts["total"] == len(resolve())
    assert counts["applicable"] == counts["total"] - counts["not_applicable"]
    assert counts["evaluable"] == counts["applicable"] - counts["missing"]
    met = counts["compliant"] + counts["attested"]
    assert counts["met"] == met and counts["percent"] == round(100 * met / counts["applicable"], 1)
    assert counts["evaluated_percent"] == round(100 * met / counts["evaluable"], 1)
    before = counts["percent"]
    plant(IMPLEMENTED, "violation")
    assert tally(clause_statuses())["percent"] < before


def test_findings_attributed_to_the_department_of_their_subject(make_department, make_person, make_user, department):
    """org.person → the person's department; identity.user → its person's; org.department → itself;
    org.post → the post's (none: 全单位); anything else → 全单位."""
    from xinan.org import services as org

    sales, it = make_department("销售部"), make_department("信息技术部")
    person = make_person("张三", dept=sales)
    user = make_user(name="李四", dept=it)
    post_it = org.post_create(None, code="P-IT", name="网管", department=it)
    post_none = org.post_create(None, code="P-X", name="文员")
    plant(IMPLEMENTED, "violation", ("org.person", person.pk, "张三"))
    plant(IMPLEMENTED, "warning", ("identity.user", user.pk, "李四"))
    plant(IMPLEMENTED_2, "warning", ("org.post", post_it.pk, "网管"))
    plant(IMPLEMENTED_2, "warning", ("org.post", post_none.pk, "文员"))
    plant(IMPLEMENTED_2, "violation", ("org.department", sales.pk, "销售部"), key="d")
    plant(IMPLEMENTED_3, "violation", ("org.role", "3", "系统管理员"))
    rows = {r["key"]: r for r in by_department(clause_statuses(), findings_open_at())}
    assert (rows[str(sales.pk)]["violations"], rows[str(sales.pk)]["warnings"]) == (2, 0)
    assert (rows[str(it.pk)]["violations"], rows[str(it.pk)]["warnings"]) == (0, 2)
    assert (rows[ORGANISATION]["violations"], rows[ORGANISATION]["warnings"]) == (1, 1)
    assert rows[str(department.pk)]["findings"] == 0
    implemented = sum(1 for r in resolve().values() if r.status == "implemented")
    assert rows[str(sales.pk)]["noncompliant"] == 2 and rows[str(sales.pk)]["evaluated"] == implemented
    assert rows[str(it.pk)]["partly"] == 2  # IMPLEMENTED and IMPLEMENTED_2 with warnings only
    assert rows[str(sales.pk)]["percent"] == round(100 * (implemented - 2) / implemented, 1)
    # The findings list filters the same way.
    labels = lambda **f: sorted(x.subject_label for x in findings_filtered(**f))  # noqa: E731
    assert labels(department=str(sales.pk)) == ["张三", "销售部"]
    assert labels(department=str(it.pk)) == ["李四", "网管"]
    assert labels(department=ORGANISATION) == ["文员", "系统管理员"]


def test_full_run_writes_the_days_snapshot(make_user):
    make_user("system_admin")
    checks_run(clause="p04.3-a")  # a run for one clause leaves no snapshot
    assert not ComplianceSnapshot.objects.exists()
    checks_run(actor="cli:test")
    today = timezone.localdate()
    rows = ComplianceSnapshot.objects.filter(day=today)
    overall = rows.get(scope="overall")
    assert overall.counts == {k: v for k, v in tally(clause_statuses()).items() if k in overall.counts}
    assert rows.filter(scope="domain").count() == len({r.domain for r in resolve().values()})
    assert rows.filter(scope="department", key=ORGANISATION).exists()
    event = AuditEvent.objects.filter(action="policy.snapshot").latest("seq")
    assert event.actor_label == "cli:test" and event.after["day"] == today.isoformat()
    checks_run()  # a second run the same day replaces that day's rows
    assert ComplianceSnapshot.objects.filter(day=today, scope="overall").count() == 1


def test_trend_from_snapshots_and_history():
    """Days before any snapshot are rebuilt from the findings' first-seen and resolved times."""
    plant(IMPLEMENTED, "violation", seen_days_ago=10, resolved_days_ago=3)
    points = {p["day"]: p for p in trend(30)}
    today = timezone.localdate()
    day = lambda n: (today - timedelta(days=n)).isoformat()  # noqa: E731
    assert min(points) == day(10)  # the series starts with the first recorded finding
    assert points[day(10)]["noncompliant"] == 1 and points[day(10)]["violations"] == 1
    assert points[day(4)]["noncompliant"] == 1 and points[day(4)]["source"] == "history"
    assert points[day(3)]["noncompliant"] == 0 and points[day(3)]["violations"] == 0
    assert points[day(0)]["source"] == "live" and points[day(0)]["noncompliant"] == 0
    assert points[day(4)]["percent"] < points[day(3)]["percent"]
    # A stored snapshot wins over the rebuild for its day.
    snapshot_take(today - timedelta(days=6))
    with audited_write():
        row = ComplianceSnapshot.objects.get(day=today - timedelta(days=6), scope="overall")
        row.counts = {**row.counts, "violations": 42}
        row.save()
        record(None, "test.plant", row)
    points = {p["day"]: p for p in trend(30)}
    assert points[day(6)]["source"] == "snapshot" and points[day(6)]["violations"] == 42


def test_trend_counts_overlapping_findings_and_attestations_from_their_approval(approved_attestation):
    """Several findings of one clause open and close on different days; an attestation approved
    today does not make past days attested, although its period began earlier."""
    plant(IMPLEMENTED, "warning", seen_days_ago=8, resolved_days_ago=2, key="a")
    plant(IMPLEMENTED, "violation", seen_days_ago=6, resolved_days_ago=4, key="b")
    plant(IMPLEMENTED, "warning", seen_days_ago=5, key="c")
    points = {p["day"]: p for p in trend(30)}
    day = lambda n: (timezone.localdate() - timedelta(days=n)).isoformat()  # noqa: E731
    expected = {8: (1, 0, "partly"), 7: (1, 0, "partly"), 6: (1, 1, "noncompliant"), 5: (2, 1, "noncompliant"),
                4: (2, 0, "partly"), 3: (2, 0, "partly"), 2: (1, 0, "partly"), 1: (1, 0, "partly")}
    for n, (warnings, violations, status) in expected.items():
        p = points[day(n)]
        assert (p["warnings"], p["violations"], p[status]) == (warnings, violations, 1), n
        assert p["attested"] == 0, n  # decided today: not attested on past days
    assert points[day(0)]["attested"] == 1 and points[day(0)]["partly"] == 1


def test_snapshot_of_a_past_day_is_rebuilt_from_history():
    plant(IMPLEMENTED, "violation", seen_days_ago=10, resolved_days_ago=3)
    snapshot_take(timezone.localdate() - timedelta(days=5))
    row = ComplianceSnapshot.objects.get(scope="overall")
    assert row.day == timezone.localdate() - timedelta(days=5) and row.counts["noncompliant"] == 1
