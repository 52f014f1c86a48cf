"""Reads of identity: which rule class an account falls in, which accounts are locked."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from . import parameters as p
from .models import User


def _active_roles(user):
    from xinan.org.models import Role

    if user is None or getattr(user, "person_id", None) is None:
        return Role.objects.none()
    return Role.objects.filter(assignments__person_id=user.person_id, assignments__status="active")


def _any_role(user, flag: str) -> bool:
    # A request's user carries its assignments already read (xinan.org.permissions); elsewhere ask.
    cached = getattr(user, "_xinan_assignments", None)
    if cached is not None:
        return any(getattr(a.role, flag) for a in cached)
    return _active_roles(user).filter(**{flag: True}).exists()


def is_administrator(user) -> bool:
    """Administrators and the 三员 (any active role with ``is_administrator``) follow the
    administrator rules: longer passwords (p04.3-c) and a shorter life (p04.3-a)."""
    return _any_role(user, "is_administrator")


def requires_mfa(user) -> bool:
    """Any active role with ``requires_mfa`` (system_admin, security_admin, auditor)."""
    return _any_role(user, "requires_mfa")


def password_length_gt(user) -> int:
    return p.value(p.ADMIN_LENGTH_GT if is_administrator(user) else p.LENGTH_GT)


def password_max_age_days(user) -> int:
    return p.value(p.ADMIN_MAX_AGE_DAYS if is_administrator(user) else p.MAX_AGE_DAYS)


def password_expires_at(user):
    if user.password_changed_at is None:
        return None
    return user.password_changed_at + timedelta(days=password_max_age_days(user))


def password_expired(user, now=None) -> bool:
    """p04.3-a (15 days for administrators), p02.3.2-a (a month for others): a password older
    than its class's age has expired; one never recorded as changed counts as expired."""
    expires = password_expires_at(user)
    return expires is None or (now or timezone.now()) >= expires


def password_change_required(user) -> bool:
    return bool(user.must_change_password) or password_expired(user)


def is_locked(user, now=None) -> bool:
    return user.locked_until is not None and user.locked_until > (now or timezone.now())


def accounts_locked_or_failing(now=None):
    """Accounts locked now, or with failed logins since their last success (for the security
    administrator's page), most recently failing first."""
    now = now or timezone.now()
    return (
        User.objects.filter(Q(locked_until__gt=now) | Q(failed_logins__gt=0))
        .select_related("person", "person__department")
        .order_by("-locked_until", "-last_failed_at", "username")
    )
