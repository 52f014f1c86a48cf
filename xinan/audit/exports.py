"""Exporting audit events to Excel (审计事件导出): the rows of the workbook and the audit event
that every export leaves behind (``audit.export``, with the filter, row count and cap).

Clauses: p08.13.3-a (the auditor's analysis), p10.37-b (who, when, what: the export itself is
recorded like any other act).
"""

import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from xinan.core.services import require

from .services import audited_write, record

EXPORT_LIMIT = 100_000
CELL_LIMIT = 32_000  # Excel holds at most 32,767 characters in a cell

HEADERS = [
    gettext_lazy("序号"), gettext_lazy("时间"), gettext_lazy("操作人编号"), gettext_lazy("操作人"), gettext_lazy("动作"),
    gettext_lazy("对象类型"), gettext_lazy("对象编号"), gettext_lazy("对象"), gettext_lazy("原因"),
    gettext_lazy("请求编号"), gettext_lazy("变更前"), gettext_lazy("变更后"), gettext_lazy("前一哈希"),
    gettext_lazy("哈希"),
]


class ExportState:
    def __init__(self):
        self.rows = 0
        self.truncated = False


def export_cells(rows, limit: int, state: ExportState):
    """Rows for the workbook: JSON images as text, characters Excel refuses removed, over-long
    cells cut, and one closing note when ``rows`` holds more than ``limit`` (so pass limit + 1)."""
    for n, row in enumerate(rows):
        if n >= limit:
            state.truncated = True
            yield [_("已截断:仅导出最新的 %(n)s 条,请缩小筛选范围 / truncated: only the newest %(n)s events "
                     "were exported; narrow the filter") % {"n": f"{limit:,}"}]
            return
        cells = []
        for value in row:
            if isinstance(value, (dict, list)):
                value = json.dumps(value, ensure_ascii=False, sort_keys=True)
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
                if len(value) > CELL_LIMIT:
                    value = value[:CELL_LIMIT] + "…"
            cells.append(value)
        state.rows += 1
        yield cells


def export_record(actor, filters: dict, state: ExportState, fmt: str = "xlsx") -> None:
    """Append the ``audit.export`` event for an export that has been produced (before it is
    handed out: no event, no file)."""
    require(actor, "audit.event.export")
    shown = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in filters.items()}
    text = json.dumps(shown, ensure_ascii=False, sort_keys=True) if shown else _("无")
    with audited_write():
        record(actor, "audit.export", ("audit.auditevent", "", _("审计事件")),
               after={"filters": shown, "rows": state.rows, "truncated": state.truncated, "format": fmt},
               reason=_("导出审计事件,筛选条件:%(f)s") % {"f": text})
