"""``xinan report``: reports built from the computed compliance.

    xinan report self-assessment --format pdf|xlsx --output FILE [--as USER] [--assessor NAME]

The 篇21 信息安全自评估检查报告 (cover, 评估标准 / 现状描述 / 评估结论 per item, 附表1, 附表2). Each
report is an audit event (``policy.report.generate``, with the file's SM3 digest). ``--as`` runs it
as that account (which needs ``policy.report.view``; its person is the 评估人); without it the
actor is ``cli:<login>``. A PDF needs a CJK TrueType font (Debian: fonts-wqy-zenhei).
"""

import getpass
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from xinan.identity.models import User
from xinan.policy.pack import PackError
from xinan.policy.reports.fonts import FontMissing
from xinan.policy.reports.services import CONTENT_TYPES, report_generate


def _cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


class Command(BaseCommand):
    help = "合规报告:信息安全自评估检查报告(篇21)/ compliance reports: the 篇21 self-assessment"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="report", required=True, metavar="{self-assessment}")
        sa = sub.add_parser("self-assessment", help="信息安全自评估检查报告 / the self-assessment report")
        sa.add_argument("--format", choices=sorted(CONTENT_TYPES), default="pdf")
        sa.add_argument("--output", "-o", required=True, metavar="FILE")
        sa.add_argument("--as", dest="actor", metavar="USER", help="以该账号生成 / generate as this account")
        sa.add_argument("--assessor", default="", help="评估人姓名 / the assessor's name")

    def handle(self, *args, **opts):
        actor, assessor = _cli_actor(), opts["assessor"]
        if opts["actor"]:
            actor = User.objects.filter(username=opts["actor"], is_active=True).select_related("person").first()
            if actor is None:
                raise CommandError(f"账号 {opts['actor']} 不存在或已停用 / no active account {opts['actor']}")
            assessor = assessor or (actor.person.name if actor.person_id else actor.username)
        try:
            data, _name = report_generate(actor, opts["format"], assessor=assessor, reason="xinan report self-assessment")
        except FontMissing as exc:
            raise CommandError(str(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except PackError as exc:
            raise CommandError("合规包无效,先运行 xinan policy validate / the policy pack is invalid", returncode=2) from exc
        output = Path(opts["output"])
        output.write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"{output} ({len(data):,} bytes)"))
