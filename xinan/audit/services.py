"""Writing to the audit chain. Every service that changes data does it inside ``audited_write``
and calls ``record`` in the same transaction, so a change and its event commit together or not at
all. Models derived from ``xinan.core.models.AuditedModel`` refuse to be saved outside it.
"""

import contextvars
import hashlib
import hmac
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import keys
from .chain import GENESIS, event_hash
from .models import AuditEvent, AuditHead

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("xinan_request_id", default="")


class AuditError(Exception):
    pass


@dataclass
class _WriteState:
    writes: int = 0
    events: int = 0


_write_state: contextvars.ContextVar[_WriteState | None] = contextvars.ContextVar("xinan_audited_write", default=None)

# Callables given each batch of appended events, inside the writing transaction (xinan.policy
# re-evaluates, after commit, the checks touching the events' subjects). They must not write.
event_listeners: list = []


@contextmanager
def audited_write():
    """A transaction that must append at least one audit event if it saves an audited model."""
    outer = _write_state.get()
    if outer is not None:
        with transaction.atomic():
            yield
        return
    state = _WriteState()
    token = _write_state.set(state)
    try:
        with transaction.atomic():
            yield
            if state.writes and not state.events:
                raise AuditError(_("数据变更未写入审计事件,已回滚 / a change without its audit event was rolled back"))
    finally:
        _write_state.reset(token)


def note_write() -> None:
    """Called by ``AuditedModel.save``/``delete``; refuses a write outside ``audited_write``."""
    state = _write_state.get()
    if state is None:
        raise AuditError(_("数据变更必须通过服务层并写入审计 / writes must go through a service that audits them"))
    state.writes += 1


def digest(value) -> str | None:
    """Keyed digest of a secret or a personal value, for audit images: equal values compare equal,
    but the value cannot be read back."""
    if value in (None, ""):
        return value
    mac = hmac.new(keys.hmac_key(), str(value).encode(), "sm3").hexdigest()
    return f"hmac-sm3:{mac[:32]}"


def _plain(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def snapshot(instance, fields=None) -> dict:
    """The audit image of a model instance: concrete fields, foreign keys as ids, and the fields
    the model names in ``audit_digest_fields`` replaced by keyed digests."""
    sensitive = set(getattr(instance, "audit_digest_fields", ()))
    omitted = set(getattr(instance, "audit_omit_fields", ()))
    image = {}
    for field in instance._meta.concrete_fields:
        name = field.attname
        if (fields is not None and field.name not in fields) or field.name in omitted:
            continue
        value = getattr(instance, name)
        image[name] = digest(value) if field.name in sensitive else _plain(value)
    return image


def _actor_fields(actor) -> tuple[int | None, str]:
    if actor is None:
        return None, "system"
    if isinstance(actor, str):
        return None, actor
    return actor.pk, str(getattr(actor, "username", actor))


def _subject_fields(subject) -> tuple[str, str, str]:
    if subject is None:
        return "", "", ""
    if isinstance(subject, tuple):
        kind, ident, label = subject
        return kind, str(ident), str(label)[:255]
    return subject._meta.label_lower, str(subject.pk), str(subject)[:255]


def record(actor, action: str, subject=None, *, before=None, after=None, reason: str = "") -> AuditEvent:
    """Append one event. Must run inside a transaction (normally ``audited_write``)."""
    return record_many([dict(actor=actor, action=action, subject=subject, before=before, after=after, reason=reason)])[0]


def record_many(entries: list[dict]) -> list[AuditEvent]:
    """Append several events under one lock of the chain head (the batched path)."""
    if not connection.in_atomic_block:
        raise AuditError(_("审计事件必须与变更在同一事务中写入 / an audit event must share the change's transaction"))
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = AuditHead.objects.create(pk=1, seq=0, hash=GENESIS)
    seq, prev = head.seq, head.hash
    now = timezone.now()
    request_id = request_id_var.get()
    events = []
    for entry in entries:
        seq += 1
        actor_id, actor_label = _actor_fields(entry.get("actor"))
        subject_type, subject_id, subject_label = _subject_fields(entry.get("subject"))
        fields = dict(
            seq=seq, at=entry.get("at") or now, actor_id=actor_id, actor_label=actor_label[:150],
            action=entry["action"], subject_type=subject_type, subject_id=subject_id,
            subject_label=subject_label, before=_plain(entry.get("before")), after=_plain(entry.get("after")),
            reason=entry.get("reason") or "", request_id=request_id,
        )
        fields["prev_hash"] = prev
        fields["hash"] = prev = event_hash(prev, fields)
        events.append(AuditEvent(**fields))
    _insert(events)
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev)
    for listener in event_listeners:
        listener(events)
    state = _write_state.get()
    if state is not None:
        state.events += len(events)
    return events


def _insert(events: list[AuditEvent]) -> None:
    """``bulk_create`` without its per-row SQL compiling, which cost more than the rest of the
    append: on PostgreSQL one ``COPY`` (about 1.6 times the events per second of a pipelined
    ``executemany``), elsewhere one prepared INSERT run for every event (``executemany``).
    Values are prepared by the fields themselves, so they are stored exactly as the ORM stores
    them (the time as the backend adapts it, JSON as ``JSONField`` encodes it, None as NULL)."""
    if not events:
        return
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the proxy, for the per-value calls
    fields = AuditEvent._meta.concrete_fields
    prepare = [(f.attname, f.get_db_prep_save if f.name in _PREPARED else None) for f in fields]
    q = db.ops.quote_name
    table, columns = q(AuditEvent._meta.db_table), ", ".join(q(f.column) for f in fields)
    rows = []
    for event in events:
        values = event.__dict__
        rows.append([values[name] if prep is None else prep(values[name], db) for name, prep in prepare])
        event._state.adding = False  # as bulk_create leaves them: saved, in this database
        event._state.db = db.alias
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})", rows)


# Fields whose Python value is not what the database driver takes as it is.
_PREPARED = {"at", "before", "after"}


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()
