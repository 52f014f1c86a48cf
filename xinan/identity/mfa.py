"""The second factor: TOTP (RFC 6238, ``pyotp``) with one-time recovery codes.

Required for every role with ``requires_mfa`` (system_admin, security_admin, auditor); anyone
else may enrol. The secret is stored only encrypted (``secrets_box``, AES-256-GCM, key outside
the database, bound to the account); recovery codes only as keyed hashes, shown once. A code is
accepted once: the time step it matched is remembered and no earlier or equal step is taken
again. Wrong codes count towards the login lockout like wrong passwords (p04.6.2-b).
p27.2.12-b (graded credential management), p27.2.12-c (secrets never stored in clear).
"""

import hmac
import re
import secrets
import time
from datetime import timedelta

import pyotp
import segno
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record
from xinan.core.services import require

from . import parameters as p
from . import secrets_box, selectors, session_keys
from .models import RecoveryCode, User

ISSUER = "信安 xinan"
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or typed from paper
VALID_WINDOW = 1  # one step either side, for clock drift


def _aad(user: User) -> str:
    return f"identity.user.mfa_secret:{user.pk}"


def secret_of(user: User) -> str:
    return secrets_box.decrypt(user.mfa_secret, _aad(user))


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(data: str) -> str:
    """An inline SVG QR code, made on the server (no third-party service sees the secret)."""
    return segno.make(data, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff")


def mfa_enrol_begin(user: User) -> str:
    """Start (or resume) enrolment: a new secret, stored encrypted, not yet enabled."""
    if user.mfa_enabled:
        raise ValidationError(_("已启用双因素认证 / the second factor is already enabled"))
    if user.mfa_secret:
        try:
            return secret_of(user)
        except secrets_box.SecretsBoxError:
            pass  # a pending secret under a lost key: start again
    secret = pyotp.random_base32()
    with audited_write():
        user.mfa_secret = secrets_box.encrypt(secret, _aad(user))
        user.save(update_fields=["mfa_secret"])
        record(user, "identity.mfa.enrol_begin", user)
    return secret


def _match_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The time step ``code`` belongs to (within the window), or None."""
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(at if at is not None else time.time())
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes by ten new ones (inside the caller's audited_write)."""
    for old in list(user.recovery_codes.all()):
        old.delete()
    codes = []
    for _i in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _j in range(10))
        RecoveryCode(user=user, code_hash=secrets_box.keyed_hash(raw, f"recovery:{user.pk}")).save()
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def _mark_verified(request) -> None:
    if request is not None:
        request.session.cycle_key()  # a new session id once the session is fully authenticated
        request.session[session_keys.MFA_VERIFIED] = True


def mfa_enrol_confirm(request, user: User, code: str) -> list[str]:
    """Confirm enrolment with a code from the app: enables the factor, marks this session
    verified and returns the ten recovery codes (to be shown once)."""
    if selectors.is_locked(user):
        raise ValidationError(_("账号已锁定 / the account is locked"))
    if user.mfa_enabled or not user.mfa_secret:
        raise ValidationError(_("请先开始双因素认证登记 / start the enrolment first"))
    step = _match_step(secret_of(user), _normalise(code))
    if step is None:
        _count_failure(request, user, "enrol_wrong_code")
        raise ValidationError(_("验证码不正确 / the code is wrong"))
    with audited_write():
        user.mfa_enabled, user.mfa_last_step = True, step
        user.save(update_fields=["mfa_enabled", "mfa_last_step"])
        codes = _new_recovery_codes(user)
        record(user, "identity.mfa.enable", user, after={"mfa_enabled": True, "recovery_codes": len(codes)})
    _mark_verified(request)
    return codes


