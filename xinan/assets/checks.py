"""The assets domain's checks: set-based queries over the whole organisation, registered by clause
id (``xinan.policy.checks``); autodiscovered by the policy app. Each docstring's first line is the
check's title. The rules over storage media and software are in ``checks_media``.
"""

from datetime import timedelta

from django.utils import timezone
from django.db.models import DurationField, Exists, ExpressionWrapper, F, Max, OuterRef, Q

from xinan.org.models import Department
from xinan.policy import pack
from xinan.policy.checks import check, parameter

from .models import AssetKeeper, Equipment, MaintenanceRecord, Repair, ResponsibleChange, Scrapping, Transfer

EQ = "assets.equipment"
IN_SERVICE = (Equipment.Status.IN_USE, Equipment.Status.SPARE, Equipment.Status.REPAIR,
              Equipment.Status.EXTERNAL_REPAIR, Equipment.Status.SCRAPPING)
EQUIPMENT_SUBJECTS = (EQ, "org.person")
# A person's change reaches only the devices that name them (re-evaluation after a write).
VIA_PEOPLE = {"org.person": ("responsible", "user", "administrator")}


def _day(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}"


def _in_service():
    return Equipment.objects.filter(archived_at__isnull=True, status__in=IN_SERVICE)


def _eq(ctx, row, zh, en, **kw):
    return ctx.found((EQ, row["pk"], row["asset_no"]), zh, en, **kw)


@check("p01.2.1-b", severity="violation", subjects=EQUIPMENT_SUBJECTS, narrow=EQ, via=VIA_PEOPLE)
def computers_without_responsible(ctx):
    """计算机负责人名单备案:在用计算机没有登记负责人。"""
    qs = ctx.only(_in_service().filter(kind__in=Equipment.COMPUTERS, responsible__isnull=True))
    return [_eq(ctx, r, f"计算机 {r['asset_no']}({r['department__name']})没有登记负责人",
                f"computer {r['asset_no']} has no responsible person on record", since=r["registered_at"])
            for r in qs.values("pk", "asset_no", "department__name", "registered_at")]


@check("p01.2.1-c", severity="violation", subjects=("assets.responsiblechange", "core.parameter"),
       narrow="assets.responsiblechange")
def late_responsible_filing(ctx):
    """负责人变更一周内备案:负责人变更晚于期限才向管理员备案。"""
    within = pack.param("p01.2.1-c", "within")
    qs = ResponsibleChange.objects.filter(archived_at__isnull=True)
    if within.months or within.years:  # a calendar duration: narrow by its shortest length, then exact
        limit = timedelta(days=28 * (within.months + 12 * within.years) + within.days, seconds=within.seconds)
    else:
        limit = timedelta(days=within.days, seconds=within.seconds)
    lag = ExpressionWrapper(F("filed_at") - F("changed_at"), output_field=DurationField())
    qs = ctx.only(qs.annotate(lag=lag).filter(lag__gt=limit))
    findings = []
    for r in qs.values("pk", "number", "changed_at", "filed_at", "equipment__asset_no", "to_person__name"):
        due = within.after(r["changed_at"])
        if r["filed_at"] <= due:
            continue
        changed, filed = _day(r["changed_at"]), _day(r["filed_at"])
        findings.append(ctx.found(
            ("assets.responsiblechange", r["pk"], r["number"]),
            f"设备 {r['equipment__asset_no']} 的负责人于 {changed} 变更为{r['to_person__name']},"
            f"{filed} 才备案,超过{within.label()}的期限",
            f"device {r['equipment__asset_no']}: responsible person changed {changed}, filed {filed}, "
            f"later than {within.iso()}",
            since=due, evidence={"changed_at": r["changed_at"], "filed_at": r["filed_at"], "within": within.iso()}))
    return findings


