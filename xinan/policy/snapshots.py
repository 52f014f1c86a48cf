"""合规快照 and the compliance trend.

``snapshot_take(as_of=None)`` stores the day's counts (overall, per domain, per department) as
``ComplianceSnapshot`` rows, replacing that day's earlier rows, with one ``policy.snapshot`` audit
event. Every full ``checks_run`` (``xinan check``) ends with one; the scheduler calls it daily.

``trend(days)`` is the series the dashboard draws: today's point is computed live; a past day
takes its snapshot when there is one, else it is rebuilt from the findings' history (first seen,
resolved) and the attestations' periods — so the chart has a history from the first finding on,
before any snapshot was taken. The rebuild reads the pack as it is today.
"""

from collections import Counter
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record

from .attribution import by_department
from .compliance import by_domain, clause_statuses, findings_open_at, rates, status_of, tally
from .labels import STATUSES
from .models import Attestation, ComplianceSnapshot, Finding
from .resolution import resolve

KEPT = STATUSES + ("total", "applicable", "evaluable", "met", "percent", "evaluated_percent", "coverage_percent",
                   "violations", "warnings")
DEPARTMENT_KEPT = ("violations", "warnings", "findings", "noncompliant", "partly", "compliant", "evaluated", "percent")
TREND_DAYS = 90


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def _moment(as_of) -> datetime | None:
    if as_of is None:
        return None
    if isinstance(as_of, datetime):
        return as_of
    return _end_of(as_of)


def _keep(counts: dict, names) -> dict:
    return {k: counts[k] for k in names if k in counts}


def snapshot_take(as_of: date | datetime | None = None, *, actor=None, reason: str = "") -> list[ComplianceSnapshot]:
    """Store the compliance counts of the day of ``as_of`` (default: now; a past date is rebuilt
    from the findings' history). Returns the day's rows."""
    at = _moment(as_of)
    now = timezone.now()
    day = timezone.localdate(at or now)
    items = clause_statuses(at)
    overall = tally(items)
    wanted = [(ComplianceSnapshot.Scope.OVERALL, "", str(_("全单位")), _keep(overall, KEPT))]
    wanted += [(ComplianceSnapshot.Scope.DOMAIN, d["domain"], d["label"], _keep(d, KEPT)) for d in by_domain(items)]
    wanted += [(ComplianceSnapshot.Scope.DEPARTMENT, r["key"], r["label"], _keep(r, DEPARTMENT_KEPT))
               for r in by_department(items, findings_open_at(at))]
    with audited_write():
        existing = {(s.scope, s.key): s for s in ComplianceSnapshot.objects.filter(day=day)}
        new, changed = [], []
        for scope, key, label, counts in wanted:
            row = existing.pop((scope, key), None)
            if row is None:
                new.append(ComplianceSnapshot(day=day, scope=scope, key=key, label=label[:255], counts=counts, taken_at=now))
            else:
                row.label, row.counts, row.taken_at = label[:255], counts, now
                changed.append(row)
        ComplianceSnapshot.objects.bulk_create(new, batch_size=500)
        if changed:
            ComplianceSnapshot.objects.bulk_update(changed, ["label", "counts", "taken_at"], batch_size=500)
        if existing:  # a department gone since the day's earlier snapshot
            ComplianceSnapshot.objects.filter(pk__in=[r.pk for r in existing.values()]).delete()
        record(actor, "policy.snapshot", ("policy.compliancesnapshot", day.isoformat(), _("合规快照") + f" {day}"),
               after={"day": day.isoformat(), "rows": len(wanted),
                      **_keep(overall, ("total", "met", "percent", "violations", "warnings"))}, reason=reason)
    return new + changed


def _history(start: date, end: date):
    """Finding intervals overlapping [start, end], grouped by clause, severity and the days they
    opened and closed (rows bounded by clauses × days, not by findings)."""
    rows = (Finding.objects.filter(first_seen_at__lte=_end_of(end))
            .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gt=_end_of(start - timedelta(days=1))))
            .annotate(opened=TruncDate("first_seen_at"), closed=TruncDate("resolved_at"))
            .values("clause", "severity", "opened", "closed").annotate(n=Count("pk")).order_by())
    return list(rows)


