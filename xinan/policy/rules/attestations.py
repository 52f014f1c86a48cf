"""The clauses the catalogue says records cannot show (``check: attestation…``): each needs an
approved attestation (合规声明) whose period covers the day. One check covers them all; each
finding names its own clause."""

from datetime import datetime, time, timedelta

from django.db.models import Max
from django.utils import timezone

from .. import catalogue
from ..checks import check
from ..models import Attestation


def _clauses():
    from ..resolution import attestation_clauses

    return attestation_clauses()


@check(None, check_id="attestation", severity="warning", subjects=("policy.attestation",), covers=_clauses)
def clauses_not_attested(ctx):
    """以声明为证的条款:当日没有已批准且在有效期内的合规声明。"""
    day = timezone.localdate(ctx.as_of)
    approved = Attestation.objects.filter(status=Attestation.Status.APPROVED, archived_at__isnull=True)
    covered = set(approved.filter(period_start__lte=day, period_end__gte=day).values_list("clause", flat=True))
    missing = [cid for cid in _clauses() if cid not in covered]
    lapsed = dict(approved.filter(clause__in=missing, period_end__lt=day).values("clause")
                  .annotate(last=Max("period_end")).values_list("clause", "last"))
    cat = catalogue.load()
    findings = []
    for cid in missing:
        title = cat.get(cid).title
        last = lapsed.get(cid)
        since = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min)) if last else None
        findings.append(ctx.found(
            ("policy.clause", cid, f"{cid} {title}"),
            f"条款 {cid}「{title}」在 {day} 没有已批准的有效合规声明",
            f"clause {cid}: no approved attestation covers {day}",
            clause=cid, since=since, evidence={"last_period_end": last},
        ))
    return findings
