"""Checks over storage media, software on devices and stock-takes (see ``checks``)."""

from datetime import datetime, time

from django.db.models import Exists, F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from xinan.org.models import Department
from xinan.org.selectors import department_subtree_ids
from xinan.policy import pack
from xinan.policy.checks import check

from .models import (Equipment, MediumContent, MediumLabel, MediumLoan, SoftwareInstallation, StockTake, StockTakeItem,
                     StorageMedium)

MD = "assets.storagemedium"
SI = "assets.softwareinstallation"
PRESENT = Q(archived_at__isnull=True) & ~Q(status__in=[StorageMedium.Status.DESTROYED, StorageMedium.Status.LOST])
LEVELS = {0: "非涉密", 1: "秘密", 2: "机密", 3: "绝密"}


def _media():
    return StorageMedium.objects.filter(PRESENT)


def _md(ctx, r, zh, en, **kw):
    return ctx.found((MD, r["pk"], r["label_no"]), zh, en, **kw)


@check("p15.3.9-b", severity="violation", subjects=(MD,), narrow=MD)
def media_downgraded(ctx):
    """涉密媒体不得降密使用:介质现有密级标识低于其曾经的最高密级(纵深防御,服务层已拒绝降密)。"""
    highest = (MediumLabel.objects.filter(medium_id=OuterRef("pk")).order_by().values("medium_id")
               .annotate(top=Max("classification")).values("top"))
    qs = ctx.only(StorageMedium.objects.annotate(top=Subquery(highest)).filter(top__gt=F("classification")))
    return [_md(ctx, r, f"介质 {r['label_no']} 曾标为{LEVELS[r['top']]},现标为{LEVELS[r['classification']]}:存储过涉密信息的介质不得降密",
                f"medium {r['label_no']} was labelled {r['top']}, now {r['classification']}: never downgrade",
                evidence={"highest": r["top"], "current": r["classification"]})
            for r in qs.values("pk", "label_no", "top", "classification")]


@check("p05.0.3.2-b", severity="violation", subjects=(MD, "assets.mediumcontent"), narrow=MD)
def media_label_below_contents(ctx):
    """介质按最高密级标识:介质的密级标识低于其登记存储内容的最高密级。"""
    highest = (MediumContent.objects.filter(medium_id=OuterRef("pk"), archived_at__isnull=True).order_by()
               .values("medium_id").annotate(top=Max("classification")).values("top"))
    qs = ctx.only(_media().annotate(top=Subquery(highest)).filter(top__gt=F("classification")))
    return [_md(ctx, r, f"介质 {r['label_no']} 标为{LEVELS[r['classification']]},但存有{LEVELS[r['top']]}信息",
                f"medium {r['label_no']} is labelled below the highest classification stored on it",
                evidence={"stored": r["top"], "label": r["classification"]})
            for r in qs.values("pk", "label_no", "top", "classification")]


@check("p10.36.3-a", severity="violation", subjects=(MD, "org.person"), narrow=MD, also=("p01.2.5-c",),
       via={"org.person": ("custodian",)})  # a person's change reaches only the media they keep
def media_without_custodian(ctx):
    """存储设备介质明确负责人:介质没有在岗的保管人(系统盘、驱动盘另按专人保管要求)。"""
    qs = ctx.only(_media().filter(Q(custodian__isnull=True) | ~Q(custodian__status="active")))
    findings = []
    for r in qs.values("pk", "label_no", "kind", "registered_at"):
        system = r["kind"] == StorageMedium.Kind.SYSTEM_DISC
        findings.append(_md(ctx, r, f"介质 {r['label_no']} 没有在岗的保管人",
                            f"medium {r['label_no']} has no active custodian", since=r["registered_at"],
                            clause="p01.2.5-c" if system else None))
    return findings


@check("p10.36.3-b", severity="warning", subjects=("assets.mediumloan",), narrow="assets.mediumloan",
       also=("p01.2.5-d",))
def media_loans_overdue(ctx):
    """设备介质使用借用登记:借出的介质过期未还;系统盘带出公司。"""
    today = timezone.localdate(ctx.as_of)
    qs = ctx.only(MediumLoan.objects.filter(returned_at__isnull=True, archived_at__isnull=True).filter(
        Q(due_back__lt=today) | Q(offsite=True, medium__kind=StorageMedium.Kind.SYSTEM_DISC)))
    findings = []
    for r in qs.values("pk", "number", "due_back", "offsite", "medium__kind", "medium__label_no", "borrower__name",
                       "lent_at"):
        system_out = r["offsite"] and r["medium__kind"] == StorageMedium.Kind.SYSTEM_DISC
        if system_out:
            zh = f"系统专用盘 {r['medium__label_no']} 由{r['borrower__name']}带出公司(借用单 {r['number']})"
            en = f"system disc {r['medium__label_no']} taken off the premises (loan {r['number']})"
        else:
            zh = f"介质 {r['medium__label_no']} 由{r['borrower__name']}借用,应于 {r['due_back']} 归还,至今未还"
            en = f"medium {r['medium__label_no']} was due back {r['due_back']} (loan {r['number']})"
        since = r["lent_at"] if system_out else timezone.make_aware(datetime.combine(r["due_back"], time.max))
        findings.append(ctx.found(("assets.mediumloan", r["pk"], r["number"]), zh, en, since=since,
                                  severity="violation" if system_out else None,
                                  clause="p01.2.5-d" if system_out else None))
    return findings


