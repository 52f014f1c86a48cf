"""Personal API tokens (个人 API 令牌): create, revoke, authenticate.

A token reads ``xn_<prefix>_<secret>``: ``prefix`` (8 hex digits) names the token in lists and
audit events; ``secret`` comes from ``secrets``. The plaintext is returned once by
``token_create`` and never stored: the database keeps HMAC-SM3 of it under the audit HMAC key,
which lives in a key file outside the database, so a dump of the database alone cannot be used
to test guesses (p04.4-a, 口令文件隐性保存). Rotating that key invalidates every token.

A token acts with the person's roles, narrowed by its scopes (permission patterns such as
``org.person.view``, ``org.*`` or ``*``): a request authenticated by a token may do only what
the person may do AND a scope allows (p04.6.1, 仅在授权范围内操作). A token of a person who has
left, of an inactive account, or one expired or revoked, authenticates nobody (p04.4-c).
"""

import hmac
import re
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinan.audit import keys
from xinan.audit.services import audited_write, record, snapshot
from xinan.core import parameters, versions
from xinan.org import permissions

from .models import ApiToken, User

TOKEN_PREFIX = "xn"
PREFIX_HEX_LEN = 8
# last_used_at is written at most once per this interval, so a busy client does not turn every
# request into a database write.
LAST_USED_RESOLUTION = timedelta(minutes=1)

VIEW_ALL_PERMISSION = "identity.apitoken.view"
REVOKE_ANY_PERMISSION = "identity.apitoken.revoke"

MAX_DAYS = parameters.define(
    "identity.api_token_max_days", 365, gettext_lazy("API 令牌最长有效期(天)"),
    minimum=1, maximum=3650, clauses=("p04.6.1",), permission="identity.parameter.change",
)

_SCOPE_RE = re.compile(r"^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){0,1}\.\*|[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)$")
_TOKEN_RE = re.compile(rf"^{TOKEN_PREFIX}_([0-9a-f]{{{PREFIX_HEX_LEN}}})_([A-Za-z0-9_-]{{20,100}})$")


def token_digest(plaintext: str) -> str:
    """HMAC-SM3 of the whole plaintext under the installation's audit HMAC key (64 hex digits)."""
    return hmac.new(keys.hmac_key(), plaintext.encode(), "sm3").hexdigest()


def _audit_image(token: ApiToken) -> dict:
    # snapshot() leaves out ``digest`` (ApiToken.audit_omit_fields); the plaintext is never on
    # the instance at all. The prefix stays: it is public and tells which token an event is about.
    return snapshot(token)


def _subject(token: ApiToken):
    return ("identity.apitoken", token.pk, f"{token.name} ({token.prefix})")


def clean_scopes(scopes) -> list[str]:
    if isinstance(scopes, str):
        scopes = scopes.replace(",", " ").split()
    cleaned = []
    for scope in scopes or []:
        scope = str(scope).strip()
        if not _SCOPE_RE.match(scope):
            raise ValidationError({"scopes": _("范围格式无效:%(s)s / invalid scope: %(s)s") % {"s": scope[:60]}})
        if scope not in cleaned:
            cleaned.append(scope)
    if not cleaned:
        raise ValidationError({"scopes": _("至少需要一个范围 / at least one scope is required")})
    return cleaned


def _usable(user) -> bool:
    if user is None or not user.is_active:
        return False
    person = user.person
    return person is not None and person.status == person.Status.ACTIVE


