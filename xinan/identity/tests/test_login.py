"""Login, failed logins, lockout and unlock, expiry at login, logout, departure."""

from datetime import timedelta

import pytest

from xinan.audit.services import digest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xinan.audit.models import AuditEvent
from xinan.audit.services import audited_write
from xinan.core.parameters import parameter_set
from xinan.identity import parameters as p
from xinan.identity import services, session_keys
from xinan.identity.models import User

from .helpers import GOOD, events, web_login

WRONG = "Wrong#pass9"


def _no_password_in_audit(*passwords):
    for event in AuditEvent.objects.all():
        text = f"{event.before}{event.after}{event.reason}{event.subject_label}"
        for pw in passwords:
            assert pw not in text, event.action
        assert "argon2$" not in text


def test_login_page_renders(client):
    response = client.get(reverse("identity:login"))
    assert response.status_code == 200
    assert b'name="password"' in response.content and b"btn btn-primary" in response.content


def test_login_success_is_audited_and_starts_the_session(client, staff):
    response = web_login(client, staff.username)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.session[session_keys.MFA_VERIFIED] is False
    assert client.session[session_keys.LAST_ACTIVITY] > 0
    [event] = events("identity.login", staff)
    assert event.actor_id == staff.pk and event.after["ip"] == "127.0.0.1"
    staff.refresh_from_db()
    assert staff.last_login is not None and staff.password.startswith("argon2$argon2id$")
    _no_password_in_audit(GOOD)


def test_login_follows_only_a_safe_next(client, staff):
    response = web_login(client, staff.username, next="/audit/")
    assert response["Location"] == "/audit/"
    other = Client()
    response = web_login(other, staff.username, next="https://evil.example/steal")
    assert response["Location"] == "/"


def test_failed_login_audited_with_username_and_reason_never_the_password(client, staff):
    """p04.6.2-b: every failed login is recorded, with the name attempted and why."""
    response = web_login(client, staff.username, WRONG)
    assert response.status_code == 200
    assert "用户名或口令不正确".encode() in response.content
    assert "_auth_user_id" not in client.session
    [event] = events("identity.login_failed", staff)
    assert event.after["username"] == staff.username and event.after["reason"] == "bad_credentials"
    assert event.after["failed_logins"] == 1
    staff.refresh_from_db()
    assert staff.failed_logins == 1 and staff.last_failed_at is not None
    _no_password_in_audit(WRONG, GOOD)


def test_unknown_username_is_audited_and_answered_like_a_wrong_password(client, staff):
    unknown = web_login(client, "nobody-here", WRONG)
    wrong = web_login(Client(), staff.username, WRONG)
    assert unknown.status_code == wrong.status_code == 200
    assert "用户名或口令不正确".encode() in unknown.content
    event = events("identity.login_failed")[0]
    assert event.subject_label == digest("nobody-here") and event.after["reason"] == "unknown_user"
    _no_password_in_audit(WRONG)


def test_a_password_typed_as_user_name_is_never_kept_in_clear(client, staff):
    """An unknown user name may be a password typed into the wrong box: only its digest is kept."""
    web_login(client, GOOD, GOOD)
    _no_password_in_audit(GOOD)
    assert events("identity.login_failed")[0].after["username"] == digest(GOOD)


def test_lockout_after_five_failures_refuses_even_the_right_password(client, staff):
    """p04.6.2-b: after 5 wrong passwords the account locks for 30 minutes; while locked the
    right password is refused with the same answer as a wrong one."""
    for i in range(4):
        web_login(client, staff.username, WRONG)
    staff.refresh_from_db()
    assert staff.failed_logins == 4 and staff.locked_until is None
    web_login(client, staff.username, WRONG)
    staff.refresh_from_db()
    assert staff.failed_logins == 5
    remaining = staff.locked_until - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)
    [lock] = events("identity.lockout", staff)
    assert lock.after["failed_logins"] == 5

    right = web_login(client, staff.username, GOOD)
    wrong = web_login(Client(), staff.username, WRONG)
    assert "_auth_user_id" not in client.session
    assert "账号已锁定".encode() in right.content
    assert right.content.count("账号已锁定".encode()) == wrong.content.count("账号已锁定".encode())
    assert events("identity.login", staff) == []
    reasons = [e.after["reason"] for e in events("identity.login_failed", staff)]
    assert reasons == ["bad_credentials"] * 5 + ["locked", "locked"]
    staff.refresh_from_db()
    assert staff.failed_logins == 5  # attempts while locked do not extend the count
    _no_password_in_audit(WRONG, GOOD)


def test_lockout_threshold_and_duration_are_parameters(client, staff, security_admin):
    parameter_set(security_admin, p.LOCKOUT_THRESHOLD, 3)
    parameter_set(security_admin, p.LOCKOUT_MINUTES, 5)
    for _i in range(3):
        web_login(client, staff.username, WRONG)
    staff.refresh_from_db()
    assert staff.locked_until is not None
    assert staff.locked_until - timezone.now() <= timedelta(minutes=5)


def test_expired_lock_lets_the_right_password_in_and_resets_the_count(client, staff):
    User.objects.filter(pk=staff.pk).update(failed_logins=5, locked_until=timezone.now() - timedelta(seconds=1))
    response = web_login(client, staff.username, GOOD)
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.failed_logins == 0 and staff.locked_until is None


def test_expired_lock_starts_a_new_count(client, staff):
    User.objects.filter(pk=staff.pk).update(failed_logins=5, locked_until=timezone.now() - timedelta(seconds=1))
    web_login(client, staff.username, WRONG)
    staff.refresh_from_db()
    assert staff.failed_logins == 1 and staff.locked_until is None