@check("p15.3.11-c", severity="violation", subjects=(MD, "assets.equipment"), narrow="assets.equipment")
def laptops_holding_classified(ctx):
    """便携机不存涉密信息:便携式计算机标为涉密,或其中登记有涉密介质。"""
    classified_media = _media().filter(installed_in_id=OuterRef("pk"), classification__gt=0)
    qs = ctx.only(Equipment.objects.filter(archived_at__isnull=True, kind=Equipment.Kind.LAPTOP).filter(
        Q(classification__gt=0) | Exists(classified_media)))
    return [ctx.found(("assets.equipment", r["pk"], r["asset_no"]), f"便携式计算机 {r['asset_no']} 存储涉密信息",
                      f"laptop {r['asset_no']} holds classified information")
            for r in qs.values("pk", "asset_no")]


def _installed():
    return SoftwareInstallation.objects.filter(removed_at__isnull=True, archived_at__isnull=True,
                                               equipment__archived_at__isnull=True)


def _si_label(r):
    return f"{r['equipment__asset_no']}:{r['software__name'] or r['name_found']}"


@check("p01.4.2.b-a", severity="violation", subjects=(SI,), narrow=SI)
def unapproved_software_installed(ctx):
    """禁止私装软件:设备上登记有未经申请批准、也不属标准配置的软件。"""
    qs = ctx.only(_installed().filter(basis=SoftwareInstallation.Basis.UNAPPROVED))
    return [ctx.found((SI, r["pk"], _si_label(r)),
                      f"设备 {r['equipment__asset_no']} 私自安装了未经许可的软件:{r['software__name'] or r['name_found']}",
                      f"device {r['equipment__asset_no']} has unapproved software installed",
                      since=timezone.make_aware(datetime.combine(r["found_on"], time.min)))
            for r in qs.values("pk", "equipment__asset_no", "software__name", "name_found", "found_on")]


@check("p07.16-b", severity="violation", subjects=(SI, "assets.software"), narrow=SI, also=("p08.17-b",))
def unlicensed_software_installed(ctx):
    """严禁安装非法盗版软件:设备上登记有未授权、盗版或不在软件目录中的软件(涉密设备另按涉密系统正版要求)。"""
    qs = ctx.only(_installed().filter(Q(software__isnull=True) | Q(software__license="unlicensed")))
    findings = []
    for r in qs.values("pk", "equipment__asset_no", "equipment__classification", "software__name", "name_found",
                       "found_on"):
        classified = r["equipment__classification"] > 0
        findings.append(ctx.found(
            (SI, r["pk"], _si_label(r)),
            f"{'涉密' if classified else ''}设备 {r['equipment__asset_no']} 上的软件"
            f"“{r['software__name'] or r['name_found']}”不是已登记的正版软件",
            f"device {r['equipment__asset_no']}: software not in the licensed catalogue",
            clause="p08.17-b" if classified else None,
            since=timezone.make_aware(datetime.combine(r["found_on"], time.min))))
    return findings


@check("p15.5.3-b", severity="warning", subjects=("assets.stocktake", "assets.equipment", "core.parameter"),
       narrow="org.department")
def stocktake_overdue(ctx):
    """每年清点一次:有在用设备的部门在一个清点周期内没有完成的盘点。"""
    cadence = pack.param("p15.5.3-b", "cadence")
    cutoff = cadence.before(ctx.as_of)
    covered = department_subtree_ids(set(StockTake.objects.filter(
        status=StockTake.Status.CLOSED, closed_at__gte=cutoff, closed_at__lte=ctx.as_of).values_list(
        "department_id", flat=True)))
    # Per department, an index seek (department, registered_at) that stops at its first device:
    # ``pk__in`` of all devices read every device row of the organisation.
    holding = Equipment.objects.filter(department=OuterRef("pk"), archived_at__isnull=True,
                                       registered_at__lt=cutoff).exclude(status=Equipment.Status.SCRAPPED)
    qs = ctx.only(Department.objects.filter(archived_at__isnull=True).filter(Exists(holding)).exclude(pk__in=covered))
    return [ctx.found(("org.department", r["pk"], r["name"]),
                      f"{r['name']}的设备在{cadence.label()}内没有完成盘点",
                      f"department {r['code']}: no stock-take closed within {cadence.iso()}",
                      evidence={"cadence": cadence.iso()})
            for r in qs.values("pk", "name", "code")]


@check("p06.9-b", severity="warning", subjects=("assets.stocktake", "assets.equipment"), narrow="assets.equipment",
       also=("p15.6.6",))
def stocktake_missing_unresolved(ctx):
    """机房物品不得私借带出:最近一次盘点盘亏的设备至今未查明(未再盘到、未报废或归档)。"""
    latest = (StockTakeItem.objects.filter(equipment_id=OuterRef("pk"), stocktake__status=StockTake.Status.CLOSED)
              .order_by("-stocktake__closed_at", "-pk").values("result")[:1])
    qs = ctx.only(Equipment.objects.filter(archived_at__isnull=True).exclude(status=Equipment.Status.SCRAPPED)
                  .annotate(last=Subquery(latest)).filter(last=StockTakeItem.Result.MISSING))
    return [ctx.found(("assets.equipment", r["pk"], r["asset_no"]),
                      f"设备 {r['asset_no']} 在最近一次盘点中盘亏,至今未查明",
                      f"device {r['asset_no']} was missing at the last stock-take and is not accounted for")
            for r in qs.values("pk", "asset_no")]


from . import checks_media_flows  # noqa: E402,F401  (the media flows' checks: p14.2, p14.3, p14.6, p15.3.10 …)
