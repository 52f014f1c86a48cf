"""The second factor: the secrets box, TOTP enrolment and verification, recovery codes, replay,
and the 三员 roles being made to use it."""

import json
import stat
import time

import pyotp
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from xinan.audit.models import AuditEvent
from xinan.identity import mfa, secrets_box, session_keys
from xinan.identity.models import RecoveryCode, User

from .helpers import events, web_login


def _steady_clock():
    """Wait out the last seconds of a 30-second TOTP step, so a test's codes stay in one window."""
    while time.time() % 30 > 27:
        time.sleep(0.5)


def enrol(user):
    """Enrol with a code of the previous step (still inside the window), so the current step's
    code is fresh for the test."""
    _steady_clock()
    secret = mfa.mfa_enrol_begin(user)
    codes = mfa.mfa_enrol_confirm(None, user, pyotp.TOTP(secret).at(time.time() - 30))
    user.refresh_from_db()
    return secret, codes


# --- secrets box -------------------------------------------------------------------------


def test_secrets_box_round_trip_format_and_key_file(settings):
    """p27.2.12-c: the TOTP seed is stored only under AES-256-GCM, the key in a 0600 file."""
    token = secrets_box.encrypt("JBSWY3DPEHPK3PXP", "identity.user.mfa_secret:1")
    assert token.startswith("v1:") and "JBSWY3DPEHPK3PXP" not in token
    assert secrets_box.decrypt(token, "identity.user.mfa_secret:1") == "JBSWY3DPEHPK3PXP"
    assert secrets_box.encrypt("x", "a") != secrets_box.encrypt("x", "a")  # fresh nonce each time
    mode = stat.S_IMODE(settings.IDENTITY_KEY_FILE.stat().st_mode)
    assert mode == 0o600


def test_secrets_box_refuses_another_purpose_and_tampering():
    token = secrets_box.encrypt("secret", "identity.user.mfa_secret:1")
    with pytest.raises(secrets_box.SecretsBoxError):
        secrets_box.decrypt(token, "identity.user.mfa_secret:2")
    key_id, body = token.split(":")
    tampered = f"{key_id}:{body[:-4]}{'AAAA' if body[-4:] != 'AAAA' else 'BBBB'}"
    with pytest.raises(secrets_box.SecretsBoxError):
        secrets_box.decrypt(tampered, "identity.user.mfa_secret:1")
    with pytest.raises(secrets_box.SecretsBoxError):
        secrets_box.decrypt("v9:" + body, "identity.user.mfa_secret:1")


def test_secrets_box_key_rotation_keeps_old_ciphertexts(settings):
    old = secrets_box.encrypt("seed", "p")
    data = json.loads(settings.IDENTITY_KEY_FILE.read_text())
    data["keys"]["v2"] = "11" * 32
    data["current"] = "v2"
    settings.IDENTITY_KEY_FILE.write_text(json.dumps(data))
    secrets_box.reset_cache()
    new = secrets_box.encrypt("seed", "p")
    assert new.startswith("v2:")
    assert secrets_box.decrypt(old, "p") == secrets_box.decrypt(new, "p") == "seed"


# --- enrolment ---------------------------------------------------------------------------


def test_mfa_required_for_the_triad_roles(client, make_user):
    """p27.2.12-b (graded credentials): roles with requires_mfa (system_admin, security_admin,
    auditor) are sent to enrolment after the password; every other page redirects there until
    it is done."""
    for role in ("system_admin", "security_admin", "auditor"):
        user = make_user(role)
        c = Client()
        response = web_login(c, user.username)
        assert response["Location"].startswith(reverse("identity:mfa_enroll")), role
        for path in ("/audit/", reverse("identity:locked_accounts"), reverse("identity:parameters")):
            assert c.get(path)["Location"].startswith(reverse("identity:mfa_enroll")), (role, path)


def test_staff_need_no_second_factor_but_may_enrol(client, staff):
    assert web_login(client, staff.username)["Location"] == "/"
    page = client.get(reverse("identity:mfa_enroll"))
    assert page.status_code == 200 and b"<svg" in page.content
    assert "您的角色要求".encode() not in page.content


