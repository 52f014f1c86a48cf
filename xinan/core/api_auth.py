"""Who may call the REST API, and the JSON shape of its errors.

Two ways in, tried in this order (``default_auth``):

- ``TokenAuth``: ``Authorization: Bearer xn_<prefix>_<secret>``, a personal API token
  (``xinan.identity.tokens``); the request acts with the person's roles narrowed by the token's
  scopes. A bearer header that is present but not a live token is refused outright (401), not
  silently retried as a session.
- ``SessionAuth``: the browser session of a logged-in person, with Django's CSRF check on unsafe
  methods, within the idle timeout, and only once the session has no step left (the second
  factor verified where the person's roles or their own enrolment require it, no pending
  password change).

Both set ``request.auth`` and ``request.user`` to the same user, so endpoints may use either.

Errors are JSON ``{"detail": "中文 / English"}``; validation errors add
``"errors": {"field": ["message", ...]}`` (``"__all__"`` for errors of the whole request):
401 unauthenticated, 403 permission denied (or CSRF), 404 not found, 422 invalid.
"""

import time

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from xinan.identity import activity


class TokenAuth(HttpBearer):
    """Personal API token in the ``Authorization: Bearer`` header (p04.6.1)."""

    def authenticate(self, request, token):
        from xinan.identity.tokens import token_authenticate

        user = token_authenticate(token)
        if user is None:
            raise AuthenticationError()
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session, CSRF-checked on unsafe methods (ninja's cookie auth)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        # No session: not authenticated (401), before any CSRF question (ninja would answer 403).
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise PermissionDenied(_("CSRF 校验失败 / CSRF check failed"))
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        """The session user, once the session is complete. The session middleware lets ``/api/``
        through untouched, so its rules are applied here, answering 401 instead of redirecting:
        the idle timeout (p04.1-b), and no step left (``identity.services.next_step``: the second
        factor verified where enrolled or required by a role, no password change pending)."""
        from xinan.identity import parameters as identity_parameters
        from xinan.identity import services as identity_services

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        now = time.time()
        idle = activity.idle_seconds(request.session, now)
        if idle is not None and idle > identity_parameters.value(identity_parameters.IDLE_MINUTES) * 60:
            return None
        if identity_services.next_step(request, user) is not None:
            return None
        activity.note_activity(request.session, now)  # an API call in the session is activity
        return user


default_auth = [TokenAuth(), SessionAuth(csrf=True)]


# --- errors ----------------------------------------------------------------------------------


def _messages(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {NON_FIELD_ERRORS: [str(m) for m in error.messages]}


def _detail(errors: dict[str, list[str]], fallback: str) -> str:
    for messages in errors.values():
        if messages:
            return messages[0]
    return fallback


def _request_errors(exc: NinjaValidationError) -> dict[str, list[str]]:
    """ninja's request validation errors, keyed by the field's dotted path within its part of the
    request (``name``, ``items.0.code``); the part (body, query, path) and the body parameter's
    own name are dropped."""
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = [str(part) for part in item.get("loc", ())]
        if loc and loc[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
            source, loc = loc[0], loc[1:]
            if source in ("body", "form") and len(loc) > 1:
                loc = loc[1:]
        key = ".".join(loc) or NON_FIELD_ERRORS
        errors.setdefault(key, []).append(str(item.get("msg", "")))
    return errors


def register_exception_handlers(api) -> None:
    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = api.create_response(
            request, {"detail": _("未认证:请登录或提供有效的 API 令牌 / authentication required")}, status=401
        )
        response["WWW-Authenticate"] = 'Bearer realm="xinan"'
        return response

    @api.exception_handler(PermissionDenied)
    def denied(request, exc):
        return api.create_response(request, {"detail": str(exc) or _("无权执行此操作 / permission denied")}, status=403)

    @api.exception_handler(ObjectDoesNotExist)
    def missing(request, exc):
        return api.create_response(request, {"detail": _("对象不存在 / not found")}, status=404)

    @api.exception_handler(DjangoValidationError)
    def invalid(request, exc):
        errors = _messages(exc)
        return api.create_response(
            request, {"detail": _detail(errors, _("数据无效 / invalid data")), "errors": errors}, status=422
        )

    @api.exception_handler(NinjaValidationError)
    def invalid_request(request, exc):
        errors = _request_errors(exc)
        return api.create_response(
            request, {"detail": _("请求参数无效 / invalid request"), "errors": errors}, status=422
        )