@check("p01.2.2-a", severity="warning", subjects=EQUIPMENT_SUBJECTS, narrow=EQ, via=VIA_PEOPLE)
def workstation_user_not_responsible(ctx):
    """计算机专人使用:工作站(计算机、打印机)没有指定使用人,或使用人不是负责人。"""
    qs = ctx.only(_in_service().filter(kind__in=Equipment.WORKSTATIONS).filter(
        Q(user__isnull=True) | ~Q(user_id=F("responsible_id")) | Q(responsible__isnull=True)))
    findings = []
    for r in qs.values("pk", "asset_no", "user__name", "responsible__name", "registered_at"):
        if r["user__name"] is None:
            zh, en = f"设备 {r['asset_no']} 没有指定使用人", f"device {r['asset_no']} has no designated user"
        else:
            zh = f"设备 {r['asset_no']} 的使用人{r['user__name']}不是负责人{r['responsible__name'] or '(未登记)'}"
            en = f"device {r['asset_no']}: its user is not its responsible person"
        findings.append(_eq(ctx, r, zh, en, since=r["registered_at"],
                            evidence={"user": r["user__name"], "responsible": r["responsible__name"]}))
    return findings


@check("p16.2.1-a", severity="violation", subjects=EQUIPMENT_SUBJECTS, narrow=EQ, via=VIA_PEOPLE)
def servers_without_administrator(ctx):
    """服务器专人管理并备案:服务器没有登记服务器管理员,或管理员已不在岗。"""
    qs = ctx.only(_in_service().filter(kind=Equipment.Kind.SERVER).filter(
        Q(administrator__isnull=True) | ~Q(administrator__status="active")))
    return [_eq(ctx, r, f"服务器 {r['asset_no']} 没有在岗的服务器管理员",
                f"server {r['asset_no']} has no active administrator on record", since=r["registered_at"],
                evidence={"administrator": r["administrator__name"]})
            for r in qs.values("pk", "asset_no", "administrator__name", "registered_at")]


@check("p08.11", severity="warning", subjects=EQUIPMENT_SUBJECTS, narrow=EQ, via=VIA_PEOPLE)
def crypto_devices_without_custodian(ctx):
    """普密设备管理:密码设备没有登记负责人。"""
    qs = ctx.only(_in_service().filter(kind=Equipment.Kind.CRYPTO, responsible__isnull=True))
    return [_eq(ctx, r, f"密码设备 {r['asset_no']} 没有登记负责人", f"crypto device {r['asset_no']} has no custodian",
                since=r["registered_at"]) for r in qs.values("pk", "asset_no", "registered_at")]


def classified_department_ids() -> set[int]:
    names = {n.strip() for n in str(parameter("assets.classified_departments") or "").replace(",", ",").split(",")}
    names.discard("")
    if not names:
        return set()
    from xinan.org.selectors import department_subtree_ids

    roots = Department.objects.filter(Q(name__in=names) | Q(code__in=names)).values_list("pk", flat=True)
    return department_subtree_ids(set(roots))


@check("p05.0.1", severity="violation", subjects=(EQ, "org.department", "core.parameter"), narrow=EQ)
def classified_department_computers_not_classified(ctx):
    """计算机分涉密与非涉密:按涉密要求管理的部门(信息技术部、关务部、财务部)的计算机未标为涉密。"""
    ids = classified_department_ids()
    qs = ctx.only(_in_service().filter(kind__in=Equipment.COMPUTERS, department_id__in=ids, classification=0))
    return [_eq(ctx, r, f"{r['department__name']}的计算机 {r['asset_no']} 应按涉密要求管理,台账标为非涉密",
                f"computer {r['asset_no']} of {r['department__code']} must be managed as classified",
                since=r["registered_at"]) for r in qs.values("pk", "asset_no", "department__name", "department__code",
                                                            "registered_at")]


@check("p15.3.8-b", severity="violation", subjects=EQUIPMENT_SUBJECTS, narrow=EQ, via=VIA_PEOPLE)
def classified_computers_without_single_user(ctx):
    """涉密计算机专人专用:涉密的台式或便携式计算机没有指定专人使用。"""
    personal = (Equipment.Kind.DESKTOP, Equipment.Kind.LAPTOP)  # servers have their administrator (p16.2.1-a)
    qs = ctx.only(_in_service().filter(kind__in=personal, classification__gt=0, user__isnull=True))
    return [_eq(ctx, r, f"涉密计算机 {r['asset_no']} 没有指定专人使用",
                f"classified computer {r['asset_no']} has no single designated user", since=r["registered_at"])
            for r in qs.values("pk", "asset_no", "registered_at")]