def token_create(actor, user: User, name: str, scopes, expires_at=None) -> tuple[ApiToken, str]:
    """Create a token for ``user`` and return it with its plaintext, which is shown once.

    Only the person themself may create their tokens (``actor=None`` is the system). Without
    ``expires_at`` the token lives for the parameter ``identity.api_token_max_days``; a later
    expiry than that is refused.
    """
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied(_("只能为本人创建 API 令牌 / you may create API tokens only for yourself"))
    if not _usable(user):
        raise ValidationError(_("账号未启用或人员不在岗,不能创建令牌 / the account or person is not active"))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌名称 / a name is required")})
    if len(name) > 100:
        raise ValidationError({"name": _("名称过长 / the name is too long")})
    scopes = clean_scopes(scopes)
    now = timezone.now()
    latest = now + timedelta(days=int(parameters.get(MAX_DAYS.key)))
    if expires_at is None:
        expires_at = latest
    if expires_at <= now:
        raise ValidationError({"expires_at": _("到期时间须晚于现在 / the expiry must be in the future")})
    if expires_at > latest + timedelta(minutes=1):
        raise ValidationError({"expires_at": _("到期时间超过允许的最长有效期 / the expiry exceeds the maximum lifetime")})

    prefix = secrets.token_hex(PREFIX_HEX_LEN // 2)
    plaintext = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with audited_write():
        token = ApiToken(user=user, name=name, prefix=prefix, digest=token_digest(plaintext), scopes=scopes,
                         expires_at=expires_at)
        token.save()
        record(actor, "identity.apitoken.create", _subject(token), after=_audit_image(token))
    return token, plaintext


def token_revoke(actor, token: ApiToken, *, reason: str = "") -> ApiToken:
    """Revoke a token: its owner may, and whoever holds ``identity.apitoken.revoke`` (安全保密管理员)."""
    if actor is not None and actor.pk != token.user_id and not permissions.has_perm(actor, REVOKE_ANY_PERMISSION):
        raise PermissionDenied(_("无权撤销他人的令牌 / you may not revoke another person's token"))
    if token.revoked_at is not None:
        raise ValidationError(_("该令牌已撤销 / the token is already revoked"))
    with audited_write():
        before = snapshot(token, ["revoked_at"])
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor, "identity.apitoken.revoke", _subject(token), before=before,
               after=snapshot(token, ["revoked_at"]), reason=reason)
    return token


def token_lookup(plaintext: str) -> ApiToken | None:
    """The live token behind ``plaintext`` (not expired, not revoked, owner usable), else None."""
    if not isinstance(plaintext, str):
        return None
    match = _TOKEN_RE.match(plaintext.strip())
    if match is None:
        return None
    wanted = token_digest(plaintext.strip())
    # The lookup is by the keyed digest, which an attacker cannot steer, so the index search
    # leaks nothing about stored values; compare_digest guards the final comparison anyway.
    if versions.in_request():  # kept until a token, account or person changes; each request its own copy
        token = versions.fresh_copy(_tokens.get_or_build(wanted, lambda: _read_token(wanted)))
    else:
        token = _read_token(wanted)
    if token is None or not hmac.compare_digest(token.digest, wanted) or token.prefix != match.group(1):
        return None
    now = timezone.now()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if not _usable(token.user):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # Bookkeeping, not a change of anything a person decided: a queryset update bypasses
        # AuditedModel.save on purpose, so using a token neither needs an audit event nor turns
        # each API call into an audit write. Throttled to once a minute per token.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def _read_token(digest: str):
    return ApiToken.objects.select_related("user", "user__person").filter(digest=digest).first()


_tokens = versions.VersionedCache(size=1024)


def token_authenticate(plaintext: str) -> User | None:
    """The user a token stands for, restricted to the token's scopes, or None.

    The returned instance carries ``_xinan_token_scopes``, which ``xinan.org.permissions``
    intersects with the person's grants for the rest of the request.
    """
    token = token_lookup(plaintext)
    if token is None:
        return None
    user = token.user
    user._xinan_token_scopes = list(token.scopes)
    user._xinan_api_token = token
    return user


def tokens_of(user):
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def tokens_visible_to(actor):
    """Every token, for those holding ``identity.apitoken.view``; else none."""
    if not permissions.has_perm(actor, VIEW_ALL_PERMISSION):
        return ApiToken.objects.none()
    return ApiToken.objects.select_related("user", "user__person").order_by("-created_at", "-id")
