"""Sessions are kept per process between GET requests (``xinan.identity.sessions``): a session
ended anywhere — logout, another worker, expired sessions cleared — is refused at the very next
request, an expired one even while it is kept, and a repeated request does not read it."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xinan.identity import sessions

pytestmark = pytest.mark.django_db

PAGE = "/assets/equipment/"


def _signed_in(make_user, login):
    client = login(make_user("system_admin"))
    for _ in range(2):  # the first request marks the session's activity (a write)
        assert client.get(PAGE).status_code == 200
    return client


def test_a_repeated_request_does_not_read_the_session(make_user, login):
    client = _signed_in(make_user, login)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]


def test_a_session_deleted_elsewhere_is_refused_at_the_next_request(make_user, login):
    """As when the user logs out in another tab served by another worker process."""
    client = _signed_in(make_user, login)
    Session.objects.filter(session_key=client.session.session_key).delete()
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_an_expired_session_is_refused_while_it_is_kept(make_user, login, monkeypatch):
    client = _signed_in(make_user, login)
    expires = Session.objects.get(session_key=client.session.session_key).expire_date
    monkeypatch.setattr(sessions.timezone, "now", lambda: expires + timedelta(seconds=1))
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_what_a_request_writes_into_its_session_never_reaches_the_next(make_user, login):
    client = _signed_in(make_user, login)
    store = sessions.SessionStore(client.session.session_key)
    from xinan.core import versions

    token = versions._request_tokens.set(versions._LazyTokens())  # as in a GET request
    try:
        first = store.load()
        first["changed"] = ["not saved"]
        again = sessions.SessionStore(client.session.session_key).load()
    finally:
        versions._request_tokens.reset(token)
    assert "changed" not in again and again.get("_auth_user_id") == first["_auth_user_id"]


def test_outside_a_request_the_session_is_read_from_the_database(make_user, login):
    client = _signed_in(make_user, login)
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=timezone.now() - timedelta(1))
    assert sessions.SessionStore(client.session.session_key).load() == {}
