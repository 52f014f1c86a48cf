"""``xinan policy``: the pack against the catalogue, its parameters, and attestations.

    xinan policy coverage [--format table|json]     per domain and kind: implemented / attestation /
                                                    not_applicable / missing; the missing ids
    xinan policy validate                           every problem of the pack (exit 1 if any)
    xinan policy parameters [--format table|json]   each clause parameter, where it lives, its value
    xinan policy attestation sign|approve|reject --as USER ID [--reason "…"]

Coverage json: a list of ``{id, domain, kind, status, by}``, one per catalogue id (for a missing
clause, ``by`` names what covers it in part, if anything).
"""

import json
import sys

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from xinan.identity.models import User
from xinan.policy import coverage, pack, resolution, services
from xinan.policy.models import Attestation
from xinan.policy.pack import PackError


class Command(BaseCommand):
    help = "合规包:覆盖情况、校验、参数、合规声明 / policy pack: coverage, validation, parameters, attestations"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{coverage,validate,parameters,attestation}")
        cov = sub.add_parser("coverage", help="条款覆盖情况 / how the pack covers the catalogue")
        cov.add_argument("--format", choices=("table", "json"), default="table")
        sub.add_parser("validate", help="校验合规包 / validate the pack")
        par = sub.add_parser("parameters", help="条款参数及取值 / clause parameters and values")
        par.add_argument("--format", choices=("table", "json"), default="table")
        att = sub.add_parser("attestation", help="签署、批准、驳回合规声明 / sign, approve, reject an attestation")
        att.add_argument("step", choices=("sign", "approve", "reject"))
        att.add_argument("--as", dest="actor", required=True)
        att.add_argument("id", type=int)
        att.add_argument("--reason", default="")

    def handle(self, *args, **opts):
        return getattr(self, f"_{opts['action']}")(opts)

    def _resolved(self):
        try:
            return resolution.resolve()
        except PackError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError("合规包无效 / the policy pack is invalid", returncode=2) from exc

    def _coverage(self, opts):
        items = coverage.rows(self._resolved())
        if opts["format"] == "json":
            self.stdout.write(json.dumps([r.as_json() for r in items], ensure_ascii=False, indent=1))
        else:
            self.stdout.write(coverage.report(items, pack.pack_name()))

    def _validate(self, opts):
        problems = resolution.validate()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(f"合规包 {pack.pack_name()} 有效 / pack {pack.pack_name()} is valid"))

    def _parameters(self, opts):
        rows = pack.param_rows()
        if opts["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
            return
        for row in rows:
            where = row["key"] or row["form"]
            value = "(空白 / blank)" if row["value"] is None else row["value"]
            self.stdout.write(f"{row['clause']:<14}{row['name']:<24}{str(value):<14}{where}")

    def _attestation(self, opts):
        actor = User.objects.filter(username=opts["actor"], is_active=True).select_related("person").first()
        if actor is None:
            raise CommandError(f"账号 {opts['actor']} 不存在或已停用 / no active account {opts['actor']}")
        attestation = Attestation.objects.filter(pk=opts["id"]).first()
        if attestation is None:
            raise CommandError(f"合规声明 {opts['id']} 不存在 / no attestation {opts['id']}")
        step = getattr(services, f"attestation_{opts['step']}")
        try:
            step(actor, attestation, reason=opts["reason"])
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(self.style.SUCCESS(f"{attestation}: {attestation.get_status_display()}"))
