"""Checks over the storage media flows: paper carriers and destruction records (p05.0.3.3,
p06.9-a), movements (p14.2), approvals of handovers, sealing and disk replacement (p14.3,
p15.3.10), migration (p14.6-a/b), classified writes and sensitive files (p05.0.3.2-a,
p05.4.1/2), joint reviews (p08.9.4-a), machine-room removals (p15.2.8-d) and outside
technicians (p17.6.5). Each is a few queries over the whole organisation."""

from datetime import datetime, time, timedelta

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from xinan.org.selectors import holders_of
from xinan.policy.checks import check

from .models import (MediumAuthorisation, MediumContent, MediumDisposal, MediumHandover, MediumLoan, MediumMigration,
                     MediumMigrationPlan, MediumMovement, RemovalPass, Repair, Sanitisation, StorageMedium,
                     TechnicianVisit)
from .models.media import PAPER_KINDS, REMOVABLE_KINDS
from xinan.core.parameters import get as parameter

MD = "assets.storagemedium"
D = MediumDisposal
GONE = (StorageMedium.Status.DESTROYED, StorageMedium.Status.LOST)
PRESENT = Q(archived_at__isnull=True) & ~Q(status__in=GONE)


def _md(ctx, r, zh, en, **kw):
    return ctx.found((MD, r["pk"], r["label_no"]), zh, en, **kw)


def _end_of(day):
    return timezone.make_aware(datetime.combine(day, time.max))


@check("p05.0.3.3", severity="violation", subjects=(MD, "org.person"), narrow=MD)
def carriers_without_custodian(ctx):
    """信息载体及业务报表、技术数据、图纸专人负责保存:在册的介质或纸质资料没有在岗的保管人。"""
    qs = ctx.only(StorageMedium.objects.filter(PRESENT).filter(Q(custodian__isnull=True)
                                                                 | ~Q(custodian__status="active")))
    return [_md(ctx, r, f"{'纸质资料' if r['kind'] in PAPER_KINDS else '介质'} {r['label_no']} 没有在岗的专人保管",
                f"carrier {r['label_no']} has no active custodian", since=r["registered_at"])
            for r in qs.values("pk", "label_no", "kind", "registered_at")]


@check("p06.9-a", severity="violation", subjects=(MD, "assets.sanitisation"), narrow=MD)
def destroyed_without_record(ctx):
    """废弃储存介质和业务保密资料及时销毁(碎纸):登记为已销毁的介质或纸质资料没有销毁记录。"""
    record = Sanitisation.objects.filter(medium_id=OuterRef("pk"), purpose=Sanitisation.Purpose.DESTRUCTION,
                                         archived_at__isnull=True)
    qs = ctx.only(StorageMedium.objects.filter(status=StorageMedium.Status.DESTROYED).filter(~Exists(record)))
    return [_md(ctx, r, f"{'纸质资料' if r['kind'] in PAPER_KINDS else '介质'} {r['label_no']} 已废弃销毁,但没有销毁(碎纸)记录",
                f"carrier {r['label_no']} is recorded destroyed without a destruction record")
            for r in qs.values("pk", "label_no", "kind")]


@check("p14.2", severity="violation", subjects=(MD, "assets.mediummovement", "assets.mediumloan"), narrow=None)
def classified_moves_without_transport_record(ctx):
    """介质运输安全:涉密介质存于异地、带出公司,却没有含封装与押运的转运登记;或转运登记缺少封条、押运人。"""
    received_there = MediumMovement.objects.filter(medium_id=OuterRef("pk"), to_place=OuterRef("offsite_location"),
                                                   received_at__isnull=False, archived_at__isnull=True)
    offsite = StorageMedium.objects.filter(PRESENT, classification__gt=0).exclude(offsite_location="").filter(
        ~Exists(received_there))
    findings = [_md(ctx, r, f"涉密介质 {r['label_no']} 存于异地({r['offsite_location']}),没有转运登记",
                    f"classified medium {r['label_no']} is kept offsite without a movement record", key="offsite")
                for r in offsite.values("pk", "label_no", "offsite_location")]
    moved = MediumMovement.objects.filter(medium_id=OuterRef("medium_id"), handed_over_at__gte=OuterRef("lent_at"),
                                          archived_at__isnull=True)
    loans = MediumLoan.objects.filter(offsite=True, medium__classification__gt=0, archived_at__isnull=True).filter(
        ~Exists(moved))
    findings += [ctx.found(("assets.mediumloan", r["pk"], r["number"]),
                           f"涉密介质 {r['medium__label_no']} 借出带出公司(借用单 {r['number']}),没有转运登记",
                           f"classified medium {r['medium__label_no']} left the company without a movement record",
                           since=r["lent_at"])
                 for r in loans.values("pk", "number", "medium__label_no", "lent_at")]
    bare = MediumMovement.objects.filter(archived_at__isnull=True, medium__classification__gt=0).filter(
        Q(sealed_container=False) | Q(seal_no="") | Q(escort__isnull=True))
    findings += [ctx.found(("assets.mediummovement", r["pk"], r["number"]),
                           f"涉密介质 {r['medium__label_no']} 的转运 {r['number']} 没有密封容器、封条编号或押运人",
                           f"movement {r['number']} of a classified medium lacks the seal or the escort",
                           since=r["handed_over_at"])
                 for r in bare.values("pk", "number", "medium__label_no", "handed_over_at")]
    return findings


