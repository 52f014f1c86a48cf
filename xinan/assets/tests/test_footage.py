"""Monitoring footage (监控资料): burn records (p15.8.3-a), deletions only of burned footage
(p15.8.3-c), copies, downloads and loans only with an approval (p15.8.5-a)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import override

from xinan.core.parameters import parameter_set

from .. import services
from ..models import Equipment, FootageArchive, FootageDeletion, FootageRelease, StorageMedium
from .conftest import plant


@pytest.fixture
def keeper(make_person, dept):
    """The monitoring-room administrator (监控机房管理员 post)."""
    from xinan.org import services as org

    post = org.post_create(None, code="JK-ADMIN", name="监控机房管理员")
    return make_person("监控管理员", dept=dept, post=post)


@pytest.fixture
def camera(device):
    return lambda **kw: device(kind=Equipment.Kind.MONITORING, **kw)


@pytest.fixture
def disc(medium):
    return lambda: medium(kind=StorageMedium.Kind.OPTICAL)


# One reference time for the module, so periods computed in one test line up exactly.
BASE = timezone.now().replace(microsecond=0)


def _at(days):
    return BASE - timedelta(days=days)


def _burn(admin, cam, keeper, disc, start, end, **extra):
    data = dict(equipment=cam, period_start=start, period_end=end, medium=disc(), burned_by=keeper,
                burned_at=end + timedelta(hours=1), size_mb=4000, checksum="c" * 64, verified=True)
    data.update(extra)
    return services.footage_archive_create(admin, **data)


def _messages(exc):
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


def test_p15_8_3_a_burn_record_needs_the_monitoring_admin_and_verification(admin, camera, keeper, disc, device,
                                                                           person):
    """p15.8.3-a: 监控机房管理员刻录归档, verified (完整无误); anything else is refused, writing nothing."""
    cam = camera()
    start, end = _at(9), _at(8)
    bad = [dict(burned_by=person("普通职员")), dict(verified=False), dict(equipment=device()),
           dict(burned_at=start), dict(checksum="")]
    for extra in bad:
        with pytest.raises(ValidationError) as exc:
            _burn(admin, cam, keeper, disc, start, end, **extra)
        assert "/" in _messages(exc)
    with override("zh-hans"), pytest.raises(ValidationError) as exc:
        _burn(admin, cam, keeper, disc, start, end, burned_by=person("另一职员"))
    assert "刻录人须为在岗的监控机房管理员 / the burner must be an active monitoring-room administrator" in _messages(exc)
    assert FootageArchive.objects.count() == 0
    archive = _burn(admin, cam, keeper, disc, start, end)
    assert archive.number.startswith("KL") and archive.department_id == cam.department_id
    with pytest.raises(ValidationError):
        services.footage_archive_update(admin, archive, checksum="d" * 64)


def test_p15_8_3_a_gaps_in_the_burn_records_are_found(admin, camera, keeper, disc, run):
    """p15.8.3-a: every period of a monitoring device up to period + lag ago is burned; gaps are flagged."""
    covered, gapped, fresh = camera(), camera(), camera()
    for cam in (covered, gapped):
        plant(cam, registered_at=_at(30))
    # covered: two overlapping records from before registration to 5 days ago (period P1W + lag P3D = 10 days)
    _burn(admin, covered, keeper, disc, _at(31), _at(15))
    _burn(admin, covered, keeper, disc, _at(16), _at(5))
    # gapped: a hole between day 20 and day 18
    _burn(admin, gapped, keeper, disc, _at(31), _at(20))
    _burn(admin, gapped, keeper, disc, _at(18), _at(5))
    findings = run("p15.8.3-a")
    assert [f.subject_id for f in findings] == [str(gapped.pk)]
    assert findings[0].evidence == {"gap_from": _at(20).isoformat(), "period": "P1W", "lag": "P3D"}
    assert "的录像没有刻录归档记录" in findings[0].message_zh and "has no burn record" in findings[0].message_en
    # a later run finds the same gap with the same content, so the stored finding is not rewritten
    later = run("p15.8.3-a", as_of=timezone.now() + timedelta(hours=1))
    content = [(f.subject_id, f.evidence, f.message_zh, f.message_en, f.since) for f in findings]
    assert [(f.subject_id, f.evidence, f.message_zh, f.message_en, f.since) for f in later] == content
    # a device with no record at all, registered long ago, is found from its registration
    plant(fresh, registered_at=_at(40))
    assert {f.subject_id for f in run("p15.8.3-a")} == {str(gapped.pk), str(fresh.pk)}
    # the parameters decide what is due: with a 30-day lag ``gapped`` is not due yet, ``fresh`` still is
    parameter_set(None, "p15.8.3-a.lag", "P30D")
    assert {f.subject_id for f in run("p15.8.3-a")} == {str(fresh.pk)}


def test_p15_8_3_c_deleting_unburned_footage_is_refused(admin, camera, keeper, disc, person):
    """p15.8.3-c: 未经刻录不得删除监控资料; a deletion needs a reason and a burned period."""
    cam = camera()
    _burn(admin, cam, keeper, disc, _at(20), _at(15))
    _burn(admin, cam, keeper, disc, _at(12), _at(10))
    with pytest.raises(ValidationError) as exc:  # day 15 to 12 is not burned
        services.footage_deletion_create(admin, equipment=cam, period_start=_at(20), period_end=_at(10),
                                         deleted_by=keeper, grounds="空间不足")
    assert "尚未刻录归档,不得删除" in _messages(exc) and "has not been burned" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.footage_deletion_create(admin, equipment=cam, period_start=_at(20), period_end=_at(15),
                                         deleted_by=keeper, grounds="")
    assert "请填写删除原因 / give the reason for the deletion" in _messages(exc)
    with pytest.raises(ValidationError):  # burned only after the deletion
        services.footage_deletion_create(admin, equipment=cam, period_start=_at(20), period_end=_at(15),
                                         deleted_at=_at(16), deleted_by=keeper, grounds="空间不足")
    assert FootageDeletion.objects.count() == 0
    ok = services.footage_deletion_create(admin, equipment=cam, period_start=_at(19), period_end=_at(15),
                                          deleted_by=keeper, grounds="空间不足")
    assert ok.number.startswith("SC")


def test_p15_8_3_c_deletions_before_the_burn_are_found(admin, camera, keeper, disc, run):
    """p15.8.3-c: a deletion (imported or recorded past the service) preceding the burn record is flagged."""
    cam = camera()
    archive = _burn(admin, cam, keeper, disc, _at(20), _at(15))
    early = services.footage_deletion_create(admin, equipment=cam, period_start=_at(20), period_end=_at(15),
                                             deleted_by=keeper, grounds="空间不足")
    fine = services.footage_deletion_create(admin, equipment=cam, period_start=_at(19), period_end=_at(16),
                                            deleted_by=keeper, grounds="定期清理")
    assert run("p15.8.3-c") == []
    plant(early, deleted_at=archive.burned_at - timedelta(hours=2))  # deleted before it was burned
    plant(fine, period_end=_at(14))  # reaches a day past the burned period
    findings = run("p15.8.3-c")
    assert sorted(f.subject_id for f in findings) == sorted([str(early.pk), str(fine.pk)])
    by_id = {f.subject_id: f for f in findings}
    assert by_id[str(fine.pk)].evidence["gap_from"] == _at(15).isoformat()
    assert "在删除前没有刻录归档" in by_id[str(early.pk)].message_zh


def test_p15_8_5_a_copies_are_approved_by_another_person_first(admin, second_admin, dgm, clerk, camera, run):
    """p15.8.5-a: 未经允许不得私自拷贝、下载和外借: requested, approved by another holder of the right, released."""
    cam = camera()
    data = dict(equipment=cam, kind="loan", period_start=_at(3), period_end=_at(2), recipient="派出所",
                purpose="案件调查")
    with pytest.raises(ValidationError) as exc:
        services.footage_release_create(admin, **{**data, "recipient": ""})
    assert "required" in _messages(exc)
    release = services.footage_release_create(admin, **data)
    with pytest.raises(PermissionDenied):  # nothing is released before approval
        services.footage_release_release(admin, release)
    with pytest.raises(PermissionDenied):  # a clerk has no approval right
        services.footage_release_approve(clerk, release)
    with pytest.raises(PermissionDenied):  # the requester never approves his own request
        services.footage_release_approve(admin, release)
    release.refresh_from_db()
    assert release.status == FootageRelease.Status.REQUESTED and release.approved_by_id is None
    services.footage_release_approve(dgm, release, reason="同意")
    services.footage_release_release(second_admin, release)
    release.refresh_from_db()
    assert release.status == FootageRelease.Status.RELEASED and release.approved_at <= release.released_at
    assert run("p15.8.5-a") == []
    # a release recorded past the service without an approval is found
    other = services.footage_release_create(admin, **{**data, "kind": "copy"})
    plant(other, status=FootageRelease.Status.RELEASED, released_at=timezone.now())
    findings = run("p15.8.5-a")
    assert [f.subject_id for f in findings] == [str(other.pk)]
    assert "没有事先的批准记录" in findings[0].message_zh


def test_p15_8_5_a_release_steps_page(admin, dgm, camera, login):
    """p15.8.5-a: the 办理 page offers approval to the approver and performs it."""
    from django.urls import reverse

    release = services.footage_release_create(admin, equipment=camera(), kind="download", period_start=_at(3),
                                              period_end=_at(2), recipient="审计部", purpose="内部审计")
    url = reverse("assets:footage_release_steps", args=[release.pk])
    client = login(dgm)
    assert "批准拷贝外借" in client.get(url).content.decode()
    assert client.post(url, {"step": "approve", "reason": "同意"}).status_code == 302
    release.refresh_from_db()
    assert release.status == FootageRelease.Status.APPROVED and release.approved_by_id == dgm.pk
