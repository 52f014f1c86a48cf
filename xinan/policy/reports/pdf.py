"""The self-assessment report as PDF (reportlab), with the CJK font embedded: a cover, contents,
sections 1–5 of 篇21 with a table per item (评估标准 / 现状描述 / 评估结论), 附表1 and 附表2, page
numbers. Table cells are Paragraphs with ``wordWrap="CJK"`` so long Chinese text wraps."""

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle)
from reportlab.platypus.doctemplate import BaseDocTemplate, Frame, PageTemplate
from reportlab.platypus.tableofcontents import TableOfContents

from .content import Report
from .fonts import register

CONCLUSION_COLOURS = {"符合": "#2fb344", "基本符合": "#f59f00", "不符合": "#d63939", "未评估": "#868e96",
                      "不适用": "#adb5bd"}
WIDTH = A4[0] - 40 * mm


def _styles(font: str) -> dict:
    base = dict(fontName=font, wordWrap="CJK", leading=15, fontSize=10)
    return {
        "body": ParagraphStyle("body", **base, spaceAfter=4, firstLineIndent=20),
        "cell": ParagraphStyle("cell", **{**base, "fontSize": 9, "leading": 13}),
        "head": ParagraphStyle("head", **{**base, "fontSize": 9, "leading": 13, "textColor": colors.white}),
        "small": ParagraphStyle("small", **{**base, "fontSize": 8, "leading": 11, "textColor": colors.HexColor("#555555")}),
        "h1": ParagraphStyle("h1", **{**base, "fontSize": 15, "leading": 22, "spaceBefore": 10, "spaceAfter": 6}),
        "h2": ParagraphStyle("h2", **{**base, "fontSize": 12.5, "leading": 18, "spaceBefore": 8, "spaceAfter": 4}),
        "h3": ParagraphStyle("h3", **{**base, "fontSize": 11, "leading": 16, "spaceBefore": 6, "spaceAfter": 3}),
        "title": ParagraphStyle("title", **{**base, "fontSize": 26, "leading": 36, "alignment": TA_CENTER}),
        "org": ParagraphStyle("org", **{**base, "fontSize": 18, "leading": 26, "alignment": TA_CENTER}),
        "centre": ParagraphStyle("centre", **{**base, "fontSize": 12, "leading": 20, "alignment": TA_CENTER}),
        "toc_title": ParagraphStyle("toc_title", **{**base, "fontSize": 15, "leading": 22, "spaceAfter": 6}),
        "toc1": ParagraphStyle("toc1", **{**base, "fontSize": 11, "leading": 18, "leftIndent": 0}),
        "toc2": ParagraphStyle("toc2", **{**base, "fontSize": 10, "leading": 16, "leftIndent": 16}),
    }


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text if text is not None else "")).replace("\n", "<br/>"), style)


