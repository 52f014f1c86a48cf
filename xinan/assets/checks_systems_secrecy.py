"""Checks over classified information systems (涉密信息系统): set-based queries over the whole
organisation (imported by ``checks``). Each docstring's first line is the check's title."""

from datetime import datetime, time

from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from xinan.policy.checks import check

from .models import Classification, InformationSystem, RegulationDocument, SystemClassificationChange

SYS = "assets.informationsystem"
CLS = "assets.systemclassificationchange"
IS = InformationSystem.Status
CC = SystemClassificationChange


def _classified():
    return InformationSystem.objects.filter(archived_at__isnull=True, classification__gt=Classification.NONE)


def _moment(day):
    return timezone.make_aware(datetime.combine(day, time())) if day else None


def _sys(ctx, r, zh, en, **kw):
    return ctx.found((SYS, r["pk"], r["name"]), zh, en, **kw)


MILESTONE_FIELDS = ("security_standards", "designed_on", "implemented_on", "evaluated_on", "evaluation_body",
                    "evaluation_report", "approved_on", "approval_document_no", "accepted_on")


@check("p08.4-a", severity="violation", subjects=(SYS,), narrow=SYS)
def classified_without_milestones(ctx):
    """涉密系统按国标设计验收:运行中的涉密信息系统缺少依据的保密标准或设计、实施、测评、审批、验收记录,或顺序颠倒。"""
    missing = Q()
    for field in MILESTONE_FIELDS:
        missing |= Q(**{field: ""}) if not field.endswith("_on") else Q(**{f"{field}__isnull": True})
    disorder = (Q(implemented_on__lt=F("designed_on")) | Q(evaluated_on__lt=F("implemented_on"))
                | Q(approved_on__lt=F("evaluated_on")) | Q(accepted_on__lt=F("approved_on"))
                | Q(in_service_on__lt=F("accepted_on")))
    qs = ctx.only(_classified().filter(status=IS.IN_SERVICE).filter(missing | disorder))
    found = []
    for r in qs.values("pk", "name", *MILESTONE_FIELDS, "in_service_on"):
        lacks = [f for f in MILESTONE_FIELDS if r[f] in (None, "")]
        found.append(_sys(ctx, r, f"运行中的涉密信息系统“{r['name']}”"
                                  + (f"缺少:{'、'.join(str(InformationSystem._meta.get_field(f).verbose_name) for f in lacks)}"
                                     if lacks else "的设计、实施、测评、审批、验收日期顺序颠倒"),
                          f"classified system “{r['name']}” in service "
                          + (f"lacks {', '.join(lacks)}" if lacks else "has its milestones out of order"),
                          evidence={f: r[f] for f in MILESTONE_FIELDS + ("in_service_on",)}))
    return found


@check("p08.4-b", severity="violation", subjects=(SYS,), narrow=SYS)
def classified_in_use_without_approval(ctx):
    """未经国家审批不得使用:涉密信息系统投入运行而没有国家审批,或投入运行日期早于国家审批日期。"""
    live = Q(status=IS.IN_SERVICE) | Q(status=IS.DECOMMISSIONED, in_service_on__isnull=False)
    bad = (Q(approved_on__isnull=True) | Q(approval_document_no="") | Q(in_service_on__isnull=True)
           | Q(in_service_on__lt=F("approved_on")))
    qs = ctx.only(_classified().filter(live).filter(bad))
    return [_sys(ctx, r, f"涉密信息系统“{r['name']}”"
                         + ("未经国家审批即投入使用" if r["approved_on"] is None or not r["approval_document_no"]
                            else f"于 {r['in_service_on']} 投入使用,早于国家审批日期 {r['approved_on']}"
                            if r["in_service_on"] else "投入运行日期未登记"),
                 f"classified system “{r['name']}” is in use "
                 + ("without a national approval" if r["approved_on"] is None or not r["approval_document_no"]
                    else "before its national approval" if r["in_service_on"] else "without a recorded go-live date"),
                 since=_moment(r["in_service_on"]),
                 evidence={"approved_on": r["approved_on"], "approval_document_no": r["approval_document_no"],
                           "in_service_on": r["in_service_on"]})
            for r in qs.values("pk", "name", "approved_on", "approval_document_no", "in_service_on")]


@check("p08.12-b", severity="violation", subjects=(SYS, "assets.regulationdocument"), narrow=None)
def classified_without_regulation(ctx):
    """确定应用系统密级:开发建设或运行中的涉密信息系统没有关联现行有效的二级保密管理制度。"""
    ok = Q(secrecy_regulation__archived_at__isnull=True, secrecy_regulation__status=RegulationDocument.Status.IN_FORCE,
           secrecy_regulation__topic=RegulationDocument.Topic.SECRECY)
    qs = _classified().filter(status__in=InformationSystem.PAST_DESIGN).exclude(ok)
    return [_sys(ctx, r, f"涉密信息系统“{r['name']}”("
                         f"{Classification(r['classification']).label})没有关联现行有效的二级保密管理制度",
                 f"classified system “{r['name']}” has no in-force second-level secrecy regulation linked",
                 evidence={"classification": r["classification"], "regulation": r["secrecy_regulation__title"],
                           "regulation_status": r["secrecy_regulation__status"]})
            for r in qs.values("pk", "name", "classification", "secrecy_regulation__title",
                               "secrecy_regulation__status")]


@check("p08.9.6", severity="violation", subjects=(SYS, CLS), narrow=None)
def classification_without_review(ctx):
    """定密变更解密审核:信息系统的密级没有经保密办审核通过的定密、变更或解密记录,或审核人是申请人。"""
    latest = (CC.objects.filter(system=OuterRef("pk"), status=CC.Status.APPROVED, archived_at__isnull=True)
              .order_by("-reviewed_at", "-pk").values("to_level")[:1])
    systems = (InformationSystem.objects.filter(archived_at__isnull=True).annotate(reviewed_level=Subquery(latest))
               .filter(Q(reviewed_level__isnull=True, classification__gt=Classification.NONE)
                       | (Q(reviewed_level__isnull=False) & ~Q(reviewed_level=F("classification")))))
    found = [_sys(ctx, r, f"信息系统“{r['name']}”的密级({Classification(r['classification']).label})"
                          f"没有经保密办审核通过的定密、变更或解密记录",
                  f"the level of system “{r['name']}” was set or changed without a secrecy-office review",
                  key="level", evidence={"classification": r["classification"], "reviewed_level": r["reviewed_level"]})
             for r in systems.values("pk", "name", "classification", "reviewed_level")]
    changes = CC.objects.filter(status=CC.Status.APPROVED, archived_at__isnull=True).filter(
        Q(reviewed_by__isnull=True) | Q(reviewed_at__isnull=True) | Q(reviewed_by__person_id=F("requested_by_id")))
    for r in changes.values("pk", "system__name", "kind", "requested_by__name", "reviewed_by__username"):
        found.append(ctx.found((CLS, r["pk"], f"{r['system__name']}({CC.Kind(r['kind']).label})"),
                               f"信息系统“{r['system__name']}”的{CC.Kind(r['kind']).label}没有申请人以外的保密办审核",
                               f"the {r['kind']} of system “{r['system__name']}” has no review by someone other "
                               f"than the requester",
                               evidence={"requested_by": r["requested_by__name"],
                                         "reviewed_by": r["reviewed_by__username"]}))
    return found