def _chain_missing():
    """A disposal done without its full chain: the first level always, the leadership's for a
    classified medium."""
    return Q(reviewed_by__isnull=True) | Q(classified=True, leader_approved_by__isnull=True) | Q(
        medium__classification__gt=0, leader_approved_by__isnull=True)


@check("p14.3", severity="violation", subjects=(MD, "assets.mediumdisposal", "assets.mediumhandover"), narrow=None)
def media_moves_without_approvals(ctx):
    """介质调拨、转让、废弃或销毁逐级审批:移交、调拨、封存、硬盘更换或销毁没有完整的逐级审批。"""
    done = D.objects.filter(status=D.Status.DONE, archived_at__isnull=True).filter(_chain_missing())
    findings = [ctx.found(("assets.mediumdisposal", r["pk"], r["number"]),
                          f"介质 {r['medium__label_no']} 的{D.Kind(r['kind']).label}({r['number']})未经完整的逐级审批",
                          f"{r['kind']} {r['number']} of medium {r['medium__label_no']} lacks its approvals",
                          since=r["done_at"])
                for r in done.values("pk", "number", "kind", "medium__label_no", "done_at")]
    handovers = MediumHandover.objects.filter(Q(disposal__isnull=True) | ~Q(disposal__status=D.Status.DONE))
    findings += [ctx.found(("assets.mediumhandover", r["pk"], f"{r['medium__label_no']} {r['handed_at']:%Y-%m-%d}"),
                           f"介质 {r['medium__label_no']} 的移交没有审批单",
                           f"a handover of medium {r['medium__label_no']} has no approval", since=r["handed_at"])
                 for r in handovers.values("pk", "medium__label_no", "handed_at")]
    destroyed = StorageMedium.objects.filter(status=StorageMedium.Status.DESTROYED, destruction_approved_by__isnull=True
                                             ).filter(~Exists(D.objects.filter(medium_id=OuterRef("pk"),
                                                                               status=D.Status.DONE,
                                                                               outcome=D.Outcome.DESTROY)))
    findings += [_md(ctx, r, f"介质 {r['label_no']} 未经批准即销毁", f"medium {r['label_no']} destroyed without approval",
                     key="destroyed")
                 for r in destroyed.values("pk", "label_no")]
    return findings


