"""``xinan load FILE``: load an organisation bundle (docs/bundle.md) through the services."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xinan.core.bundles import load_bundle
from xinan.identity.models import User


def actor_named(username: str | None):
    if not username:
        return None
    user = User.objects.select_related("person").filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"没有启用的账号“{username}” / no active account {username!r}")
    return user


class Command(BaseCommand):
    help = ("载入组织数据包(JSON 或 YAML),全部校验后经服务层一次写入,任何错误则不写入 / load an organisation "
            "bundle (JSON or YAML): all checked first, written through the services in one transaction, or not at all")

    def add_arguments(self, parser):
        parser.add_argument("file", help="数据包文件;- 为标准输入 / the bundle file, - for standard input")
        parser.add_argument("--as", dest="as_user", metavar="USER",
                            help="以该账号身份载入(须有相应权限;授权成为待批申请)/ load as this account")
        parser.add_argument("--dry-run", action="store_true", help="只校验,不写入 / check only, write nothing")
        parser.add_argument("--reason", default="", help="写入审计的理由 / reason recorded in the audit chain")

    def handle(self, *args, **opts):
        actor = actor_named(opts["as_user"])
        name = opts["file"]
        if name == "-":
            content, name = sys.stdin.buffer.read(), ""
        else:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"文件不存在 / no such file: {name}")
            content, name = path.read_bytes(), path.name
        result = load_bundle(content, name=name, actor=actor, dry_run=opts["dry_run"], reason=opts["reason"])
        if not result.ok:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(f"数据包有 {len(result.errors)} 处错误,未写入任何数据 / {len(result.errors)} "
                               "error(s); nothing was written")
        for slug, counts in result.records.items():
            self.stdout.write(f"  {slug:<16} " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        for section in ("grants", "accounts"):
            counts = getattr(result, section)
            if counts:
                self.stdout.write(f"  {section:<16} " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        if result.accounts.get("without_password"):
            self.stdout.write(f"  {result.accounts['without_password']} 个账号未给口令,须由系统管理员设置口令后方可登录 / "
                              "account(s) without a password: the system administrator sets one before first use")
        if result.dry_run:
            self.stdout.write(self.style.SUCCESS("校验通过(--dry-run,未写入)/ valid (dry run, nothing written)"))
        else:
            self.stdout.write(self.style.SUCCESS(f"数据包已载入 / bundle loaded ({result.digest})"))
