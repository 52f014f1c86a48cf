"""The fast verification paths (``rowhash.fast_hashes``): images as stored (the canonical text
``fields.ChainImageField`` writes) and images re-encoded by orjson (another spelling, as events
written before the canonical column). An event must verify whichever path settles it, and an edit
must be caught, whether a fast path or the reference settles it (p05.5.4 未授权增改删可被发现,
p17.8-a 原始记录保留)."""

import json

import orjson
import pytest
from django.db import connection
from django.utils import timezone

from xinan.audit.chain import GENESIS, encode, event_hash
from xinan.audit.models import AuditEvent, AuditHead
from xinan.audit.rowhash import AFTER, HASH, ROW_COLUMNS, _as_stored, fast_hashes, select_sql
from xinan.audit.services import audited_write, record_many
from xinan.audit.verify import verify_chain

BIG = 2**70  # beyond 64 bits: orjson decodes it to a float


def _rows(first, count):
    with connection.cursor() as cursor:
        cursor.execute(select_sql(connection), [first - 1, count])
        return cursor.fetchall()


def _json_param():
    return "CAST(%s AS json)" if connection.vendor == "postgresql" else "%s"


def _write_text(seq, column, text):
    """Store ``text`` in an image column as it is (another writer, or an attacker)."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {q('audit_auditevent')} SET {q(column)} = {_json_param()} WHERE {q('seq')} = %s",
                       [text, seq])


def _append(*afters, spelling="canonical"):
    """Events written by the chain's definition (``chain.event_hash``) with values ``record_many``
    would have turned into strings (floats), as an older writer or an import could leave them.
    ``spelling="django"`` stores the images as Django's JSONField writes them by default
    (``json.dumps``: spaces, keys in insertion order, non-ASCII escaped), as events written before
    the canonical column are stored."""
    head = AuditHead.objects.filter(pk=1).first() or AuditHead.objects.create(pk=1, seq=0, hash=GENESIS)
    seq, prev, rows = head.seq, head.hash, []
    for i, after in enumerate(afters):
        seq += 1
        fields = dict(seq=seq, at=timezone.now(), actor_id=None, actor_label="tester", action="test.fast",
                      subject_type="t", subject_id=str(i), subject_label=f"物件{i}", before=None, after=after,
                      reason="", request_id="")
        fields["prev_hash"], prev = prev, event_hash(prev, fields)
        fields["hash"] = prev
        rows.append(fields)
    if spelling == "canonical":
        events = AuditEvent.objects.bulk_create([AuditEvent(**fields) for fields in rows])
    else:
        q, names = connection.ops.quote_name, [f.column for f in AuditEvent._meta.concrete_fields]
        marks = [_json_param() if n in ("before", "after") else "%s" for n in names]
        with connection.cursor() as cursor:
            for fields in rows:
                values = [AuditEvent._meta.get_field(n).get_db_prep_save(fields[n], connection)
                          if n == "at" else fields[n] for n in names]
                values = [json.dumps(v) if n in ("before", "after") and v is not None else v
                          for n, v in zip(names, values)]
                cursor.execute(f"INSERT INTO {q('audit_auditevent')} ({', '.join(q(n) for n in names)}) "
                               f"VALUES ({', '.join(marks)})", values)
        events = list(AuditEvent.objects.filter(seq__in=[f["seq"] for f in rows]).order_by("seq"))
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev)
    return events


def test_images_are_stored_as_the_text_the_chain_hashes(db):
    """record_many stores each image as ``chain.encode`` spells it, so the stored text goes into
    the canonical form as it is; read through the ORM it is the value written (floats become
    strings in audit images)."""
    image = {"z": 1, "名称": "值", "a": {"y": [3, "1.5", None, BIG]}}
    with audited_write():
        event, = record_many([dict(actor="tester", action="test.stored", subject=("t", 1, "甲"), after=image)])
    row, = _rows(event.seq, 1)
    assert row[AFTER] == encode(image) == '{"a":{"y":[3,"1.5",null,%d]},"z":1,"名称":"值"}' % BIG
    assert _as_stored(row) == row[HASH] == event.hash
    assert AuditEvent.objects.get(seq=event.seq).after == image
    assert AuditEvent.objects.filter(after__z=1, after__a__y__0=3, after__has_key="a").count() == 1  # as on jsonb


def test_fast_hash_agrees_on_ordinary_events(db):
    for spelling in ("canonical", "django"):
        events = _append({"v": 1, "名称": "值", "nested": {"b": [1, 2.5, None], "a": True}}, "字符串", [1, -2, 0.5], None,
                         spelling=spelling)
        rows = _rows(events[0].seq, len(events))
        assert fast_hashes(rows) == [e.hash for e in events], spelling


def test_values_orjson_spells_differently_verify_as_stored(db):
    """Stored canonically, 1e-05 and integers beyond 64 bits need no re-encoding at all."""
    events = _append({"small": 1e-05}, {"tiny": [3e-7, -4.5e-10]}, {"big": BIG}, {"neg": -BIG}, {"label": "ee+ff"})
    assert fast_hashes(_rows(events[0].seq, len(events))) == [e.hash for e in events]


def test_events_the_encoders_spell_differently_still_verify(db):
    """In another spelling: 1e-05 is "1e-05" for json and "0.00001" for orjson; an integer beyond 64
    bits is refused or turned into a float by orjson; "e+" in a label sends the event to the
    reference path."""
    events = _append({"small": 1e-05}, {"tiny": [3e-7, -4.5e-10]}, {"big": BIG}, {"neg": -BIG},
                     {"label": "ee+ff"}, {"huge": 2**64 - 1}, {"plain": 1}, spelling="django")
    rows = _rows(events[0].seq, len(events))
    fast = fast_hashes(rows)
    assert fast[0] != events[0].hash and fast[1] != events[1].hash  # the fast spelling differs …
    assert fast[2:5] == [None] * 3  # … or the fast path declines
    assert fast[5:] == [events[5].hash, events[6].hash]
    result = verify_chain(batch=3)
    assert result.ok, result.reason  # … and the reference encoder settles it


@pytest.mark.parametrize("first", ["canonical", "django"])
def test_a_batch_mixing_spellings_verifies(db, first):
    """A batch is read on the path its first event takes; events in the other spelling still
    verify (on the other fast path), e.g. where a chain written before the canonical column
    continues in it."""
    second = "django" if first == "canonical" else "canonical"
    events = _append({"a": 1}, {"b": [1, 2]}, spelling=first) + _append({"c": "丙"}, {"d": None}, spelling=second)
    assert fast_hashes(_rows(events[0].seq, len(events))) == [e.hash for e in events]
    assert verify_chain(batch=10).ok


def test_only_complete_json_values_are_taken_as_stored(db):
    """The as-stored path accepts an image only if it is one complete JSON value by itself; text
    that is not (which a column without its JSON check could hold) is left to the other paths."""
    event, = _append({"a": 1})
    row = _rows(event.seq, 1)[0]
    assert _as_stored(row) == event.hash
    for text in ('{"a":1', '{"a":1}}', '1,"at":"x"', "NaN", ""):
        altered = list(row)
        altered[AFTER] = text
        assert _as_stored(tuple(altered)) is None, text
    assert ROW_COLUMNS[AFTER] == "after"


def test_image_respelled_with_the_same_value_still_verifies(make_events, attacker):
    """White space and key order are not content: the reference path reads the value."""
    events = _append({"a": 1, "b": "乙"}, {"a": 2}, {"a": 3})
    _write_text(events[1].seq, "after", '{ "a" : 2 }')
    result = verify_chain()
    assert result.ok, result.reason


def test_edited_image_text_caught(make_events, attacker):
    events = _append({"a": 1}, {"a": 2}, {"a": 3})
    _write_text(events[1].seq, "after", '{"a":20}')
    result = verify_chain()
    assert (result.ok, result.first_broken_seq, result.code) == (False, events[1].seq, "edited")


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
    _write_text(events[1].seq, "after", json.dumps({"n": BIG}))  # not the canonical spelling: re-encoded
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
