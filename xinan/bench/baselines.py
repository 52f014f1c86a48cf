"""The in-run baselines of ``make bench``: a few checks written the naive way, as a loop over the
objects through the ORM (one object at a time, related rows fetched as they are touched), to
compare with the set-based checks of ``xinan.policy`` (which must be ≥ 30× faster).

Each loop returns the subject ids it finds, the same ids its set-based check reports (the runner
asserts so), so the comparison is between two programs with one answer.
"""

from xinan.assets.checks import IN_SERVICE
from xinan.assets.models import Equipment
from xinan.identity.models import User
from xinan.policy import pack

COMPARED = ("p02.3.2-a", "p10.38-b", "p01.2.1-b", "p01.2.2-a", "p16.2.1-a", "p21.3")


def _in_service(e) -> bool:
    return e.archived_at is None and e.status in IN_SERVICE


def user_passwords_stale(as_of) -> set:
    cutoff = pack.param("p02.3.2-a", "max_interval").before(as_of)
    found = set()
    for user in User.objects.all():
        if not user.is_active or (user.person and user.person.status == "left"):
            continue
        grants = user.person.role_assignments.filter(status="active") if user.person else []
        if any(g.role.is_administrator for g in grants):
            continue
        if user.password_changed_at is None or user.password_changed_at < cutoff:
            found.add(user.pk)
    return found


def departed_accounts_enabled(as_of) -> set:
    cutoff = pack.param("p10.38-b", "within").before(as_of)
    found = set()
    for user in User.objects.all():
        person = user.person
        if user.is_active and person and person.status == "left" and (
                person.status_changed_at is None or person.status_changed_at < cutoff):
            found.add(user.pk)
    return found


def computers_without_responsible(as_of) -> set:
    return {e.pk for e in Equipment.objects.all()
            if _in_service(e) and e.kind in Equipment.COMPUTERS and e.responsible is None}


def workstation_user_not_responsible(as_of) -> set:
    return {e.pk for e in Equipment.objects.all()
            if _in_service(e) and e.kind in Equipment.WORKSTATIONS
            and (e.user is None or e.responsible is None or e.user.pk != e.responsible.pk)}


def servers_without_administrator(as_of) -> set:
    return {e.pk for e in Equipment.objects.all()
            if _in_service(e) and e.kind == Equipment.Kind.SERVER
            and (e.administrator is None or e.administrator.status != "active")}


def important_assets_without_impact(as_of) -> set:
    return {e.pk for e in Equipment.objects.all() if _in_service(e) and e.important and not e.impact}


LOOPS = {
    "p02.3.2-a": user_passwords_stale,
    "p10.38-b": departed_accounts_enabled,
    "p01.2.1-b": computers_without_responsible,
    "p01.2.2-a": workstation_user_not_responsible,
    "p16.2.1-a": servers_without_administrator,
    "p21.3": important_assets_without_impact,
}
