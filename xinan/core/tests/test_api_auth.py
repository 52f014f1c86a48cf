"""API authentication: personal tokens (p04.4-a stored hidden, p04.4-c dead with the person,
p04.6.1 only within the granted scope), session auth with CSRF and the second factor, the JSON
error shapes, the OpenAPI document and the offline docs page."""

import json
import re
import time
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client, RequestFactory
from django.utils import timezone

from xinan.audit.models import AuditEvent
from xinan.audit.services import audited_write, record, sm3_hex
from xinan.core.api import api
from xinan.identity import tokens
from xinan.identity.models import ApiToken
from xinan.identity.session_keys import LAST_ACTIVITY
from xinan.org import permissions
from xinan.org import services as org_services

TOKEN_RE = re.compile(r"^xn_[0-9a-f]{8}_[A-Za-z0-9_-]{40,}$")


def bearer(plaintext):
    return {"Authorization": f"Bearer {plaintext}"}


@pytest.fixture
def admin_user(make_user):
    """A system administrator (holds org.person.add) who is also deputy GM."""
    return make_user("system_admin", "deputy_gm")


# --- token services ---------------------------------------------------------------------------


def test_create_returns_plaintext_once_and_stores_only_keyed_digest(admin_user):
    """p04.4-a: the token is kept hidden: HMAC-SM3 under the key file, never the plaintext."""
    token, plaintext = tokens.token_create(admin_user, admin_user, "脚本", ["org.person.view"])
    assert TOKEN_RE.match(plaintext)
    assert plaintext.split("_")[1] == token.prefix
    row = ApiToken.objects.values().get(pk=token.pk)
    assert row["digest"] == tokens.token_digest(plaintext)
    assert len(row["digest"]) == 64
    # keyed: not the bare SM3 of the token, so a database dump alone cannot test guesses
    assert row["digest"] != sm3_hex(plaintext.encode())
    secret = plaintext.split("_", 2)[2]
    assert not any(secret in str(value) for value in row.values())
    assert not hasattr(token, "plaintext")


