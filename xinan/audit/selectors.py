"""Reads of the audit chain for the auditor's pages, the API, the export and the dashboard.

Everything here stays fast on millions of events: filters hit indexed columns where they can,
pages are cut by sequence number (keyset: ``seq < before`` / ``seq > after``, newest first) and
never count the whole table, and ``chain_status`` is a handful of single-row lookups.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from .models import AuditCheckpoint, AuditEvent, AuditHead

LIST_FIELDS = (
    "seq", "at", "actor_id", "actor_label", "action", "subject_type", "subject_id", "subject_label",
    "reason", "request_id",
)
EXPORT_FIELDS = LIST_FIELDS + ("before", "after", "prev_hash", "hash")
FILTER_NAMES = ("at_from", "at_to", "actor", "action", "subject_type", "subject_id", "request_id", "q")


def events_filtered(
    *, at_from: datetime | None = None, at_to: datetime | None = None, actor: str = "", action: str = "",
    subject_type: str = "", subject_id: str = "", request_id: str = "", q: str = "", **_ignored,
) -> QuerySet:
    """Events matching the auditor's filters (all optional, combined with AND).

    ``actor`` is the operator's name or numeric id; ``action`` a prefix ("org." or
    "org.person.update"); ``q`` free text in the subject's label. ``at_to`` is exclusive.
    """
    qs = AuditEvent.objects.all()
    if at_from:
        qs = qs.filter(at__gte=at_from)
    if at_to:
        qs = qs.filter(at__lt=at_to)
    actor = (actor or "").strip()
    if actor:
        condition = Q(actor_label=actor)
        if actor.isdigit():
            condition |= Q(actor_id=int(actor))
        qs = qs.filter(condition)
    if action := (action or "").strip():
        qs = qs.filter(action__startswith=action)
    if subject_type := (subject_type or "").strip():
        qs = qs.filter(subject_type=subject_type)
    if subject_id := (subject_id or "").strip():
        qs = qs.filter(subject_id=subject_id)
    if request_id := (request_id or "").strip():
        qs = qs.filter(request_id=request_id)
    if q := (q or "").strip():
        qs = qs.filter(subject_label__icontains=q)
    return qs


@dataclass
class EventPage:
    items: list[dict]
    has_next: bool  # older events exist: link with before=next_before
    has_previous: bool  # newer events exist: link with after=previous_after
    next_before: int | None
    previous_after: int | None


def event_page(qs: QuerySet, *, before: int | None = None, after: int | None = None, size: int = 50,
               fields=LIST_FIELDS) -> EventPage:
    """One page of ``qs``, newest first: the events below ``before``, or the page just above
    ``after`` (going back towards the newest). One query for the page plus one ``EXISTS`` for the
    other direction; no count."""
    if after is not None:
        rows = list(qs.filter(seq__gt=after).order_by("seq").values(*fields)[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size]
        rows.reverse()
        more_older = bool(rows) and qs.filter(seq__lt=rows[-1]["seq"]).exists()
    else:
        page_qs = qs.filter(seq__lt=before) if before is not None else qs
        rows = list(page_qs.order_by("-seq").values(*fields)[: size + 1])
        more_older = len(rows) > size
        rows = rows[:size]
        more_newer = before is not None and bool(rows) and qs.filter(seq__gt=rows[0]["seq"]).exists()
        if before is not None and not rows:
            more_newer = qs.filter(seq__gte=before).exists()
    return EventPage(
        items=rows, has_next=more_older, has_previous=more_newer,
        next_before=rows[-1]["seq"] if rows and more_older else None,
        previous_after=rows[0]["seq"] if rows and more_newer else (before - 1 if more_newer and before else None),
    )


def event_get(seq: int) -> AuditEvent:
    return AuditEvent.objects.get(seq=seq)


def event_neighbours(seq: int) -> tuple[int | None, int | None]:
    """The sequence numbers just before and after ``seq`` that exist (gaps are tampering, but
    the pages still have to walk past them)."""
    prev = AuditEvent.objects.filter(seq__lt=seq).order_by("-seq").values_list("seq", flat=True).first()
    nxt = AuditEvent.objects.filter(seq__gt=seq).order_by("seq").values_list("seq", flat=True).first()
    return prev, nxt


def export_rows(qs: QuerySet, limit: int):
    """At most ``limit`` events of ``qs``, newest first, as tuples of ``EXPORT_FIELDS``, streamed."""
    return qs.order_by("-seq").values_list(*EXPORT_FIELDS)[:limit].iterator(chunk_size=2000)


@dataclass
class ChainStatus:
    """The chain at a glance (for the dashboard and the auditor's status page)."""

    head_seq: int
    head_hash: str
    checkpoint_id: int | None
    checkpoint_seq: int | None
    checkpoint_at: datetime | None
    checkpoint_key_id: str
    checkpoints: int
    events_since_checkpoint: int
    # the last verification run (an ``audit.verify`` event); None when never verified
    ok: bool | None
    checked_at: datetime | None
    checked_by: str
    checked: int | None
    first_broken_seq: int | None
    message: str
    verify_event_seq: int | None

    @property
    def seq(self) -> int:
        return self.head_seq

    @property
    def hash(self) -> str:
        return self.head_hash


def last_verification() -> dict | None:
    """The latest ``audit.verify`` event (index on ``action``; a few thousand such events at most)."""
    return (
        AuditEvent.objects.filter(action="audit.verify").order_by("-seq")
        .values("seq", "at", "actor_label", "after").first()
    )


def chain_status() -> ChainStatus:
    """Head, latest checkpoint and last verification result — a few indexed single-row reads; it
    never verifies (that is ``xinan audit verify`` or the status page's button)."""
    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first() or (0, "")
    checkpoint = AuditCheckpoint.objects.order_by("-seq", "-pk").values("pk", "seq", "at", "key_id").first()
    run = last_verification()
    outcome = (run or {}).get("after") or {}
    return ChainStatus(
        head_seq=head[0], head_hash=head[1],
        checkpoint_id=checkpoint["pk"] if checkpoint else None,
        checkpoint_seq=checkpoint["seq"] if checkpoint else None,
        checkpoint_at=checkpoint["at"] if checkpoint else None,
        checkpoint_key_id=checkpoint["key_id"] if checkpoint else "",
        checkpoints=AuditCheckpoint.objects.count(),
        events_since_checkpoint=head[0] - (checkpoint["seq"] if checkpoint else 0),
        ok=outcome.get("ok") if run else None,
        checked_at=run["at"] if run else None,
        checked_by=run["actor_label"] if run else "",
        checked=outcome.get("checked") if run else None,
        first_broken_seq=outcome.get("first_broken_seq") if run else None,
        message=outcome.get("reason", "") if run else "",
        verify_event_seq=run["seq"] if run else None,
    )


def recent_checkpoints(limit: int = 10) -> list[AuditCheckpoint]:
    return list(AuditCheckpoint.objects.order_by("-seq", "-pk")[:limit])
