"""Who writes and holds classified media, and what leaves the machine room: p05.0.3.2-a (classified
writes through the information security section), p05.4.1/p05.4.2 (secret and sensitive files
encrypted on classified media), p08.9.4-a (joint review of authorisations), p15.2.8-d (removal
passes) and p17.6.5 (outside technicians only after a wipe or a data-protection decision)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from xinan.core.parameters import parameter_set

from .. import services
from ..models import MediumContent, RemovalPass, Repair, TechnicianVisit
from .conftest import plant


def _ids(findings):
    return sorted(f.subject_id for f in findings)


@pytest.fixture
def security(make_user):
    return make_user("security_admin", name="信息安全科王")


def test_p05_0_3_2_a_only_the_security_section_writes_classified_data_to_removable_media(medium, admin, security,
                                                                                         run):
    """p05.0.3.2-a: 涉密信息到信息安全科转存到可移动介质; the entry is the write record (what, by whom)."""
    usb = medium()
    with pytest.raises(PermissionDenied) as exc:
        services.medium_content_create(admin, medium=usb, description="客户名单", classification=2)
    assert "information security section" in str(exc.value)
    assert MediumContent.objects.count() == 0
    entry = services.medium_content_create(security, medium=usb, description="客户名单", classification=2)
    assert entry.recorded_by == security
    services.medium_content_create(admin, medium=usb, description="公开资料", classification=0)  # not classified
    assert run("p05.0.3.2-a") == []
    plant(entry, recorded_by=admin)  # written by someone else
    findings = run("p05.0.3.2-a")
    assert _ids(findings) == [str(entry.pk)]
    assert "不是由信息安全科转存" in findings[0].message_zh


def test_p05_4_1_and_p05_4_2_secret_and_sensitive_files_only_encrypted_on_classified_media(medium, security, admin,
                                                                                            run):
    """p05.4.1 (公司秘密) and p05.4.2 (敏感信息): 在涉密介质中加密单独存储."""
    plain, secret = medium(kind="hard_disk"), medium(kind="hard_disk", classification=1)
    with pytest.raises(ValidationError) as exc:
        services.medium_content_create(admin, medium=plain, description="薪酬方案", sensitivity="company_secret")
    assert set(exc.value.message_dict) == {"medium", "encrypted"}
    assert "registered classified medium" in exc.value.message_dict["medium"][0]
    assert MediumContent.objects.count() == 0
    ok = services.medium_content_create(admin, medium=secret, description="薪酬方案", sensitivity="company_secret",
                                        encrypted=True, classification=1)
    sensitive = services.medium_content_create(admin, medium=secret, description="部门考核", sensitivity="sensitive",
                                               encrypted=True)
    with pytest.raises(ValidationError):
        services.medium_content_update(admin, sensitive, encrypted=False)
    assert run("p05.4.1") == [] and run("p05.4.2") == []
    plant(ok, encrypted=False)
    plant(sensitive, medium=plain)
    assert [(f.clause, f.subject_id) for f in run("p05.4.1")] == [("p05.4.1", str(ok.pk))]
    assert [(f.clause, f.subject_id) for f in run("p05.4.2")] == [("p05.4.2", str(sensitive.pk))]


def test_p08_9_4_a_authorisation_needs_the_joint_review_of_two_people(medium, person, admin, security, run):
    """p08.9.4-a: 会同科技信息部对涉密介质、设备的授权使用审查 (secrecy office + technology department)."""
    with pytest.raises(ValidationError) as exc:
        services.authorisation_create(admin, person=person("使用人"), medium=medium(), purpose="备份")
    assert "only classified media" in exc.value.message_dict["medium"][0]
    auth = services.authorisation_create(admin, person=person("使用人"), medium=medium(classification=2),
                                         purpose="涉密数据备份")
    assert _ids(run("p08.9.4-a")) == [str(auth.pk)]
    with pytest.raises(PermissionDenied):
        services.authorisation_review(admin, auth, side="secrecy")  # the administrator is not the secrecy office
    services.authorisation_review(security, auth, side="secrecy")
    with pytest.raises(PermissionDenied):
        services.authorisation_review(security, auth, side="technology")  # the other side signs for itself
    services.authorisation_review(admin, auth, side="technology")
    assert run("p08.9.4-a") == []
    plant(auth, technology_reviewed_by=security)  # one person signing for both
    assert _ids(run("p08.9.4-a")) == [str(auth.pk)]


def test_p15_2_8_d_removal_from_the_machine_room_needs_an_approved_pass(device, medium, admin, second_admin, person,
                                                                        other_dept, run):
    """p15.2.8-d: 不准将机器设备和数据带出机房 without an approved pass; out only after approval."""
    parameter_set(None, "assets.machine_rooms", "中心机房")
    tape = medium(kind="tape", location="中心机房介质柜")
    rp = services.removal_pass_create(admin, medium=tape, carried_by=person("携带人"), destination="灾备中心",
                                      purpose="备份轮换")
    with pytest.raises(PermissionDenied):
        services.removal_pass_out(admin, rp)
    with pytest.raises(PermissionDenied):
        services.removal_pass_approve(admin, rp)  # not the requester
    services.removal_pass_approve(second_admin, rp)
    services.removal_pass_out(admin, rp)
    loan = services.medium_lend(admin, medium=tape, borrower=person("借用人"), purpose="灾备演练",
                                due_back=timezone.localdate() + timedelta(days=1))
    assert run("p15.2.8-d") == []
    services.removal_pass_return(admin, rp)
    assert RemovalPass.objects.get(pk=rp.pk).status == "returned"
    other = medium(location="中心机房介质柜")
    other_loan = services.medium_lend(admin, medium=other, borrower=person("借用人2"), purpose="拷贝",
                                      due_back=timezone.localdate() + timedelta(days=1))
    findings = run("p15.2.8-d")
    assert _ids(findings) == [str(other_loan.pk)]
    assert str(loan.pk) not in _ids(findings)
    plant(rp, approved_by=None)
    assert str(rp.pk) in _ids(run("p15.2.8-d"))


def test_p17_6_5_outside_technician_needs_a_prior_wipe_or_a_protection_decision(device, admin, person, run):
    """p17.6.5: 未经处理的计算机设备不得请外来人员维修 (and not sent for repair: check p14.7-c's dispatch rule)."""
    pc = device()
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        services.technician_visit_create(admin, equipment=pc, technician="厂商工程师", visited_at=now,
                                         supervisor=person("监督人"), protection="sanitised")
    assert "wipe record" in exc.value.message_dict["sanitisation"][0]
    with pytest.raises(ValidationError):
        services.technician_visit_create(admin, equipment=pc, technician="厂商工程师", visited_at=now,
                                         supervisor=person("监督人"), protection="supervised", protection_note=" ")
    assert TechnicianVisit.objects.count() == 0
    wipe = services.sanitisation_create(admin, purpose="repair", equipment=pc, backed_up=True, backup_location="NAS",
                                        method="wipe", performed_at=now - timedelta(hours=1),
                                        performed_by=person("甲"), witness=person("乙"))
    repair = services.repair_report(admin, equipment=pc, reported_by=pc.responsible, fault="主板故障")
    services.repair_diagnose(admin, repair, cause="hardware", diagnosis="主板电容鼓包")
    services.repair_complete(admin, repair, work_done="更换主板", restored=True, technician="联想工程师",
                             supervisor=person("监督人"))
    findings = run("p17.6.5")
    assert _ids(findings) == [str(repair.pk)]
    assert "没有数据处理登记" in findings[0].message_zh
    visit = services.technician_visit_create(admin, equipment=pc, repair=repair, technician="联想工程师",
                                             visited_at=now, supervisor=person("监督人"), protection="sanitised",
                                             sanitisation=wipe)
    assert run("p17.6.5") == []
    plant(visit, protection="supervised", sanitisation=None, protection_note="")
    assert _ids(run("p17.6.5")) == [str(visit.pk)]


def test_p17_6_5_dispatch_without_a_wipe_is_found(device, admin, person, run):
    """p17.6.5: a repair sent out with no wipe before it (past the service) is found."""
    pc = device()
    repair = services.repair_report(admin, equipment=pc, reported_by=pc.responsible, fault="硬盘异响")
    plant(repair, external=True, sent_at=timezone.now(), status=Repair.Status.SENT_OUT)
    assert _ids(run("p17.6.5")) == [str(repair.pk)]
