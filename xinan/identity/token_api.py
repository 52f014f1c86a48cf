"""API endpoints for one's own API tokens: list and revoke (``/api/tokens``).

Creating a token is deliberately not offered here: a token must not mint further tokens (that
would let a stolen, short-lived or narrowly scoped token outlive or outgrow itself); tokens are
created on the account page, in a session that passed the second factor where required.
"""

from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from xinan.org import permissions

from . import tokens
from .models import ApiToken

router = Router(tags=["identity"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class RevokeIn(Schema):
    reason: str = Field("", max_length=500)


@router.get("", response=list[TokenOut], summary="本人的 API 令牌 / my API tokens")
def token_list(request):
    return list(tokens.tokens_of(request.auth))


@router.post("/{int:pk}/revoke", response=TokenOut, summary="撤销令牌 / revoke a token")
def token_revoke(request, pk: int, payload: RevokeIn | None = None):
    """The owner, or whoever holds ``identity.apitoken.revoke``, may revoke; to anyone else the
    token does not exist (404), so ids cannot be probed."""
    token = ApiToken.objects.filter(pk=pk).first()
    if token is None or (token.user_id != request.auth.pk
                         and not permissions.has_perm(request.auth, tokens.REVOKE_ANY_PERMISSION)):
        raise ObjectDoesNotExist(_("令牌不存在 / no such token"))
    return tokens.token_revoke(request.auth, token, reason=payload.reason if payload else "")