def _lock(user):
    User.objects.filter(pk=user.pk).update(failed_logins=5, locked_until=timezone.now() + timedelta(minutes=30))
    user.refresh_from_db()


def test_unlock_by_security_admin_refused_for_system_admin(staff, security_admin, system_admin, client):
    """The security administrator (identity.account.unlock) lifts a lock; the system administrator
    cannot; nobody unlocks themselves; a reason is required. Each unlock is audited."""
    _lock(staff)
    with pytest.raises(PermissionDenied):
        services.account_unlock(system_admin, staff, "请求")
    with pytest.raises(ValidationError):
        services.account_unlock(security_admin, staff, "  ")
    _lock(security_admin)
    with pytest.raises(PermissionDenied):
        services.account_unlock(security_admin, security_admin, "本人")
    services.account_unlock(security_admin, staff, "本人来电确认")
    staff.refresh_from_db()
    assert staff.failed_logins == 0 and staff.locked_until is None
    [event] = events("identity.account.unlock", staff)
    assert event.actor_id == security_admin.pk and event.reason == "本人来电确认"
    assert event.before["failed_logins"] == 5 and event.after == {"failed_logins": 0, "locked_until": None}
    assert web_login(client, staff.username, GOOD).status_code == 302


def test_locked_accounts_page_lists_and_unlocks(login, staff, security_admin, system_admin, make_user):
    _lock(staff)
    failing = make_user("staff")
    User.objects.filter(pk=failing.pk).update(failed_logins=2, last_failed_at=timezone.now())
    fine = make_user("staff")
    c = login(security_admin)
    page = c.get(reverse("identity:locked_accounts"))
    assert page.status_code == 200
    body = page.content.decode()
    assert staff.username in body and failing.username in body and fine.username not in body
    assert "锁定至" in body and 'name="reason"' in body
    response = c.post(reverse("identity:locked_accounts"), {"user_id": staff.pk, "reason": "核实为本人误操作"})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.locked_until is None
    assert events("identity.account.unlock", staff)[0].reason == "核实为本人误操作"

    other = login(system_admin, Client())
    assert other.get(reverse("identity:locked_accounts")).status_code == 403


def test_inactive_account_refused(client, staff, system_admin):
    services.account_deactivate(system_admin, staff, reason="停用")
    response = web_login(client, staff.username, GOOD)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert events("identity.login_failed", staff)[0].after["reason"] == "inactive"


@pytest.mark.parametrize("role,days,expired", [
    ("system_admin", 14, False), ("system_admin", 16, True), ("staff", 16, False), ("staff", 29, False),
    ("staff", 31, True),
])
def test_expired_password_forces_a_change_at_login(client, make_user, login, role, days, expired):
    """p04.3-a: administrators' passwords expire after 15 days; p02.3.2-a: others' after 30.
    An expired password logs in only to the change page (must_change_password set, audited)."""
    user = make_user(role)
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=days))
    response = web_login(client, user.username, GOOD)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.must_change_password is expired
    assert bool(events("identity.password.expired", user)) is expired
    if expired:
        assert response["Location"].startswith(reverse("identity:password_change"))
        assert client.get("/audit/")["Location"].startswith(reverse("identity:password_change"))
    elif role == "system_admin":
        assert response["Location"].startswith(reverse("identity:mfa_enroll"))
    else:
        assert response["Location"] == "/"


def test_forced_change_then_in(client, staff):
    User.objects.filter(pk=staff.pk).update(must_change_password=True)
    web_login(client, staff.username, GOOD)
    page = client.get(reverse("identity:password_change"))
    assert page.status_code == 200 and "口令规则".encode() in page.content
    assert "多于 6 位".encode() in page.content
    response = client.post(reverse("identity:password_change"), {
        "old_password": GOOD, "new_password1": "Pv7#kd2Wq", "new_password2": "Pv7#kd2Wq"})
    assert response.status_code == 302 and response["Location"] == "/"
    staff.refresh_from_db()
    assert not staff.must_change_password
    assert client.session["_auth_user_id"] == str(staff.pk)  # still logged in after the change


def test_password_change_page_shows_every_failure(client, login, staff):
    c = login(staff)
    response = c.post(reverse("identity:password_change"), {
        "old_password": GOOD, "new_password1": "123456", "new_password2": "123456"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "口令长度须多于 6 位" in body and "字母和数字" in body and "连续" in body


def test_logout_is_post_only_and_audited(client, login, staff):
    c = login(staff)
    assert c.get(reverse("identity:logout")).status_code == 405
    response = c.post(reverse("identity:logout"))
    assert response.status_code == 302 and "_auth_user_id" not in c.session
    assert events("identity.logout", staff)


def test_departure_deactivates_the_account_in_the_same_transaction(client, login, staff):
    """p21.5.1.5-d, p04.4-c: a person who leaves loses their account, with the departure."""
    from xinan.org import services as org

    c = login(staff)
    person = staff.person
    with pytest.raises(RuntimeError), audited_write():
        org.person_depart(None, person, reason="试算")
        raise RuntimeError("rolled back")
    staff.refresh_from_db()
    assert staff.is_active  # the departure rolled back, and the deactivation with it

    person.refresh_from_db()
    org.person_depart(None, person, reason="合同到期")
    staff.refresh_from_db()
    assert not staff.is_active
    [event] = events("identity.account.deactivate", staff)
    depart = events("org.person.depart")[-1]
    assert event.seq > depart.seq
    assert event.before == {"is_active": True} and event.after == {"is_active": False}
    # the open session is gone: a protected page sends to the login page
    assert c.get(reverse("identity:password_change"))["Location"].startswith(reverse("identity:login"))
    assert web_login(Client(), staff.username, GOOD).status_code == 200
