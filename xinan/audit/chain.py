"""The hash of an audit event: SM3 over the previous hash and the event's canonical form.

The canonical form is a JSON document with sorted keys and no insignificant white space, so it
is the same whether the event was read back from SQLite or PostgreSQL.
"""

import hashlib
import json
from datetime import datetime, timezone

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq", "at", "actor_id", "actor_label", "action", "subject_type", "subject_id",
    "subject_label", "before", "after", "reason", "request_id",
)


def canonical_time(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_bytes(fields: dict) -> bytes:
    doc = {name: fields[name] for name in HASHED_FIELDS}
    doc["at"] = canonical_time(doc["at"])
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def event_hash(prev_hash: str, fields: dict) -> str:
    h = hashlib.new("sm3")
    h.update(prev_hash.encode("ascii"))
    h.update(canonical_bytes(fields))
    return h.hexdigest()
