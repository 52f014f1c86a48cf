"""调离岗位 and 离职 are recorded events with their time; subscribers act in the same transaction."""

import json

import pytest
from django.core.exceptions import ValidationError

from xinan.audit.models import AuditEvent
from xinan.org import services
from xinan.org.models import JobChange, Role
from xinan.org.signals import person_departed, person_transferred


def test_transfer_records_the_change_and_notifies(make_person, make_department):
    person = make_person()
    target = make_department("运营部")
    seen = []
    handler = lambda sender, person, job_change, actor, **kw: seen.append(job_change.kind)  # noqa: E731
    person_transferred.connect(handler)
    try:
        change = services.person_transfer(None, person, department=target, reason="工作需要")
    finally:
        person_transferred.disconnect(handler)
    person.refresh_from_db()
    assert person.department == target and seen == ["transferred"]
    assert change.from_department != target and change.effective_at is not None
    assert AuditEvent.objects.filter(action="org.person.transfer", subject_id=str(person.pk)).exists()


def test_departure_revokes_roles_and_notifies(make_person):
    person = make_person()
    services.role_grant_direct(None, person=person, role=Role.objects.get(code="staff"))
    seen = []
    handler = lambda sender, person, job_change, actor, **kw: seen.append(person.pk)  # noqa: E731
    person_departed.connect(handler)
    try:
        services.person_depart(None, person, reason="辞职")
    finally:
        person_departed.disconnect(handler)
    person.refresh_from_db()
    assert person.status == "left" and person.left_on is not None and seen == [person.pk]
    assert not person.role_assignments.filter(status="active").exists()
    assert JobChange.objects.filter(person=person, kind="left").exists()
    with pytest.raises(ValidationError):
        services.person_depart(None, person)


def test_a_failing_subscriber_rolls_back_the_departure(make_person):
    person = make_person()

    def broken(**kwargs):
        raise RuntimeError("subscriber failed")

    person_departed.connect(broken)
    try:
        with pytest.raises(RuntimeError):
            services.person_depart(None, person)
    finally:
        person_departed.disconnect(broken)
    person.refresh_from_db()
    assert person.status == "active"
    assert not AuditEvent.objects.filter(action="org.person.depart").exists()


def test_department_and_post_change_only_by_transfer(make_person, make_department):
    person = make_person()
    with pytest.raises(ValidationError):
        services.person_update(None, person, department=make_department("别处"))


def test_transfer_and_depart_pages_and_api(make_user, make_person, make_department, login):
    admin = make_user("system_admin")
    client = login(admin)
    person = make_person(name="调岗人")
    target = make_department("新部门")
    response = client.post(f"/org/people/{person.pk}/transfer/", {"department": target.pk, "reason": "轮岗"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.department == target
    response = client.post(f"/api/org/people/{person.pk}/depart", json.dumps({"reason": "离职"}),
                           content_type="application/json")
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert person.status == "left"


def test_department_tree_cannot_loop(make_department):
    parent = make_department("上级")
    child = make_department("下级", parent=parent)
    with pytest.raises(ValidationError):
        services.department_update(None, parent, parent=child)


def test_person_detail_offers_transfer_and_departure(make_user, make_person, login):
    person = make_person()
    body = login(make_user("system_admin")).get(f"/org/people/{person.pk}/").content.decode()
    assert f"/org/people/{person.pk}/transfer/" in body and f"/org/people/{person.pk}/depart/" in body
