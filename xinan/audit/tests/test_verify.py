"""Tamper detection (p17.8-a 原始记录保留, p05.5.4 未授权增改删): each attack that someone with
direct database rights could make is found, at the right first broken sequence number."""

import base64
import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from xinan.audit import keys
from xinan.audit.chain import HASHED_FIELDS, event_hash
from xinan.audit.checkpoints import checkpoint_create, checkpoint_export, checkpoint_message
from xinan.audit.models import AuditCheckpoint, AuditEvent, AuditHead
from xinan.audit.selectors import chain_status
from xinan.audit.verify import verify_and_record, verify_chain

CONTENT = [f for f in HASHED_FIELDS if f != "seq"] + ["prev_hash", "hash"]


def _row(seq) -> dict:
    return AuditEvent.objects.filter(seq=seq).values(*CONTENT).get()


def _set_head(seq):
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=AuditEvent.objects.get(seq=seq).hash)


def _rehash_from(seq):
    """What a careful attacker does after a change: recompute every hash from ``seq`` on and
    move the head, so the chain is consistent again."""
    prev = AuditEvent.objects.get(seq=seq - 1).hash
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        fields = {name: getattr(event, name) for name in HASHED_FIELDS}
        h = event_hash(prev, fields)
        AuditEvent.objects.filter(seq=event.seq).update(prev_hash=prev, hash=h)
        prev = h
    last = AuditEvent.objects.order_by("-seq").first()
    AuditHead.objects.filter(pk=1).update(seq=last.seq, hash=last.hash)


def test_intact_chain_verifies(make_events):
    make_events(30)
    result = verify_chain(batch=7)
    assert result.ok, result.reason
    assert result.first_broken_seq is None
    assert result.checked == AuditHead.objects.get(pk=1).seq == result.last_seq
    assert "audit chain intact" in result.reason


def test_edited_event(make_events, attacker):
    events = make_events(10)
    target = events[4].seq
    AuditEvent.objects.filter(seq=target).update(after={"v": 999})
    result = verify_chain(batch=3)
    assert not result.ok
    assert (result.first_broken_seq, result.code) == (target, "edited")
    assert str(target) in result.reason_zh and "edited" in result.reason_en
    assert result.checked == target - 1


def test_deleted_event(make_events, attacker):
    events = make_events(10)
    target = events[3].seq
    AuditEvent.objects.filter(seq=target).delete()
    result = verify_chain(batch=4)
    assert (result.ok, result.first_broken_seq, result.code) == (False, target, "deleted")


def test_reordered_events(make_events, attacker):
    events = make_events(10)
    a, b = events[2].seq, events[5].seq
    row_a, row_b = _row(a), _row(b)
    AuditEvent.objects.filter(seq=a).update(**row_b)
    AuditEvent.objects.filter(seq=b).update(**row_a)
    result = verify_chain()
    assert (result.ok, result.first_broken_seq, result.code) == (False, a, "link")


def test_event_appended_past_the_head(make_events, transactional_db):
    """Inserting needs no dropped trigger; a forged event with a correct link and hash after the
    head is still found, because the head (updated in the same transaction as every append) was
    not moved."""
    make_events(5)
    head = AuditHead.objects.get(pk=1)
    fields = dict(seq=head.seq + 1, at=timezone.now(), actor_id=None, actor_label="ghost", action="test.forged",
                  subject_type="", subject_id="", subject_label="", before=None, after={"x": 1}, reason="", request_id="")
    AuditEvent.objects.bulk_create([AuditEvent(**fields, prev_hash=head.hash, hash=event_hash(head.hash, fields))])
    result = verify_chain()
    assert (result.ok, result.first_broken_seq, result.code) == (False, head.seq + 1, "inserted")


