"""``xinan assets endpoint-import FILE --source 桌管系统 [--as USER]``: import an endpoint tool's
export (终端监测记录) through the same service as the page and the API; every bad row is printed
and nothing is stored unless all are good. Without ``--as`` the import is the system's own
(audited with no actor), as for a scheduled job."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xinan.assets.endpoint import endpoint_import
from xinan.identity.models import User


class Command(BaseCommand):
    help = "资产:导入终端监测记录 / assets: import endpoint observations"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("endpoint-import", help="导入终端管理工具导出的 CSV/xlsx")
        imp.add_argument("file")
        imp.add_argument("--source", required=True, help="来源工具,如 桌管系统、osquery")
        imp.add_argument("--as", dest="actor", default=None, help="导入人账号")
        imp.add_argument("--note", default="")

    def handle(self, *args, **opts):
        actor = None
        if opts["actor"]:
            actor = User.objects.filter(username=opts["actor"], is_active=True).select_related("person").first()
            if actor is None:
                raise CommandError(f"没有账号 {opts['actor']} / no such active account")
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path} / no such file")
        result = endpoint_import(actor, file_name=path.name, content=path.read_bytes(), source=opts["source"],
                                 note=opts["note"])
        if not result.ok:
            for line in result.errors:
                self.stderr.write(line)
            raise CommandError("导入被拒绝,未保存任何记录 / import refused, nothing stored")
        self.stdout.write(f"已导入 {result.imported.rows} 条终端监测记录 / {result.imported.rows} observations imported "
                          f"(#{result.imported.pk}, SM3 {result.imported.file_digest})")
