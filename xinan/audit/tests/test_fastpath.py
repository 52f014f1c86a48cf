"""The fast verification path (orjson, ``rowhash.fast_hashes``) may spell a value otherwise than the
reference encoder; such events must still verify, and an edit must still be caught, whether the
fast path or the reference settles it (p05.5.4 未授权增改删可被发现, p17.8-a 原始记录保留)."""

import json

import orjson
from django.db import connection
from django.utils import timezone

from xinan.audit.chain import GENESIS, event_hash
from xinan.audit.models import AuditEvent, AuditHead
from xinan.audit.rowhash import fast_hashes, select_sql
from xinan.audit.services import audited_write, record_many
from xinan.audit.verify import verify_chain

BIG = 2**70  # beyond 64 bits: orjson decodes it to a float


def _rows(first, count):
    with connection.cursor() as cursor:
        cursor.execute(select_sql(connection), [first - 1, count])
        return cursor.fetchall()


def _append(*afters):
    """Events written by the chain's definition (``chain.event_hash``) with values ``record_many``
    would have turned into strings (floats), as an older writer or an import could leave them."""
    head = AuditHead.objects.filter(pk=1).first() or AuditHead.objects.create(pk=1, seq=0, hash=GENESIS)
    seq, prev, events = head.seq, head.hash, []
    for i, after in enumerate(afters):
        seq += 1
        fields = dict(seq=seq, at=timezone.now(), actor_id=None, actor_label="tester", action="test.fast",
                      subject_type="t", subject_id=str(i), subject_label=f"物件{i}", before=None, after=after,
                      reason="", request_id="")
        prev = event_hash(prev, fields)
        events.append(AuditEvent(**fields, prev_hash=events[-1].hash if events else head.hash, hash=prev))
    AuditEvent.objects.bulk_create(events)
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev)
    return events


def test_fast_hash_agrees_on_ordinary_events(db):
    events = _append({"v": 1, "名称": "值", "nested": {"b": [1, 2.5, None], "a": True}}, "字符串", [1, -2, 0.5], None)
    rows = _rows(events[0].seq, len(events))
    assert fast_hashes(rows) == [e.hash for e in events]


def test_events_the_encoders_spell_differently_still_verify(db):
    """1e-05 is "1e-05" for json and "0.00001" for orjson; an integer beyond 64 bits is refused or
    turned into a float by orjson; "e+" in a label sends the event to the reference path."""
    events = _append({"small": 1e-05}, {"tiny": [3e-7, -4.5e-10]}, {"big": BIG}, {"neg": -BIG},
                     {"label": "ee+ff"}, {"huge": 2**64 - 1}, {"plain": 1})
    rows = _rows(events[0].seq, len(events))
    fast = fast_hashes(rows)
    assert fast[0] != events[0].hash and fast[1] != events[1].hash  # the fast spelling differs …
    assert fast[2:5] == [None] * 3  # … or the fast path declines
    assert fast[5:] == [events[5].hash, events[6].hash]
    result = verify_chain(batch=3)
    assert result.ok, result.reason  # … and the reference encoder settles it


def test_edit_caught_on_the_reference_path(make_events, attacker):
    events = _append({"a": 1}, {"small": 1e-05}, {"a": 3})
    AuditEvent.objects.filter(seq=events[1].seq).update(after={"small": 2e-05})
    result = verify_chain()
    assert (result.ok, result.first_broken_seq, result.code) == (False, events[1].seq, "edited")


def test_big_integer_replacing_its_float_is_caught(make_events, attacker):
    """orjson reads 2**70 as the float 1.1805916207174113e+21 and writes that float exactly as json
    writes it, so an event whose float was replaced by the integer would hash alike on the fast
    path; the "e+" guard sends it to the reference path, which sees an integer. (On PostgreSQL
    jsonb already reads such a float back as an integer; the case matters where JSON is text.)"""
    assert orjson.dumps(orjson.loads(str(BIG))) == json.dumps(float(BIG)).encode()
    events = _append({"a": 1}, {"n": float(BIG)}, {"a": 3})
    AuditEvent.objects.filter(seq=events[1].seq).update(after={"n": BIG})
    result = verify_chain()
    assert (result.ok, result.first_broken_seq, result.code) == (False, events[1].seq, "edited")


def test_edit_caught_on_the_fast_path(make_events, attacker):
    events = _append({"a": 1}, {"a": 2}, {"a": 3})
    AuditEvent.objects.filter(seq=events[2].seq).update(subject_label="改过")
    result = verify_chain()
    assert (result.ok, result.first_broken_seq, result.code) == (False, events[2].seq, "edited")


def test_append_stores_what_the_orm_stores(db):
    """record_many writes with one COPY/INSERT of prepared values instead of bulk_create: read back
    through the ORM, every field equals what was appended, None is SQL NULL, and the events are
    marked saved (p17.8-a)."""
    at = timezone.now().replace(microsecond=0)  # a whole second: the stored text has no fraction
    with audited_write():
        events = record_many([
            dict(actor="tester", action="test.append", subject=("t", 1, "甲"), before=None, after={"名": "值", "n": BIG}),
            dict(actor="tester", action="test.append", subject=("t", 2, "乙"), before={"a": [1, None]}, after="文本", at=at),
        ])
    assert all(not e._state.adding and e._state.db == "default" for e in events)
    names = [f.attname for f in AuditEvent._meta.concrete_fields]
    for event in events:
        stored = AuditEvent.objects.get(seq=event.seq)
        assert {n: getattr(stored, n) for n in names} == {n: getattr(event, n) for n in names}
    assert AuditEvent.objects.filter(seq=events[0].seq, before__isnull=True).exists()
    assert AuditEvent.objects.get(seq=events[1].seq).at == at
    assert verify_chain().ok
