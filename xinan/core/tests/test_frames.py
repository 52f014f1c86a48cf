"""A register list's frame is rendered once and reused (``xinan.core.frames``): what a user sees
must be what a whole render gives — their own name and roles, a CSRF token that works, the
query in the links, pending messages — and a change to the user's roles shows at once."""

import re

import pytest
from django.contrib.messages import INFO, add_message
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from django.utils.safestring import mark_safe

from xinan.core import frames
from xinan.core.registers import registry
from xinan.org import services
from xinan.org.models import Role

pytestmark = pytest.mark.django_db

LIST = "/org/people/"


def _without_tokens(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[A-Za-z0-9]+', r"\1T", html)


def test_a_framed_list_is_the_page_a_whole_render_gives(make_user, login, monkeypatch):
    client = login(make_user("system_admin", name="周<b>敏</b>"))
    path = f"{LIST}?status=active&sort=name"
    client.get(path)
    framed = client.get(path).content.decode()  # the frame from the cache
    monkeypatch.setattr(frames, "_frame_key", lambda *args: None)
    whole = client.get(path).content.decode()
    assert _without_tokens(framed) == _without_tokens(whole)
    assert "xnslot" not in framed and "周&lt;b&gt;敏&lt;/b&gt;" in framed
    assert 'name="next" value="/org/people/?status=active&amp;sort=name"' in framed  # the language switch returns here


def test_the_token_in_a_framed_page_is_accepted(make_user, login):
    user = make_user("system_admin")
    client = login(user, Client(enforce_csrf_checks=True))
    client.get(LIST)
    html = client.get(LIST).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', html).group(1)
    refused = client.post("/i18n/setlang/", {"language": "en", "next": LIST})
    assert refused.status_code == 403
    accepted = client.post("/i18n/setlang/", {"language": "en", "next": LIST, "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302


def test_each_user_sees_their_own_frame(make_user, login):
    first, second = make_user("system_admin", name="甲用户"), make_user("system_admin", name="乙用户")
    one, two = login(first, Client()), login(second, Client())
    for _ in range(2):
        a, b = _top_bar(one.get(LIST)), _top_bar(two.get(LIST))
        assert "甲用户" in a and "乙用户" not in a
        assert "乙用户" in b and "甲用户" not in b


def _top_bar(response) -> str:
    return re.search(r'<header class="navbar.*?</header>', response.content.decode(), re.S).group(0)


def test_a_granted_role_shows_at_the_next_request(make_user, login):
    user = make_user("system_admin")
    client = login(user)
    assert "财务人员" not in client.get(LIST).content.decode()
    services.role_grant_direct(None, person=user.person, role=Role.objects.get(code="finance"))
    assert "财务人员" in client.get(LIST).content.decode()


def _request(user, storage=None):
    request = RequestFactory().get(LIST)
    request.user, request.session = user, SessionStore()
    request._messages = storage if storage is not None else FallbackStorage(request)
    return request


PEOPLE = {"register": registry.get("people"), "can": {},
          "url": {name: f"registers:people_{name}" for name in ("list", "add", "export", "import", "print_list")}}


def test_pending_messages_are_shown(make_user):
    """A request with messages is rendered whole, so they are shown (and consumed as usual)."""
    user = make_user("system_admin")
    storage = FallbackStorage(_request(user))
    slots = {"body": "", "query": ""}
    plain = frames.render_framed(_request(user, storage), "core/register_list.html", PEOPLE, slots, key="m")
    frames.render_framed(_request(user, storage), "core/register_list.html", PEOPLE, slots, key="m")  # now kept
    add_message(_request(user, storage), INFO, "已保存<script>")
    shown = frames.render_framed(_request(user, storage), "core/register_list.html", PEOPLE, slots, key="m")
    assert "已保存&lt;script&gt;" in shown.content.decode() and "已保存" not in plain.content.decode()


def test_slot_values_are_escaped_unless_marked_safe(make_user):
    user = make_user("system_admin")
    for _ in range(2):  # rendered, then from the cache
        html = frames.render_framed(_request(user), "core/register_list.html", PEOPLE,
                                    {"body": mark_safe("<p>主体</p>"), "query": "a=<b>"}, key="esc").content.decode()
        assert "<p>主体</p>" in html and "a=&lt;b&gt;" in html and "a=<b>" not in html