def test_enrolment_page_qr_secret_encrypted_and_confirmation(client, security_admin):
    _steady_clock()
    web_login(client, security_admin.username)
    page = client.get(reverse("identity:mfa_enroll"))
    assert page.status_code == 200
    secret = page.context["secret"]
    body = page.content.decode()
    assert "<svg" in body and secret in body and "您的角色要求" in body
    security_admin.refresh_from_db()
    assert security_admin.mfa_secret.startswith("v1:") and secret not in security_admin.mfa_secret
    assert mfa.secret_of(security_admin) == secret
    assert client.get(reverse("identity:mfa_enroll")).context["secret"] == secret  # a reload resumes

    wrong = client.post(reverse("identity:mfa_enroll"), {"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"})
    assert wrong.status_code == 200 and "验证码不正确".encode() in wrong.content

    response = client.post(reverse("identity:mfa_enroll"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(c in response.content.decode() for c in codes)
    security_admin.refresh_from_db()
    assert security_admin.mfa_enabled
    stored = list(RecoveryCode.objects.filter(user=security_admin).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not any(c.replace("-", "") in h or c in h for c in codes for h in stored)
    assert client.session[session_keys.MFA_VERIFIED] is True
    assert client.get(reverse("identity:locked_accounts")).status_code == 200
    [event] = events("identity.mfa.enable", security_admin)
    for e in AuditEvent.objects.all():
        assert secret not in f"{e.before}{e.after}" and security_admin.mfa_secret not in f"{e.before}{e.after}"


def test_verification_at_login_and_replay_refused(make_user):
    """An enrolled account is asked for its code after the password; the same code is refused a
    second time within its window."""
    user = make_user("auditor")
    secret, _codes = enrol(user)
    first = Client()
    response = web_login(first, user.username, next="/audit/")
    assert response["Location"].startswith(reverse("identity:mfa_verify"))
    # before the code, nothing else is served, not even the password change page
    assert first.get(reverse("identity:password_change"))["Location"].startswith(reverse("identity:mfa_verify"))
    code = pyotp.TOTP(secret).now()
    response = first.post(reverse("identity:mfa_verify"), {"code": code, "next": "/audit/"})
    assert response.status_code == 302 and response["Location"] == "/audit/"
    assert first.session[session_keys.MFA_VERIFIED] is True
    assert events("identity.mfa.verify", user)

    second = Client()
    web_login(second, user.username)
    replay = second.post(reverse("identity:mfa_verify"), {"code": code})
    assert replay.status_code == 200 and "该验证码已使用".encode() in replay.content
    assert not second.session.get(session_keys.MFA_VERIFIED)
    assert events("identity.mfa.verify_failed", user)[0].after["reason"] == "replayed_code"


def test_recovery_code_works_once(make_user):
    user = make_user("system_admin")
    _secret, codes = enrol(user)
    c = Client()
    web_login(c, user.username)
    response = c.post(reverse("identity:mfa_verify"), {"code": codes[0].upper()})
    assert response.status_code == 302 and c.session[session_keys.MFA_VERIFIED] is True
    assert mfa.recovery_codes_remaining(user) == 9
    assert events("identity.mfa.recovery_used", user)[0].after["remaining"] == 9

    again = Client()
    web_login(again, user.username)
    refused = again.post(reverse("identity:mfa_verify"), {"code": codes[0]})
    assert refused.status_code == 200 and "恢复码不正确或已使用".encode() in refused.content
    assert again.post(reverse("identity:mfa_verify"), {"code": codes[1]}).status_code == 302


def test_recovery_codes_regenerated_old_ones_void(login, make_user):
    user = make_user("system_admin")
    _secret, old = enrol(user)
    c = login(user)
    page = c.get(reverse("identity:mfa_recovery_codes"))
    assert page.status_code == 200 and page.context["remaining"] == 10
    new = c.post(reverse("identity:mfa_recovery_codes")).context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    with pytest.raises(ValidationError):
        mfa.mfa_verify(None, user, old[0])
    assert mfa.mfa_verify(None, user, new[0]) == "recovery"


def test_wrong_codes_lock_the_account_and_end_the_session(make_user):
    """p04.6.2-b: guessing the second factor counts like guessing the password."""
    user = make_user("security_admin")
    secret, _codes = enrol(user)
    current = pyotp.TOTP(secret)
    wrong = next(f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in {current.at(time.time() + d) for d in (-30, 0, 30)})
    c = Client()
    web_login(c, user.username)
    for _i in range(4):
        assert c.post(reverse("identity:mfa_verify"), {"code": wrong}).status_code == 200
    response = c.post(reverse("identity:mfa_verify"), {"code": wrong})
    assert response.status_code == 302 and response["Location"] == reverse("identity:login")
    assert "_auth_user_id" not in c.session
    user.refresh_from_db()
    assert user.locked_until is not None and user.failed_logins == 5
    assert events("identity.lockout", user) and len(events("identity.mfa.verify_failed", user)) == 5


def test_conftest_login_counts_as_verified(login, make_user):
    """Other apps' tests log 三员 in with the second factor marked verified: they pass."""
    user = make_user("auditor")
    c = login(user)
    assert c.get(reverse("identity:password_change")).status_code == 200
    assert c.get(reverse("identity:locked_accounts")).status_code == 403  # the auditor's roles, not MFA
    assert c.get("/audit/").status_code != 302


def test_mfa_reset_by_security_admin_only(make_user, security_admin, system_admin):
    user = make_user("auditor")
    enrol(user)
    with pytest.raises(PermissionDenied):
        mfa.mfa_reset(system_admin, user, "手机丢失")
    mfa.mfa_reset(security_admin, user, "手机丢失")
    user.refresh_from_db()
    assert not user.mfa_enabled and user.mfa_secret == "" and not RecoveryCode.objects.filter(user=user).exists()
    assert events("identity.mfa.reset", user)[0].reason == "手机丢失"
    assert User.objects.get(pk=user.pk).mfa_last_step is None
