"""``xinan check`` and ``xinan policy``: the json shapes, exit codes, previews, the audit event."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from xinan.audit.models import AuditEvent
from xinan.org import services as org
from xinan.policy.models import Attestation, Finding
from xinan.policy.services import attestation_create

from .conftest import save_audited

FINDING_KEYS = {"clause", "severity", "subject", "message", "since", "evidence"}


def _call(*args, **opts):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command(*args, stdout=out, stderr=err, **opts)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def _departed_but_enabled(make_user):
    user = make_user("staff", name="吴敏")
    org.person_depart(None, user.person, effective_at=timezone.now() - timedelta(hours=2))
    user.refresh_from_db()
    return save_audited(user, is_active=True)


def test_check_json_lists_findings_and_exits_1_on_violations(make_user):
    """p10.38-b planted: the json carries the catalogue id and every field of a finding."""
    user = _departed_but_enabled(make_user)
    events_before = set(AuditEvent.objects.filter(action="policy.check_run").values_list("seq", flat=True))
    code, out, _err = _call("check", format="json")
    assert code == 1
    findings = json.loads(out)
    assert all(set(f) == FINDING_KEYS for f in findings)
    mine = [f for f in findings if f["clause"] == "p10.38-b"]
    assert mine == [{
        "clause": "p10.38-b", "severity": "violation",
        "subject": {"type": "identity.user", "id": str(user.pk), "label": f"{user.username}(吴敏)"},
        "message": {"zh": f"吴敏({user.person.employee_no})已于 {user.person.left_on} 离职,账号 {user.username} 仍未停用",
                    "en": f"{user.person.employee_no} left on {user.person.left_on}; account {user.username} is still enabled"},
        "since": timezone.localtime(user.person.status_changed_at + timedelta(hours=1)).isoformat(),
        "evidence": {"left_on": str(user.person.left_on), "within": "PT1H"},
    }]
    # The run is stored and audited once, with counts, not once per finding.
    assert Finding.objects.filter(clause="p10.38-b", resolved_at__isnull=True).count() == 1
    run_events = AuditEvent.objects.filter(action="policy.check_run").exclude(seq__in=events_before)
    assert run_events.count() == 1
    event = run_events.get()
    assert event.after["opened"] == len(findings) and event.after["scope"] == "all"
    assert event.actor_label.startswith("cli")


def test_check_clause_filter_and_exit_0_without_violations(department):
    org.post_create(None, code="P-X", name="无职责岗位", department=department, duties="")
    code, out, _err = _call("check", clause="p21.5.1.2-b", format="json")
    assert code == 0
    assert [(f["clause"], f["severity"]) for f in json.loads(out)] == [("p21.5.1.2-b", "warning")]
    code, out, _err = _call("check", clause="p21.5.1.2-b")
    assert code == 0 and "无职责岗位" in out and "违规 0,警告 1" in out


def test_check_clause_of_an_attestation(make_user):
    code, out, _err = _call("check", clause="p10.35-c", format="json")
    assert code == 0
    assert [(f["clause"], f["subject"]["type"]) for f in json.loads(out)] == [("p10.35-c", "policy.clause")]


def test_check_as_of_is_a_preview(make_user):
    """p04.3-a: in 20 days today's administrator passwords are overdue; the preview says so and
    stores nothing."""
    admin = make_user("system_admin")
    later = (timezone.localdate() + timedelta(days=20)).isoformat()
    before = Finding.objects.count()
    events = AuditEvent.objects.filter(action="policy.check_run").count()
    code, out, _err = _call("check", clause="p04.3-a", as_of=later, format="json")
    assert code == 1
    assert [f["subject"]["id"] for f in json.loads(out)] == [str(admin.pk)]
    assert Finding.objects.count() == before
    assert AuditEvent.objects.filter(action="policy.check_run").count() == events
    code, out, _err = _call("check", clause="p04.3-a", as_of=later)
    assert "预览,未保存" in out


def test_check_refuses_unknown_clause_and_bad_date():
    with pytest.raises(CommandError):
        call_command("check", clause="p99.9", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("check", as_of="2025-13-01", stdout=io.StringIO())


def test_check_table_summarises_large_groups():
    code, out, _err = _call("check", clause=None)
    assert code == 1  # the three 三员 posts are vacant in an empty organisation
    assert "attestation  93 项 / findings" in out
    assert "三员岗位空缺" in out
    code, out, _err = _call("check", all=True)
    assert "p29.9「严禁打击报复信息人员」" in out


def test_system_checks_still_available():
    code, out, _err = _call("check", system=True)
    assert code == 0 and "System check identified no issues" in out


def test_coverage_json_one_entry_per_catalogue_id():
    code, out, _err = _call("policy", "coverage", format="json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 801 and len({r["id"] for r in rows}) == 801
    assert all(set(r) == {"id", "domain", "kind", "status", "by"} for r in rows)
    by_id = {r["id"]: r for r in rows}
    assert by_id["p08.10.4-b"]["status"] == "implemented" and "check:p08.10.4-b" in by_id["p08.10.4-b"]["by"]
    assert by_id["p10.40.1"]["status"] == "not_applicable"
    assert by_id["p10.35-c"] == {"id": "p10.35-c", "domain": "passwords", "kind": "prohibition",
                                 "status": "attestation", "by": ["attestation"]}
    statuses = {r["status"] for r in rows}
    assert statuses == {"implemented", "attestation", "not_applicable", "missing"}


def test_coverage_table_counts_and_lists_missing():
    code, out, _err = _call("policy", "coverage")
    total = [line for line in out.splitlines() if line.startswith("total")]
    assert len(total) == 2  # by domain, by kind
    numbers = total[0].split()[1:]
    assert numbers[0] == "801" and sum(int(n) for n in numbers[1:5]) == 801
    assert "未实现 / not yet implemented (" in out and "p16.2.6-a" in out
    assert "p04.3-a," not in out.split("未实现")[1]  # implemented ids are not listed as missing


def test_validate_and_parameters_commands():
    code, out, _err = _call("policy", "validate")
    assert code == 0 and "有效" in out
    code, out, _err = _call("policy", "parameters", format="json")
    rows = {(r["clause"], r["name"]): r for r in json.loads(out)}
    assert rows[("p01.8.1.a", "fine_cny")]["value"] is None
    assert rows[("p04.3-a", "cadence")]["key"] == "identity.password.admin_max_age_days"


def test_attestation_cli(make_user, make_person):
    signer = make_user("staff", name="林晓燕")
    approver = make_user("deputy_gm")
    attestation = attestation_create(make_user("security_admin"), clause="p10.35-c", signer=signer.person,
                                     statement="未向无关人员透露密码", evidence="抽查记录",
                                     period_start=timezone.localdate(), period_end=timezone.localdate())
    code, out, _err = _call("policy", "attestation", "sign", "--as", signer.username, str(attestation.pk))
    assert code == 0 and "已签署" in out
    code, out, _err = _call("policy", "attestation", "approve", "--as", approver.username, str(attestation.pk))
    assert code == 0 and "已批准" in out
    with pytest.raises(CommandError):  # already approved
        call_command("policy", "attestation", "approve", "--as", approver.username, str(attestation.pk), stdout=io.StringIO())
    assert Attestation.objects.get(pk=attestation.pk).approver == approver.person


def test_an_unchanged_finding_is_not_rewritten(make_user):
    """A second run over the same facts opens, resolves and rewrites nothing (p04.3-a planted);
    only the run itself is recorded."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xinan.identity.models import User
    from xinan.policy.services import checks_run

    admin = make_user("system_admin")
    User.objects.filter(pk=admin.pk).update(password_changed_at=timezone.now() - timedelta(days=40))
    first = checks_run()
    assert first.opened >= 1
    with CaptureQueriesContext(connection) as queries:
        again = checks_run()
    assert (again.opened, again.resolved) == (0, 0)
    writes = [q["sql"] for q in queries.captured_queries if "policy_finding" in q["sql"]
              and (q["sql"].lstrip().upper().startswith("INSERT") or '"message_zh" =' in q["sql"])]
    assert writes == []  # no finding inserted, none rewritten (only the run's audit event is new)


def test_findings_of_a_retired_check_are_closed_by_a_full_run():
    from xinan.policy.services import checks_run

    now = timezone.now()
    from xinan.audit.services import audited_write

    with audited_write():
        Finding.objects.bulk_create([Finding(check_id="retired.check", clause="p04.2", severity="warning",
                                             subject_type="x", subject_id="1", message_zh="旧", message_en="old",
                                             fingerprint="f" * 64, first_seen_at=now)])
    checks_run(clause="p04.3-a")  # a partial run leaves it
    assert Finding.objects.get(check_id="retired.check").resolved_at is None
    result = checks_run()
    assert Finding.objects.get(check_id="retired.check").resolved_at is not None
    assert result.resolved >= 1