def test_event_inserted_in_the_middle(make_events, attacker):
    """Inserted at k by renumbering its successors: the forged event links to k-1 correctly, so
    the chain breaks at k+1 (the original event k, whose link no longer fits)."""
    events = make_events(8)
    k = events[3].seq
    top = AuditEvent.objects.order_by("-seq").first().seq
    for seq in range(top, k - 1, -1):
        AuditEvent.objects.filter(seq=seq).update(seq=seq + 1)
    prev = AuditEvent.objects.get(seq=k - 1).hash
    fields = dict(seq=k, at=events[3].at, actor_id=None, actor_label="tester", action="test.event",
                  subject_type="test.thing", subject_id="99", subject_label="伪造", before=None, after={"v": 0},
                  reason="", request_id="")
    AuditEvent.objects.create(**fields, prev_hash=prev, hash=event_hash(prev, fields))
    _set_head(top + 1)
    result = verify_chain(batch=2)
    assert (result.ok, result.first_broken_seq, result.code) == (False, k + 1, "link")


def test_truncated_end_without_moving_the_head(make_events, attacker):
    make_events(10)
    head = AuditHead.objects.get(pk=1).seq
    AuditEvent.objects.filter(seq__gt=head - 3).delete()
    result = verify_chain()
    assert (result.ok, result.first_broken_seq, result.code) == (False, head - 2, "truncated")


def test_truncation_found_by_checkpoint_and_by_its_file(make_events, attacker, tmp_path):
    make_events(10)
    checkpoint = checkpoint_create("tester")
    export = tmp_path / "checkpoint.json"
    checkpoint_export(export, checkpoint)
    make_events(5)
    assert verify_chain(checkpoint_file=export).ok
    cut = checkpoint.seq - 3
    # a careful attacker: cut the end and move the head, so the chain itself is consistent
    AuditEvent.objects.filter(seq__gte=cut).delete()
    _set_head(cut - 1)
    result = verify_chain()
    assert (result.ok, result.first_broken_seq, result.code) == (False, cut, "truncated")
    assert f"#{checkpoint.pk}" in result.reason
    # ... and empties the checkpoint table too: only the auditor's file still proves it
    AuditCheckpoint.objects.all().delete()
    assert verify_chain().ok
    result = verify_chain(checkpoint_file=export)
    assert (result.ok, result.first_broken_seq, result.code) == (False, cut, "truncated")
    assert str(export) in result.reason


def test_rewrite_with_recomputed_hashes_found_by_checkpoint(make_events, attacker):
    events = make_events(10)
    checkpoint = checkpoint_create()
    target = events[2].seq
    AuditEvent.objects.filter(seq=target).update(reason="改写")
    _rehash_from(target)
    result = verify_chain()
    assert (result.ok, result.first_broken_seq, result.code) == (False, checkpoint.seq, "checkpoint_mismatch")


def test_forged_checkpoint_signature(make_events, transactional_db):
    make_events(5)
    good = checkpoint_create()
    head = AuditHead.objects.get(pk=1)
    AuditCheckpoint.objects.create(seq=head.seq, hash=head.hash, at=timezone.now(), key_id=keys.key_id(),
                                   signature=base64.b64encode(b"\x01" * 64).decode())
    result = verify_chain()
    assert (result.ok, result.first_broken_seq, result.code) == (False, head.seq, "checkpoint_forged")
    assert good.seq < head.seq


def test_checkpoint_signed_with_another_key(make_events, transactional_db):
    make_events(3)
    head = AuditHead.objects.get(pk=1)
    at = timezone.now()
    other = Ed25519PrivateKey.generate()
    signature = base64.b64encode(other.sign(checkpoint_message(head.seq, head.hash, at))).decode()
    AuditCheckpoint.objects.create(seq=head.seq, hash=head.hash, at=at, key_id=keys.key_id(), signature=signature)
    result = verify_chain()
    assert (result.first_broken_seq, result.code) == (head.seq, "checkpoint_forged")


