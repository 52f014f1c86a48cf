"""Checks over monitoring footage: every recorded period burned (p15.8.3-a), no deletion of
footage not yet burned (p15.8.3-c), no copy, download or loan without an approval
(p15.8.5-a). Each is a few queries over the whole organisation.

A period [S, E) is wholly covered by the union of burn records iff S lies in a record and so
does every record's end that falls inside (S, E): a gap can only begin at S or where a record
ends. Both are ``EXISTS`` subqueries, so coverage needs no loop over rows."""

from django.db.models import DateTimeField, Exists, F, Min, OuterRef, Q, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinan.core import parameters
from xinan.policy.checks import check, parameter
from xinan.policy.durations import Duration, IsoDuration

from .models import Equipment, FootageArchive, FootageDeletion, FootageRelease

PERIOD = parameters.define("p15.8.3-a.period", "P1W", _("监控资料刻录归档周期(每次刻录覆盖的录像时长)"),
                           kind=IsoDuration, clauses=("p15.8.3-a",))
LAG = parameters.define("p15.8.3-a.lag", "P3D", _("一个刻录周期结束后应完成刻录归档的期限"), kind=IsoDuration,
                        clauses=("p15.8.3-a",))

EQ, FA, FD, FR = "assets.equipment", "assets.footagearchive", "assets.footagedeletion", "assets.footagerelease"
IN_SERVICE = (Equipment.Status.IN_USE, Equipment.Status.SPARE, Equipment.Status.REPAIR)


def _burned(**kw):
    return FootageArchive.objects.filter(verified=True, archived_at__isnull=True, **kw)


def _gaps(equipment_field, start, end, burned_field=None):
    """For [start, end) of the outer row (its device in ``equipment_field``; burn records made
    before its ``burned_field`` only): (the start is not burned, the earliest record end inside
    the period that no record covers)."""
    before1 = {"burned_at__lte": OuterRef(burned_field)} if burned_field else {}
    before2 = {"burned_at__lte": OuterRef(OuterRef(burned_field))} if burned_field else {}
    start_in = _burned(equipment_id=OuterRef(equipment_field), period_start__lte=start, period_end__gt=start,
                       **before1)
    end_covered = _burned(equipment_id=OuterRef("equipment_id"), period_start__lte=OuterRef("period_end"),
                          period_end__gt=OuterRef("period_end"), **before2)
    open_ends = (_burned(equipment_id=OuterRef(equipment_field), period_end__gt=start, period_end__lt=end, **before1)
                 .filter(~Exists(end_covered)).order_by().values("equipment_id").annotate(m=Min("period_end"))
                 .values("m"))
    return ~Exists(start_in), Subquery(open_ends[:1])


@check("p15.8.3-a", severity="violation", subjects=(EQ, FA, "core.parameter"), narrow=EQ)
def footage_not_burned(ctx):
    """监控数据及时刻录归档:在用的监控设备自登记起、到一个刻录周期加期限之前的录像,有未刻录归档(或未校验)的时段。"""
    period = Duration.parse(parameter(PERIOD.key))
    lag = Duration.parse(parameter(LAG.key))
    due = lag.before(period.before(ctx.as_of))
    start_open, gap_end = _gaps("pk", OuterRef("registered_at"), Value(due, output_field=DateTimeField()))
    qs = ctx.only(Equipment.objects.filter(kind=Equipment.Kind.MONITORING, archived_at__isnull=True,
                                           status__in=IN_SERVICE, registered_at__lt=due)
                  .annotate(start_open=start_open, gap=gap_end).filter(Q(start_open=True) | Q(gap__isnull=False)))
    findings = []
    for r in qs.values("pk", "asset_no", "registered_at", "start_open", "gap"):
        gap = r["registered_at"] if r["start_open"] else r["gap"]
        findings.append(ctx.found(
            (EQ, r["pk"], r["asset_no"]),
            f"监控设备 {r['asset_no']} 自 {timezone.localtime(gap):%Y-%m-%d %H:%M} 起的录像没有刻录归档记录"
            f"(应在{period.label()}周期结束后{lag.label()}内刻录)",
            f"monitoring device {r['asset_no']}: footage from {gap:%Y-%m-%d %H:%M} UTC has no burn record "
            f"(due {lag.iso()} after each {period.iso()} period)",
            # what stays true while the gap does: the run's own moment (``due``) in the evidence
            # would rewrite every such finding at every run
            since=gap, evidence={"gap_from": gap.isoformat(), "period": period.iso(), "lag": lag.iso()}))
    return findings


@check("p15.8.3-c", severity="violation", subjects=(FD, FA), narrow=FD)
def footage_deleted_before_burned(ctx):
    """未经刻录不得删除监控资料:删除登记所删时段有未在删除之前刻录归档(并校验)的录像。"""
    start_open, gap_end = _gaps("equipment_id", OuterRef("period_start"), OuterRef("period_end"),
                                burned_field="deleted_at")
    qs = ctx.only(FootageDeletion.objects.filter(archived_at__isnull=True)
                  .annotate(start_open=start_open, gap=gap_end).filter(Q(start_open=True) | Q(gap__isnull=False)))
    findings = []
    for r in qs.values("pk", "number", "equipment__asset_no", "period_start", "deleted_at", "start_open", "gap"):
        gap = r["period_start"] if r["start_open"] else r["gap"]
        findings.append(ctx.found(
            (FD, r["pk"], r["number"]),
            f"删除登记 {r['number']}:监控设备 {r['equipment__asset_no']} 自 {timezone.localtime(gap):%Y-%m-%d %H:%M} "
            f"起的录像在删除前没有刻录归档",
            f"deletion {r['number']}: footage of {r['equipment__asset_no']} from {gap:%Y-%m-%d %H:%M} UTC was "
            f"deleted before it was burned",
            since=r["deleted_at"], evidence={"gap_from": gap.isoformat()}))
    return findings


@check("p15.8.5-a", severity="violation", subjects=(FR,), narrow=FR)
def footage_released_without_approval(ctx):
    """监控资料不得私自拷贝外借:已提供的拷贝、下载或外借没有批准,或由申请人本人批准,或批准晚于提供。"""
    qs = ctx.only(FootageRelease.objects.filter(archived_at__isnull=True, released_at__isnull=False).filter(
        Q(approved_by__isnull=True) | Q(approved_at__isnull=True) | Q(approved_at__gt=F("released_at"))
        | Q(approved_by=F("requested_by")) | ~Q(status=FootageRelease.Status.RELEASED)))
    return [ctx.found((FR, r["pk"], r["number"]),
                      f"监控资料{FootageRelease.Kind(r['kind']).label} {r['number']}(提供给{r['recipient']})没有事先的批准记录",
                      f"footage {r['kind']} {r['number']} to {r['recipient']} has no prior approval by another person",
                      since=r["released_at"])
            for r in qs.values("pk", "number", "kind", "recipient", "released_at")]
