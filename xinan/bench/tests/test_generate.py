"""``xinan generate``: deterministic, audited like the services, and the checks find what it plants
(p10.38-b, p02.3.2-a, p04.3-a, p01.2.1-b, p16.2.1-a, p21.3, p21.5.1.2-b, p15.7.15-a)."""

from datetime import datetime, timezone as tz
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from xinan.audit.models import AuditEvent
from xinan.audit.verify import verify_chain
from xinan.bench.generate import generate
from xinan.bench.presets import PRESETS
from xinan.identity.models import User
from xinan.org.models import Person
from xinan.policy.services import checks_run

AS_OF = datetime(2026, 6, 1, tzinfo=tz.utc)
TINY = dict(PRESETS["tiny"], as_of=AS_OF)


class _Undo(Exception):
    pass


def _digest_then_undo(seed: int) -> str:
    try:
        with transaction.atomic():
            digest = generate(seed=seed, **TINY).digest
            raise _Undo(digest)
    except _Undo as undo:
        return undo.args[0]


@pytest.mark.django_db
def test_same_seed_same_data_other_seed_other_data():
    first, again, other = _digest_then_undo(7), _digest_then_undo(7), _digest_then_undo(8)
    assert first == again
    assert other != first


@pytest.mark.django_db
def test_generated_chain_verifies_and_counts_match():
    summary = generate(seed=5, **TINY)
    assert Person.objects.count() == TINY["people"]
    assert User.objects.count() == TINY["people"]
    events = AuditEvent.objects.filter(seq__gte=summary.first_seq).count()
    assert events == summary.events == TINY["audit_events"]
    # every created person has its create event, as person_create would have written
    assert AuditEvent.objects.filter(action="org.person.create").count() == TINY["people"]
    result = verify_chain()
    assert result.ok, result.problems


@pytest.mark.django_db
def test_checks_find_the_planted_violations():
    summary = generate(seed=5, **TINY)
    found = {}
    for clause in summary.planted:
        result = checks_run(clause=clause, as_of=AS_OF)  # the moment the organisation was generated for
        found[clause] = len(result.findings)
    for clause, planted in summary.planted.items():
        assert found[clause] >= planted, (clause, found[clause], planted)
    # departed-but-enabled accounts: exactly the planted ones
    assert found["p10.38-b"] == summary.planted["p10.38-b"]


@pytest.mark.django_db
def test_command_refuses_a_database_with_people(make_person):
    make_person()
    with pytest.raises(Exception, match="already holds people"):
        call_command("generate", "--preset", "tiny", stdout=StringIO(), stderr=StringIO())