@check("p15.3.10", severity="violation", subjects=(MD, "assets.mediumdisposal"), narrow=None)
def classified_disks_replaced(ctx):
    """涉密硬盘更换须领导批准后登记封存或销毁:更换下的涉密硬盘未经领导批准,或既未封存也未销毁。"""
    qs = D.objects.filter(kind=D.Kind.DISK_REPLACEMENT, status=D.Status.DONE, archived_at__isnull=True).filter(
        Q(classified=True) | Q(medium__classification__gt=0)).filter(
        Q(leader_approved_by__isnull=True)
        | ~Q(medium__status__in=(StorageMedium.Status.SEALED, StorageMedium.Status.DESTROYED)))
    findings = []
    for r in qs.values("pk", "number", "medium__label_no", "medium__status", "leader_approved_by", "done_at"):
        if r["leader_approved_by"] is None:
            zh, en = "未经领导批准", "without the leadership's approval"
        else:
            zh, en = "更换后既未封存也未销毁", "neither sealed nor destroyed"
        findings.append(ctx.found(("assets.mediumdisposal", r["pk"], r["number"]),
                                  f"涉密硬盘 {r['medium__label_no']} 更换({r['number']}){zh}",
                                  f"classified disk {r['medium__label_no']} replaced ({r['number']}) {en}",
                                  since=r["done_at"]))
    # 报废: a classified medium destroyed with neither the destruction approval nor an approved replacement.
    replaced = D.objects.filter(medium_id=OuterRef("pk"), status=D.Status.DONE, leader_approved_by__isnull=False)
    scrapped = StorageMedium.objects.filter(status=StorageMedium.Status.DESTROYED, classification__gt=0,
                                            destruction_approved_by__isnull=True).filter(~Exists(replaced))
    findings += [_md(ctx, r, f"涉密介质 {r['label_no']} 未经领导批准即销毁", f"classified medium {r['label_no']} "
                     f"destroyed without the leadership's approval", key="destroyed")
                 for r in scrapped.values("pk", "label_no")]
    return findings


@check("p14.6-a", severity="violation", subjects=(MD, "assets.mediummigrationplan", "assets.mediummigration",
                                                  "core.parameter"), narrow=MD)
def media_expiring_without_migration(ctx):
    """长期数据在有效期内按转存方案转存:介质临近有效期没有转存方案,或已过有效期仍未在有效期内完成转存。"""
    today = timezone.localdate(ctx.as_of)
    notice = today + timedelta(days=parameter("assets.media_migration_notice_days"))
    planned = MediumMigrationPlan.objects.filter(medium_id=OuterRef("pk"), archived_at__isnull=True)
    migrated = MediumMigration.objects.filter(source_id=OuterRef("pk"), archived_at__isnull=True, verified=True,
                                              performed_at__date__lte=OuterRef("expires_on"))
    qs = ctx.only(StorageMedium.objects.filter(PRESENT, expires_on__isnull=False).filter(
        Q(expires_on__lt=today, ) & ~Exists(migrated) | Q(expires_on__gte=today, expires_on__lte=notice)
        & ~Exists(planned)))
    findings = []
    for r in qs.values("pk", "label_no", "expires_on"):
        if r["expires_on"] < today:
            findings.append(_md(ctx, r, f"介质 {r['label_no']} 已于 {r['expires_on']} 过有效期,未在有效期内完成转存",
                                f"medium {r['label_no']} expired on {r['expires_on']} without a completed migration",
                                since=_end_of(r["expires_on"])))
        else:
            findings.append(_md(ctx, r, f"介质 {r['label_no']} 将于 {r['expires_on']} 到期,尚无转存方案",
                                f"medium {r['label_no']} expires on {r['expires_on']} and has no migration plan",
                                severity="warning", evidence={"notice_days": parameter("assets.media_migration_notice_days")}))
    return findings


@check("p14.6-b", severity="violation", subjects=("assets.mediummigration", "assets.mediummigrationplan"),
       narrow=None)
def migrations_undocumented(ctx):
    """转存数据须有详细文档记录:转存记录缺少内容、数量、校验值或未校验;方案办结却没有转存记录。"""
    bad = MediumMigration.objects.filter(archived_at__isnull=True).filter(
        Q(contents="") | Q(digest="") | Q(item_count=0) | Q(verified=False))
    findings = [ctx.found(("assets.mediummigration", r["pk"], r["number"]),
                          f"转存记录 {r['number']}(介质 {r['source__label_no']})缺少转存内容、数量、校验值或未校验",
                          f"migration {r['number']} lacks its contents, count, digest or verification",
                          since=r["performed_at"])
                for r in bad.values("pk", "number", "source__label_no", "performed_at")]
    done = MediumMigrationPlan.objects.filter(status=MediumMigrationPlan.Status.DONE, archived_at__isnull=True).filter(
        ~Exists(MediumMigration.objects.filter(plan_id=OuterRef("pk"), archived_at__isnull=True)))
    findings += [ctx.found(("assets.mediummigrationplan", r["pk"], r["number"]),
                           f"转存方案 {r['number']}(介质 {r['medium__label_no']})已办结,但没有转存记录",
                           f"plan {r['number']} is done without a migration record")
                 for r in done.values("pk", "number", "medium__label_no")]
    return findings