class _Doc(BaseDocTemplate):
    """Headings (h1/h2) feed the table of contents; later pages carry a header and page numbers."""

    def __init__(self, buffer, report: Report, font: str, **kwargs):
        super().__init__(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=22 * mm,
                         bottomMargin=20 * mm, title=f"{report.organisation} {report.title}",
                         author=report.assessor, subject="篇21 信息安全自评估", creator="信安 xinan",
                         initialFontName=font, **kwargs)  # no stray Helvetica: every glyph from the embedded font
        self.report, self.font = report, font
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate("cover", [frame], onPage=lambda c, d: None),
                               PageTemplate("page", [frame], onPage=self._decorate)])

    def _decorate(self, canvas, doc):
        canvas.saveState()
        canvas.setFont(self.font, 8.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        top = A4[1] - 14 * mm
        canvas.drawString(20 * mm, top, f"{self.report.organisation} · {self.report.title}")
        canvas.drawRightString(A4[0] - 20 * mm, top, f"{self.report.day:%Y-%m-%d}")
        canvas.setStrokeColor(colors.HexColor("#cccccc"))
        canvas.line(20 * mm, top - 2 * mm, A4[0] - 20 * mm, top - 2 * mm)
        canvas.drawCentredString(A4[0] / 2, 11 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    def afterFlowable(self, flowable):
        level = {"h1": 0, "h2": 1}.get(getattr(getattr(flowable, "style", None), "name", ""))
        if level is not None and isinstance(flowable, Paragraph):
            key = f"h{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.notify("TOCEntry", (level, flowable.getPlainText(), self.page, key))


def _grid(rows, widths, styles, header=True, extra=()):
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("FONT", (0, 0), (-1, -1), styles["cell"].fontName, 9),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#206bc4")))
    table.setStyle(TableStyle(commands + list(extra)))
    return table


def _conclusion(text: str, styles) -> Paragraph:
    colour = CONCLUSION_COLOURS.get(text, "#333333")
    return Paragraph(f'<font color="{colour}">{escape(text)}</font>', styles["cell"])


def _cover(report: Report, styles) -> list:
    counts = report.counts
    rows = [[_p("评估结论", styles["head"]), _p("条款数", styles["head"])]]
    rows += [[_conclusion(k, styles), _p(counts.get(k, 0), styles["cell"])] for k in ("符合", "基本符合", "不符合", "未评估")]
    summary = _grid(rows, [40 * mm, 30 * mm], styles)
    summary.hAlign = "CENTER"
    return [
        Spacer(1, 45 * mm), _p(report.organisation, styles["org"]), Spacer(1, 10 * mm), _p(report.title, styles["title"]),
        Spacer(1, 6 * mm), _p("(依据《客户信息安全管理制度》篇21)", styles["centre"]), Spacer(1, 30 * mm),
        _p(f"评估日期:{report.day:%Y年%m月%d日}", styles["centre"]), _p(f"评估人:{report.assessor}", styles["centre"]),
        _p(f"生成时间:{report.generated_at:%Y-%m-%d %H:%M}(信安系统据检查记录生成)", styles["centre"]),
        Spacer(1, 15 * mm), summary,
    ]


def _item(item, styles) -> list:
    out = [_p(f"{item.number} {item.title}", styles["h3"])]
    if item.note:
        out.append(_p(item.note, styles["body"]))
    if item.clauses:
        rows = [[_p(h, styles["head"]) for h in ("条款", "评估标准", "现状描述", "评估结论")]]
        for c in item.clauses:
            rows.append([_p(c.id, styles["cell"]), _p(c.standard, styles["cell"]), _p(c.description, styles["cell"]),
                         _conclusion(c.conclusion, styles)])
        out.append(_grid(rows, [22 * mm, 50 * mm, 78 * mm, WIDTH - 150 * mm], styles))
    conclusion = CONCLUSION_COLOURS.get(item.conclusion, "#333333")
    out.append(Spacer(1, 2 * mm))
    out.append(Paragraph(f'本项评估结论:<font color="{conclusion}">{escape(item.conclusion)}</font>。'
                         f'{escape(item.advice)}', styles["cell"]))
    if item.related:
        rows = [[_p(h, styles["head"]) for h in ("相关条款", "内容", "评估结论", "违规/警告")]]
        for c in item.related:
            rows.append([_p(c.id, styles["cell"]), _p(f"{c.title}:{c.standard}", styles["cell"]),
                         _conclusion(c.conclusion, styles), _p(f"{c.status.violations}/{c.status.warnings}", styles["cell"])])
        out += [Spacer(1, 2 * mm), _grid(rows, [22 * mm, 106 * mm, 22 * mm, WIDTH - 150 * mm], styles)]
    out.append(Spacer(1, 4 * mm))
    return out


def _annex(tables, styles) -> list:
    out = []
    for t in tables:
        out.append(_p(t.title, styles["h2"]))
        n = len(t.columns)
        first = 12 * mm
        widths = [first] + [(WIDTH - first) / max(n - 1, 1)] * (n - 1)
        rows = [[_p(c, styles["head"]) for c in t.columns]]
        rows += [[_p("" if v is None else v, styles["cell"]) for v in row] for row in t.rows]
        extra = []
        if not t.rows:  # the note fills the empty table, as a form left blank would say why
            rows.append([_p(t.note or "—", styles["small"])] + [""] * (n - 1))
            extra = [("SPAN", (0, 1), (-1, 1)), ("TOPPADDING", (0, 1), (-1, 1), 8), ("BOTTOMPADDING", (0, 1), (-1, 1), 8)]
        out.append(_grid(rows, widths, styles, extra=extra))
        if t.note and t.rows:
            out += [Spacer(1, 2 * mm), _p(t.note, styles["small"])]
    return out


def render(report: Report) -> bytes:
    font, _path = register()
    styles = _styles(font)
    buffer = io.BytesIO()
    doc = _Doc(buffer, report, font)
    toc = TableOfContents(levelStyles=[styles["toc1"], styles["toc2"]], dotsMinLevel=0, tableStyle=TableStyle([
        ("FONT", (0, 0), (-1, -1), font, 10), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story = _cover(report, styles)
    from reportlab.platypus import NextPageTemplate

    story += [NextPageTemplate("page"), PageBreak(), _p("目录", styles["toc_title"]), toc, PageBreak()]
    for number, heading, text in report.intro:
        story += [_p(f"{number} {heading}", styles["h1"]), _p(text, styles["body"])]
    story.append(_p("5 安全检查项目评估", styles["h1"]))
    for section in report.sections:
        story.append(_p(f"{section.number} {section.title}", styles["h2"]))
        for item in section.items:
            parts = _item(item, styles)
            story += [KeepTogether(parts[:2])] + parts[2:]
    story += [PageBreak(), _p("附表", styles["h1"])] + _annex(report.assets, styles)
    story += [Spacer(1, 6 * mm)] + _annex(report.incidents, styles)
    doc.multiBuild(story)
    return buffer.getvalue()
