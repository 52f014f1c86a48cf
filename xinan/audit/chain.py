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
    """json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")), UTF-8."""
    doc = {name: fields[name] for name in HASHED_FIELDS}
    doc["at"] = canonical_time(doc["at"])
    return encode(doc).encode()


# The encoder json.dumps runs with these options, made once instead of on every call (json.dumps
# builds a new JSONEncoder each time); tests/test_rowhash.py holds it to json.dumps. No circular
# check (markers None): a failed encode would leave a shared markers dict dirty.
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
try:
    from json.encoder import c_make_encoder as _c_make_encoder
except ImportError:  # pragma: no cover - CPython always has the C accelerator
    _c_make_encoder = None
if _c_make_encoder is not None:
    _c_encode = _c_make_encoder(
        None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",", True, False, True
    )

    def encode(value) -> str:
        return "".join(_c_encode(value, 0))
else:  # pragma: no cover
    encode = _ENCODER.encode


def event_hash(prev_hash: str, fields: dict) -> str:
    h = hashlib.new("sm3")
    h.update(prev_hash.encode("ascii"))
    h.update(canonical_bytes(fields))
    return h.hexdigest()
