"""三员 separation and role grants through every entry point (p21.5.1.2-a, p20.*).

An attempt to give the security auditor the system administrator's role is refused by the page,
the API, the CLI, a bulk insert and the database itself, and each refusal is an audit event.
"""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from xinan.audit.models import AuditEvent
from xinan.org import services
from xinan.org.models import Role, RoleAssignment


@pytest.fixture
def people(make_user, make_person):
    auditor = make_user("auditor", name="赵强")
    secadmin = make_user("security_admin", name="王芳")
    dgm = make_user("deputy_gm", name="陈立伟")
    sysadmin = make_user("system_admin", name="李明")
    return {"auditor": auditor, "secadmin": secadmin, "dgm": dgm, "sysadmin": sysadmin, "other": make_person(name="钱多")}


def _refusals(person):
    return AuditEvent.objects.filter(action="org.role.grant_refused", subject_id=str(person.pk))


def _sysadmin_role():
    return Role.objects.get(code="system_admin")


def test_page_refuses_auditor_as_system_admin(people, login):
    client = login(people["secadmin"])
    target = people["auditor"].person
    response = client.post("/org/grants/new/", {"person": target.pk, "role": _sysadmin_role().pk, "reason": "试图兼任"})
    assert response.status_code == 400
    assert "三员分离" in response.content.decode()
    assert not RoleAssignment.objects.filter(person=target, role__code="system_admin").exists()
    event = _refusals(target).get()
    assert event.actor_id == people["secadmin"].pk and "三员分离" in event.after["refused"]


def test_api_refuses_auditor_as_system_admin(people, login):
    client = login(people["secadmin"])
    target = people["auditor"].person
    response = client.post("/api/org/grants", json.dumps({"person": target.pk, "role": "system_admin", "reason": "x"}),
                           content_type="application/json")
    assert response.status_code in (400, 422)
    assert "三员分离" in response.json()["detail"] or "三员分离" in json.dumps(response.json(), ensure_ascii=False)
    assert _refusals(target).count() == 1


def test_cli_refuses_auditor_as_system_admin(people):
    target = people["auditor"].person
    with pytest.raises(CommandError, match="三员分离"):
        call_command("role", "grant", "--as", people["secadmin"].username, "--person", target.employee_no,
                     "--role", "system_admin", "--reason", "命令行尝试")
    assert _refusals(target).count() == 1


def test_database_refuses_a_second_triad_role_even_bypassing_services(people):
    target = people["auditor"].person
    role = _sysadmin_role()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.bulk_create([RoleAssignment(person=target, role=role, triad=role.triad, status="active")])
    with pytest.raises(IntegrityError), transaction.atomic():  # forging the copied triad is caught by the trigger
        RoleAssignment.objects.bulk_create([RoleAssignment(person=target, role=role, triad=None, status="active")])
    with pytest.raises(IntegrityError), transaction.atomic():  # a role cannot change its triad kind
        Role.objects.filter(code="deputy_gm").update(triad="auditor")


def test_pending_triad_request_blocks_a_second_one(people):
    target = people["other"]
    services.role_grant_request(people["secadmin"], person=target, role=Role.objects.get(code="auditor"))
    with pytest.raises(ValidationError, match="三员分离"):
        services.role_grant_request(people["secadmin"], person=target, role=_sysadmin_role())


def test_grant_needs_another_approver(people):
    target = people["other"]
    grant = services.role_grant_request(people["secadmin"], person=target, role=Role.objects.get(code="auditor"))
    assert grant.status == "pending"
    with pytest.raises(PermissionDenied):  # the security administrator cannot approve their own grant
        services.role_grant_approve(people["secadmin"], grant)
    assert AuditEvent.objects.filter(action="org.role.approve_refused").count() == 1
    with pytest.raises(PermissionDenied):  # the system administrator holds no approval right
        services.role_grant_approve(people["sysadmin"], grant)
    services.role_grant_approve(people["dgm"], grant, reason="同意")
    grant.refresh_from_db()
    assert grant.status == "active" and grant.decided_by == people["dgm"]
    assert AuditEvent.objects.filter(action="org.role.grant_approve", subject_id=str(grant.pk)).exists()


def test_only_security_admin_grants_and_not_to_themselves(people):
    with pytest.raises(PermissionDenied):
        services.role_grant_request(people["sysadmin"], person=people["other"], role=Role.objects.get(code="staff"))
    with pytest.raises(ValidationError):
        services.role_grant_request(people["secadmin"], person=people["secadmin"].person,
                                    role=Role.objects.get(code="deputy_gm"))
    assert AuditEvent.objects.filter(action="org.role.grant_refused").count() == 2


def test_grant_pages_approve_and_revoke(people, login):
    target = people["other"]
    grant = services.role_grant_request(people["secadmin"], person=target, role=Role.objects.get(code="staff"))
    client = login(people["dgm"])
    assert "钱多" in client.get("/org/grants/").content.decode()
    client.post(f"/org/grants/{grant.pk}/approve/", {"reason": "同意"})
    grant.refresh_from_db()
    assert grant.status == "active"
    client = login(people["secadmin"])
    client.post(f"/org/grants/{grant.pk}/revoke/", {"reason": "不再需要"})
    grant.refresh_from_db()
    assert grant.status == "revoked"


def test_cli_grant_and_approve_flow(people):
    target = people["other"]
    call_command("role", "grant", "--as", people["secadmin"].username, "--person", target.employee_no, "--role", "staff")
    grant = RoleAssignment.objects.get(person=target, role__code="staff")
    call_command("role", "approve", "--as", people["dgm"].username, str(grant.pk))
    grant.refresh_from_db()
    assert grant.status == "active"
