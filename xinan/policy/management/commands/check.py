"""``xinan check``: evaluate every compliance check and print the findings.

    xinan check [--as-of DATE] [--clause ID] [--format table|json]
    xinan check --system [--deploy]            Django's own system checks (this command replaces
                                               Django's ``check`` under the product's name)

Exits 1 when a finding has severity "violation". A run without ``--as-of`` is stored: findings
not seen before open (first-seen now), those no longer found are resolved, and the run is one
``policy.check_run`` audit event. ``--as-of DATE`` evaluates as at the end of that day and is a
preview (not stored): time limits move, the recorded facts are today's.
json: a list of ``{clause, severity, subject {type, id, label}, message {zh, en}, since, evidence}``.
"""

import getpass
import json
import sys
from collections import Counter
from datetime import date

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.commands.check import Command as DjangoCheck
from django.utils import timezone

from xinan.policy import catalogue
from xinan.policy.checks import registry
from xinan.policy.pack import PackError
from xinan.policy.services import checks_run, end_of_day

SEVERITY_ZH = {"violation": "违规", "warning": "警告"}
SUMMARY_OVER = 12  # a check with more findings than this is summarised in one line unless --all


def _cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


class Command(BaseCommand):
    help = "合规检查:评估全部检查并输出发现 / evaluate the compliance checks and print the findings"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--as-of", metavar="DATE", help="按该日结束时评估(预览,不保存)/ evaluate as at the end of DATE (preview)")
        parser.add_argument("--clause", metavar="ID", help="只评估该条款 / only this clause")
        parser.add_argument("--format", choices=("table", "json"), default="table")
        parser.add_argument("--all", action="store_true",
                            help="逐条列出所有发现(默认对发现很多的检查只列汇总)/ list every finding")
        parser.add_argument("--system", action="store_true", help="运行 Django 系统检查 / run Django's system checks")
        parser.add_argument("--deploy", action="store_true", help="与 --system 同用 / with --system")

    def handle(self, *args, **opts):
        if opts["system"]:
            call_command(DjangoCheck(), deploy=opts["deploy"], stdout=self.stdout._out, stderr=self.stderr._out)
            return
        as_of = None
        if opts["as_of"]:
            try:
                as_of = end_of_day(date.fromisoformat(opts["as_of"]))
            except ValueError as exc:
                raise CommandError(f"日期格式应为 YYYY-MM-DD / DATE must be YYYY-MM-DD: {opts['as_of']}") from exc
        clause = opts["clause"]
        if clause and clause not in catalogue.load():
            raise CommandError(f"目录中没有条款 {clause} / no clause {clause} in the catalogue")
        if clause and not registry.for_clause(clause):
            self.stderr.write(f"条款 {clause} 暂无检查 / no check covers {clause} yet")
        try:
            result = checks_run(as_of=as_of, clause=clause, actor=_cli_actor(), reason="xinan check")
        except PackError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError("合规包无效,先运行 xinan policy validate / the policy pack is invalid", returncode=2) from exc
        if opts["format"] == "json":
            self.stdout.write(json.dumps([f.as_json() for f in result.findings], ensure_ascii=False, indent=1))
        else:
            self._table(result, everything=opts["all"])
        if result.violations:
            sys.exit(1)

    def _table(self, result, everything: bool):
        per_check = Counter(f.check_id for f in result.findings)
        summarised = set()
        for f in result.findings:
            mark = self.style.ERROR if f.severity == "violation" else self.style.WARNING
            if not everything and per_check[f.check_id] > SUMMARY_OVER:
                if f.check_id not in summarised:
                    summarised.add(f.check_id)
                    group = [g for g in result.findings if g.check_id == f.check_id]
                    ids = ", ".join(g.clause if g.subject_type == "policy.clause" else g.subject_label for g in group[:6])
                    self.stdout.write(f"{mark(SEVERITY_ZH[f.severity])} {f.check_id:<12} {len(group)} 项 / findings: "
                                      f"{registry[f.check_id].title}({ids} …;--all 或 --format json 查看全部)")
                continue
            since = f" (自 {timezone.localtime(f.since):%Y-%m-%d} 起 / since)" if f.since else ""
            self.stdout.write(f"{mark(SEVERITY_ZH[f.severity])} {f.clause:<12} {f.subject_label}: {f.message_zh}{since}")
        violations, warnings = len(result.violations), len(result.findings) - len(result.violations)
        stored = (f"新发现 {result.opened},已消除 {result.resolved} / opened {result.opened}, resolved {result.resolved}"
                  if result.stored else "预览,未保存 / preview, not stored")
        summary = (f"检查 {len(result.checks)} 项:违规 {violations},警告 {warnings};{stored} / "
                   f"{len(result.checks)} checks: {violations} violations, {warnings} warnings")
        self.stdout.write((self.style.ERROR if violations else self.style.SUCCESS)(summary))