@check("p21.3", severity="warning", subjects=(EQ,), narrow=EQ)
def important_assets_without_impact(ctx):
    """形成重要资产清单:重要资产没有写明受破坏后的影响。"""
    qs = ctx.only(_in_service().filter(important=True, impact=""))
    return [_eq(ctx, r, f"重要资产 {r['asset_no']} 没有写明受破坏后的影响",
                f"important asset {r['asset_no']} has no impact statement", since=r["registered_at"])
            for r in qs.values("pk", "asset_no", "registered_at")]


@check("p15.7.15-a", severity="warning", subjects=(EQ, "assets.assetkeeper", "org.department"),
       narrow="org.department")
def departments_without_keeper(ctx):
    """科室专人负责计算机管理:有在用计算机的部门没有指定计算机管理员。"""
    keeper = AssetKeeper.objects.filter(department_id=OuterRef("pk"), archived_at__isnull=True,
                                        person__status="active")
    used = _in_service().filter(department_id=OuterRef("pk"), kind__in=Equipment.COMPUTERS)
    qs = ctx.only(Department.objects.filter(archived_at__isnull=True).filter(Exists(used)).exclude(Exists(keeper)))
    return [ctx.found(("org.department", r["pk"], r["name"]), f"{r['name']}有在用计算机,但没有指定计算机管理员",
                      f"department {r['code']} has computers but no named PC keeper")
            for r in qs.values("pk", "name", "code")]


def _last(kind, key="equipment_id"):
    return (MaintenanceRecord.objects.filter(**{key: OuterRef("pk")}, kind=kind, archived_at__isnull=True)
            .order_by().values(key).annotate(last=Max("performed_on")).values("last"))


def _done_since(kind, day, key="equipment_id"):
    """A record of ``kind`` on or after ``day``: one index seek per row asked about, where the
    latest date (``_last``) reads every record of the row; the latest is read for findings only."""
    return MaintenanceRecord.objects.filter(**{key: OuterRef("pk")}, kind=kind, archived_at__isnull=True,
                                            performed_on__gte=day)


@check("p01.5.1.e", severity="warning", subjects=(EQ, "assets.maintenancerecord", "core.parameter"), narrow=EQ)
def monthly_maintenance_missing(ctx):
    """每月按说明书维护一次:在用计算机、服务器超过维护周期没有例行维护记录。"""
    cadence = pack.param("p01.5.1.e", "cadence")
    cutoff = cadence.before(ctx.as_of)
    qs = (_in_service().filter(kind__in=Equipment.COMPUTERS, registered_at__lt=cutoff)
          .filter(~Exists(_done_since(MaintenanceRecord.Kind.ROUTINE, cutoff.date())))
          .annotate(last=_last(MaintenanceRecord.Kind.ROUTINE)))
    return [_eq(ctx, r, f"设备 {r['asset_no']} 最近一次例行维护为{r['last'] or '无记录'},超过{cadence.label()}",
                f"device {r['asset_no']}: last routine maintenance {r['last'] or 'never'}, older than {cadence.iso()}",
                evidence={"last": r["last"], "cadence": cadence.iso()})
            for r in ctx.only(qs).values("pk", "asset_no", "last")]


@check("p15.7.15-b", severity="warning", subjects=(EQ, "assets.maintenancerecord", "core.parameter"),
       narrow="org.department")
