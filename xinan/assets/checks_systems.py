"""Checks over information systems, system changes, regulation documents, spares purchases and
handover confirmations: set-based queries over the whole organisation (imported by ``checks``).
Each docstring's first line is the check's title."""

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from xinan.core.parameters import get as parameter
from xinan.policy.checks import check
from xinan.policy.durations import Duration

from .models import (HandoverConfirmation, InformationSystem, MediumHandover, PurchaseRequest, RegulationDocument,
                     SystemChange, SystemMaintenance, Transfer)
from .services.handover import CONFIRM_WITHIN
from .services.systems import OA_MAINTENANCE_PERIOD, office_department_ids

SYS = "assets.informationsystem"
CHG = "assets.systemchange"
IS = InformationSystem.Status
OFFICE_SUBJECTS = (SYS, "org.department", "core.parameter")


def _systems():
    return InformationSystem.objects.filter(archived_at__isnull=True)


def _sys(ctx, r, zh, en, **kw):
    return ctx.found((SYS, r["pk"], r["name"]), zh, en, **kw)


@check("p27.2.4-b", severity="violation", subjects=(SYS,), narrow=SYS)
def systems_without_authorisation_design(ctx):
    """新系统预留授权设置功能:开发建设中或运行中的系统,设计未包含用户与授权级别对应设置功能。"""
    qs = ctx.only(_systems().filter(status__in=InformationSystem.PAST_DESIGN).filter(
        Q(design_includes_authorisation=False) | Q(design_document="")))
    return [_sys(ctx, r, f"信息系统“{r['name']}”已进入{InformationSystem.Status(r['status']).label},"
                         f"但设计未登记用户与授权级别对应关系设置功能",
                 f"system “{r['name']}” is past design without the user-to-level authorisation function in its design",
                 evidence={"status": r["status"], "design_includes_authorisation": r["design_includes_authorisation"],
                           "design_document": r["design_document"]})
            for r in qs.values("pk", "name", "status", "design_includes_authorisation", "design_document")]


@check("p27.2.10", severity="violation", subjects=(SYS,), narrow=SYS)
def decommissioned_without_records(ctx):
    """废旧系统信息销毁转移:停止运行的系统没有数据转移、销毁记录(执行人、监督人)。"""
    qs = ctx.only(_systems().filter(status=IS.DECOMMISSIONED).filter(
        Q(data_migrated="") | Q(data_destroyed="") | Q(decommissioned_by__isnull=True)
        | Q(decommission_witness__isnull=True) | Q(decommission_witness_id=F("decommissioned_by_id"))))
    return [_sys(ctx, r, f"已停止运行的信息系统“{r['name']}”缺少数据转移、销毁记录或执行人、监督人",
                 f"decommissioned system “{r['name']}” lacks its data-migration/destruction record",
                 evidence={"data_migrated": bool(r["data_migrated"]), "data_destroyed": bool(r["data_destroyed"]),
                           "performed_by": r["decommissioned_by__name"], "witness": r["decommission_witness__name"]})
            for r in qs.values("pk", "name", "data_migrated", "data_destroyed", "decommissioned_by__name",
                               "decommission_witness__name")]


@check("p24.6", severity="violation", subjects=OFFICE_SUBJECTS, narrow=SYS)
def projects_not_owned_by_office(ctx):
    """课件制作与软件开发:课件、应用软件项目的归属部门不是电教/信息管理部门。"""
    office = office_department_ids()
    qs = ctx.only(_systems().exclude(status=IS.DECOMMISSIONED).filter(kind__in=InformationSystem.OFFICE_PROJECTS)
                  .exclude(department_id__in=office))
    return [_sys(ctx, r, f"{InformationSystem.Kind(r['kind']).label}“{r['name']}”归属{r['department__name']},"
                         f"不是电教/信息管理部门({parameter('assets.it_office')})",
                 f"project “{r['name']}” is owned by {r['department__name']}, not the IT/audio-visual office",
                 evidence={"owner": r["department__name"], "office": parameter("assets.it_office")})
            for r in qs.values("pk", "name", "kind", "department__name")]


