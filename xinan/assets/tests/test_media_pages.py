"""The 办理 pages of the media flows (p14.3 approvals level by level, p15.2.8-d removal passes,
p08.9.4-a joint review, p14.2 receipt): each step through the page calls its service."""

from django.urls import reverse
from django.utils import timezone

from .. import services
from ..models import MediumDisposal, MediumMovement, RemovalPass


def test_p14_3_disposal_steps_page_approves_level_by_level(medium, admin, second_admin, dgm, person, login):
    """p14.3: the IT department's approval, then the leadership's, then the handover, all from the page."""
    m = medium(classification=1)
    to = person("接收人")
    disposal = services.disposal_request(admin, kind="handover", medium=m, to_custodian=to, grounds="岗位调整")
    url = reverse("assets:disposal_steps", args=[disposal.pk])
    own = login(admin).post(url, {"step": "approve", "reason": "同意"})
    assert own.status_code in (400, 403)  # the requester approves nothing
    assert login(second_admin).post(url, {"step": "approve", "reason": "同意"}).status_code == 302
    assert login(dgm).post(url, {"step": "approve", "reason": "同意"}).status_code == 302
    assert MediumDisposal.objects.get(pk=disposal.pk).status == "approved"
    done = login(admin).post(url, {"step": "complete", "reason": "已交接"})
    assert done.status_code == 302
    m.refresh_from_db()
    assert m.custodian == to


def test_p15_2_8_d_removal_pass_page_and_p14_2_receipt(medium, admin, second_admin, person, login):
    """p15.2.8-d: approve then let out from the page; p14.2: a movement received from the page."""
    tape = medium(kind="tape", location="机房介质柜")
    rp = services.removal_pass_create(admin, medium=tape, carried_by=person("携带人"), destination="灾备中心",
                                      purpose="轮换")
    url = reverse("assets:removal_pass_steps", args=[rp.pk])
    assert "批准带出" in login(second_admin).get(url).content.decode()
    assert login(second_admin).post(url, {"step": "approve"}).status_code == 302
    assert login(admin).post(url, {"step": "out"}).status_code == 302
    assert RemovalPass.objects.get(pk=rp.pk).status == "out"
    mv = services.movement_create(admin, medium=tape, purpose="offsite_backup", from_place="机房", to_place="灾备中心",
                                  carrier=person("携运人"), handed_over_at=timezone.now())
    receiver = person("库管员")
    url = reverse("assets:movement_steps", args=[mv.pk])
    ok = login(admin).post(url, {"step": "receive", "received_by": receiver.pk, "seal_intact": "on"})
    assert ok.status_code == 302
    assert MediumMovement.objects.get(pk=mv.pk).received_by == receiver
