"""``xinan generate``: a realistic organisation, deterministically (``xinan.bench.generate``).

    xinan generate [--preset tiny|small|large] [--people N] [--departments D] [--devices M]
                   [--customers K] [--audit-events E] [--months 12] [--seed S] [--rate 0.02]

Writes through the bulk path of ``xinan.bench.generate`` (the services' rows and audit events, in
batches) into the configured database, which should be empty of people; prints the counts, the
planted violations per clause and the digest of the generated data.
"""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from xinan.bench.generate import generate
from xinan.bench.presets import PRESETS
from xinan.org.models import Person


class Command(BaseCommand):
    help = "生成模拟组织数据(确定性)/ generate a realistic organisation deterministically"

    def add_arguments(self, parser):
        parser.add_argument("--preset", choices=sorted(PRESETS), help="预设规模 / a named size")
        for name in ("people", "departments", "devices", "customers", "audit-events", "months"):
            parser.add_argument(f"--{name}", type=int)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--rate", type=float, default=0.02, help="各类违规比例 / share of each violation kind")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出摘要 / print the summary as JSON")

    def handle(self, *args, **opts):
        sizes = dict(PRESETS[opts["preset"] or "small"])
        for name in ("people", "departments", "devices", "customers", "audit_events", "months"):
            if opts.get(name) is not None:
                sizes[name] = opts[name]
        if Person.objects.exists():
            raise CommandError("数据库中已有人员;请对空库生成 / the database already holds people; generate into an empty one")
        if sizes.get("customers"):
            self.stderr.write("客户信息库尚未提供,跳过客户记录 / no customer vault yet: customer records skipped")
        started = time.perf_counter()
        progress = (lambda m: None) if opts["json"] else (lambda m: self.stderr.write(f"… {m}"))
        summary = generate(seed=opts["seed"], rate=opts["rate"], progress=progress, **sizes)
        out = dict(sizes=sizes, seed=opts["seed"], counts=summary.counts, planted=summary.planted,
                   events=summary.events, digest=summary.digest, seconds=round(time.perf_counter() - started, 1))
        if opts["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        self.stdout.write(f"生成完成 / generated in {out['seconds']} s: {summary.events:,} audit events")
        for key, value in sorted(summary.counts.items()):
            self.stdout.write(f"  {key}: {value:,}")
        self.stdout.write("预置违规 / planted violations: " + ", ".join(f"{k}={v}" for k, v in sorted(summary.planted.items())))
        self.stdout.write(f"digest: {summary.digest}")
