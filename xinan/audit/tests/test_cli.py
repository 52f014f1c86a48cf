"""``xinan audit verify`` / ``xinan audit checkpoint``: exit 0 on an intact chain, 1 naming the
first broken sequence number on a broken one (p17.8-a)."""

import io
import json

import pytest
from django.core.management import call_command

from xinan.audit.models import AuditCheckpoint, AuditEvent


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("audit", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_verify_intact_exits_0_and_is_recorded(make_events):
    make_events(5)
    code, out, err = run("verify")
    assert code == 0, err
    assert "审计链完整 / audit chain intact" in out and "events/s" in out
    last = AuditEvent.objects.order_by("-seq").first()
    assert last.action == "audit.verify" and last.after["ok"] is True and last.actor_label.startswith("cli")


def test_verify_no_record_writes_nothing(make_events):
    make_events(2)
    before = AuditEvent.objects.count()
    assert run("verify", "--no-record")[0] == 0
    assert AuditEvent.objects.count() == before


def test_verify_broken_exits_1_naming_the_seq(make_events, attacker):
    events = make_events(6)
    target = events[2].seq
    AuditEvent.objects.filter(seq=target).update(subject_label="改过")
    code, out, err = run("verify")
    assert code == 1
    assert f"审计链在序号 {target} 处断裂" in err and f"audit chain broken at seq {target}" in err
    recorded = AuditEvent.objects.order_by("-seq").first()
    assert recorded.action == "audit.verify" and recorded.after["first_broken_seq"] == target


def test_checkpoint_export_then_verify_against_the_file(make_events, attacker, tmp_path):
    make_events(4)
    path = tmp_path / "cp.json"
    code, out, _err = run("checkpoint", "--export", str(path))
    assert code == 0 and "已导出" in out
    document = json.loads(path.read_text())
    assert document["seq"] == AuditCheckpoint.objects.get().seq and document["public_key"]
    assert run("verify", "--checkpoint", str(path), "--no-record")[0] == 0
    # cut the end, move the head and empty the checkpoint table: the file still tells
    AuditEvent.objects.filter(seq__gte=document["seq"] - 1).delete()
    from xinan.audit.models import AuditHead

    last = AuditEvent.objects.order_by("-seq").first()
    AuditHead.objects.filter(pk=1).update(seq=last.seq, hash=last.hash)
    AuditCheckpoint.objects.all().delete()
    assert run("verify", "--no-record")[0] == 0
    code, _out, err = run("verify", "--checkpoint", str(path), "--no-record")
    assert code == 1 and f"seq {document['seq'] - 1}" in err


def test_unreadable_checkpoint_file_is_an_error(make_events, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "nonsense.json"
    path.write_text("{}")
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--checkpoint", str(path), "--no-record", stdout=io.StringIO())
