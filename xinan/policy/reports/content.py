"""信息安全自评估检查报告 in the form of 篇21: what the PDF, the workbook and the page show.

The structure is the regulation's own (篇21): 1 目标, 2 评估依据、范围和方法, 3 重要资产识别 (附表1),
4 安全事件 (附表2), 5 安全检查项目评估 with 5.1 规章制度与组织管理评估 and 5.2 网络与系统安全评估.
Each item of 5.x is built from the catalogue entries ``p21.5.<section>.<item>[-x]``: for each
entry 评估标准 is the clause text (verbatim), 现状描述 is written from the findings, evidence and
mechanisms (``describe``), 评估结论 is 符合 / 基本符合 / 不符合 / 未评估 from the computed status.
Each item also lists the related clauses of other 篇 that xinan evaluates on the same subject.

附表1 and 附表2 come from the asset and incident registers once they exist (looked up by slug in
the register registry, so the tables fill in without a change here); until then the tables are
printed with their columns and a note that the register is not yet in use.
Clauses: p21.1–p21.5.2.5-c (the report's items), p21.3 (附表1), p21.4 (附表2, last ``lookback``).
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from .. import catalogue, pack
from ..compliance import ClauseStatus, clause_statuses
from ..labels import ATTESTED, COMPLIANT, MISSING, NONCOMPLIANT, NOT_APPLICABLE, PARTLY, UNATTESTED
from ..models import Finding
from .describe import LISTED, describe

TITLE = "信息安全自评估检查报告"

# 篇21 headings (the catalogue numbers the items; the headings are the regulation's).
SECTIONS = {"5.1": "规章制度与组织管理评估", "5.2": "网络与系统安全评估"}
ITEMS = {
    "5.1.1": "组织机构", "5.1.2": "岗位职责", "5.1.3": "病毒管理", "5.1.4": "运行管理", "5.1.5": "账号与口令管理",
    "5.2.1": "网络架构", "5.2.2": "网络分区", "5.2.3": "网络设备", "5.2.4": "IP地址管理", "5.2.5": "补丁管理",
    "5.2.6": "系统安全配置",
}
TRUNCATED = {"5.2.6": "制度原文在本项“评估标准”处截止,未给出评估标准;本项需按本单位补充的标准人工评估。"}
# Clauses of other 篇 on the same subject that xinan evaluates (shown under the item).
RELATED = {
    "5.1.2": ["p08.10.4-a", "p08.10.4-b", "p08.13.1"],
    "5.1.3": ["p07.18"],
    "5.1.5": ["p04.3-a", "p04.3-c", "p02.3.2-a", "p04.4-b", "p10.38-b", "p27.2.12-b"],
}

CONCLUSIONS = {COMPLIANT: "符合", ATTESTED: "符合", PARTLY: "基本符合", NONCOMPLIANT: "不符合",
               UNATTESTED: "未评估", MISSING: "未评估", NOT_APPLICABLE: "不适用"}
ORDER = ("不符合", "基本符合", "未评估", "符合", "不适用")  # an item takes the worst of its clauses

ASSET_SLUGS = ("important_assets", "assets", "equipment", "computers", "servers", "network_devices", "security_devices",
               "information_systems")
INCIDENT_SLUGS = ("incidents", "security_incidents", "security_events")
ASSET_COLUMNS = ["序号", "资产名称", "资产类别", "所属部门", "责任人", "承载的业务与数据", "安全属性受破坏后的影响"]
INCIDENT_COLUMNS = ["序号", "发生时间", "事件名称", "事件类别", "影响范围", "发生次数", "处理情况"]
INCIDENT_DATE_FIELDS = ("occurred_at", "occurred_on", "happened_at", "started_at", "reported_at", "date")
IMPORTANT_FLAGS = ("important", "is_important", "critical", "is_critical")
TABLE_ROWS_MAX = 1000


@dataclass
class ClauseAssessment:
    id: str
    title: str
    standard: str  # 评估标准: the clause text
    description: str  # 现状描述
    conclusion: str  # 评估结论
    status: ClauseStatus
    findings: list = field(default_factory=list)


@dataclass
class Item:
    number: str
    title: str
    clauses: list[ClauseAssessment]
    conclusion: str
    advice: str
    related: list[ClauseAssessment] = field(default_factory=list)
    note: str = ""


@dataclass
class Section:
    number: str
    title: str
    items: list[Item]


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list]
    note: str = ""
    source: str = ""


@dataclass
class Report:
    organisation: str
    assessor: str
    day: date
    generated_at: datetime
    intro: list[tuple[str, str, str]]  # (number, heading, text)
    sections: list[Section]
    assets: list[Table]
    incidents: list[Table]
    counts: Counter
    title: str = TITLE

    @property
    def conclusion_counts(self) -> list[tuple[str, int]]:
        return [(k, self.counts.get(k, 0)) for k in ("符合", "基本符合", "不符合", "未评估")]

    @property
    def items(self) -> list[Item]:
        return [i for s in self.sections for i in s.items]


def organisation_name() -> str:
    from xinan.org.models import Department

    root = Department.objects.filter(parent__isnull=True, archived_at__isnull=True).order_by("code").first()
    return root.name if root else "本单位"


def _item_number(clause_id: str) -> str | None:
    match = re.fullmatch(r"p21\.(5\.\d)\.(\d+)(-[a-z])?", clause_id)
    return f"{match.group(1)}.{match.group(2)}" if match else None


def _assess(status: ClauseStatus, findings: list) -> ClauseAssessment:
    clause = catalogue.load().get(status.id)
    return ClauseAssessment(id=status.id, title=status.title, standard=clause.text,
                            description=describe(status, findings), conclusion=CONCLUSIONS[status.status],
                            status=status, findings=findings)


def _item_conclusion(clauses: list[ClauseAssessment]) -> str:
    found = {c.conclusion for c in clauses}
    for conclusion in ORDER:
        if conclusion in found:
            return conclusion
    return "未评估"


def _advice(conclusion: str, clauses: list[ClauseAssessment]) -> str:
    if not clauses:  # 5.2.6: the source stops before the standard (see the item's note)
        return ""
    if conclusion == "不符合":
        ids = "、".join(c.id for c in clauses if c.conclusion == "不符合")
        return f"整改 {ids} 的违规事项(见现状描述),整改后重新运行合规检查。"
    if conclusion == "基本符合":
        ids = "、".join(c.id for c in clauses if c.conclusion == "基本符合")
        return f"处理 {ids} 的警告事项,完善相关记录。"
    if conclusion == "未评估":
        done = sum(1 for c in clauses if c.conclusion == "符合")
        head = f"其中 {done} 条已评估符合;其余条款" if done else "本项条款"
        return head + "尚无系统记录可证,需人工评估并留存证据,或启用相应登记簿、流程后由系统评估。"
    if conclusion == "符合":
        return "保持现状,按期复查。"
    return ""


def _open_findings(ids) -> dict[str, list]:
    """The first ``LISTED`` open findings of each clause and severity (one query, however many)."""
    rank = Window(RowNumber(), partition_by=[F("clause"), F("severity")], order_by=[F("subject_label").asc(), F("pk").asc()])
    qs = (Finding.objects.filter(clause__in=list(ids), resolved_at__isnull=True).annotate(rank=rank)
          .filter(rank__lte=LISTED).order_by("clause", "severity", "rank"))
    by_clause: dict[str, list] = {}
    for f in qs:
        by_clause.setdefault(f.clause, []).append(f)
    return by_clause


def _sections(statuses: dict[str, ClauseStatus]) -> list[Section]:
    grouped: dict[str, list[str]] = {}
    for cid in statuses:
        number = _item_number(cid)
        if number:
            grouped.setdefault(number, []).append(cid)
    related_ids = {cid for ids in RELATED.values() for cid in ids if cid in statuses}
    findings = _open_findings(set().union(*grouped.values(), related_ids) if grouped else related_ids)
    sections = []
    for number, title in SECTIONS.items():
        items = []
        for item_number, item_title in ITEMS.items():
            if not item_number.startswith(number + "."):
                continue
            clauses = [_assess(statuses[cid], findings.get(cid, [])) for cid in grouped.get(item_number, [])]
            related = [_assess(statuses[cid], findings.get(cid, [])) for cid in RELATED.get(item_number, [])
                       if cid in statuses]
            conclusion = _item_conclusion(clauses)
            items.append(Item(item_number, item_title, clauses, conclusion, _advice(conclusion, clauses), related,
                              TRUNCATED.get(item_number, "")))
        sections.append(Section(number, title, items))
    return sections


def _register_tables(slugs, columns: list[str], title: str, missing_note: str, rows_filter=None) -> list[Table]:
    from xinan.core.registers import registry
    from xinan.core.selectors import cell_value

    tables = []
    for slug in slugs:
        try:
            register = registry.get(slug)
        except KeyError:
            continue
        qs = register.base_queryset()
        if register.archivable:
            qs = qs.filter(archived_at__isnull=True)
        if rows_filter:
            qs = rows_filter(register.model, qs)
        names = register.columns
        objects = list(qs[:TABLE_ROWS_MAX + 1])
        rows = [[n + 1] + [cell_value(obj, c) for c in names] for n, obj in enumerate(objects[:TABLE_ROWS_MAX])]
        note = f"仅列出前 {TABLE_ROWS_MAX} 条" if len(objects) > TABLE_ROWS_MAX else ("" if rows else "登记簿中尚无记录")
        tables.append(Table(f"{title}({register.title})", ["序号"] + [register.label(c) for c in names], rows, note,
                            source=slug))
    return tables or [Table(title, columns, [], missing_note)]


def _field_names(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def _important_only(model, qs):
    flag = next((f for f in IMPORTANT_FLAGS if f in _field_names(model)), None)
    return qs.filter(**{flag: True}) if flag else qs


def _recent_only(model, qs):
    name = next((f for f in INCIDENT_DATE_FIELDS if f in _field_names(model)), None)
    if not name:
        return qs
    lookback = pack.param("p21.4", "lookback")
    cutoff = lookback.before(timezone.now())
    field_ = model._meta.get_field(name)
    value = cutoff if field_.get_internal_type() == "DateTimeField" else timezone.localdate(cutoff)
    return qs.filter(**{f"{name}__gte": value})


def build(*, assessor: str = "", at: datetime | None = None) -> Report:
    """The whole report, computed now (a constant number of queries plus the describers')."""
    statuses = {s.id: s for s in clause_statuses(at)}
    cat = catalogue.load()
    lookback = pack.param("p21.4", "lookback")
    intro = [
        ("1", "目标", cat.get("p21.1").text),
        ("2", "评估依据、范围和方法", cat.get("p21.2").text.replace("……", "")),
        ("3", "重要资产识别", cat.get("p21.3").text + "资产清单见附表1。"),
        ("4", "安全事件", cat.get("p21.4").text + f"安全事件列表见附表2(近{lookback.label()})。"),
    ]
    sections = _sections(statuses)
    counts = Counter(c.conclusion for s in sections for i in s.items for c in i.clauses)
    assets = _register_tables(ASSET_SLUGS, ASSET_COLUMNS, "附表1 重要资产清单",
                              "资产登记簿尚未启用:重要资产清单需在资产登记簿启用后由系统生成,或人工填写。",
                              _important_only)
    incidents = _register_tables(INCIDENT_SLUGS, INCIDENT_COLUMNS, "附表2 安全事件列表",
                                 "安全事件登记簿尚未启用:安全事件列表需在安全事件登记簿启用后由系统生成,或人工填写。",
                                 _recent_only)
    now = timezone.localtime()
    return Report(organisation=organisation_name(), assessor=assessor or "—", day=now.date(), generated_at=now,
                  intro=intro, sections=sections, assets=assets, incidents=incidents, counts=counts)
