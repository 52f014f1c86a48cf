"""The write path of the audit chain: gapless sequence numbers, no change without its event, and
append-only tables whatever client writes to them (p05.5.4, p17.8-a)."""

import pytest
from django.db import DatabaseError, connection, transaction

from xinan.audit.models import AuditCheckpoint, AuditEvent, AuditHead
from xinan.audit.services import AuditError, audited_write, record
from xinan.audit.verify import verify_chain
from xinan.core.models import Parameter


class Boom(Exception):
    pass


def test_rolled_back_event_leaves_no_gap(make_events):
    first = make_events(1)[0]
    with pytest.raises(Boom), audited_write():
        record("tester", "test.doomed")
        raise Boom
    assert not AuditEvent.objects.filter(action="test.doomed").exists()
    after = make_events(1)[0]
    assert after.seq == first.seq + 1
    assert AuditHead.objects.get(pk=1).seq == after.seq
    assert verify_chain().ok


def test_audited_model_saved_outside_audited_write_is_refused(db):
    with pytest.raises(AuditError):
        Parameter(key="test.outside", value=1).save()
    assert not Parameter.objects.filter(key="test.outside").exists()


def test_write_without_an_event_is_rolled_back(db):
    head = AuditHead.objects.get(pk=1).seq
    with pytest.raises(AuditError), audited_write():
        Parameter(key="test.silent", value=1).save()
    assert not Parameter.objects.filter(key="test.silent").exists()
    assert AuditHead.objects.get(pk=1).seq == head


def test_write_with_its_event_commits_both(db):
    with audited_write():
        p = Parameter(key="test.loud", value=1)
        p.save()
        record("tester", "core.parameter.set", p, after={"value": 1})
    assert Parameter.objects.filter(key="test.loud").exists()
    assert AuditEvent.objects.filter(action="core.parameter.set", subject_id=str(p.pk)).exists()


def test_record_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(AuditError):
        record("tester", "test.loose")


@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditevent SET reason = 'x'",
    "DELETE FROM audit_auditevent",
    "UPDATE audit_auditcheckpoint SET hash = 'x'",
    "DELETE FROM audit_auditcheckpoint",
])
def test_triggers_refuse_raw_sql(make_events, statement):
    make_events(2)
    from xinan.audit.checkpoints import checkpoint_create

    checkpoint_create()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.filter(reason="x").count() == 0
    assert AuditCheckpoint.objects.exclude(hash="x").count() == 1


def test_triggers_refuse_orm_update_and_delete(make_events):
    events = make_events(3)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=events[0].seq).update(reason="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.get(seq=events[1].seq).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    event = AuditEvent.objects.get(seq=events[2].seq)
    event.reason = "changed"
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()
    assert AuditEvent.objects.filter(seq__in=[e.seq for e in events], reason="").count() == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncate_refused_on_postgresql(make_events):
    make_events(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")