def _writers():
    return holders_of("security_admin").values("pk")


@check("p05.0.3.2-a", severity="violation", subjects=("assets.mediumcontent", MD, "org.roleassignment"), narrow=None)
def classified_writes_outside_security_section(ctx):
    """涉密信息到信息安全科转存到可移动介质:可移动介质上的涉密内容没有信息安全科(安全保密管理员)的转存登记。"""
    qs = MediumContent.objects.filter(archived_at__isnull=True, classification__gt=0,
                                      medium__kind__in=REMOVABLE_KINDS).filter(
        Q(recorded_by__isnull=True) | Q(recorded_by__person__isnull=True)
        | ~Q(recorded_by__person__in=_writers()))
    return [ctx.found(("assets.mediumcontent", r["pk"], f"{r['medium__label_no']}:{r['description']}"),
                      f"可移动介质 {r['medium__label_no']} 上的涉密内容“{r['description']}”不是由信息安全科转存",
                      f"classified content on removable medium {r['medium__label_no']} was not written by the "
                      f"information security section", evidence={"recorded_by": r["recorded_by__username"]})
            for r in qs.values("pk", "description", "medium__label_no", "recorded_by__username")]


@check("p05.4.1", severity="violation", subjects=("assets.mediumcontent", MD), narrow=None, also=("p05.4.2",))
def sensitive_files_unprotected(ctx):
    """公司秘密、敏感信息只能在涉密介质中加密存储:标为公司秘密或敏感的文档未加密,或存于非涉密介质。"""
    qs = MediumContent.objects.filter(archived_at__isnull=True).exclude(sensitivity="").filter(
        Q(encrypted=False) | Q(medium__classification=0))
    findings = []
    for r in qs.values("pk", "description", "sensitivity", "encrypted", "medium__label_no", "medium__classification"):
        what = "公司秘密" if r["sensitivity"] == MediumContent.Sensitivity.COMPANY_SECRET else "敏感信息"
        why = "未加密" if not r["encrypted"] else "存于非涉密介质"
        findings.append(ctx.found(
            ("assets.mediumcontent", r["pk"], f"{r['medium__label_no']}:{r['description']}"),
            f"介质 {r['medium__label_no']} 上的{what}文档“{r['description']}”{why}",
            f"{r['sensitivity']} file on medium {r['medium__label_no']} is "
            f"{'unencrypted' if not r['encrypted'] else 'on a non-classified medium'}",
            clause="p05.4.1" if r["sensitivity"] == MediumContent.Sensitivity.COMPANY_SECRET else "p05.4.2",
            evidence={"encrypted": r["encrypted"], "medium_classification": r["medium__classification"]}))
    return findings


@check("p08.9.4-a", severity="violation", subjects=("assets.mediumauthorisation",), narrow="assets.mediumauthorisation")
def authorisations_without_joint_review(ctx):
    """会同科技信息部审查涉密介质、设备授权使用:授权没有保密办和科技信息部两人的审查。"""
    qs = ctx.only(MediumAuthorisation.objects.filter(archived_at__isnull=True).filter(
        Q(secrecy_reviewed_by__isnull=True) | Q(technology_reviewed_by__isnull=True)
        | Q(secrecy_reviewed_by=F("technology_reviewed_by"))))
    return [ctx.found(("assets.mediumauthorisation", r["pk"], r["number"]),
                      f"授权 {r['number']}({r['person__name']})没有保密办与科技信息部的联合审查",
                      f"authorisation {r['number']} lacks the joint review of the secrecy office and the "
                      f"technology department")
            for r in qs.values("pk", "number", "person__name")]


def _in_machine_room(prefix=""):
    q = Q(pk__in=[])
    for name in [n.strip() for n in str(parameter("assets.machine_rooms")).split(",") if n.strip()]:
        q |= Q(**{f"{prefix}location__icontains": name})
    return q


@check("p15.2.8-d", severity="violation", subjects=("assets.mediumloan", "assets.removalpass", "assets.transfer",
                                                    "core.parameter"), narrow=None)
