"""``xinan worker``: the embedded scheduler (obligations every minute, checks every hour, an
audit checkpoint every day). ``--once`` runs one cycle and exits (tests, cron). With
``XINAN_WORKER_BROKER=redis://…`` it schedules and consumes through Redis instead (see
``xinan.obligations.redis_mode``)."""

import signal
import threading

from django.core.management.base import BaseCommand

from xinan.obligations import redis_mode, scheduler


class Command(BaseCommand):
    help = "运行内置调度器:义务任务(每分钟)、合规检查(每小时)、审计检查点(每天) / run the embedded scheduler"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只运行一轮后退出 / run one cycle and exit")
        parser.add_argument("--tick", type=float, default=20.0, help="两轮之间的秒数 / seconds between passes")

    def handle(self, *args, once=False, tick=20.0, **options):
        url = redis_mode.broker_url()
        broker = redis_mode.RedisBroker(url) if url else None
        if once:
            if broker is not None:
                broker.schedule()
                outcome = broker.drain()
            else:
                outcome = scheduler.run_cycle()
            for name, status in outcome.items():
                self.stdout.write(f"{name}: {status or 'not due / held by another worker'}")
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        mode = f"redis {url.split('@')[-1]}" if broker else "embedded"
        self.stdout.write(f"worker: {mode} mode, pass every {tick:g}s; Ctrl-C stops")
        if broker is not None:
            broker.run_forever(stop, tick=tick)
        else:
            scheduler.run_forever(stop, tick=tick)
        self.stdout.write("worker: stopped")
