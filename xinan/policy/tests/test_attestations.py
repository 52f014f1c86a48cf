"""合规声明: drafted, signed by the named signer, approved by someone else, valid for its period;
the attestation check (clauses whose catalogue check is "attestation") follows them."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from xinan.audit.models import AuditEvent
from xinan.core import parameters
from xinan.policy.models import Attestation, Finding
from xinan.policy.services import (attestation_approve, attestation_archive, attestation_create, attestation_reject,
                                   attestation_sign, attestation_update, attested_clauses, checks_run, content_digest,
                                   end_of_day)

CLAUSE = "p10.35-c"  # 禁止向无关人员透露密码: check "attestation"


@pytest.fixture
def people(make_user):
    return {"secadmin": make_user("security_admin"), "signer": make_user("staff", name="林晓燕"),
            "dgm": make_user("deputy_gm", name="陈立伟")}


def _draft(people, **extra):
    today = timezone.localdate()
    data = dict(clause=CLAUSE, signer=people["signer"].person, statement="本季度未向无关人员透露密码",
                evidence="抽查 20 名员工的问询记录", period_start=today - timedelta(days=10), period_end=today + timedelta(days=80))
    data.update(extra)
    return attestation_create(people["secadmin"], **data)


def _findings(clause=CLAUSE, **kwargs):
    return [f for f in checks_run(clause=clause, **kwargs).findings]


def test_lifecycle_and_the_check(people):
    """p10.35-c: open finding until an approved statement covers today; resolved after approval."""
    [f] = _findings()
    assert (f.clause, f.severity, f.subject_type, f.subject_id) == (CLAUSE, "warning", "policy.clause", CLAUSE)
    assert f.message_zh == f"条款 {CLAUSE}「禁止向无关人员透露密码」在 {timezone.localdate()} 没有已批准的有效合规声明"

    attestation = _draft(people)
    assert attestation.status == Attestation.Status.DRAFT
    assert len(_findings()) == 1  # a draft is no evidence
    attestation_sign(people["signer"], attestation, reason="本人确认")
    assert attestation.status == Attestation.Status.SIGNED and attestation.content_digest.startswith("sm3:")
    assert attestation.signer_post_id == people["signer"].person.post_id
    assert len(_findings()) == 1  # nor is a signature alone
    attestation_approve(people["dgm"], attestation)
    assert attestation.status == Attestation.Status.APPROVED and attestation.approver == people["dgm"].person
    assert _findings() == []
    assert Finding.objects.get(clause=CLAUSE).resolved_at is not None
    assert CLAUSE in attested_clauses(timezone.localdate())
    actions = list(AuditEvent.objects.filter(subject_type="policy.attestation", subject_id=str(attestation.pk))
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["policy.attestation.create", "policy.attestation.sign", "policy.attestation.approve"]

    # After its period the clause is unattested again (preview as of the day after).
    [later] = _findings(as_of=end_of_day(attestation.period_end + timedelta(days=1)))
    assert later.since == timezone.make_aware(datetime.combine(attestation.period_end + timedelta(days=1), time.min))
    attestation_archive(people["secadmin"], attestation, reason="撤回")
    assert len(_findings()) == 1  # withdrawn: no longer counts


def test_only_attestation_clauses(people):
    with pytest.raises(ValidationError) as exc:
        _draft(people, clause="p04.3-a")  # records show this one: no statement replaces them
    assert "clause" in exc.value.message_dict
    with pytest.raises(ValidationError):
        _draft(people, clause="p10.40.1")  # the regulator's duty: not applicable, not attested


def test_period_must_be_ordered_and_bounded(people):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        _draft(people, period_start=today, period_end=today - timedelta(days=1))
    assert "period_end" in exc.value.message_dict
    with pytest.raises(ValidationError):
        _draft(people, period_start=date(2025, 1, 1), period_end=date(2026, 1, 1))  # more than P1Y
    _draft(people, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31))
    parameters.parameter_set(people["secadmin"], "policy.attestation.max_period", "P3M")
    with pytest.raises(ValidationError):
        _draft(people, period_start=date(2025, 1, 1), period_end=date(2025, 6, 30))


def test_only_the_signer_signs_and_the_signer_never_approves(people, make_user):
    attestation = _draft(people)
    with pytest.raises(PermissionDenied):
        attestation_sign(people["dgm"], attestation)
    # A signer who could approve (a deputy GM) still may not approve their own statement.
    own = _draft(people, signer=people["dgm"].person)
    attestation_sign(people["dgm"], own)
    with pytest.raises(PermissionDenied):
        attestation_approve(people["dgm"], own)
    attestation_sign(people["signer"], attestation)
    with pytest.raises(PermissionDenied):
        attestation_approve(make_user("staff"), attestation)  # no approval permission
    with pytest.raises(PermissionDenied):
        attestation_approve(None, attestation)  # the system cannot approve a statement
    assert Attestation.objects.get(pk=attestation.pk).status == Attestation.Status.SIGNED


def test_signed_content_is_frozen(people):
    attestation = _draft(people)
    attestation_sign(people["signer"], attestation)
    with pytest.raises(ValidationError):
        attestation_update(people["secadmin"], attestation, statement="改过的声明")
    # A change behind the services' back is caught at approval by the content digest.
    Attestation.objects.filter(pk=attestation.pk).update(statement="改过的声明")
    attestation.refresh_from_db()
    assert content_digest(attestation) != attestation.content_digest
    with pytest.raises(ValidationError):
        attestation_approve(people["dgm"], attestation)


def test_reject_needs_a_reason(people):
    attestation = _draft(people)
    attestation_sign(people["signer"], attestation)
    with pytest.raises(ValidationError):
        attestation_reject(people["dgm"], attestation, reason="")
    attestation_reject(people["dgm"], attestation, reason="证据不足")
    assert attestation.status == Attestation.Status.REJECTED
    assert len(_findings()) == 1


def test_a_draft_can_be_edited_by_the_register(people):
    attestation = _draft(people)
    attestation_update(people["secadmin"], attestation, statement="补充说明")
    assert Attestation.objects.get(pk=attestation.pk).statement == "补充说明"


def test_sign_and_approve_on_the_page(people, login):
    """The signer signs on the page; the signer cannot approve; the deputy GM approves."""
    attestation = _draft(people)
    url = f"/policy/attestations/{attestation.pk}/decide/"
    signer = login(people["signer"])
    assert "签署" in signer.get(url).content.decode()
    signer.post(url, {"step": "sign"})
    attestation.refresh_from_db()
    assert attestation.status == Attestation.Status.SIGNED
    signer.post(url, {"step": "approve"})
    attestation.refresh_from_db()
    assert attestation.status == Attestation.Status.SIGNED  # refused: the signer may not approve
    from django.test import Client

    dgm = login(people["dgm"], Client())
    dgm.post(url, {"step": "approve", "reason": "同意"})
    attestation.refresh_from_db()
    assert attestation.status == Attestation.Status.APPROVED
    assert AuditEvent.objects.filter(action__startswith="policy.attestation", subject_id=str(attestation.pk)).count() >= 3
