"""Redis-backed worker mode against a real redis-server started here on a loopback port
(``scripts/system-deps.sh test`` installs it): a job is queued once per period however many
workers schedule, runs once under its run lock, and ``xinan worker --once`` uses the broker when
``XINAN_WORKER_BROKER`` names one."""

import shutil
import socket
import subprocess
import time
import uuid
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone

from xinan.obligations import redis_mode, scheduler
from xinan.obligations.models import Task
from xinan.obligations.redis_mode import RedisBroker


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    binary = shutil.which("redis-server")
    assert binary, "redis-server is missing: run scripts/system-deps.sh test (installs Debian's redis-server)"
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        for _ in range(100):
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def prefix():
    return f"t{uuid.uuid4().hex[:8]}:"


def test_each_due_job_is_queued_once_across_workers(redis_url, prefix, db):
    a = RedisBroker(redis_url, holder="machine-a", prefix=prefix)
    b = RedisBroker(redis_url, holder="machine-b", prefix=prefix)
    assert sorted(a.schedule()) == ["checkpoint", "checks", "obligations"]
    assert b.schedule() == []  # already queued for this period
    assert a.redis.lrange(a.key("xinan:jobs"), 0, -1) == ["obligations", "checks", "checkpoint"]


def test_queued_jobs_run_once_with_their_effects(redis_url, prefix, make_user):
    make_user("security_admin")
    a = RedisBroker(redis_url, holder="machine-a", prefix=prefix)
    b = RedisBroker(redis_url, holder="machine-b", prefix=prefix)
    a.schedule()
    first = b.run_one(timeout=1)
    assert first[0] == "obligations" and first[1].startswith("ok: created")
    assert Task.objects.filter(obligation="p15.2.11.access_review").count() == 1
    rest = a.drain()
    assert set(rest) == {"checks", "checkpoint"} and all(v.startswith("ok") for v in rest.values())
    assert b.run_one(timeout=0.1) is None
    assert "machine-b ok: created" in a.redis.hget(a.key("xinan:status"), "obligations")


def test_a_job_running_elsewhere_is_skipped(redis_url, prefix, db):
    runs = []
    job = scheduler.Job("slow", lambda: runs.append(1) or "ran", scheduler._next_minute)
    a = RedisBroker(redis_url, holder="a", jobs=[job], prefix=prefix)
    a.redis.set(a.key("xinan:running", "slow"), "other-machine", px=60000)
    a.schedule()
    assert a.run_one(timeout=1) == ("slow", "skipped: running elsewhere") and runs == []
    a.redis.delete(a.key("xinan:running", "slow"))
    a.redis.rpush(a.key("xinan:jobs"), "slow")
    assert a.run_one(timeout=1) == ("slow", "ok: ran") and runs == [1]
    assert a.redis.get(a.key("xinan:running", "slow")) is None  # released


def test_worker_once_through_the_broker(redis_url, monkeypatch, make_user):
    make_user("security_admin")
    # The obligations job is due every minute; scheduling at the start of a minute keeps both
    # passes in one period (its Redis key expires by the real clock, a full minute later).
    start = (timezone.now() + timedelta(minutes=1)).replace(second=1, microsecond=0)
    monkeypatch.setattr(redis_mode, "timezone", SimpleNamespace(now=lambda: start))
    db_index = 1 + int(uuid.uuid4().int % 14)  # a database of its own: no other test's keys
    monkeypatch.setenv("XINAN_WORKER_BROKER", redis_url.rsplit("/", 1)[0] + f"/{db_index}")
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "obligations: ok: created" in out.getvalue()
    assert Task.objects.filter(obligation="p15.2.11.access_review").count() == 1
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert out.getvalue() == ""  # nothing due again in this period: nothing queued, nothing run
