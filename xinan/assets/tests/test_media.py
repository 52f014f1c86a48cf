"""Storage media: p05.0.3.2-b (label = highest stored), p15.3.9-b (never downgraded), p05.0.3.3,
p10.36.3-a/b, p01.2.5-c/d, p15.3.10 (classified destruction by the leadership), p06.9-a, p14.6-a,
p15.3.11-c."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from .. import services
from ..models import MediumLabel, StorageMedium
from .conftest import plant


def test_a_medium_can_never_be_downgraded(medium, admin):
    """p15.3.9-b: 存储过涉密信息的计算机媒体不能降低密级使用 (a service rule)."""
    m = medium(classification=1)
    services.medium_update(admin, m, classification=2)
    with pytest.raises(ValidationError) as exc:
        services.medium_update(admin, m, classification=0)
    assert "can never be lowered" in exc.value.message_dict["classification"][0]
    m.refresh_from_db()
    assert m.classification == 2
    assert list(MediumLabel.objects.filter(medium=m).values_list("classification", flat=True)) == [1, 2]


def test_the_label_follows_the_highest_content(medium, make_user):
    """p05.0.3.2-b: 按所存储信息的最高密级标明密级 (written by the security section, p05.0.3.2-a)."""
    m = medium()
    writer = make_user("security_admin", name="信息安全科")
    services.medium_content_create(writer, medium=m, description="客户名单", classification=2)
    services.medium_content_create(writer, medium=m, description="会议纪要", classification=1)
    m.refresh_from_db()
    assert m.classification == 2


def test_p15_3_9_b_downgrade_past_the_service_is_found(medium, run):
    """Defence in depth: a label lowered by a direct edit is still found."""
    m = medium(classification=2)
    assert run("p15.3.9-b") == []
    plant(m, classification=0)
    findings = run("p15.3.9-b")
    assert [f.subject_id for f in findings] == [str(m.pk)]
    assert findings[0].evidence == {"highest": 2, "current": 0}
    assert "曾标为机密,现标为非涉密" in findings[0].message_zh


def test_p05_0_3_2_b_label_below_contents_is_found(medium, make_user, run):
    m = medium()
    entry = services.medium_content_create(make_user("security_admin"), medium=m, description="财务数据",
                                           classification=1)
    assert run("p05.0.3.2-b") == []
    plant(entry, classification=3)
    assert [f.subject_id for f in run("p05.0.3.2-b")] == [str(m.pk)]


def test_loans_and_returns(medium, admin, person, run):
    """p10.36.3-b: 介质使用和借用登记; overdue loans are found."""
    m = medium()
    loan = services.medium_lend(admin, medium=m, borrower=person("借用人"), purpose="数据拷贝",
                                due_back=timezone.localdate() + timedelta(days=2))
    assert StorageMedium.objects.get(pk=m.pk).status == "lent"
    with pytest.raises(ValidationError):
        services.medium_lend(admin, medium=m, borrower=person("另一人"), purpose="x", due_back=timezone.localdate())
    assert run("p10.36.3-b") == []
    assert [f.subject_id for f in run("p10.36.3-b", as_of=timezone.now() + timedelta(days=5))] == [str(loan.pk)]
    services.medium_return(admin, loan)
    assert StorageMedium.objects.get(pk=m.pk).status == "in_store"
    assert run("p10.36.3-b", as_of=timezone.now() + timedelta(days=5)) == []
    with pytest.raises(ValidationError):
        services.medium_return(admin, loan)


def test_system_discs_never_leave_the_company(medium, admin, person, run):
    """p01.2.5-d: 系统专用资料不得随意带出公司 (refused; a planted one is found)."""
    disc = medium(kind="system_disc")
    with pytest.raises(ValidationError) as exc:
        services.medium_lend(admin, medium=disc, borrower=person("借用人"), purpose="外出安装", offsite=True,
                             due_back=timezone.localdate())
    assert "offsite" in exc.value.message_dict
    loan = services.medium_lend(admin, medium=disc, borrower=person("借用人"), purpose="安装",
                                due_back=timezone.localdate() + timedelta(days=1))
    plant(loan, offsite=True)
    findings = run("p01.2.5-d")
    assert [(f.subject_id, f.severity) for f in findings] == [(str(loan.pk), "violation")]


def test_p10_36_3_a_and_p01_2_5_c_custodians(medium, run):
    usb = medium(custodian=None)
    disc = medium(kind="system_disc", custodian=None)
    assert [f.subject_id for f in run("p10.36.3-a")] == [str(usb.pk)]
    assert [f.subject_id for f in run("p01.2.5-c")] == [str(disc.pk)]


def test_handover_names_both_custodians(medium, admin, second_admin, person):
    """p05.0.3.3: 移交; since p14.3 only an approved handover is carried out."""
    m = medium()
    old, new = m.custodian, person("新保管人")
    with pytest.raises(ValidationError):
        services.medium_handover(admin, m, to_custodian=new, reason="岗位调整")
    disposal = services.disposal_request(admin, kind="handover", medium=m, to_custodian=new, grounds="岗位调整")
    services.disposal_approve(second_admin, disposal)
    handover = services.medium_handover(admin, m, to_custodian=new, reason="岗位调整")
    m.refresh_from_db()
    assert (handover.from_custodian, handover.to_custodian) == (old, m.custodian)
    assert handover.disposal == disposal


def test_destruction_needs_approval_and_a_classified_medium_the_leadership(medium, admin, dgm, person, make_user):
    """p15.3.10: 涉密介质确需报废的,应当经领导批准; the approver does not record it; a witness."""
    plain = medium()
    with pytest.raises(PermissionDenied):
        services.medium_destroy(admin, plain, method="destroy", performed_by=person("甲"), witness=person("乙"))
    secret = medium(classification=2)
    with pytest.raises(PermissionDenied):
        services.medium_destruction_approve(admin, secret)  # the administrator may not approve a classified one
    services.medium_destruction_approve(dgm, secret, reason="同意销毁")
    with pytest.raises(ValidationError):
        services.medium_destroy(admin, secret, method="wipe", performed_by=person("甲"), witness=person("乙"))
    record = services.medium_destroy(admin, secret, method="destroy", performed_by=person("甲"), witness=person("乙"))
    secret.refresh_from_db()
    assert secret.status == "destroyed" and record.purpose == "destruction" and record.medium == secret
    both = make_user("system_admin", "deputy_gm")
    other = medium()
    services.medium_destruction_approve(both, other)
    with pytest.raises(PermissionDenied):
        services.medium_destroy(both, other, method="destroy", performed_by=person("甲"), witness=person("乙"))


def test_destruction_through_the_register_is_refused(medium, person):
    with pytest.raises(ValidationError) as exc:
        services.sanitisation_create(None, purpose="destruction", medium=medium(), method="destroy",
                                     performed_at=timezone.now(), performed_by=person("甲"), witness=person("乙"))
    assert "purpose" in exc.value.message_dict


def test_p14_6_a_and_p15_3_11_c(medium, device, run):
    old = medium(expires_on=timezone.localdate() - timedelta(days=1))
    laptop = device(kind="laptop")
    medium(kind="hard_disk", installed_in=laptop, classification=1)
    assert [f.subject_id for f in run("p14.6-a")] == [str(old.pk)]
    assert [f.subject_id for f in run("p15.3.11-c")] == [str(laptop.pk)]
