"""Shared machinery of the generator's operational records (``generate_assets``, ``generate_network``).

The records of the months are planned first (what happens, to which row, when), then written in
their final state with ``bulk_create``/``bulk_update``, and their audit events — the ones the
services would have appended at each step, with the images as they were at that step — are
returned as entries with simulated times. ``Generator`` merges them, in time order, into the
routine traffic, so the chain still reads in time order. Nothing here draws randomness of its own:
every choice comes from the generator's ``rng``.
"""

from contextlib import contextmanager
from datetime import datetime, timedelta

from django.utils import timezone

from xinan.audit.services import _plain, snapshot

BATCH = 2_000


@contextmanager
def keep_times(model, *names):
    """``auto_now_add`` fields keep the simulated moment given to them (the moment the service
    would have run), instead of the real time of the bulk insert."""
    fields = [model._meta.get_field(n) for n in names]
    saved = [f.auto_now_add for f in fields]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in zip(fields, saved):
            f.auto_now_add = value


def image(obj, fields=None, **at_step) -> dict:
    """``snapshot(obj, fields)`` of a row written in its final state, with the values (by attname)
    the fields had at an earlier step."""
    shot = snapshot(obj, fields)
    for name, value in at_step.items():
        if name in shot:
            shot[name] = _plain(value)
    return shot


def event(action, subject, at, *, before=None, after=None, reason="") -> dict:
    return dict(actor=None, action=action, subject=subject, at=at, before=before, after=after, reason=reason)


class Numbers:
    """``next_number``'s record numbers (``WX2026-0007``: prefix, year of the moment, sequence),
    given in the order the records were created."""

    def __init__(self):
        self.seq = {}

    def next(self, prefix: str, at: datetime, fmt: str = "%Y") -> str:
        stem = f"{prefix}{timezone.localtime(at):{fmt}}-"
        self.seq[stem] = self.seq.get(stem, 0) + 1
        return f"{stem}{self.seq[stem]:04d}"


class Bands:
    """When things may happen over the months: from the day after setup to 41 days before
    ``as_of`` (among the routine traffic), and from 29 to 11 days before it (between the
    departures and the last password changes, which the generator writes at fixed moments)."""

    def __init__(self, rng, setup_end: datetime, as_of: datetime):
        self.rng = rng
        self.bands = [(setup_end + timedelta(days=1), as_of - timedelta(days=41)),
                      (as_of - timedelta(days=29), as_of - timedelta(days=11))]
        self.bands = [(a, b) for a, b in self.bands if b > a]

    def start(self, span: timedelta) -> datetime:
        """A moment from which ``span`` fits inside one band."""
        usable = [(a, b - span) for a, b in self.bands if b - span > a]
        if not usable:
            a, b = self.bands[-1]
            return a
        total = sum((b - a).total_seconds() for a, b in usable)
        pick = self.rng.random() * total
        for a, b in usable:
            length = (b - a).total_seconds()
            if pick <= length:
                return a + timedelta(seconds=pick)
            pick -= length
        return usable[-1][0]

    def inside(self, at: datetime) -> bool:
        return any(a <= at <= b for a, b in self.bands)


def bulk(model, rows, summary, times=()) -> list:
    with keep_times(model, *times):
        model.objects.bulk_create(rows, batch_size=BATCH)
    label = model._meta.label_lower
    summary.counts[label] = summary.counts.get(label, 0) + len(rows)
    return rows
