"""Redis-backed worker mode, for an organisation that runs xinan on more than one machine.

Turned on by ``XINAN_WORKER_BROKER=redis://host:6379/0`` (needs the ``redis`` client, the
``redis`` extra of the package). Every ``xinan worker`` process then does two things:

- **schedules**: for each job, ``SET xinan:due:<job> <holder> NX PXAT <next due time>``. The
  key exists until the job is next due, so exactly one process, on whatever machine, succeeds
  once per period and pushes the job's name on the list ``xinan:jobs``;
- **consumes**: ``BLPOP xinan:jobs`` and runs the job under a run lock
  (``SET xinan:running:<job> NX PX <lease>``, released by a compare-and-delete script), so a job
  queued twice by a slow clock still never runs twice at once. Its outcome is kept in the hash
  ``xinan:status``.

The jobs are the embedded scheduler's (``scheduler.JOBS``); their effects are idempotent (unique
tasks, conditional updates), which is what makes at-least-once delivery safe. Without a broker
the embedded mode (database leases) is used.
"""

import logging
import os
import threading
from datetime import datetime

from django.utils import timezone

from . import scheduler

log = logging.getLogger(__name__)
QUEUE = "xinan:jobs"
STATUS = "xinan:status"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


def broker_url() -> str:
    return os.environ.get("XINAN_WORKER_BROKER", "").strip()


class RedisBroker:
    def __init__(self, url: str, holder: str | None = None, jobs=None, prefix: str = ""):
        import redis  # the optional dependency, only needed in this mode

        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self.holder = holder or scheduler.worker_name()
        self.jobs = {j.name: j for j in (jobs or scheduler.JOBS)}
        self.prefix = prefix  # lets tests share one server without sharing keys

    def key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    def schedule(self, now: datetime | None = None) -> list[str]:
        """Queue every job that is due and not yet queued for this period; returns their names."""
        now = now or timezone.now()
        queued = []
        for name, job in self.jobs.items():
            until = job.next_after(now)
            if self.redis.set(self.key("xinan:due", name), self.holder, nx=True, pxat=int(until.timestamp() * 1000)):
                self.redis.rpush(self.key(QUEUE), name)
                queued.append(name)
        return queued

    def run_one(self, timeout: float = 1.0) -> tuple[str, str] | None:
        """Take one queued job and run it under its run lock; (name, outcome) or None."""
        item = self.redis.blpop([self.key(QUEUE)], timeout=timeout)
        if item is None:
            return None
        name = item[1]
        job = self.jobs.get(name)
        if job is None:
            return name, "unknown job"
        lock = self.key("xinan:running", name)
        if not self.redis.set(lock, self.holder, nx=True, px=scheduler.LEASE_SECONDS * 1000):
            return name, "skipped: running elsewhere"
        try:
            status = "ok: " + (job.run() or "")
        except Exception as exc:  # noqa: BLE001 - report, keep consuming
            log.exception("redis worker: job %s failed", name)
            status = f"failed: {type(exc).__name__}: {exc}"
        finally:
            self.redis.eval(_RELEASE, 1, lock, self.holder)
        self.redis.hset(self.key(STATUS), name, f"{timezone.now().isoformat()} {self.holder} {status}"[:500])
        return name, status

    def drain(self) -> dict[str, str]:
        """Run what is queued now, without waiting (``xinan worker --once``)."""
        done = {}
        while True:
            item = self.run_one(timeout=0.01)
            if item is None:
                return done
            done[item[0]] = item[1]

    def run_forever(self, stop: threading.Event, tick: float = 20.0) -> None:
        from django.db import close_old_connections

        while not stop.is_set():
            try:
                self.schedule()
                deadline = timezone.now().timestamp() + tick
                while not stop.is_set() and timezone.now().timestamp() < deadline:
                    close_old_connections()
                    self.run_one(timeout=min(2.0, tick))
            except Exception:  # noqa: BLE001 - Redis or the database briefly away: retry
                log.exception("redis worker: cycle failed")
                stop.wait(tick)
