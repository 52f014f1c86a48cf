import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from xinan.audit.models import AuditEvent
from xinan.org import services
from xinan.org.models import Role, RoleAssignment


def test_person_create_is_audited_with_digested_phone(make_person):
    person = make_person(phone="13800138000")
    event = AuditEvent.objects.filter(action="org.person.create", subject_id=str(person.pk)).get()
    assert event.after["phone"].startswith("hmac-sm3:")
    assert "13800138000" not in str(event.after)


def test_triad_roles_refused_by_service(make_person):
    person = make_person()
    services.role_grant_direct(None, person=person, role=Role.objects.get(code="auditor"))
    with pytest.raises(ValidationError):
        services.role_grant_direct(None, person=person, role=Role.objects.get(code="system_admin"))


@pytest.mark.django_db(transaction=True)
def test_triad_roles_refused_by_database(make_person):
    person = make_person()
    services.role_grant_direct(None, person=person, role=Role.objects.get(code="auditor"))
    role = Role.objects.get(code="system_admin")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.bulk_create([RoleAssignment(person=person, role=role, triad=role.triad, status="active")])
    # a forged triad (null) is refused by the trigger
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.bulk_create([RoleAssignment(person=person, role=role, triad=None, status="active")])
