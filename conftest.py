"""Fixtures shared by every app's tests: an organisation, people with roles, logged-in clients."""

import itertools

import pytest
from django.conf import settings

from xinan.identity.session_keys import MFA_VERIFIED

_counter = itertools.count(1)


def pytest_configure(config):
    settings.AUDIT_ALLOW_FLUSH = True
    settings.PASSWORD_HASHERS = ["xinan.core.testing.CheapArgon2PasswordHasher"]


@pytest.fixture
def department(db):
    from xinan.org import services

    return services.department_create(None, code="D-ROOT", name="总公司")


@pytest.fixture
def make_department(db):
    from xinan.org import services

    def make(name="部门", parent=None, code=None):
        return services.department_create(None, code=code or f"D{next(_counter):04d}", name=name, parent=parent)

    return make


@pytest.fixture
def make_person(db, department):
    from xinan.org import services

    def make(name="张三", dept=None, **extra):
        n = next(_counter)
        return services.person_create(None, employee_no=extra.pop("employee_no", f"E{n:05d}"), name=name,
                                      department=dept or department, **extra)

    return make


@pytest.fixture
def make_user(db, make_person):
    """make_user("system_admin", "staff", password=..., person=...) -> a User holding those roles."""
    from xinan.audit.services import audited_write, record
    from xinan.identity.models import User
    from xinan.org import services
    from xinan.org.models import Role

    def make(*role_codes, person=None, password="Xa9#kq2!Lm7z", username=None, **person_extra):
        person = person or make_person(**person_extra)
        for code in role_codes:
            services.role_grant_direct(None, person=person, role=Role.objects.get(code=code))
        with audited_write():
            user = User(username=username or f"u{person.employee_no.lower()}", person=person,
                        must_change_password=False)
            user.set_password(password)
            from django.utils import timezone

            user.password_changed_at = timezone.now()
            user.save()
            record(None, "identity.user.create", user)
        return user

    return make


@pytest.fixture
def login(client):
    """login(user) -> the test client, logged in with the second factor already verified."""

    def do(user, the_client=None):
        from xinan.audit.services import audited_write, record

        c = the_client or client
        with audited_write():  # Django's login() saves last_login; like the login service, audit it
            c.force_login(user)
            record(user, "identity.login", user, reason="test login")
        session = c.session
        session[MFA_VERIFIED] = True
        session.save()
        return c

    return do