@check("p24.8", severity="violation", subjects=OFFICE_SUBJECTS + ("assets.systemmaintenance",), narrow=SYS)
def oa_maintenance(ctx):
    """OA系统日常维护:运行中的OA系统的维护部门不是电教/信息管理部门,或期限内没有维护记录。"""
    office = office_department_ids()
    period = Duration.parse(parameter(OA_MAINTENANCE_PERIOD.key))
    since = timezone.localdate(period.before(ctx.as_of))
    recent = SystemMaintenance.objects.filter(system=OuterRef("pk"), archived_at__isnull=True,
                                              performed_on__gte=since, performed_on__lte=timezone.localdate(ctx.as_of),
                                              department_id__in=office)
    qs = ctx.only(_systems().filter(kind=InformationSystem.Kind.OA, status=IS.IN_SERVICE)
                  .annotate(recent=Exists(recent)).filter(~Q(maintainer_department_id__in=office) | Q(recent=False)))
    findings = []
    for r in qs.values("pk", "name", "maintainer_department_id", "maintainer_department__name", "recent"):
        if r["maintainer_department_id"] not in office:
            findings.append(_sys(ctx, r, f"OA系统“{r['name']}”的维护部门为{r['maintainer_department__name']},"
                                         f"不是电教/信息管理部门",
                                 f"OA system “{r['name']}” is maintained by {r['maintainer_department__name']}, "
                                 f"not the IT/audio-visual office", key="maintainer",
                                 evidence={"maintainer_department": r["maintainer_department__name"]}))
        if not r["recent"]:
            findings.append(_sys(ctx, r, f"OA系统“{r['name']}”自 {since} 起没有电教/信息管理部门的维护记录",
                                 f"OA system “{r['name']}” has no maintenance record by the office since {since}",
                                 key="maintenance", evidence={"since": since.isoformat(), "period": period.iso()}))
    return findings


def _unapproved_changes(ctx, kinds):
    """Implemented changes of ``kinds`` without an approval, or approved only after implementation."""
    qs = ctx.only(SystemChange.objects.filter(kind__in=kinds, implemented_at__isnull=False).filter(
        Q(approved_at__isnull=True) | Q(approved_by__isnull=True) | Q(approved_at__gt=F("implemented_at"))
        | Q(status__in=(SystemChange.Status.REJECTED, SystemChange.Status.REQUESTED))))
    found = []
    for r in qs.values("pk", "number", "kind", "system__name", "approved_at", "implemented_at"):
        late = r["approved_at"] is not None
        found.append(ctx.found(
            (CHG, r["pk"], r["number"]),
            f"系统“{r['system__name']}”的变更 {r['number']}({SystemChange.Kind(r['kind']).label})"
            + ("在批准之前实施" if late else "未经批准即实施"),
            f"change {r['number']} of “{r['system__name']}” was implemented "
            + ("before its approval" if late else "without an approval"),
            since=r["implemented_at"], evidence={"approved_at": r["approved_at"], "implemented_at": r["implemented_at"]}))
    return found


K = SystemChange.Kind


@check("p27.2.5-a", severity="violation", subjects=(CHG,), narrow=CHG)
def config_changes_without_approval(ctx):
    """硬件配置软件参数变更控制:已实施的硬件配置调整、软件参数修改没有先行批准的变更记录。"""
    return _unapproved_changes(ctx, (K.HARDWARE, K.PARAMETER))


@check("p15.2.30.3", severity="violation", subjects=(CHG,), narrow=CHG)
def function_changes_without_approval(ctx):
    """不得擅改网上系统功能:应用功能变更在批准之前实施。"""
    return _unapproved_changes(ctx, (K.FUNCTION,))


@check("p19.5.10-b", severity="violation", subjects=(CHG,), narrow=CHG)
def loads_without_approval(ctx):
    """未审定程序数据不得输入:程序、数据输入运行未经审定批准。"""
    return _unapproved_changes(ctx, (K.PROGRAM_LOAD, K.DATA_LOAD))


@check("p07.12", severity="violation", subjects=(SYS, "assets.regulationdocument", "org.department"),
       narrow=None)
def software_operation_regulations(ctx):
    """建立软件运行管理制度:维护运行中信息系统的部门没有现行有效的软件运行管理制度;复审逾期为警告。"""
    today = timezone.localdate(ctx.as_of)
    in_force = RegulationDocument.objects.filter(archived_at__isnull=True, status=RegulationDocument.Status.IN_FORCE,
                                                 topic=RegulationDocument.Topic.SOFTWARE_OPERATION,
                                                 issued_on__lte=today)
    has_rule = in_force.filter(department_id=OuterRef("maintainer_department_id"))
    missing = (_systems().filter(status=IS.IN_SERVICE).annotate(has_rule=Exists(has_rule)).filter(has_rule=False)
               .values("maintainer_department_id", "maintainer_department__name", "maintainer_department__code")
               .distinct())
    findings = [ctx.found(("org.department", r["maintainer_department_id"], r["maintainer_department__name"]),
                          f"{r['maintainer_department__name']}维护运行中的信息系统,但没有现行有效的软件运行管理制度",
                          f"{r['maintainer_department__name']} maintains systems in service without an in-force "
                          f"software-operation regulation", evidence={"department": r["maintainer_department__code"]})
                for r in missing]
    for r in in_force.filter(next_review_on__lt=today).values("pk", "title", "next_review_on", "department__name"):
        findings.append(ctx.found(("assets.regulationdocument", r["pk"], r["title"]),
                                  f"{r['department__name']}的《{r['title']}》应于 {r['next_review_on']} 复审,已逾期",
                                  f"regulation “{r['title']}” was due for review on {r['next_review_on']}",
                                  severity="warning", evidence={"next_review_on": r["next_review_on"]}))
    return findings


