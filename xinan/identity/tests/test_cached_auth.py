"""The account behind a session and the token behind an API call are kept between GET requests
(``xinan.core.versions``): a change to the account, its person or the token takes effect at the
very next request, and what one request notes on its user never reaches another."""

import pytest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.db import connection

from xinan.identity import services, tokens
from xinan.org import services as org_services

pytestmark = pytest.mark.django_db


def _api(plaintext: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")


def test_a_deactivated_account_is_signed_out_at_the_next_request(make_user, login):
    user = make_user("system_admin")
    client = login(user)
    assert client.get("/assets/equipment/").status_code == 200
    services.account_deactivate(None, user, reason="停用")
    response = client.get("/assets/equipment/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_person_who_left_loses_api_access_at_the_next_request(make_user):
    """p10.38-b: leaving stops the account's token too, although the token row is unchanged."""
    user = make_user("system_admin")
    _t, plaintext = tokens.token_create(None, user, "t", ["assets.equipment.view"])
    api = _api(plaintext)
    assert api.get("/api/assets/equipment?limit=5").status_code == 200
    org_services.person_depart(None, user.person, reason="离职")
    assert api.get("/api/assets/equipment?limit=5").status_code == 401


def test_a_revoked_token_is_refused_at_the_next_request(make_user):
    user = make_user("system_admin")
    token, plaintext = tokens.token_create(None, user, "t", ["assets.equipment.view"])
    api = _api(plaintext)
    assert api.get("/api/assets/equipment?limit=5").status_code == 200
    tokens.token_revoke(user, token, reason="泄露")
    assert api.get("/api/assets/equipment?limit=5").status_code == 401


def test_a_tokens_scopes_never_reach_the_same_users_session(make_user, login):
    """The token request narrows its user to the token's scopes; the session request that
    follows gets the account from the same cache entry and keeps all its permissions."""
    user = make_user("system_admin")
    _t, plaintext = tokens.token_create(None, user, "t", ["assets.equipment.view"])
    api, browser = _api(plaintext), login(user)
    assert api.get("/api/org/people?limit=5").status_code == 403  # outside the token's scopes
    assert api.get("/api/assets/equipment?limit=5").status_code == 200
    assert browser.get("/org/people/").status_code == 200
    assert api.get("/api/org/people?limit=5").status_code == 403


def test_a_repeated_request_reads_neither_account_nor_token(make_user, login):
    user = make_user("system_admin")
    _t, plaintext = tokens.token_create(None, user, "t", ["assets.equipment.view"])
    api, browser = _api(plaintext), login(user)
    for client, path in ((api, "/api/assets/equipment?limit=5"), (browser, "/assets/equipment/")):
        # The first use notes the token's last use (a write): the second reads it afresh.
        assert client.get(path).status_code == 200 and client.get(path).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        tables = " ".join(q["sql"] for q in queries.captured_queries)
        assert '"identity_user"' not in tables and '"identity_apitoken"' not in tables, tables
