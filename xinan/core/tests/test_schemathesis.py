"""Property-based run of the whole OpenAPI document against the application: every operation
present at run time (the registers add theirs under ``/api/<app>/…``) gets generated requests,
authenticated with a personal API token of a person holding many roles, and no response may be
a server error (5xx).

The schema is the API's own OpenAPI document, built at collection time (no request, no
database), so every operation becomes one pytest item with pytest-django's ``db`` fixture: each
operation's examples run inside one test transaction, rolled back after it. (Schemathesis' lazy
``from_fixture`` loader would be the alternative, but 4.32.5 sets ``Function._nodeid``, which
pytest 9.2 no longer has.) Requests go to the WSGI application in-process: no server, no port.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from xinan.core.api import api
from xinan.identity import tokens

# 三员 roles exclude one another; system_admin (all org registers, accounts) with the deputy GM
# (approvals, reports) and a department head reaches the most operations one person can.
ROLES = ("system_admin", "deputy_gm", "department_head")


@pytest.fixture
def wsgi_app(db):
    # The WSGI handler fires request_started/finished, whose close_old_connections would close
    # the connection holding the test transaction (Django's test client unhooks it the same way).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_caller(make_user):
    """Hands out the Authorization header of a live token. An operation may revoke that token
    (``POST /api/tokens/{pk}/revoke``) or depart its person (``POST /api/org/people/{pk}/depart``)
    with a generated id; then a new person with the same roles and a new token take over, so
    the operation's remaining examples still run authenticated."""

    class Caller:
        plaintext = None

        def headers(self):
            if self.plaintext is None or tokens.token_lookup(self.plaintext) is None:
                user = make_user(*ROLES)
                _token, self.plaintext = tokens.token_create(user, user, "schemathesis", ["*"])
            return {"Authorization": f"Bearer {self.plaintext}"}

    return Caller()


schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
OPERATIONS = sum(1 for _ in schema.get_all_operations())
# Fuzzed examples per operation, on top of schemathesis' deterministic coverage cases: 25 while
# the API is small, fewer as registers add operations, so the whole run stays under ~2 minutes
# on the 2-core machine (about 0.5 s of coverage cases plus 0.1 s per example per operation).
# XINAN_SCHEMATHESIS_EXAMPLES=200 gives a deeper run by hand.
MAX_EXAMPLES = int(os.environ.get("XINAN_SCHEMATHESIS_EXAMPLES") or max(3, min(25, 500 // max(OPERATIONS, 1))))


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_operation_answers_with_a_server_error(case, wsgi_app, api_caller):
    response = case.call(app=wsgi_app, headers=api_caller.headers())
    case.validate_response(response, checks=[not_a_server_error])
