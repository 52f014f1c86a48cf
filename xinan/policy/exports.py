"""Exports of compliance data (the clause table, findings) leave an audit event each
(``policy.export``: what, the filter, the row count), as every export does (p10.37-b)."""

import json

from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record
from xinan.core.services import require

REPORT_PERMISSION = "policy.report.view"
EXPORT_LIMIT = 100_000


def export_record(actor, what: str, filters: dict, rows: int, *, fmt: str = "xlsx", truncated: bool = False) -> None:
    """Record the export of ``what`` (``clauses`` / ``findings``) before the file is handed out."""
    require(actor, REPORT_PERMISSION)
    shown = {k: str(v) for k, v in filters.items() if v not in (None, "")}
    with audited_write():
        record(actor, "policy.export", ("policy.export", what, _("合规数据导出") + f" {what}"),
               after={"what": what, "filters": shown, "rows": rows, "format": fmt, "truncated": truncated},
               reason=_("导出%(what)s,筛选条件:%(f)s") % {
                   "what": what, "f": json.dumps(shown, ensure_ascii=False, sort_keys=True) if shown else _("无")})