def machine_room_removals(ctx):
    """不准将机器设备和数据带出机房:机房设备调出机房、机房介质借出,没有批准的带出登记;或未经批准即带出。"""
    from .models import Transfer

    approved = RemovalPass.objects.filter(approved_by__isnull=False, archived_at__isnull=True)
    moved = Transfer.objects.filter(status__in=(Transfer.Status.EXECUTED, Transfer.Status.FILED), archived_at__isnull=True).filter(
        _in_machine_room("from_")).exclude(_in_machine_room("to_")).filter(
        ~Exists(approved.filter(equipment_id=OuterRef("equipment_id"))))
    findings = [ctx.found(("assets.transfer", r["pk"], r["number"]),
                          f"机房设备 {r['equipment__asset_no']} 调出机房(调用单 {r['number']}),没有批准的带出登记",
                          f"machine-room device {r['equipment__asset_no']} left the room without an approved pass")
                for r in moved.values("pk", "number", "equipment__asset_no")]
    loans = MediumLoan.objects.filter(archived_at__isnull=True).filter(_in_machine_room("medium__")).filter(
        ~Exists(approved.filter(medium_id=OuterRef("medium_id"), approved_at__lte=OuterRef("lent_at"))))
    findings += [ctx.found(("assets.mediumloan", r["pk"], r["number"]),
                           f"机房介质 {r['medium__label_no']} 借出机房(借用单 {r['number']}),没有批准的带出登记",
                           f"machine-room medium {r['medium__label_no']} lent out without an approved pass",
                           since=r["lent_at"])
                 for r in loans.values("pk", "number", "medium__label_no", "lent_at")]
    out = RemovalPass.objects.filter(taken_out_at__isnull=False, approved_by__isnull=True, archived_at__isnull=True)
    findings += [ctx.found(("assets.removalpass", r["pk"], r["number"]), f"带出登记 {r['number']} 未经批准即带出",
                           f"removal {r['number']} happened without approval", since=r["taken_out_at"])
                 for r in out.values("pk", "number", "taken_out_at")]
    return findings


@check("p17.6.5", severity="violation", subjects=("assets.repair", "assets.technicianvisit", "assets.sanitisation"),
       narrow=None)
def repairs_without_sanitisation(ctx):
    """未经处理的计算机设备不得送修或请外来人员维修:送修没有事先的数据清除记录,外来人员维修没有清除记录或数据保护监督决定。"""
    sent = Repair.objects.filter(external=True, sent_at__isnull=False, archived_at__isnull=True).filter(
        Q(sanitisation__isnull=True) | Q(sanitisation__performed_at__gt=F("sent_at")))
    findings = [ctx.found(("assets.repair", r["pk"], r["number"]),
                          f"设备 {r['equipment__asset_no']} 送外维修({r['number']})前没有数据清除记录",
                          f"device {r['equipment__asset_no']} was sent for repair without a prior wipe",
                          since=r["sent_at"])
                for r in sent.values("pk", "number", "equipment__asset_no", "sent_at")]
    visited = TechnicianVisit.objects.filter(repair_id=OuterRef("pk"), archived_at__isnull=True)
    on_site = Repair.objects.filter(archived_at__isnull=True, completed_at__isnull=False).exclude(technician="").filter(
        ~Exists(visited))
    findings += [ctx.found(("assets.repair", r["pk"], r["number"]),
                           f"设备 {r['equipment__asset_no']} 由外来人员{r['technician']}维修({r['number']}),没有数据处理登记",
                           f"device {r['equipment__asset_no']} was repaired by an outside technician without a "
                           f"data-protection record", since=r["completed_at"])
                 for r in on_site.values("pk", "number", "equipment__asset_no", "technician", "completed_at")]
    bad = TechnicianVisit.objects.filter(archived_at__isnull=True).filter(
        Q(protection=TechnicianVisit.Protection.SANITISED)
        & (Q(sanitisation__isnull=True) | Q(sanitisation__performed_at__gt=F("visited_at"))
           | ~Q(sanitisation__equipment_id=F("equipment_id")))
        | Q(protection=TechnicianVisit.Protection.SUPERVISED, protection_note=""))
    findings += [ctx.found(("assets.technicianvisit", r["pk"], r["number"]),
                           f"外来人员维修 {r['number']}(设备 {r['equipment__asset_no']})没有事先的数据清除或保护记录",
                           f"technician visit {r['number']} has no prior wipe or data-protection decision",
                           since=r["visited_at"])
                 for r in bad.values("pk", "number", "equipment__asset_no", "visited_at")]
    return findings
