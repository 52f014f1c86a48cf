"""交接确认 (p15.7.2-b 转交他人保管时需严格交接): the giving and the receiving person of an executed
transfer or a medium handover each confirm it as themselves; the check flags custody changes not
confirmed by both within ``assets.handover_confirm_within``."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from xinan.audit.models import AuditEvent
from xinan.audit.services import audited_write, record

from .. import services
from ..models import HandoverConfirmation, MediumHandover


@pytest.fixture
def giver(make_user, dept):
    return make_user("staff", name="原负责人", dept=dept)


@pytest.fixture
def receiver(make_user, other_dept):
    return make_user("staff", name="新负责人", dept=other_dept)


@pytest.fixture
def executed(device, other_dept, giver, receiver, admin, dgm):
    pc = device(responsible=giver.person, user=giver.person)
    transfer = services.transfer_request(admin, equipment=pc, to_department=other_dept,
                                         to_responsible=receiver.person, purpose="岗位调整")
    services.transfer_approve(dgm, transfer)
    return services.transfer_execute(admin, transfer)


LATER = timezone.now() + timedelta(days=5)


def handed_over(medium, to_person):
    """A medium handover as the media flow (approved 介质处置审批单) records it."""
    with audited_write():
        handover = MediumHandover(medium=medium, from_custodian=medium.custodian, to_custodian=to_person,
                                  handed_at=timezone.now(), reason="岗位调整")
        handover.save()
        record(None, "test.handover", handover)
    return handover


def test_both_parties_confirm_a_transfer_as_themselves(executed, giver, receiver, admin, run):
    """p15.7.2-b: each party confirms as themselves (audited); then the check is satisfied."""
    assert [f.subject_label for f in run("p15.7.2-b", as_of=LATER)] == [executed.number]
    with pytest.raises(PermissionDenied):  # the administrator is neither party
        services.handover_confirm(admin, executed)
    first = services.handover_confirm(giver, executed, note="设备及配件已交出")
    assert (first.party, first.person, first.user) == ("giver", giver.person, giver)
    with pytest.raises(ValidationError):  # once per party
        services.handover_confirm(giver, executed)
    assert [f.subject_label for f in run("p15.7.2-b", as_of=LATER)] == [executed.number]  # one party only
    services.handover_confirm(receiver, executed)
    assert run("p15.7.2-b", as_of=LATER) == []
    assert AuditEvent.objects.filter(action="assets.handover.confirm").count() == 2


def test_within_the_period_an_unconfirmed_transfer_is_not_yet_a_finding(executed, run):
    """p15.7.2-b: the parameter's period (default P3D) runs from the execution."""
    assert run("p15.7.2-b") == []


def test_a_transfer_not_executed_cannot_be_confirmed(device, other_dept, giver, receiver, admin, dgm):
    transfer = services.transfer_request(admin, equipment=device(responsible=giver.person, user=giver.person),
                                         to_department=other_dept, to_responsible=receiver.person, purpose="调整")
    with pytest.raises(ValidationError):
        services.handover_confirm(receiver, transfer)


def test_medium_handover_needs_both_confirmations(medium, giver, receiver, admin, run):
    """p15.7.2-b: a medium handover is a custody change too."""
    m = medium(custodian=giver.person)
    handover = handed_over(m, receiver.person)
    findings = run("p15.7.2-b", as_of=LATER)
    assert [(f.subject_type, f.subject_label) for f in findings] == [("assets.storagemedium", m.label_no)]
    services.handover_confirm(giver, handover)
    services.handover_confirm(receiver, handover)
    assert run("p15.7.2-b", as_of=LATER) == []
    assert HandoverConfirmation.objects.filter(medium_handover=handover).count() == 2


def test_the_receiver_confirms_on_the_steps_page(executed, receiver, login, make_user):
    from xinan.org.models import Role
    from xinan.org.services import role_grant_direct

    role_grant_direct(None, person=receiver.person, role=Role.objects.get(code="deputy_gm"))  # can see transfers
    client = login(receiver)
    url = reverse("assets:transfer_steps", args=[executed.pk])
    assert "确认交接" in client.get(url).content.decode()
    assert client.post(url, {"step": "confirm", "note": "已收到"}).status_code == 302
    assert HandoverConfirmation.objects.get(transfer=executed).party == "receiver"


def test_the_giver_confirms_a_medium_handover_on_the_media_page(medium, giver, receiver, admin, login, run):
    """p15.7.2-b: the 介质办理 page offers 确认移交 of the medium's latest handover."""
    from xinan.org.models import Role
    from xinan.org.services import role_grant_direct

    m = medium(custodian=giver.person)
    handed_over(m, receiver.person)
    role_grant_direct(None, person=giver.person, role=Role.objects.get(code="deputy_gm"))  # can see media
    client = login(giver)
    url = reverse("assets:medium_steps", args=[m.pk])
    assert client.post(url, {"step": "confirm_handover", "note": "已交出"}).status_code == 302
    assert HandoverConfirmation.objects.get(medium_handover__medium=m).party == "giver"
    assert [f.evidence["giver_confirmed"] for f in run("p15.7.2-b", as_of=LATER)] == [True]


def test_the_pending_page_lists_what_a_person_must_confirm_and_confirms_it(executed, giver, receiver, login):
    """p15.7.2-b: 待确认交接 lists the executed transfer for each party until they confirm it."""
    client = login(receiver)
    url = reverse("assets:handover_confirmations")
    assert executed.number in client.get(url).content.decode()
    assert client.post(url, {"kind": "transfer", "pk": executed.pk}).status_code == 302
    assert executed.number not in client.get(url).content.decode()
    assert HandoverConfirmation.objects.get(transfer=executed).person == receiver.person
    other = login(giver)
    assert executed.number in other.get(url).content.decode()  # the giver has not confirmed yet
