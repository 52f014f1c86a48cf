"""The session middleware (idle timeout, forced steps, what it lets through) and the parameters page."""

import time
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from xinan.core.parameters import get, parameter_set
from xinan.identity import parameters as p
from xinan.identity import session_keys
from xinan.identity.models import User

from .helpers import events

PROTECTED = "/account/password/"


def _idle(client, minutes):
    session = client.session
    session[session_keys.LAST_ACTIVITY] = time.time() - minutes * 60
    session.save()


def test_idle_timeout_logs_out_and_explains(login, staff):
    """p04.1-b: an unattended session ends after identity.session.idle_minutes (30)."""
    c = login(staff)
    assert c.get(PROTECTED).status_code == 200
    _idle(c, 29)
    assert c.get(PROTECTED).status_code == 200  # 29 minutes: still there, and the clock restarts
    assert time.time() - c.session[session_keys.LAST_ACTIVITY] < 5
    _idle(c, 31)
    response = c.get(PROTECTED)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login")) and "next=" in response["Location"]
    assert "_auth_user_id" not in c.session
    [event] = events("identity.logout", staff)
    assert event.reason == "idle"
    page = c.get(response["Location"])
    assert "会话因长时间未操作已结束".encode() in page.content
    assert "会话因长时间未操作已结束".encode() not in c.get(reverse("identity:login")).content  # said once


def test_idle_minutes_is_a_parameter(login, staff, security_admin):
    parameter_set(security_admin, p.IDLE_MINUTES, 5)
    c = login(staff)
    _idle(c, 6)
    assert c.get(PROTECTED)["Location"].startswith(reverse("identity:login"))


def test_password_expiring_during_a_session_forces_the_change(login, staff):
    c = login(staff)
    assert c.get("/audit/").status_code != 302
    User.objects.filter(pk=staff.pk).update(password_changed_at=timezone.now() - timedelta(days=31))
    response = c.get("/audit/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("identity:password_change"))
    assert c.get(reverse("identity:password_change")).status_code == 200


def test_static_i18n_and_api_are_let_through(login, staff):
    User.objects.filter(pk=staff.pk).update(must_change_password=True)
    c = login(staff)
    assert c.get("/audit/")["Location"].startswith(reverse("identity:password_change"))
    for path in ("/static/nothing.css", "/api/docs", "/api/openapi.json"):
        response = c.get(path)
        assert not (response.status_code == 302 and "/account/" in response["Location"]), path
    response = c.post("/i18n/setlang/", {"language": "en", "next": "/audit/"})
    assert response.status_code == 302 and response["Location"] == "/audit/"


def test_logout_page_open_during_a_forced_step(login, make_user):
    user = make_user("auditor")
    c = login(user)
    session = c.session
    session[session_keys.MFA_VERIFIED] = False
    session.save()
    assert c.get(PROTECTED)["Location"].startswith(reverse("identity:mfa_enroll"))
    assert c.post(reverse("identity:logout")).status_code == 302
    assert "_auth_user_id" not in c.session


def test_anonymous_pages_redirect_to_login(client):
    for name in ("password_change", "mfa_enroll", "mfa_verify", "locked_accounts", "parameters"):
        response = client.get(reverse(f"identity:{name}"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("identity:login")), name


def test_parameters_page(login, security_admin, system_admin):
    """p27.2.5-b: the security administrator edits the login security parameters; invalid values
    are refused with the reason, valid ones saved and audited."""
    c = login(security_admin)
    page = c.get(reverse("identity:parameters"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "管理员口令长度须多于" in body and "p04.3-c" in body
    data = {key: p.value(key) for key in p.KEYS}
    refused = c.post(reverse("identity:parameters"), {**data, p.LENGTH_GT: 2, p.LOCKOUT_THRESHOLD: 3, "reason": "x"})
    assert refused.status_code == 200 and "不得小于".encode() in refused.content
    assert get(p.LENGTH_GT) == 6 and get(p.LOCKOUT_THRESHOLD) == 5  # all or nothing
    saved = c.post(reverse("identity:parameters"), {**data, p.LENGTH_GT: 7, p.IDLE_MINUTES: 15, "reason": "年度评审"})
    assert saved.status_code == 302
    assert p.value(p.LENGTH_GT) == 7 and p.value(p.IDLE_MINUTES) == 15
    changed = [e for e in events("core.parameter.set") if e.actor_id == security_admin.pk]
    assert {e.subject_id for e in changed} == {p.LENGTH_GT, p.IDLE_MINUTES}
    assert all(e.reason == "年度评审" for e in changed)

    other = login(system_admin, type(c)())
    assert other.get(reverse("identity:parameters")).status_code == 403


def test_activity_mark_is_written_at_most_every_resolution(login, staff):
    """p04.1-b: the idle clock restarts on each request, but the session row is saved at most
    every ``activity.RESOLUTION`` seconds, so reading pages does not write the database each time."""
    from django.contrib.sessions.models import Session

    from xinan.identity import activity

    c = login(staff)
    c.get(PROTECTED)
    key = c.session.session_key
    stored = Session.objects.get(pk=key).session_data
    assert c.get(PROTECTED).status_code == 200
    assert Session.objects.get(pk=key).session_data == stored  # a fresh mark: nothing written
    _idle(c, (activity.RESOLUTION + 5) / 60)
    assert c.get(PROTECTED).status_code == 200
    assert time.time() - c.session[session_keys.LAST_ACTIVITY] < 5  # an older mark is renewed