def _attestation_spans(start: date, end: date) -> list[tuple[str, date, date, date | None]]:
    """(clause, counts from, counts until, withdrawn on) of approved statements overlapping the window."""
    spans = []
    qs = Attestation.objects.filter(status=Attestation.Status.APPROVED, period_start__lte=end, period_end__gte=start)
    for clause, p_start, p_end, decided, archived in qs.values_list("clause", "period_start", "period_end",
                                                                     "decided_at", "archived_at"):
        first = max(p_start, timezone.localdate(decided)) if decided else p_start
        spans.append((clause, first, p_end, timezone.localdate(archived) if archived else None))
    return spans


def _point(day: date, source: str, counts: dict) -> dict:
    point = {"day": day.isoformat(), "source": source}
    point.update({k: counts.get(k) for k in KEPT})
    return point


def trend(days: int = TREND_DAYS, *, today: date | None = None, current: dict | None = None) -> list[dict]:
    """Daily overall counts for the last ``days`` days (from the first day anything was recorded),
    oldest first. ``current`` is today's live tally when the caller already has it. The findings'
    history is read only for the days no snapshot covers, in one grouped query."""
    today = today or timezone.localdate()
    start = today - timedelta(days=max(days, 1) - 1)
    snapshots = {s.day: s.counts for s in ComplianceSnapshot.objects.filter(
        scope=ComplianceSnapshot.Scope.OVERALL, day__gte=start, day__lte=today)}
    seen = (Finding.objects.filter(Q(resolved_at__isnull=True) | Q(resolved_at__gt=_end_of(start - timedelta(days=1))))
            .aggregate(first=Min("first_seen_at"))["first"])
    spans = _attestation_spans(start, today)
    beginnings = ([timezone.localdate(seen)] if seen else []) + list(snapshots) + [s[1] for s in spans]
    first = max(start, min(beginnings)) if beginnings else today
    gaps = [first + timedelta(days=n) for n in range((today - first).days) if first + timedelta(days=n) not in snapshots]
    rebuilt = _rebuild(gaps[0], gaps[-1], spans) if gaps else {}
    points = []
    day = first
    while day <= today:
        if day == today:
            points.append(_point(day, "live", current or tally(clause_statuses())))
        elif day in snapshots:
            points.append(_point(day, "snapshot", snapshots[day]))
        else:
            points.append(_point(day, "history", rebuilt[day]))
        day += timedelta(days=1)
    return points


def _rebuild(first: date, last: date, spans) -> dict[date, dict]:
    """The counts of each day from ``first`` to ``last`` as the findings' history and the
    attestations' periods show them: per clause and severity, the open findings of each day by a
    running sum over the days findings opened and closed (a finding is open on day d when it
    was first seen by the end of d and not resolved by then)."""
    resolutions = resolve()
    n = (last - first).days + 1
    running: dict[tuple[str, str], list[int]] = {}
    for r in _history(first, last):
        if r["clause"] not in resolutions:
            continue
        begin = max(r["opened"], first)
        if begin > last or (r["closed"] is not None and r["closed"] <= begin):
            continue
        deltas = running.setdefault((r["clause"], r["severity"]), [0] * (n + 1))
        deltas[(begin - first).days] += r["n"]
        if r["closed"] is not None and r["closed"] <= last:
            deltas[(r["closed"] - first).days] -= r["n"]
    for deltas in running.values():
        for i in range(1, n + 1):
            deltas[i] += deltas[i - 1]
    variable = {c for c, _s in running} | {s[0] for s in spans if s[0] in resolutions}
    baseline = Counter(status_of(r.status, 0, 0, False) for cid, r in resolutions.items() if cid not in variable)
    out = {}
    for i in range(n):
        day = first + timedelta(days=i)
        attested = {c for c, begin, until, withdrawn in spans
                    if begin <= day <= until and (withdrawn is None or withdrawn > day)}
        counts = Counter(baseline)
        violations = warnings = 0
        for cid in variable:
            v = running.get((cid, "violation"), [0] * (n + 1))[i]
            w = running.get((cid, "warning"), [0] * (n + 1))[i]
            violations, warnings = violations + v, warnings + w
            counts[status_of(resolutions[cid].status, v, w, cid in attested)] += 1
        result = {s: counts[s] for s in STATUSES}
        result.update(total=len(resolutions), violations=violations, warnings=warnings)
        out[day] = rates(result)
    return out
