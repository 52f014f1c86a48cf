"""Fixtures for the audit chain's tests: events to verify, an attacker with database rights, the
auditor and the system administrator signed in."""

import pytest
from django.db import connection
from django.test import Client

from xinan.audit import guards
from xinan.audit.services import audited_write, record_many


@pytest.fixture
def make_events(db):
    """make_events(n, **fields) -> the appended AuditEvent objects (one transaction)."""

    def make(n, action="test.event", actor="tester", **extra):
        entries = [
            dict(actor=actor, action=action, subject=("test.thing", i, f"物件{i}"), before={"v": i},
                 after={"v": i + 1, "名称": f"值{i}", "nested": {"b": [1, 2.5, None], "a": True}}, **extra)
            for i in range(n)
        ]
        with audited_write():
            return record_many(entries)

    return make


@pytest.fixture
def attacker(transactional_db):
    """Someone with direct database rights: the append-only triggers are dropped for the test
    and put back afterwards, whatever happens (committed data, hence ``transactional_db``)."""
    guards.remove(connection)
    try:
        yield connection
    finally:
        guards.install(connection)


@pytest.fixture
def auditor(make_user):
    return make_user("auditor")


@pytest.fixture
def system_admin(make_user):
    return make_user("system_admin")


@pytest.fixture
def auditor_client(auditor, login):
    return login(auditor, Client())


@pytest.fixture
def admin_client(system_admin, login):
    return login(system_admin, Client())
