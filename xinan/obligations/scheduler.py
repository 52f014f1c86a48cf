"""The embedded scheduler (``xinan worker``, started by ``make run``): a small loop, no library.

Jobs, each with its own lease row (``SchedulerLease``):

- ``obligations`` every minute: ``tasks_generate``, ``tasks_remind``, ``tasks_escalate``;
- ``checks`` every hour: ``xinan.policy.services.checks_run`` (a stored, audited run);
- ``checkpoint`` every day after local midnight: ``xinan.audit.checkpoints.checkpoint_create``.

A worker runs a job only after taking its lease with one conditional UPDATE: the job is due
(``next_run_at`` passed) and its lease is free or expired. Two workers, on one machine or two
sharing the database, never run the same job at once: the second UPDATE matches no row. The
lease outlives a crash by ``LEASE_SECONDS`` at most, then another worker takes over. After the
run the worker sets the next due time and frees the lease in one more UPDATE guarded by its
holder name.
"""

import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from django.db import IntegrityError, OperationalError, close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone

from .models import SchedulerLease

log = logging.getLogger(__name__)
LEASE_SECONDS = 15 * 60


def _obligations_job():
    from .services import tasks_escalate, tasks_generate, tasks_remind

    generated = tasks_generate()
    reminded = tasks_remind()
    escalated = tasks_escalate()
    return (f"created {generated.created}, met {generated.met}, cancelled {generated.cancelled}, "
            f"reminded {reminded}, escalated {escalated[1]}+{escalated[2]}")


def _checks_job():
    from xinan.policy.services import checks_run

    result = checks_run(reason="scheduled")
    return f"{len(result.checks)} checks, {result.open_total} open, {result.opened} opened, {result.resolved} resolved"


def _checkpoint_job():
    from xinan.audit.checkpoints import checkpoint_create

    return f"checkpoint at #{checkpoint_create().seq}"


def _next_minute(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0) + timedelta(minutes=1)


def _next_hour(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def _next_midnight(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), datetime.min.time()))


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], str]
    next_after: Callable[[datetime], datetime]


JOBS = [
    Job("obligations", _obligations_job, _next_minute),
    Job("checks", _checks_job, _next_hour),
    Job("checkpoint", _checkpoint_job, _next_midnight),
]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"


def _retrying(func, attempts: int = 40, pause: float = 0.05):
    """Run a short statement again while the database says it is locked (SQLite's shared-cache
    table locks do not wait for the busy timeout); the lease logic itself stays one UPDATE."""
    for attempt in range(attempts):
        try:
            return func()
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(pause)


def _ensure_row(name: str) -> None:
    try:
        with transaction.atomic():
            SchedulerLease.objects.get_or_create(name=name)
    except IntegrityError:  # another worker created it at the same moment
        pass


def lease_take(name: str, holder: str, now: datetime | None = None, seconds: int = LEASE_SECONDS) -> bool:
    """Become the holder of job ``name`` if it is due and nobody holds a live lease on it."""
    now = now or timezone.now()
    _retrying(lambda: _ensure_row(name))
    free = Q(expires_at__isnull=True) | Q(expires_at__lte=now)
    due = Q(next_run_at__isnull=True) | Q(next_run_at__lte=now)
    taken = _retrying(lambda: SchedulerLease.objects.filter(free & due, name=name)
                      .update(holder=holder, expires_at=now + timedelta(seconds=seconds)))
    return taken == 1


def lease_release(name: str, holder: str, *, next_run_at: datetime, status: str) -> bool:
    return _retrying(lambda: SchedulerLease.objects.filter(name=name, holder=holder).update(
        expires_at=None, next_run_at=next_run_at, last_run_at=timezone.now(), last_status=status[:255])) == 1


def run_job(job: Job, holder: str, now: datetime | None = None) -> str | None:
    """Run ``job`` if this worker takes its lease; its outcome, or None when not taken."""
    now = now or timezone.now()
    if not lease_take(job.name, holder, now):
        return None
    try:
        status = "ok: " + (job.run() or "")
    except Exception as exc:  # noqa: BLE001 - one failing job must not stop the others or the loop
        log.exception("scheduler: job %s failed", job.name)
        status = f"failed: {type(exc).__name__}: {exc}"
    lease_release(job.name, holder, next_run_at=job.next_after(timezone.now()), status=status)
    return status


def run_cycle(holder: str | None = None, jobs: list[Job] | None = None) -> dict[str, str | None]:
    """One pass over the jobs: run those that are due and whose lease this worker takes."""
    holder = holder or worker_name()
    return {job.name: run_job(job, holder) for job in (jobs or JOBS)}


def run_forever(stop: threading.Event, holder: str | None = None, tick: float = 20.0, cycle=run_cycle) -> None:
    """Run cycles until ``stop`` is set; ``tick`` seconds between passes (jobs keep their own
    schedule through their lease rows, so a short tick only makes the worker react sooner)."""
    holder = holder or worker_name()
    last_error = None
    while not stop.is_set():
        close_old_connections()
        try:
            cycle(holder)
            last_error = None
        except Exception as exc:  # noqa: BLE001 - the database may be briefly unavailable: retry next tick
            if repr(exc) != last_error:  # the traceback once, not every tick while it lasts
                log.exception("scheduler: cycle failed")
            else:
                log.warning("scheduler: cycle failed again: %s", exc)
            last_error = repr(exc)
        close_old_connections()
        stop.wait(tick)
