"""Signed checkpoints of the audit chain (审计链检查点).

A checkpoint is the statement "the chain had ``seq`` events ending in ``hash`` at ``at``",
signed with the Ed25519 key kept outside the database (``keys.py``). Whoever can write to the
database but not read the key file cannot forge one, so a chain shorter than a checkpoint, or
whose event at the checkpoint's sequence number has another hash, was truncated or rewritten.

``checkpoint_export`` writes the latest checkpoint to a file the auditor keeps elsewhere
(``xinan audit checkpoint --export FILE``); ``xinan audit verify --checkpoint FILE`` checks the
chain against it, which still proves nothing was cut off the end if someone with database rights
dropped the triggers and emptied the checkpoint table too.

Clauses: p17.8-a (original records preserved: truncation is provable), p05.5.4 (unauthorised
deletion of stored information is detected).
"""

import base64
import json
import os
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone as dt_timezone
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from django.utils import timezone
from django.utils.translation import gettext as _

from . import keys
from .chain import GENESIS, canonical_time
from .models import AuditCheckpoint, AuditHead
from .services import AuditError, audited_write, record

FILE_FORMAT = "xinan-audit-checkpoint/1"


def checkpoint_message(seq: int, hash_: str, at: datetime | str) -> bytes:
    """The signed text: ``"seq|hash|at"`` with ``at`` in canonical UTC ISO form."""
    at_text = at if isinstance(at, str) else canonical_time(at)
    return f"{int(seq)}|{hash_}|{at_text}".encode("ascii")


def public_key_b64() -> str:
    public = keys.signing_key().public_key()
    return base64.b64encode(public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()


@dataclass(frozen=True)
class CheckpointClaim:
    """A checkpoint as read back from the database or from an exported file, not yet trusted."""

    seq: int
    hash: str
    at: str  # canonical UTC text, as signed
    key_id: str
    signature: str  # base64
    source_zh: str  # where it came from, for messages: "检查点 #id" or "检查点文件 <path>"
    source_en: str

    def signature_valid(self, trusted_key=None) -> bool:
        """True when signed by this installation's key (the one outside the database).

        ``trusted_key`` is ``trusted_public_key()``, passed in when checking many claims."""
        key_id, public = trusted_key or trusted_public_key()
        if self.key_id != key_id:
            return False
        try:
            signature = base64.b64decode(self.signature, validate=True)
            public.verify(signature, checkpoint_message(self.seq, self.hash, self.at))
        except (InvalidSignature, ValueError, TypeError):
            return False
        return True


def trusted_public_key():
    """(key id, Ed25519 public key) of the signing key in the key file."""
    return keys.key_id(), keys.signing_key().public_key()


def claim_from_row(checkpoint: AuditCheckpoint) -> CheckpointClaim:
    return CheckpointClaim(
        seq=checkpoint.seq, hash=checkpoint.hash, at=canonical_time(checkpoint.at), key_id=checkpoint.key_id,
        signature=checkpoint.signature, source_zh=f"检查点 #{checkpoint.pk}", source_en=f"checkpoint #{checkpoint.pk}",
    )


def claims_in_database() -> list[CheckpointClaim]:
    """Every checkpoint row (a few per day at most, so all of them are checked)."""
    return [claim_from_row(cp) for cp in AuditCheckpoint.objects.order_by("seq", "pk")]


def checkpoint_create(actor=None) -> AuditCheckpoint:
    """Sign the chain's current head and store the checkpoint, with an ``audit.checkpoint`` event.

    The head is signed *before* the event is appended (the event carries the signature, so it
    cannot be covered by it); the next checkpoint covers this event.
    """
    with audited_write():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        seq, hash_ = (head.seq, head.hash) if head is not None else (0, GENESIS)
        at = timezone.now()
        signature = base64.b64encode(keys.signing_key().sign(checkpoint_message(seq, hash_, at))).decode()
        checkpoint = AuditCheckpoint.objects.create(seq=seq, hash=hash_, at=at, key_id=keys.key_id(), signature=signature)
        record(
            actor, "audit.checkpoint", ("audit.auditcheckpoint", checkpoint.pk, f"#{seq}"),
            after={"seq": seq, "hash": hash_, "at": canonical_time(at), "key_id": checkpoint.key_id, "signature": signature},
        )
    return checkpoint


def latest_checkpoint() -> AuditCheckpoint | None:
    return AuditCheckpoint.objects.order_by("-seq", "-pk").first()


def checkpoint_document(checkpoint: AuditCheckpoint) -> dict:
    claim = claim_from_row(checkpoint)
    return {
        "format": FILE_FORMAT,
        "seq": claim.seq,
        "hash": claim.hash,
        "at": claim.at,
        "key_id": claim.key_id,
        "signature": claim.signature,
        "algorithm": "Ed25519",
        "message": checkpoint_message(claim.seq, claim.hash, claim.at).decode(),
        "public_key": public_key_b64(),
    }


def checkpoint_export(path, checkpoint: AuditCheckpoint | None = None) -> dict:
    """Write ``checkpoint`` (default: the latest) as JSON to ``path``, outside the database.

    The file is written to a temporary name and renamed, so a reader never sees half a file.
    """
    checkpoint = checkpoint or latest_checkpoint()
    if checkpoint is None:
        raise AuditError(_("尚无检查点,请先创建 / there is no checkpoint yet; create one first"))
    document = checkpoint_document(checkpoint)
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return document


def claim_from_file(path) -> CheckpointClaim:
    """Read an exported checkpoint; raises AuditError when the file is not one."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != FILE_FORMAT:
            raise ValueError("format")
        at = str(document["at"])
        datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt_timezone.utc)
        return CheckpointClaim(
            seq=int(document["seq"]), hash=str(document["hash"]), at=at, key_id=str(document["key_id"]),
            signature=str(document["signature"]), source_zh=f"检查点文件 {path}", source_en=f"checkpoint file {path}",
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise AuditError(
            _("无法读取检查点文件 %(path)s:%(e)s / cannot read checkpoint file %(path)s: %(e)s") % {"path": path, "e": exc}
        ) from exc
