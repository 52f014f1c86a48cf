"""Computed compliance, clause by clause (selectors: reads only, a constant number of queries).

The pack says what implements each clause (``resolution.resolve``, the statuses ``xinan policy
coverage`` prints); the stored findings and the approved attestations say whether it is met:

=================  =============================================  ==============
pack status         records                                        compliance
=================  =============================================  ==============
implemented         no open finding                                符合 compliant
implemented         open warnings only                             基本符合 partly
implemented         an open violation                              不符合 noncompliant
attestation         an approved statement covers the day           符合(声明) attested
attestation         none                                           待声明 unattested
not_applicable      —                                              不适用
missing             (not built in xinan yet, whatever is recorded)  未实现 missing
=================  =============================================  ==============

A clause xinan does not implement is never shown as compliant. An open violation on an
attestation clause (a record contradicting the statement) makes it 不符合 too.

Rates: 合规率 = (符合 + 符合(声明)) / applicable clauses (all but 不适用); 可评估条款合规率 = the
same over the clauses xinan evaluates (implemented or attestation); 实现率 = evaluable / applicable.

Everything can be computed "as at" a past moment from the findings' history (first seen,
resolved) and the attestations' periods, which is how the trend is backfilled before the first
snapshot. Clauses: the dashboard of 篇21 自评估 (p21.1) and of every clause the pack maps.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Max, Q
from django.utils import timezone

from . import catalogue
from .labels import (ATTESTED, COMPLIANT, MISSING, NONCOMPLIANT, NOT_APPLICABLE, PARTLY, STATUS_BADGES, STATUSES,
                     UNATTESTED, domain_label, kind_label, status_label)
from .models import Attestation, Finding
from .resolution import Resolution, resolve


@dataclass(frozen=True)
class ClauseStatus:
    id: str
    title: str
    domain: str
    kind: str
    mechanism: str  # the pack's status: implemented, attestation, not_applicable, missing
    status: str  # the compliance status (labels.STATUSES)
    by: tuple[str, ...] = ()
    note: str = ""
    violations: int = 0
    warnings: int = 0
    attested_until: date | None = None

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def badge(self) -> str:
        return STATUS_BADGES[self.status]

    @property
    def domain_label(self) -> str:
        return domain_label(self.domain)

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def open_findings(self) -> int:
        return self.violations + self.warnings


def status_of(mechanism: str, violations: int, warnings: int, attested: bool) -> str:
    """The compliance status of one clause (see the table in the module docstring)."""
    if mechanism == "not_applicable":
        return NOT_APPLICABLE
    if mechanism == "missing":
        return MISSING
    if violations:
        return NONCOMPLIANT
    if mechanism == "attestation":
        return ATTESTED if attested else UNATTESTED
    return PARTLY if warnings else COMPLIANT


def findings_open_at(at: datetime | None = None):
    """Findings open now (``at`` None) or at a past moment (seen by then, not yet resolved)."""
    if at is None:
        return Finding.objects.filter(resolved_at__isnull=True)
    return Finding.objects.filter(first_seen_at__lte=at).filter(Q(resolved_at__isnull=True) | Q(resolved_at__gt=at))


def open_counts(at: datetime | None = None) -> dict[str, Counter]:
    """{clause: Counter(violation=n, warning=m)} of the open findings (one query)."""
    counts: dict[str, Counter] = {}
    for row in findings_open_at(at).values("clause", "severity").annotate(n=Count("pk")).order_by():
        counts.setdefault(row["clause"], Counter())[row["severity"]] += row["n"]
    return counts


def valid_attestations(at: datetime | None = None) -> dict[str, date]:
    """{clause: latest period end} of the approved, unwithdrawn statements covering the day of
    ``at`` (default now); at a past moment, only those decided by then and withdrawn later."""
    moment = at or timezone.now()
    day = timezone.localdate(moment)
    qs = Attestation.objects.filter(status=Attestation.Status.APPROVED, period_start__lte=day, period_end__gte=day)
    if at is None:
        qs = qs.filter(archived_at__isnull=True)
    else:
        qs = qs.filter(Q(archived_at__isnull=True) | Q(archived_at__gt=at), decided_at__lte=at)
    return dict(qs.values("clause").annotate(until=Max("period_end")).order_by().values_list("clause", "until"))


def clause_statuses(at: datetime | None = None, resolutions: dict[str, Resolution] | None = None) -> list[ClauseStatus]:
    """Every catalogue clause with its compliance status, in catalogue order (two queries)."""
    resolutions = resolutions or resolve()
    counts = open_counts(at)
    attested = valid_attestations(at)
    cat = catalogue.load()
    out = []
    for clause in cat:
        r = resolutions[clause.id]
        c = counts.get(clause.id, Counter())
        until = attested.get(clause.id)
        out.append(ClauseStatus(
            id=clause.id, title=clause.title, domain=clause.domain, kind=clause.kind, mechanism=r.status,
            status=status_of(r.status, c["violation"], c["warning"], until is not None), by=r.by, note=r.note,
            violations=c["violation"], warnings=c["warning"], attested_until=until,
        ))
    return out


def clause_status(clause_id: str, at: datetime | None = None) -> ClauseStatus:
    """One clause's status (for its detail page): two small queries."""
    clause = catalogue.load().get(clause_id)
    r = resolve()[clause_id]
    c = Counter()
    for row in findings_open_at(at).filter(clause=clause_id).values("severity").annotate(n=Count("pk")).order_by():
        c[row["severity"]] += row["n"]
    until = valid_attestations(at).get(clause_id)
    return ClauseStatus(id=clause.id, title=clause.title, domain=clause.domain, kind=clause.kind, mechanism=r.status,
                        status=status_of(r.status, c["violation"], c["warning"], until is not None), by=r.by,
                        note=r.note, violations=c["violation"], warnings=c["warning"], attested_until=until)


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def rates(counts: dict) -> dict:
    """Adds the rates to a dict of status counts (``total`` and each status)."""
    applicable = counts["total"] - counts.get(NOT_APPLICABLE, 0)
    met = counts.get(COMPLIANT, 0) + counts.get(ATTESTED, 0)
    evaluable = applicable - counts.get(MISSING, 0)
    return {**counts, "applicable": applicable, "evaluable": evaluable, "met": met,
            "percent": _percent(met, applicable), "evaluated_percent": _percent(met, evaluable),
            "coverage_percent": _percent(evaluable, applicable)}


def tally(items) -> dict:
    """Status counts, open findings and rates of a set of clauses."""
    items = list(items)
    c = Counter(i.status for i in items)
    counts = {s: c[s] for s in STATUSES}
    counts.update(total=len(items), violations=sum(i.violations for i in items),
                  warnings=sum(i.warnings for i in items))
    return rates(counts)


def by_domain(items) -> list[dict]:
    """One row per catalogue domain: {domain, label, counts…}, most clauses first."""
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item.domain, []).append(item)
    rows = [{"domain": d, "label": domain_label(d), **tally(group)} for d, group in groups.items()]
    return sorted(rows, key=lambda r: (-r["total"], r["domain"]))


def filter_statuses(items, *, domain: str = "", kind: str = "", status: str = "", q: str = "") -> list[ClauseStatus]:
    q = (q or "").strip().lower()
    cat = catalogue.load() if q else None
    out = []
    for item in items:
        if (domain and item.domain != domain) or (kind and item.kind != kind) or (status and item.status != status):
            continue
        if q and q not in item.id.lower() and q not in item.title.lower() and q not in cat.get(item.id).text.lower():
            continue
        out.append(item)
    return out
