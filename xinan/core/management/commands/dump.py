"""``xinan dump``: write the organisation as a bundle (docs/bundle.md); ``--schema`` prints its
JSON Schema instead."""

import json
import os

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from xinan.core.bundles import bundle_schema, dump_bundle

from .load import actor_named


def _write_private(path: str, content: bytes) -> None:
    """The file may hold personal data: readable by its owner only, from its creation."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(content)


class Command(BaseCommand):
    help = ("导出组织数据包(各登记簿、角色授权、账号;不含口令等秘密,个人信息须 --include-personal)/ write the "
            "organisation as a bundle (no secrets ever; personal fields only with --include-personal)")

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="输出文件(默认标准输出)/ output file (default stdout)")
        parser.add_argument("--format", choices=["json", "yaml"],
                            help="格式(默认按文件扩展名,否则 json)/ format (default: by extension, else json)")
        parser.add_argument("--registers", help="只导出这些(逗号分隔的登记簿,及 grants、accounts)/ only these sections")
        parser.add_argument("--include-personal", action="store_true",
                            help="包含个人信息字段(电话、邮箱、生日等),导出将记入审计 / include personal fields")
        parser.add_argument("--as", dest="as_user", metavar="USER", help="以该账号身份导出 / dump as this account")
        parser.add_argument("--schema", action="store_true",
                            help="输出数据包的 JSON Schema / print the bundle's JSON Schema instead")

    def handle(self, *args, **opts):
        output = opts["output"]
        if opts["schema"]:
            content = (json.dumps(bundle_schema(), ensure_ascii=False, indent=2) + "\n").encode()
        else:
            fmt = opts["format"] or ("yaml" if output and output.lower().endswith((".yaml", ".yml")) else "json")
            sections = [s.strip() for s in opts["registers"].split(",") if s.strip()] if opts["registers"] else None
            try:
                dump = dump_bundle(actor_named(opts["as_user"]), sections=sections,
                                   include_personal=opts["include_personal"], fmt=fmt,
                                   name=os.path.basename(output) if output else "")
            except (ValueError, PermissionDenied) as exc:
                raise CommandError(str(exc)) from exc
            content = dump.content
            summary = ", ".join(f"{k} {v}" for k, v in dump.counts.items())
            self.stderr.write(f"已导出 / dumped: {summary}" + ("(含个人信息 / with personal data)" if dump.include_personal else ""))
        if output:
            _write_private(output, content)
        else:
            self.stdout.write(content.decode(), ending="")