def department_cleaning_missing(ctx):
    """定期除尘清洁:有在用设备的部门超过清洁周期没有除尘清洁记录。"""
    cadence = pack.param("p15.7.15-b", "cadence")
    cutoff = cadence.before(ctx.as_of)
    used = _in_service().filter(department_id=OuterRef("pk"), registered_at__lt=cutoff)
    qs = (Department.objects.filter(archived_at__isnull=True).filter(Exists(used))
          .filter(~Exists(_done_since(MaintenanceRecord.Kind.CLEANING, cutoff.date(), key="department_id")))
          .annotate(last=_last(MaintenanceRecord.Kind.CLEANING, key="department_id")))
    return [ctx.found(("org.department", r["pk"], r["name"]),
                      f"{r['name']}最近一次设备除尘清洁为{r['last'] or '无记录'},超过{cadence.label()}",
                      f"department {r['code']}: last cleaning {r['last'] or 'never'}, older than {cadence.iso()}",
                      evidence={"last": r["last"], "cadence": cadence.iso()})
            for r in ctx.only(qs).values("pk", "name", "code", "last")]


@check("p01.2.7.b-b", severity="violation", subjects=("assets.transfer",), narrow="assets.transfer")
def transfers_without_separate_approval(ctx):
    """调用单副总签字存档:已执行的调用记录单没有批准,或由申请人本人批准。"""
    qs = ctx.only(Transfer.objects.filter(status__in=[Transfer.Status.EXECUTED, Transfer.Status.FILED]).filter(
        Q(approved_at__isnull=True) | Q(approved_by_id=F("requested_by_id"))))
    return [ctx.found(("assets.transfer", r["pk"], r["number"]), f"调用记录单 {r['number']} 未经他人批准即已执行",
                      f"transfer {r['number']} was executed without someone else's approval", since=r["executed_at"])
            for r in qs.values("pk", "number", "executed_at")]


@check("p14.7-c", severity="violation", subjects=("assets.repair",), narrow="assets.repair", also=("p02.1.2-a",))
def repairs_without_safeguards(ctx):
    """送修前备份删除并登记:送外维修的设备没有送修前数据备份与清除记录;外来人员维修没有监督人。"""
    sent = Q(external=True, sent_at__isnull=False, sanitisation__isnull=True)
    unsupervised = ~Q(technician="") & Q(supervisor__isnull=True) & Q(status=Repair.Status.COMPLETED)
    qs = ctx.only(Repair.objects.filter(sent | unsupervised))
    findings = []
    for r in qs.values("pk", "number", "sent_at", "sanitisation_id", "technician", "supervisor_id", "completed_at",
                       "external"):
        if r["external"] and r["sent_at"] and r["sanitisation_id"] is None:
            findings.append(ctx.found(("assets.repair", r["pk"], r["number"]),
                                      f"维修单 {r['number']} 送外维修前没有数据备份与清除记录",
                                      f"repair {r['number']} left without a recorded backup and wipe",
                                      since=r["sent_at"], key="wipe"))
        if r["technician"] and r["supervisor_id"] is None:
            findings.append(ctx.found(("assets.repair", r["pk"], r["number"]),
                                      f"维修单 {r['number']} 外来人员{r['technician']}维修时没有记录现场监督人",
                                      f"repair {r['number']}: outside technician without a supervisor",
                                      clause="p02.1.2-a", since=r["completed_at"], key="supervisor"))
    return findings


@check("p14.8", severity="violation", subjects=("assets.scrapping",), narrow="assets.scrapping",
       also=("p10.36.3-d",))
def scrapped_without_sanitisation(ctx):
    """报废设备数据备份后清除:已办理报废的设备没有数据清除或销毁记录。"""
    qs = ctx.only(Scrapping.objects.filter(status__in=[Scrapping.Status.WRITTEN_OFF, Scrapping.Status.DISPOSED],
                                           sanitisation__isnull=True))
    return [ctx.found(("assets.scrapping", r["pk"], r["number"]),
                      f"报废单 {r['number']}(设备 {r['equipment__asset_no']})没有存储数据清除或销毁记录",
                      f"scrapping {r['number']} has no wipe or destruction record", since=r["finance_at"])
            for r in qs.values("pk", "number", "equipment__asset_no", "finance_at")]


from . import checks_media  # noqa: E402,F401  (registers the media, software and stock-take checks)
from . import checks_systems  # noqa: E402,F401  (information systems, changes, purchases, handovers)
from . import checks_systems_secrecy  # noqa: E402,F401  (classified information systems)
