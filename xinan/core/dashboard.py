"""总览 (the dashboard): a few organisation counts and the audit chain's state.

Each card is shown only to a user holding the permission for what it counts, and scoped as the
registers are (a department-scoped role counts its own departments). The page runs a small,
constant number of queries whatever the size of the organisation. The compliance card shows the
computed rates to holders of ``policy.report.view`` and links to the compliance dashboard.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from xinan.org.permissions import has_perm, scope_queryset


def _org_counts(user) -> dict:
    from xinan.org.models import Department, Person, RoleAssignment

    counts = {}
    if has_perm(user, "org.department.view"):
        departments = Department.objects.filter(archived_at__isnull=True)
        counts["departments"] = scope_queryset(user, "org.department.view", departments, "self").count()
    if has_perm(user, "org.person.view"):
        people = Person.objects.filter(archived_at__isnull=True, status=Person.Status.ACTIVE)
        counts["people"] = scope_queryset(user, "org.person.view", people, "department").count()
    if has_perm(user, "org.role.view"):
        counts["pending_grants"] = RoleAssignment.objects.filter(status=RoleAssignment.Status.PENDING).count()
    return counts


def _field(status, *names, default=None):
    """Reads the first present key/attribute of a chain status given as a mapping or an object."""
    for name in names:
        if isinstance(status, dict):
            if name in status:
                return status[name]
        elif hasattr(status, name):
            return getattr(status, name)
    return default


def audit_status() -> dict:
    """The chain's length and head hash, and (if the audit app reports it) whether it verified.

    Uses ``xinan.audit.selectors.chain_status()`` when that exists; it must be cheap (no full
    verification on a page view). Otherwise reads ``AuditHead`` and the latest checkpoint.
    """
    try:
        from xinan.audit.selectors import chain_status
    except ImportError:
        chain_status = None
    if chain_status is not None:
        status = chain_status()
        return {
            "source": "selector",
            "seq": _field(status, "seq", "head_seq", "length", default=0),
            "hash": _field(status, "hash", "head_hash", default="") or "",
            "ok": _field(status, "ok", "intact", "verified"),
            "checked_at": _field(status, "checked_at", "verified_at"),
            "checkpoint_seq": _field(status, "checkpoint_seq"),
            "checkpoint_at": _field(status, "checkpoint_at"),
            "message": _field(status, "message", default=""),
        }
    from xinan.audit.models import AuditCheckpoint, AuditHead

    head = AuditHead.objects.filter(pk=1).values("seq", "hash").first() or {"seq": 0, "hash": ""}
    checkpoint = AuditCheckpoint.objects.order_by("-seq").values("seq", "at").first()
    return {
        "source": "head",
        "seq": head["seq"],
        "hash": head["hash"],
        "ok": None,
        "checked_at": None,
        "checkpoint_seq": checkpoint["seq"] if checkpoint else None,
        "checkpoint_at": checkpoint["at"] if checkpoint else None,
        "message": "",
    }


def _may_see_audit(user) -> bool:
    return has_perm(user, "audit.event.view") or has_perm(user, "audit.checkpoint.view")


def compliance_summary(user) -> dict | None:
    """合规概览 for holders of ``policy.report.view``: the overall rates and open findings
    (``xinan.policy.compliance``: two queries)."""
    if not has_perm(user, "policy.report.view"):
        return None
    from xinan.policy.compliance import clause_statuses, tally

    return tally(clause_statuses())


@login_required
def dashboard(request):
    user = request.user
    context = {
        "counts": _org_counts(user),
        "audit": audit_status() if _may_see_audit(user) else None,
        "compliance": compliance_summary(user),
    }
    return render(request, "core/dashboard.html", context)