def test_forged_checkpoint_file(make_events, db, tmp_path):
    make_events(3)
    checkpoint = checkpoint_create()
    path = tmp_path / "cp.json"
    document = checkpoint_export(path, checkpoint)
    document["seq"] = checkpoint.seq + 100  # claim a longer chain than was signed
    path.write_text(json.dumps(document))
    result = verify_chain(checkpoint_file=path)
    assert (result.ok, result.first_broken_seq, result.code) == (False, checkpoint.seq + 100, "checkpoint_forged")


def test_checkpoint_create_signs_head_and_is_audited(make_events):
    make_events(2)
    head = AuditHead.objects.get(pk=1)
    checkpoint = checkpoint_create("tester")
    assert (checkpoint.seq, checkpoint.hash) == (head.seq, head.hash)
    event = AuditEvent.objects.get(seq=head.seq + 1)
    assert event.action == "audit.checkpoint"
    assert event.after["signature"] == checkpoint.signature
    keys.signing_key().public_key().verify(
        base64.b64decode(checkpoint.signature), checkpoint_message(checkpoint.seq, checkpoint.hash, checkpoint.at))


def test_ranges_are_stitched_like_one_pass(make_events, attacker):
    """The multi-process path checks ranges separately (forked workers on PostgreSQL; in-process
    on SQLite's in-memory test database, which other processes cannot see); a break inside a
    range, at a range's first event and at its last are all found."""
    events = make_events(40)
    assert verify_chain(batch=5, workers=2).ok
    target = events[25].seq
    AuditEvent.objects.filter(seq=target).update(reason="x")
    assert verify_chain(batch=5, workers=2).first_broken_seq == target == verify_chain(batch=5).first_broken_seq
    AuditEvent.objects.filter(seq=target).update(reason="")
    # the first event of a range (ranges start at 1, 1 + size, ...): relink it wrongly
    head = AuditHead.objects.get(pk=1).seq
    size = max(5, -(-head // 8))
    boundary = 1 + size * 2
    row = AuditEvent.objects.get(seq=boundary)
    fields = {name: getattr(row, name) for name in HASHED_FIELDS}
    AuditEvent.objects.filter(seq=boundary).update(prev_hash="f" * 64, hash=event_hash("f" * 64, fields))
    result = verify_chain(batch=5, workers=2)
    assert (result.first_broken_seq, result.code) == (boundary, "link")
    AuditEvent.objects.filter(seq=boundary).delete()
    result = verify_chain(batch=5, workers=2)
    assert (result.first_broken_seq, result.code) == (boundary, "deleted")
    AuditEvent.objects.filter(seq=boundary - 1).delete()  # the last event of the range before
    result = verify_chain(batch=5, workers=2)
    assert (result.first_broken_seq, result.code) == (boundary - 1, "deleted")


def test_verification_is_recorded_and_shown_in_status(make_events, auditor):
    make_events(3)
    assert chain_status().ok is None
    result = verify_and_record(auditor)
    status = chain_status()
    assert result.ok and status.ok is True
    assert status.checked == result.checked
    assert status.checked_by == auditor.username  # the analysis names the auditor (p08.13.3-a)
    event = AuditEvent.objects.get(seq=status.verify_event_seq)
    assert event.action == "audit.verify" and event.actor_id == auditor.pk
    assert status.head_seq == event.seq and status.checkpoint_seq is None
    checkpoint_create()
    status = chain_status()
    assert status.checkpoint_seq == event.seq and status.events_since_checkpoint == 1
    assert status.checked_at <= timezone.now() + timedelta(seconds=1)


def test_verification_leaves_the_cyclic_collector_as_it_found_it(make_events, attacker):
    """Verify runs without the cyclic garbage collector (verify._without_cyclic_gc) and must
    restore it, also when it reports a problem."""
    import gc

    events = make_events(5)
    assert gc.isenabled()
    assert verify_chain().ok and gc.isenabled()
    AuditEvent.objects.filter(seq=events[2].seq).update(reason="x")
    assert not verify_chain().ok and gc.isenabled()
    gc.disable()
    try:
        verify_chain()
        assert not gc.isenabled()
    finally:
        gc.enable()
