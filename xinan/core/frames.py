"""A page's frame — sidebar, top bar, title, actions, footer — rendered once and reused.

The frame of a register's list is the same on every request of one user for one page: only the
body, the query string in the export and print links, the CSRF token and the language switch's
return address change. Rendering its hundred-odd template nodes cost a fifth of an uncached list
request. ``render_framed`` renders the frame once with markers in those places, keeps it in a
``VersionedCache`` (so a write to a table it read, such as a role grant, renders it anew), and
puts the request's own values into the markers.

The markers carry a random per-process nonce: text a user typed is escaped before it reaches a
page and could not name the nonce anyway. A request with pending messages is rendered whole,
so the messages are shown once and consumed as usual.
"""

import re
import secrets

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, escape
from django.utils.translation import get_language

from . import navigation
from .context_processors import display_name, user_roles
from .versions import VersionedCache

_NONCE = secrets.token_hex(8)
_MARKER = re.compile(rf"xnslot{_NONCE}([a-z_]+)x")
CSRF, RETURN_PATH = "csrf", "return_path"


def _marker(name: str) -> str:
    return f"xnslot{_NONCE}{name}x"


def render_framed(request, template_name: str, context: dict, slots: dict, key) -> HttpResponse:
    """``render(request, template_name, {**context, **slots})``, with the frame kept per ``key``
    (what ``context`` shows, e.g. the register and the user's permitted actions); ``slots`` are
    this request's own values (HTML-safe strings or text to escape)."""
    frame_key = _frame_key(request, template_name, key)
    if frame_key is None or len(get_messages(request)):
        return render(request, template_name, {**context, **slots})

    def build():
        markers = {name: _marker(name) for name in slots}
        markers.update({"csrf_token": _marker(CSRF), "return_path": _marker(RETURN_PATH)})
        return render_to_string(template_name, {**context, **markers}, request)

    frame = _frames.get_or_build(frame_key, build)
    values = {name: str(conditional_escape(value)) for name, value in slots.items()}
    values[CSRF] = get_token(request)
    values[RETURN_PATH] = escape(request.get_full_path())
    return HttpResponse(_MARKER.sub(lambda m: values[m.group(1)], frame))


def _frame_key(request, template_name: str, key) -> tuple | None:
    """Everything the frame shows besides the slots: the page, the language, the menu the user's
    grants give, and the user's name and roles in the top bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    menu = navigation.visible_key(user)
    if menu is None:
        return None
    return (template_name, key, request.path, get_language(), menu, navigation.generation(), user.pk,
            user.get_username(), display_name(request), tuple(user_roles(request)))


_frames = VersionedCache(size=512)
