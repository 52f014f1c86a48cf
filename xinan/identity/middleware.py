"""Session rules on every page request of a logged-in user.

1. Idle timeout (``identity.session.idle_minutes``; p04.1-b: an unattended session locks): the
   session is logged out (audited, reason ``idle``) and the user sent to the login page, which
   says why.
2. The steps a session still lacks, in order (``services.next_step``): the second factor of an
   enrolled account, a new password when it must be changed or has expired (p04.3-a,
   p02.3.2-a), then enrolment when a role requires the second factor. Until then only that
   step's page (and logout) is served.

Let through untouched: static files, the language switch and ``/api/`` (token authentication
is separate). This middleware sits before Django's message middleware, so it passes the
timeout notice to the login page through the (new) session instead of ``messages``.
"""

import time

from django.conf import settings
from django.shortcuts import redirect
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import urlencode

from . import activity
from . import parameters as p
from . import session_keys

STEP_URLS = {
    "mfa_verify": "identity:mfa_verify",
    "password_change": "identity:password_change",
    "mfa_enroll": "identity:mfa_enroll",
}
ALWAYS_OPEN = ("identity:login", "identity:logout")


def _open_paths() -> frozenset:
    """The paths of ``ALWAYS_OPEN``, resolved once per URL configuration and script prefix."""
    key = (get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    paths = _open_paths_by_conf.get(key)
    if paths is None:
        paths = _open_paths_by_conf[key] = frozenset(reverse(name) for name in ALWAYS_OPEN)
    return paths


_open_paths_by_conf: dict = {}


def _passthrough(path: str) -> bool:
    static = settings.STATIC_URL or "/static/"
    return path.startswith((static, "/i18n/", "/api/", "/favicon.ico"))


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._enforce(request)
        return response if response is not None else self.get_response(request)

    def _enforce(self, request):
        path = request.path_info
        user = getattr(request, "user", None)
        if _passthrough(path) or user is None or not user.is_authenticated:
            return None
        from . import services  # the app registry is ready by the first request

        now = time.time()
        idle = activity.idle_seconds(request.session, now)
        if idle is not None and idle > p.value(p.IDLE_MINUTES) * 60:
            services.logout(request, reason="idle")
            request.session[session_keys.LOGOUT_REASON] = "idle"
            return redirect(f"{reverse('identity:login')}?{urlencode({'next': request.get_full_path()})}")
        activity.note_activity(request.session, now)

        if path in _open_paths():
            return None
        from xinan.org.permissions import active_assignments

        active_assignments(user)  # read once for the whole request (rules, permissions, header)
        step = services.next_step(request, user)
        if step is None:
            return None
        target = reverse(STEP_URLS[step])
        if path == target:
            return None
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
