"""Login, logout, lockout and the account's life (create, deactivate, unlock).

- Every login, failed login, lockout and logout is one audit event (p04.2 reads them; p04.6.2-b:
  guessing other users' passwords is stopped by locking after ``identity.lockout.threshold``
  failures for ``identity.lockout.minutes``, and is visible to the security administrator).
- Passwords are checked with Django's Argon2id hasher (p04.4-a, p27.2.12-c); the password, its
  hash and the TOTP secret never appear in an audit image.
- A departing person's account is deactivated in the departure's own transaction
  (p21.5.1.5-d, p04.4-c).
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, digest, record, snapshot
from xinan.core.services import require

from . import parameters as p
from . import passwords, selectors, session_keys
from .models import User

USERNAME_MAX = 64


@dataclass
class LoginResult:
    """``next_step`` is where the login view sends the user: ``mfa_verify``, ``mfa_enroll``,
    ``password_change`` or ``None`` (straight in)."""

    ok: bool
    reason: str  # ok | bad_credentials | locked | inactive
    message: str = ""
    user: User | None = None
    next_step: str | None = None


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return make_password(get_random_string(32))


def _client_ip(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "")[:45] if request is not None else ""


def _bad_credentials() -> str:
    return _("用户名或口令不正确 / wrong user name or password")


def _locked_message(user: User) -> str:
    until = timezone.localtime(user.locked_until).strftime("%Y-%m-%d %H:%M")
    return _("账号已锁定至 %(until)s,请稍后再试或联系安全保密管理员 / the account is locked until %(until)s; "
             "try later or ask the security administrator") % {"until": until}


def next_step(request, user: User) -> str | None:
    """What the session still lacks, in order: the second factor of an enrolled account, a new
    password, then enrolment for a role that requires the second factor."""
    verified = bool(request.session.get(session_keys.MFA_VERIFIED))
    if user.mfa_enabled and not verified:
        return "mfa_verify"
    if selectors.password_change_required(user):
        return "password_change"
    if not verified and selectors.requires_mfa(user):
        return "mfa_enroll"
    return None


def _fail(request, username: str, user: User | None, reason: str, count_failure: bool) -> LoginResult:
    """Record a refused login; count it against the account and lock it at the threshold."""
    now = timezone.now()
    # An unknown name may be a password typed into the wrong box: keep only its keyed digest.
    shown = username if user is not None else digest(username)
    after = {"username": shown, "reason": reason, "ip": _client_ip(request)}
    with audited_write():
        if user is not None:
            user = User.objects.select_for_update().get(pk=user.pk)
        if user is not None and count_failure:
            if user.locked_until is not None and user.locked_until <= now:
                user.failed_logins, user.locked_until = 0, None  # an expired lock starts a new count
            user.failed_logins += 1
            user.last_failed_at = now
            after["failed_logins"] = user.failed_logins
            threshold = p.value(p.LOCKOUT_THRESHOLD)
            if user.failed_logins >= threshold:
                user.locked_until = now + timedelta(minutes=p.value(p.LOCKOUT_MINUTES))
            user.save(update_fields=["failed_logins", "last_failed_at", "locked_until"])
        subject = user if user is not None else ("identity.user", "", shown)
        record(None, "identity.login_failed", subject, after=after)
        if user is not None and count_failure and user.locked_until and user.locked_until > now:
            record(None, "identity.lockout", user,
                   after={"failed_logins": user.failed_logins, "locked_until": user.locked_until.isoformat()})
            reason = "locked"
    message = _locked_message(user) if reason == "locked" else _bad_credentials()
    return LoginResult(ok=False, reason=reason, message=message, user=None)


def login_attempt(request, username: str, password: str) -> LoginResult:
    """Check a user name and password; on success log the session in (Django ``login``) in the
    same transaction as the ``identity.login`` event.

    A locked account is refused whatever the password (the password is still hashed, so the
    answer takes as long and says nothing about it). An unknown user name is hashed against a
    dummy too, and audited with the name attempted."""
    username = (username or "").strip()[:USERNAME_MAX]
    password = password or ""
    user = User.objects.select_related("person").filter(username=username).first()
    if user is None:
        check_password(password, _dummy_hash())
        return _fail(request, username, None, "unknown_user", count_failure=False)
    if selectors.is_locked(user):
        check_password(password, _dummy_hash())
        return _fail(request, username, user, "locked", count_failure=False)
    if not user.is_active:
        check_password(password, _dummy_hash())
        return _fail(request, username, user, "inactive", count_failure=False)
    with audited_write():
        # check_password may re-hash with newer parameters and save: inside the transaction.
        password_ok = user.check_password(password) if password else False
        if password_ok:
            now = timezone.now()
            before = {"failed_logins": user.failed_logins,
                      "locked_until": user.locked_until.isoformat() if user.locked_until else None}
            user.failed_logins, user.locked_until, user.last_login = 0, None, now
            user.save(update_fields=["failed_logins", "locked_until", "last_login"])
            auth_login(request, user, backend="xinan.identity.backends.RoleBackend")
            request.session[session_keys.MFA_VERIFIED] = False
            request.session[session_keys.LAST_ACTIVITY] = now.timestamp()
            record(user, "identity.login", user, before=before,
                   after={"ip": _client_ip(request), "mfa_enabled": user.mfa_enabled})
    if not password_ok:
        return _fail(request, username, user, "bad_credentials", count_failure=True)
    passwords.password_expire_if_due(user)
    return LoginResult(ok=True, reason="ok", user=user, next_step=next_step(request, user))


def logout(request, *, reason: str = "") -> None:
    """End the session (audited as ``identity.logout``; ``reason`` is e.g. ``idle``)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        with audited_write():
            record(user, "identity.logout", user, after={"ip": _client_ip(request)}, reason=reason)
    auth_logout(request)