@check("p15.5.4", severity="violation", subjects=("assets.purchaserequest", "org.department", "core.parameter"),
       narrow="assets.purchaserequest")
def purchases_without_approvals(ctx):
    """耗材统一申请审批采购:已采购的备件耗材缺少信息管理部门申请、科室负责人或院长(总经理)批准。"""
    office = office_department_ids()
    qs = ctx.only(PurchaseRequest.objects.filter(purchased_on__isnull=False).filter(
        Q(head_approved_at__isnull=True) | Q(leader_approved_at__isnull=True) | ~Q(department_id__in=office)))
    findings = []
    for r in qs.values("pk", "number", "department_id", "department__name", "head_approved_at",
                       "leader_approved_at", "purchased_on"):
        lacks = [zh for zh, ok in (("信息管理部门申请", r["department_id"] in office),
                                   ("科室负责人批准", r["head_approved_at"]),
                                   ("院长(总经理)批准", r["leader_approved_at"])) if not ok]
        findings.append(ctx.found(("assets.purchaserequest", r["pk"], r["number"]),
                                  f"采购 {r['number']}({r['purchased_on']})缺少:{'、'.join(lacks)}",
                                  f"purchase {r['number']} lacks the IT request or an approval",
                                  evidence={"lacks": lacks, "department": r["department__name"]}))
    return findings


@check("p15.7.2-b", severity="violation", subjects=("assets.transfer", "assets.handoverconfirmation",
                                                     "assets.storagemedium", "core.parameter"))
def handovers_not_confirmed(ctx):
    """转交保管严格交接:已执行的调用或介质移交,期限内未经移交人和接收人双方确认。"""
    within = Duration.parse(parameter(CONFIRM_WITHIN.key))
    cutoff = within.before(ctx.as_of)
    C = HandoverConfirmation.objects

    def lacking(key, giver_field, receiver_field):
        giver = C.filter(**{key: OuterRef("pk")}, party="giver")
        receiver = C.filter(**{key: OuterRef("pk")}, party="receiver")
        return Q(**{f"{giver_field}__isnull": False}, giver_ok=False) | Q(receiver_ok=False), giver, receiver

    cond, giver, receiver = lacking("transfer", "from_responsible", "to_responsible")
    transfers = (Transfer.objects.filter(executed_at__isnull=False, executed_at__lte=cutoff)
                 .annotate(giver_ok=Exists(giver), receiver_ok=Exists(receiver)).filter(cond))
    cond, giver, receiver = lacking("medium_handover", "from_custodian", "to_custodian")
    handovers = (MediumHandover.objects.filter(handed_at__lte=cutoff)
                 .annotate(giver_ok=Exists(giver), receiver_ok=Exists(receiver)).filter(cond))
    findings = []
    for r in transfers.values("pk", "number", "equipment__asset_no", "executed_at", "giver_ok", "receiver_ok",
                              "from_responsible__name", "to_responsible__name"):
        findings.append(ctx.found(
            ("assets.transfer", r["pk"], r["number"]),
            f"调用记录单 {r['number']}(设备 {r['equipment__asset_no']})执行后{within.label()}内未经交接双方确认",
            f"transfer {r['number']} was not confirmed by both parties within {within.iso()}",
            since=within.after(r["executed_at"]),
            evidence={"giver": r["from_responsible__name"], "giver_confirmed": r["giver_ok"],
                      "receiver": r["to_responsible__name"], "receiver_confirmed": r["receiver_ok"]}))
    for r in handovers.values("pk", "medium_id", "medium__label_no", "handed_at", "giver_ok", "receiver_ok",
                              "from_custodian__name", "to_custodian__name"):
        findings.append(ctx.found(
            ("assets.storagemedium", r["medium_id"], r["medium__label_no"]),
            f"介质 {r['medium__label_no']} 的移交({timezone.localtime(r['handed_at']):%Y-%m-%d})"
            f"{within.label()}内未经交接双方确认",
            f"the handover of medium {r['medium__label_no']} was not confirmed by both parties within {within.iso()}",
            since=within.after(r["handed_at"]), key=f"handover-{r['pk']}",
            evidence={"giver": r["from_custodian__name"], "giver_confirmed": r["giver_ok"],
                      "receiver": r["to_custodian__name"], "receiver_confirmed": r["receiver_ok"]}))
    return findings
