"""The API token pages: one's own tokens (create — plaintext shown once —, revoke) and the
security administrator's list of all tokens (p04.4-a, p04.6.1)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from xinan.audit.models import AuditEvent
from xinan.identity import tokens
from xinan.identity.models import ApiToken

PLAINTEXT_RE = re.compile(r"xn_[0-9a-f]{8}_[A-Za-z0-9_-]{40,}")


@pytest.fixture
def staff(make_user):
    return make_user("staff")


def test_urls():
    assert reverse("tokens:list") == "/account/tokens/"
    assert reverse("tokens:admin") == "/account/tokens/all/"
    assert reverse("tokens:revoke", args=[7]) == "/account/tokens/7/revoke/"


def test_pages_need_login(client, db):
    for name in ("tokens:list", "tokens:admin"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/login" in response["Location"]


def test_create_shows_the_plaintext_once(login, staff):
    c = login(staff)
    page = c.get(reverse("tokens:list"))
    assert page.status_code == 200
    assert "org.person.view" in page.content.decode()  # the person's own permissions are offered
    response = c.post(reverse("tokens:list"), {"name": "报表脚本", "scopes": ["org.person.view"], "days": "30"})
    assert response.status_code == 201
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    html = response.content.decode()
    found = PLAINTEXT_RE.findall(html)
    assert len(set(found)) == 1
    plaintext = found[0]
    token = ApiToken.objects.get(user=staff)
    assert token.scopes == ["org.person.view"] and token.name == "报表脚本"
    assert token.digest == tokens.token_digest(plaintext)
    assert tokens.token_authenticate(plaintext).pk == staff.pk
    again = c.get(reverse("tokens:list")).content.decode()
    assert plaintext not in again and token.prefix in again
    assert AuditEvent.objects.filter(action="identity.apitoken.create", actor_id=staff.pk).count() == 1


def test_create_with_patterns_and_errors(login, staff):
    c = login(staff)
    response = c.post(reverse("tokens:list"), {"name": "x", "extra_scopes": "org.* bad..scope", "days": "30"})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert "bad..scope" in response.content.decode()
    response = c.post(reverse("tokens:list"), {"name": "x", "days": "30"})
    assert response.status_code == 200 and not ApiToken.objects.exists()
    response = c.post(reverse("tokens:list"), {"name": "x", "scopes": ["*"], "days": "100000"})
    assert response.status_code == 200 and not ApiToken.objects.exists()
    response = c.post(reverse("tokens:list"), {"name": "x", "extra_scopes": "org.*", "days": "7"})
    assert response.status_code == 201
    assert ApiToken.objects.get().scopes == ["org.*"]


def test_forms_require_csrf(login, staff):
    token, _ = tokens.token_create(staff, staff, "x", ["*"])
    c = login(staff, Client(enforce_csrf_checks=True))
    assert c.post(reverse("tokens:list"), {"name": "x", "scopes": ["*"], "days": "7"}).status_code == 403
    assert c.post(reverse("tokens:revoke", args=[token.pk])).status_code == 403
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


def test_owner_revokes_own_token(login, staff):
    token, plaintext = tokens.token_create(staff, staff, "x", ["*"])
    response = login(staff).post(reverse("tokens:revoke", args=[token.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("tokens:list")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert tokens.token_authenticate(plaintext) is None


def test_others_cannot_see_or_revoke_a_token(client, login, staff, make_user):
    token, _ = tokens.token_create(staff, staff, "x", ["*"])
    other = make_user("staff")
    c = login(other)
    assert c.get(reverse("tokens:admin")).status_code == 403
    assert c.post(reverse("tokens:revoke", args=[token.pk])).status_code == 404
    assert token.prefix not in c.get(reverse("tokens:list")).content.decode()
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_security_admin_lists_and_revokes_all_tokens(login, staff, make_user):
    token, _ = tokens.token_create(staff, staff, "员工令牌", ["*"])
    security = make_user("security_admin")
    c = login(security)
    page = c.get(reverse("tokens:admin"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "员工令牌" in html and staff.username in html and token.digest not in html
    response = c.post(reverse("tokens:revoke", args=[token.pk]), {"from": "admin"})
    assert response.status_code == 302 and response["Location"] == reverse("tokens:admin")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    event = AuditEvent.objects.get(action="identity.apitoken.revoke")
    assert event.actor_id == security.pk
