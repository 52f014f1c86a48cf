"""The self-assessment report as an Excel workbook, with the PDF's content: 概要 (cover and the
counts of conclusions), 评估项目 (one row per clause: 评估标准 / 现状描述 / 评估结论, with the item's
conclusion and advice), 相关条款, 附表1 and 附表2. Text that a spreadsheet would run as a formula
is neutralised (``xinan.core.excel.neutralise``)."""

import io
from datetime import date, datetime

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from xinan.core.excel import neutralise

from .content import Report

HEAD_FILL = PatternFill("solid", fgColor="206BC4")
HEAD_FONT = Font(bold=True, color="FFFFFF")
WRAP = Alignment(wrap_text=True, vertical="top")
CONCLUSION_FILLS = {"符合": "D3F4DA", "基本符合": "FDEBC8", "不符合": "F7D5D5", "未评估": "E9ECEF"}


def _value(v):
    if isinstance(v, datetime):
        return timezone.localtime(v).replace(tzinfo=None) if timezone.is_aware(v) else v
    if v is None or isinstance(v, (int, float, date)):
        return v
    return neutralise(str(v))


def _sheet(wb, title, headers, rows, widths):
    ws = wb.create_sheet(title=title[:31])
    ws.append(headers)
    for cell in ws[1]:
        cell.fill, cell.font, cell.alignment = HEAD_FILL, HEAD_FONT, WRAP
    for row in rows:
        ws.append([_value(v) for v in row])
    for n, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + n)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = WRAP
    ws.freeze_panes = "A2"
    return ws


def _colour(ws, column: int):
    for row in ws.iter_rows(min_row=2, min_col=column, max_col=column):
        for cell in row:
            fill = CONCLUSION_FILLS.get(cell.value)
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)


def render(report: Report) -> bytes:
    wb = Workbook()
    cover = wb.active
    cover.title = "概要"
    for row in (["单位", report.organisation], ["报告", report.title], ["依据", "《客户信息安全管理制度》篇21"],
                ["评估日期", report.day], ["评估人", report.assessor], ["生成时间", _value(report.generated_at)], [],
                ["评估结论", "条款数"]):
        cover.append([_value(v) for v in row])
    for key in ("符合", "基本符合", "不符合", "未评估"):
        cover.append([key, report.counts.get(key, 0)])
    cover.append([])
    for number, heading, text in report.intro:
        cover.append([f"{number} {heading}", _value(text)])
    cover.column_dimensions["A"].width, cover.column_dimensions["B"].width = 24, 100
    for row in cover.iter_rows():
        for cell in row:
            cell.alignment = WRAP

    rows = []
    for section in report.sections:
        for item in section.items:
            if not item.clauses:
                rows.append([f"{section.number} {section.title}", f"{item.number} {item.title}", "", item.note, "", "",
                             item.conclusion, item.advice])
            for c in item.clauses:
                rows.append([f"{section.number} {section.title}", f"{item.number} {item.title}", c.id, c.standard,
                             c.description, c.conclusion, item.conclusion, item.advice])
    ws = _sheet(wb, "评估项目", ["章节", "项目", "条款", "评估标准", "现状描述", "评估结论", "本项结论", "整改建议"], rows,
                [22, 16, 14, 45, 60, 10, 10, 40])
    _colour(ws, 6)
    _colour(ws, 7)

    related = [[f"{i.number} {i.title}", c.id, c.title, c.standard, c.conclusion, c.status.violations, c.status.warnings]
               for i in report.items for c in i.related]
    ws = _sheet(wb, "相关条款", ["项目", "条款", "标题", "条款原文", "评估结论", "未消除违规", "未消除警告"], related,
                [18, 14, 20, 60, 10, 10, 10])
    _colour(ws, 5)

    for tables, name in ((report.assets, "附表1 重要资产清单"), (report.incidents, "附表2 安全事件列表")):
        for n, table in enumerate(tables):
            title = name if len(tables) == 1 else f"{name[:3]}-{n + 1} {table.source}"
            rows = [list(r) for r in table.rows]
            if table.note:
                rows.append([table.note])
            _sheet(wb, title, table.columns, rows, [8] + [20] * (len(table.columns) - 1))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