def _count_failure(request, user: User, reason: str) -> None:
    """A wrong second factor counts like a wrong password; at the threshold the account locks
    and this half-authenticated session ends."""
    from .services import logout

    now = timezone.now()
    with audited_write():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.failed_logins += 1
        locked.last_failed_at = now
        if locked.failed_logins >= p.value(p.LOCKOUT_THRESHOLD):
            locked.locked_until = now + timedelta(minutes=p.value(p.LOCKOUT_MINUTES))
        locked.save(update_fields=["failed_logins", "last_failed_at", "locked_until"])
        record(user, "identity.mfa.verify_failed", locked, after={"reason": reason, "failed_logins": locked.failed_logins})
        if selectors.is_locked(locked, now):
            record(None, "identity.lockout", locked, after={"failed_logins": locked.failed_logins,
                                                            "locked_until": locked.locked_until.isoformat()})
    user.failed_logins, user.locked_until = locked.failed_logins, locked.locked_until
    if request is not None and selectors.is_locked(locked, now):
        logout(request, reason="lockout")


def mfa_verify(request, user: User, code: str) -> str:
    """Check a TOTP code or a recovery code for this session; returns ``"totp"`` or
    ``"recovery"``, raises ``ValidationError`` otherwise (a replayed code included)."""
    if selectors.is_locked(user):
        raise ValidationError(_("账号已锁定 / the account is locked"))
    if not user.mfa_enabled:
        raise ValidationError(_("尚未启用双因素认证 / the second factor is not enabled"))
    code = _normalise(code)
    if len(code) == 10:
        return _use_recovery_code(request, user, code)
    step = _match_step(secret_of(user), code)
    with audited_write():
        fresh = User.objects.select_for_update().get(pk=user.pk)
        replay = step is not None and fresh.mfa_last_step is not None and step <= fresh.mfa_last_step
        if step is not None and not replay:
            fresh.mfa_last_step, fresh.failed_logins = step, 0
            fresh.save(update_fields=["mfa_last_step", "failed_logins"])
            record(user, "identity.mfa.verify", fresh, after={"method": "totp"})
    if step is None or replay:
        _count_failure(request, user, "replayed_code" if replay else "wrong_code")
        if replay:
            raise ValidationError(_("该验证码已使用,请等待下一个 / that code was already used; wait for the next one"))
        raise ValidationError(_("验证码不正确 / the code is wrong"))
    user.mfa_last_step, user.failed_logins = step, 0
    _mark_verified(request)
    return "totp"


def _use_recovery_code(request, user: User, code: str) -> str:
    digest = secrets_box.keyed_hash(code, f"recovery:{user.pk}")
    with audited_write():
        row = RecoveryCode.objects.select_for_update().filter(user=user, code_hash=digest, used_at__isnull=True).first()
        if row is not None:
            row.used_at = timezone.now()
            row.save(update_fields=["used_at"])
            User.objects.filter(pk=user.pk).update(failed_logins=0)
            left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
            record(user, "identity.mfa.recovery_used", user, after={"method": "recovery", "remaining": left})
    if row is None:
        _count_failure(request, user, "wrong_recovery_code")
        raise ValidationError(_("恢复码不正确或已使用 / the recovery code is wrong or already used"))
    _mark_verified(request)
    return "recovery"


def recovery_codes_remaining(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def recovery_codes_regenerate(user: User) -> list[str]:
    """Ten new recovery codes for an enrolled account; the old ones stop working."""
    if not user.mfa_enabled:
        raise ValidationError(_("尚未启用双因素认证 / the second factor is not enabled"))
    with audited_write():
        codes = _new_recovery_codes(user)
        record(user, "identity.mfa.recovery_regenerate", user, after={"recovery_codes": len(codes)})
    return codes


def mfa_reset(actor, user: User, reason: str) -> User:
    """For a lost device: the security administrator (``identity.account.unlock``) removes the
    factor; the holder enrols again at the next login."""
    require(actor, "identity.account.unlock")
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied(_("不得重置本人的双因素认证 / you may not reset your own second factor"))
    if not (reason or "").strip():
        raise ValidationError(_("请填写理由 / give the reason"))
    with audited_write():
        user.mfa_secret, user.mfa_enabled, user.mfa_last_step = "", False, None
        user.save(update_fields=["mfa_secret", "mfa_enabled", "mfa_last_step"])
        for row in list(user.recovery_codes.all()):
            row.delete()
        record(actor, "identity.mfa.reset", user, after={"mfa_enabled": False}, reason=reason)
    return user
