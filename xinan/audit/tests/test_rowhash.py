"""The fast verification path recomputes exactly the bytes ``chain.canonical_bytes`` defines,
on whichever database is configured (p17.8-a: the verifier must not drift from the writer)."""

import json
from datetime import datetime, timezone

from django.db import connection

from xinan.audit.chain import HASHED_FIELDS, canonical_bytes, event_hash
from xinan.audit.models import AuditEvent
from xinan.audit.rowhash import canonical_text, fast_hashes, json_value, row_hash, select_sql, time_text
from xinan.audit.services import audited_write, record_many

AWKWARD = [
    dict(actor=None, action="test.a", subject=None, before=None, after=None),
    dict(actor="名字 \"引号\" \\ 反斜杠", action="test.b", subject=("t", "ä/é", "标签\n换行\t制表"),
         before={"z": 1, "a": {"y": [3, 2, 1], "b": "表情😀"}}, after={"list": [True, False, None, 1.5, -0.25, "x"]}),
    dict(actor="x", action="test.c", subject=("t", 1, "</script>&<>"), before={}, after=[], reason="原因 ✓"),
    dict(actor="x", action="test.d", at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc),  # whole second
         after={"k" * 50: "v" * 500, "数字": 12345678901234}),
    dict(actor="x", action="test.e", after="a bare string", before=17),
]


def test_raw_rows_hash_like_the_definition(db):
    with audited_write():
        events = record_many(AWKWARD)
    seqs = [e.seq for e in events]
    with connection.cursor() as cursor:
        cursor.execute(select_sql(connection), [seqs[0] - 1, len(seqs)])
        rows = cursor.fetchall()
    assert [r[0] for r in rows] == seqs
    orm = {v[0]: dict(zip(HASHED_FIELDS, v)) for v in AuditEvent.objects.filter(seq__in=seqs).values_list(*HASHED_FIELDS)}
    for row, event in zip(rows, events):
        assert canonical_text(row).encode() == canonical_bytes(orm[row[0]])
        assert row_hash(event.prev_hash, row) == event.hash == event_hash(event.prev_hash, orm[row[0]])


def test_time_text_forms():
    assert time_text("2026-01-02 03:04:05.000007") == "2026-01-02T03:04:05.000007Z"
    assert time_text("2026-01-02 03:04:05") == "2026-01-02T03:04:05.000000Z"
    assert time_text("2026-01-02T11:04:05+08:00") == "2026-01-02T03:04:05.000000Z"
    assert time_text(datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone.utc)) == "2026-01-02T03:04:05.000006Z"


def test_json_value_follows_django():
    assert json_value('{"b": 1, "a": [1, 2]}') == {"b": 1, "a": [1, 2]}
    assert json_value(' {"a": 1} ') == {"a": 1}
    assert json_value("not json") == "not json"
    assert json_value('{"a": 1} trailing') == '{"a": 1} trailing'
    assert json_value(None) is None
    assert json_value({"already": "decoded"}) == {"already": "decoded"}


def test_a_changed_type_does_not_hash_alike():
    row = (1, "2026-01-02 03:04:05.000001", 5, "a", "b", "c", "d", "e", None, None, "", "", "0" * 64, "")
    forged = (1, "2026-01-02 03:04:05.000001", "5", "a", "b", "c", "d", "e", None, None, "", "", "0" * 64, "")
    assert canonical_text(row) != canonical_text(forged)


def test_canonical_bytes_is_json_dumps():
    """The prebuilt encoder ``chain.canonical_bytes`` uses writes what json.dumps with the canonical
    options writes (p17.8-a: the definition of the hash does not change)."""
    at = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone.utc)
    for value in (None, {"z": 1, "a": {"y": [3, 2.5, 1e-05, None]}, "表": "情😀\n\"\\"}, [True, 2**70, -0.0], "s", 17):
        fields = {name: "" for name in HASHED_FIELDS} | {"seq": 1, "at": at, "actor_id": None, "before": value,
                                                        "after": {"v": value}}
        doc = {name: fields[name] for name in HASHED_FIELDS} | {"at": "2026-01-02T03:04:05.000006Z"}
        expected = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
        assert canonical_bytes(fields) == expected
        assert canonical_bytes(fields) == canonical_bytes(fields)  # the shared encoder keeps no state


def test_time_text_of_postgresql_text_output():
    """PostgreSQL writes a timestamp's fraction without its trailing zeros, and none when whole;
    the reference (time_text) and the fast path read it alike."""
    assert time_text("2026-01-02 03:04:05.1234") == "2026-01-02T03:04:05.123400Z"
    assert time_text("2026-01-02 03:04:05.5") == "2026-01-02T03:04:05.500000Z"
    for at in ("2026-01-02 03:04:05.1234", "2026-01-02 03:04:05.5", "2026-01-02 03:04:05", "2026-01-02 03:04:05.123456",
               datetime(2026, 1, 2, 3, 4, 5, 120000, tzinfo=timezone.utc)):
        row = (1, at, None, "a", "b", "c", "d", "e", None, '{"k": [1, "v"]}', "", "", "0" * 64, "")
        assert fast_hashes([row]) == [row_hash("0" * 64, row)]