def account_unlock(actor, user: User, reason: str) -> User:
    """The security administrator lifts a lockout (permission ``identity.account.unlock``)."""
    require(actor, "identity.account.unlock")
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied(_("不得解除本人账号的锁定 / you may not unlock your own account"))
    if not (reason or "").strip():
        raise ValidationError(_("请填写解锁理由 / give the reason for unlocking"))
    with audited_write():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = {"failed_logins": user.failed_logins,
                  "locked_until": user.locked_until.isoformat() if user.locked_until else None}
        user.failed_logins, user.locked_until = 0, None
        user.save(update_fields=["failed_logins", "locked_until"])
        record(actor, "identity.account.unlock", user, before=before,
               after={"failed_logins": 0, "locked_until": None}, reason=reason)
    return user


def account_create(actor, person, username: str, password: str, *, reason: str = "") -> User:
    """Open a login account for a person (permission ``identity.account.manage``). The initial
    password follows the person's rules and must be changed at first login (p04.4-b: every
    account has a password)."""
    require(actor, "identity.account.manage")
    username = (username or "").strip()
    if not username or len(username) > USERNAME_MAX:
        raise ValidationError(_("用户名须为 1–%(n)s 个字符 / the user name must have 1–%(n)s characters") % {"n": USERNAME_MAX})
    if person.status != person.Status.ACTIVE:
        raise ValidationError(_("只能为在岗人员开设账号 / accounts are opened only for active people"))
    if User.objects.filter(person=person).exists():
        raise ValidationError(_("该人员已有账号 / the person already has an account"))
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("用户名已被使用 / the user name is taken"))
    user = User(username=username, person=person, must_change_password=True)
    errors = passwords.password_validate(user, password)
    if errors:
        raise ValidationError(errors)
    with audited_write():
        passwords._store(user, password, must_change=True)
        record(actor, "identity.account.create", user, after=snapshot(user), reason=reason)
    return user


def _deactivate(actor, user: User, reason: str) -> User:
    with audited_write():
        before = snapshot(user, ["is_active"])
        user.is_active = False
        user.save(update_fields=["is_active"])
        record(actor, "identity.account.deactivate", user, before=before, after=snapshot(user, ["is_active"]),
               reason=reason)
    return user


def account_deactivate(actor, user: User, *, reason: str) -> User:
    """Disable an account (permission ``identity.account.manage``); its sessions end at their next
    request because the backend loads only active accounts."""
    require(actor, "identity.account.manage")
    if not user.is_active:
        raise ValidationError(_("账号已停用 / the account is already disabled"))
    return _deactivate(actor, user, reason)


def on_person_departed(sender, person, job_change, actor, **kwargs) -> None:
    """p21.5.1.5-d, p04.4-c: a person who leaves loses their account at once, in the departure's
    transaction (so the two commit together or not at all)."""
    user = User.objects.filter(person=person, is_active=True).first()
    if user is not None:
        _deactivate(actor, user, _("人员离职 / person left"))
