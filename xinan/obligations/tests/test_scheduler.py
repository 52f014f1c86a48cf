"""The embedded scheduler: a job runs only under its lease (two workers never run it at once,
a crashed worker's lease expires), jobs keep their own schedule, and ``xinan worker --once``
runs one cycle: tasks, reminders, escalation, the checks and an audit checkpoint."""

import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from xinan.audit.models import AuditCheckpoint, AuditEvent
from xinan.obligations import scheduler
from xinan.obligations.models import SchedulerLease, Task


def test_lease_is_exclusive_until_released_and_the_job_is_due_again(db):
    now = timezone.now()
    assert scheduler.lease_take("obligations", "A", now)
    assert not scheduler.lease_take("obligations", "B", now)  # held
    assert scheduler.lease_release("obligations", "A", next_run_at=now + timedelta(minutes=1), status="ok")
    assert not scheduler.lease_release("obligations", "B", next_run_at=now, status="stolen")  # not the holder
    assert not scheduler.lease_take("obligations", "B", now + timedelta(seconds=30))  # free, not due
    assert scheduler.lease_take("obligations", "B", now + timedelta(minutes=1))


def test_a_crashed_holder_loses_the_lease_when_it_expires(db):
    now = timezone.now()
    assert scheduler.lease_take("checks", "crashed", now)
    assert not scheduler.lease_take("checks", "B", now + timedelta(seconds=scheduler.LEASE_SECONDS - 1))
    assert scheduler.lease_take("checks", "B", now + timedelta(seconds=scheduler.LEASE_SECONDS))


@pytest.mark.django_db(transaction=True)
def test_two_workers_in_two_threads_run_the_job_once():
    """Two workers (two threads, two database connections) start the same due job at the same
    moment: exactly one runs it."""
    runs = []
    job = scheduler.Job("race", lambda: runs.append(threading.get_ident()) or time.sleep(0.3) or "ran",
                        scheduler._next_minute)
    start = threading.Barrier(2)
    outcomes = {}

    def worker(name):
        try:
            start.wait()
            outcomes[name] = scheduler.run_job(job, name)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes[name] = f"error: {exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("w1", "w2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert len(runs) == 1
    assert sorted(map(str, outcomes.values())) == ["None", "ok: ran"], outcomes
    lease = SchedulerLease.objects.get(name="race")
    assert lease.expires_at is None and lease.next_run_at > timezone.now() and lease.last_status == "ok: ran"


def test_a_failing_job_does_not_stop_the_others(db):
    def boom():
        raise RuntimeError("数据库不可用")

    jobs = [scheduler.Job("bad", boom, scheduler._next_minute), scheduler.Job("good", lambda: "fine", scheduler._next_minute)]
    outcome = scheduler.run_cycle("w", jobs)
    assert outcome["bad"].startswith("failed: RuntimeError") and outcome["good"] == "ok: fine"
    assert SchedulerLease.objects.get(name="bad").expires_at is None  # released for the next attempt


def test_run_forever_stops_on_request(db):
    stop = threading.Event()
    seen = []

    def cycle(holder):
        seen.append(holder)
        stop.set()

    scheduler.run_forever(stop, holder="w", tick=0.01, cycle=cycle)
    assert seen == ["w"]


def test_worker_once_runs_every_job_then_waits_for_their_time(make_user):
    """``xinan worker --once`` (and its alias ``xinan scheduler``): the first cycle generates the
    due tasks, runs the checks (one audited run) and signs a checkpoint; an immediate second
    cycle finds nothing due."""
    make_user("security_admin")
    # The obligations job is due again at the next minute: start early enough in a minute that both
    # cycles (the first runs every check, a few seconds) fall within it.
    second = timezone.localtime().second
    if second >= 40:
        time.sleep(60 - second + 0.1)
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    text = out.getvalue()
    assert "obligations: ok: created" in text and "checks: ok:" in text and "checkpoint: ok: checkpoint at #" in text
    assert Task.objects.filter(obligation="p15.2.11.access_review").count() == 1
    assert AuditCheckpoint.objects.count() == 1
    assert AuditEvent.objects.filter(action="policy.check_run", reason="scheduled").count() == 1
    out = StringIO()
    call_command("scheduler", "--once", stdout=out)
    assert out.getvalue().count("not due") == 3
    assert AuditCheckpoint.objects.count() == 1


def test_a_lasting_failure_logs_its_traceback_once(db, caplog):
    stop = threading.Event()
    calls = []

    def cycle(holder):
        calls.append(1)
        if len(calls) == 3:
            stop.set()
        raise RuntimeError("no such table: obligations_schedulerlease")

    with caplog.at_level("WARNING", logger="xinan.obligations.scheduler"):
        scheduler.run_forever(stop, holder="w", tick=0.01, cycle=cycle)
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(calls) == 3 and len(tracebacks) == 1 and len(caplog.records) == 3