def test_token_authenticates_an_api_request(client, admin_user):
    token, plaintext = tokens.token_create(admin_user, admin_user, "cli", ["*"])
    response = client.get("/api/me", headers=bearer(plaintext))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["username"] == admin_user.username
    assert set(body["roles"]) == {"system_admin", "deputy_gm"}
    assert "org.person.add" in body["permissions"]
    assert body["token_scopes"] == ["*"]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_last_used_written_at_most_once_a_minute_and_not_audited(client, admin_user):
    token, plaintext = tokens.token_create(admin_user, admin_user, "cli", ["*"])
    events = AuditEvent.objects.count()
    client.get("/api/me", headers=bearer(plaintext))
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    client.get("/api/me", headers=bearer(plaintext))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    old = timezone.now() - timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=old)
    client.get("/api/me", headers=bearer(plaintext))
    assert ApiToken.objects.get(pk=token.pk).last_used_at > old
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("header", [
    None, "Bearer", "Bearer xn_00000000_" + "A" * 43, "Bearer not-a-token", "Basic dXNlcjpwYXNz",
])
def test_missing_or_unknown_token_is_401_json(client, db, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/me", headers=headers)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_token_is_401(client, admin_user):
    token, plaintext = tokens.token_create(admin_user, admin_user, "cli", ["*"],
                                           expires_at=timezone.now() + timedelta(hours=1))
    assert client.get("/api/me", headers=bearer(plaintext)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/me", headers=bearer(plaintext)).status_code == 401


def test_revoked_token_is_401(client, admin_user):
    token, plaintext = tokens.token_create(admin_user, admin_user, "cli", ["*"])
    assert client.get("/api/me", headers=bearer(plaintext)).status_code == 200
    tokens.token_revoke(admin_user, token)
    assert client.get("/api/me", headers=bearer(plaintext)).status_code == 401
    with pytest.raises(ValidationError):
        tokens.token_revoke(admin_user, token)


def test_token_of_a_person_who_left_is_401(client, make_user):
    """p04.4-c: when a person leaves, their tokens stop working at once."""
    user = make_user("staff")
    _token, plaintext = tokens.token_create(user, user, "cli", ["*"])
    assert client.get("/api/me", headers=bearer(plaintext)).status_code == 200
    org_services.person_depart(None, user.person, reason="离职")
    assert client.get("/api/me", headers=bearer(plaintext)).status_code == 401
    assert tokens.token_authenticate(plaintext) is None


def test_token_of_an_inactive_account_is_401(client, make_user):
    user = make_user("staff")
    _token, plaintext = tokens.token_create(user, user, "cli", ["*"])
    with audited_write():
        user.is_active = False
        user.save(update_fields=["is_active"])
        record(None, "identity.user.deactivate", user)
    assert client.get("/api/me", headers=bearer(plaintext)).status_code == 401


def test_scope_narrows_the_persons_permissions(admin_user, department):
    """p04.6.1: a token scoped org.person.view cannot add people although the person may."""
    assert permissions.has_perm(admin_user, "org.person.add")
    _token, plaintext = tokens.token_create(admin_user, admin_user, "只读", ["org.person.view"])
    token_user = tokens.token_authenticate(plaintext)
    assert permissions.has_perm(token_user, "org.person.view")
    assert not permissions.has_perm(token_user, "org.person.add")
    assert permissions.department_ids_in_scope(token_user, "org.person.add") == set()
    with pytest.raises(PermissionDenied):
        org_services.person_create(token_user, employee_no="E-SCOPE", name="李四", department=department)
    # a scope never grants what the person lacks
    assert not permissions.has_perm(token_user, "audit.event.view")
    _token, wide = tokens.token_create(admin_user, admin_user, "全部", ["*"])
    assert not permissions.has_perm(tokens.token_authenticate(wide), "audit.event.view")
    _token, org_all = tokens.token_create(admin_user, admin_user, "org", ["org.*"])
    org_user = tokens.token_authenticate(org_all)
    assert permissions.has_perm(org_user, "org.person.add")
    assert not permissions.has_perm(org_user, "identity.account.manage")


def test_scoped_token_gets_403_from_the_api(client, admin_user, department):
    _token, view_only = tokens.token_create(admin_user, admin_user, "只读", ["org.person.view"])
    payload = {"employee_no": "E-API-1", "name": "王五", "department": department.pk}
    response = client.post("/api/org/people", payload, content_type="application/json", headers=bearer(view_only))
    assert response.status_code == 403, response.content
    assert set(response.json()) == {"detail"}
    assert client.get("/api/org/people", headers=bearer(view_only)).status_code == 200
    me = client.get("/api/me", headers=bearer(view_only)).json()
    assert me["permissions"] == ["org.person.view"]
    _token, full = tokens.token_create(admin_user, admin_user, "全部", ["*"])
    response = client.post("/api/org/people", payload, content_type="application/json", headers=bearer(full))
    assert response.status_code in (200, 201), response.content


def test_only_the_person_creates_their_tokens(make_user):
    owner, other = make_user("staff"), make_user("staff")
    with pytest.raises(PermissionDenied):
        tokens.token_create(other, owner, "x", ["*"])
    assert not ApiToken.objects.filter(user=owner).exists()


def test_revoke_by_owner_or_security_admin_only(make_user):
    owner, other, security = make_user("staff"), make_user("staff"), make_user("security_admin")
    token, _ = tokens.token_create(owner, owner, "x", ["*"])
    with pytest.raises(PermissionDenied):
        tokens.token_revoke(other, token)
    tokens.token_revoke(security, token, reason="疑似泄露")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    mine, _ = tokens.token_create(owner, owner, "y", ["*"])
    tokens.token_revoke(owner, mine)
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None


@pytest.mark.parametrize("scopes", [[], [""], ["org"], ["org.person"], ["ORG.person.view"], ["org.person.view; drop"],
                                    ["**"], ["org.*.view"]])
def test_invalid_scopes_are_refused(admin_user, scopes):
    with pytest.raises(ValidationError) as info:
        tokens.token_create(admin_user, admin_user, "x", scopes)
    assert "scopes" in info.value.message_dict


def test_expiry_is_bounded_by_the_parameter(admin_user):
    token, _ = tokens.token_create(admin_user, admin_user, "x", ["*"])
    assert timedelta(days=364) < token.expires_at - timezone.now() <= timedelta(days=365)
    with pytest.raises(ValidationError):
        tokens.token_create(admin_user, admin_user, "x", ["*"], expires_at=timezone.now() + timedelta(days=400))
    with pytest.raises(ValidationError):
        tokens.token_create(admin_user, admin_user, "x", ["*"], expires_at=timezone.now() - timedelta(days=1))


def test_audit_events_hold_no_token_material(admin_user, make_user):
    security = make_user("security_admin")
    token, plaintext = tokens.token_create(admin_user, admin_user, "审计", ["org.person.view"])
    tokens.token_revoke(security, token, reason="测试")
    digest = ApiToken.objects.get(pk=token.pk).digest
    secret = plaintext.split("_", 2)[2]
    created = AuditEvent.objects.get(action="identity.apitoken.create", subject_id=str(token.pk))
    revoked = AuditEvent.objects.get(action="identity.apitoken.revoke", subject_id=str(token.pk))
    assert created.actor_id == admin_user.pk and revoked.actor_id == security.pk
    assert created.after["prefix"] == token.prefix and created.after["scopes"] == ["org.person.view"]
    for event in AuditEvent.objects.all():
        text = json.dumps({f.attname: str(getattr(event, f.attname)) for f in event._meta.concrete_fields},
                          ensure_ascii=False)
        for material in (plaintext, secret, digest, digest[:32]):
            assert material not in text


# --- session auth -----------------------------------------------------------------------------


def test_session_auth_requires_csrf_for_unsafe_methods(login, make_user):
    user = make_user("staff")
    token, _ = tokens.token_create(user, user, "x", ["*"])
    c = login(user, Client(enforce_csrf_checks=True))
    assert c.get("/api/me").status_code == 200
    response = c.post(f"/api/tokens/{token.pk}/revoke", {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    c.get("/api/docs")  # the docs page sets the CSRF cookie, as a browser would get it
    csrf = c.cookies["csrftoken"].value
    response = c.post(f"/api/tokens/{token.pk}/revoke", {}, content_type="application/json",
                      headers={"X-CSRFToken": csrf})
    assert response.status_code == 200, response.content
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_unauthenticated_unsafe_request_is_401_not_csrf_403(db):
    response = Client(enforce_csrf_checks=True).post("/api/tokens/1/revoke", {}, content_type="application/json")
    assert response.status_code == 401


def test_bearer_token_needs_no_csrf(make_user):
    user = make_user("staff")
    token, plaintext = tokens.token_create(user, user, "x", ["*"])
    response = Client(enforce_csrf_checks=True).post(
        f"/api/tokens/{token.pk}/revoke", {}, content_type="application/json", headers=bearer(plaintext))
    assert response.status_code == 200


def test_session_needs_verified_second_factor_where_roles_require_it(client, login, make_user):
    admin = make_user("system_admin")  # requires_mfa
    client.force_login(admin)
    assert client.get("/api/me").status_code == 401
    assert login(admin).get("/api/me").status_code == 200
    staff = make_user("staff")
    other = Client()
    other.force_login(staff)
    assert other.get("/api/me").status_code == 200


def test_session_with_a_pending_password_change_is_refused(login, make_user):
    user = make_user("staff")
    c = login(user)
    assert c.get("/api/me").status_code == 200
    with audited_write():
        user.must_change_password = True
        user.save(update_fields=["must_change_password"])
        record(None, "identity.user.update", user)
    assert c.get("/api/me").status_code == 401


def test_idle_session_is_refused(login, make_user):
    """p04.1-b: the idle timeout holds for API calls in a session too."""
    c = login(make_user("staff"))
    assert c.get("/api/me").status_code == 200
    session = c.session
    session[LAST_ACTIVITY] = time.time() - 31 * 60
    session.save()
    assert c.get("/api/me").status_code == 401
    session = c.session
    session[LAST_ACTIVITY] = time.time() - 60
    session.save()
    assert c.get("/api/me").status_code == 200
    assert c.session[LAST_ACTIVITY] > time.time() - 5  # the call counted as activity


def test_token_list_and_revoke_api_hide_other_peoples_tokens(client, make_user):
    owner, other = make_user("staff"), make_user("staff")
    mine, plaintext = tokens.token_create(owner, owner, "mine", ["*"])
    theirs, _ = tokens.token_create(other, other, "theirs", ["*"])
    listed = client.get("/api/tokens", headers=bearer(plaintext)).json()
    assert [t["id"] for t in listed] == [mine.pk]
    assert "digest" not in listed[0]
    response = client.post(f"/api/tokens/{theirs.pk}/revoke", {}, content_type="application/json",
                           headers=bearer(plaintext))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


# --- error shapes -----------------------------------------------------------------------------


def _handled(exc):
    request = RequestFactory().get("/api/x")
    response = api.on_exception(request, exc)
    return response.status_code, json.loads(response.content)


def test_error_shapes():
    assert _handled(PermissionDenied("不行 / no")) == (403, {"detail": "不行 / no"})
    status, body = _handled(ValidationError({"name": ["必填 / required"], "code": ["重复 / duplicate"]}))
    assert status == 422
    assert body == {"detail": "必填 / required", "errors": {"name": ["必填 / required"], "code": ["重复 / duplicate"]}}
    status, body = _handled(ValidationError("整体错误 / whole"))
    assert (status, body) == (422, {"detail": "整体错误 / whole", "errors": {"__all__": ["整体错误 / whole"]}})
    assert _handled(ObjectDoesNotExist())[0] == 404
    assert _handled(ApiToken.DoesNotExist())[0] == 404
    assert _handled(Http404())[0] == 404


def test_request_validation_errors_use_the_same_shape(client, admin_user):
    _token, plaintext = tokens.token_create(admin_user, admin_user, "cli", ["*"])
    response = client.post("/api/tokens/1/revoke", {"reason": "x" * 600}, content_type="application/json",
                           headers=bearer(plaintext))
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert list(body["errors"]) == ["reason"]


# --- OpenAPI and docs -------------------------------------------------------------------------


def test_openapi_json_is_openapi_3(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert re.match(r"^3\.\d+\.\d+$", schema["openapi"])
    assert "/api/me" in schema["paths"]
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["in"] == "cookie"
    import schemathesis
    from schemathesis.core.result import Ok

    loaded = schemathesis.openapi.from_dict(schema)
    results = list(loaded.get_all_operations())
    assert results and all(isinstance(r, Ok) for r in results)


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs = []

    def handle_starttag(self, tag, attrs):
        self.refs += [value for name, value in attrs if name in ("src", "href") and value]


def test_docs_page_works_offline(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    parser = _Refs()
    parser.feed(html)
    assert any(ref.endswith("swagger-ui-bundle.js") for ref in parser.refs)
    for ref in parser.refs:
        assert ref.startswith("/static/"), ref
        assert finders.find(ref.removeprefix("/static/")), ref
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", html, re.I)
    settings_json = re.search(r'id="swagger-settings">(.*?)</script>', html, re.S).group(1)
    settings = json.loads(settings_json)
    assert settings["url"] == "/api/openapi.json" and settings["validatorUrl"] is None
