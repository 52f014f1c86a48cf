"""电脑维修记录表: p01.7-a/b, p01.2.3-a/b/c, p02.1.2-a/b, p14.7-c/d, p17.6.5, p15.3.9-c."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from .. import services
from ..models import Equipment, Penalty, Repair, Sanitisation
from .conftest import plant


@pytest.fixture
def reported(device, admin):
    def make(**extra):
        pc = device(**extra)
        return services.repair_report(admin, equipment=pc, reported_by=pc.responsible, fault="无法开机")

    return make


def _wipe(repair, person, **extra):
    data = dict(purpose=Sanitisation.Purpose.REPAIR, equipment=repair.equipment, backed_up=True,
                backup_location="文件服务器", method=Sanitisation.Method.WIPE, performed_at=timezone.now(),
                performed_by=person("技术员"), witness=person("见证人"))
    data.update(extra)
    return services.sanitisation_create(None, **data)


def test_on_site_repair(reported, admin):
    """p01.7-a/b, p01.2.3-b, p01.5.1.c: report, diagnosis with cause and measures, repair, restored."""
    repair = reported()
    assert Equipment.objects.get(pk=repair.equipment_id).status == "repair"
    services.repair_diagnose(admin, repair, cause="hardware", diagnosis="电源损坏", measures="更换电源")
    with pytest.raises(ValidationError) as exc:
        services.repair_complete(admin, repair, work_done="更换电源", restored=False)
    assert "restored" in exc.value.message_dict
    services.repair_complete(admin, repair, work_done="更换电源", parts_replaced="电源", restored=True, cost=180)
    repair.refresh_from_db()
    assert (repair.status, repair.parts_replaced, repair.completed_by) == ("completed", "电源", admin)
    assert Equipment.objects.get(pk=repair.equipment_id).status == "in_use"


def test_parts_are_replaced_only_after_the_administrators_diagnosis(reported, admin):
    """p01.2.3-a: no repair (and so no part replacement) before the administrator's diagnosis."""
    repair = reported()
    with pytest.raises(ValidationError):
        services.repair_complete(admin, repair, work_done="换硬盘", parts_replaced="硬盘", restored=True)


def test_personal_fault_records_a_penalty(reported, admin):
    """p01.2.3-c: 如属个人原因,对计算机负责人做出处罚."""
    repair = reported()
    services.repair_diagnose(admin, repair, cause="personal", diagnosis="私自拆机导致主板损坏")
    penalty = Penalty.objects.get()
    assert (penalty.person, penalty.clause, penalty.status) == (repair.equipment.responsible, "p01.2.3-c", "proposed")
    assert repair.number in penalty.offence
    services.penalty_decide(admin, penalty, amount_cny=100, reason="按制度处罚")
    penalty.refresh_from_db()
    assert (penalty.status, penalty.amount_cny, penalty.decided_by) == ("decided", 100, admin)


def test_outside_technician_on_site_is_supervised(reported, admin, person):
    """p02.1.2-a: 非本单位技术人员维修须现场全程监督."""
    repair = reported()
    services.repair_diagnose(admin, repair, cause="hardware", diagnosis="打印头故障")
    with pytest.raises(ValidationError) as exc:
        services.repair_complete(admin, repair, work_done="厂家上门维修", technician="厂家工程师", restored=True)
    assert "supervisor" in exc.value.message_dict
    services.repair_complete(admin, repair, work_done="厂家上门维修", technician="厂家工程师", supervisor=person("监督人"),
                             restored=True)
    assert Repair.objects.get(pk=repair.pk).supervisor is not None


def test_external_repair_needs_approval_by_someone_else(reported, admin, make_user, head):
    """p02.1.2-b: 送外维修须经负责人批准; the administrator who proposes it may not approve it."""
    repair = reported()
    both = make_user("system_admin", "deputy_gm")
    services.repair_diagnose(both, repair, cause="hardware", diagnosis="主板故障")
    services.repair_request_external(both, repair, vendor="联想服务站")
    with pytest.raises(PermissionDenied) as exc:
        services.repair_approve_external(both, repair)
    assert "不得批准本人提出的送外维修" in str(exc.value)
    with pytest.raises(ValidationError):
        services.repair_dispatch(admin, repair, sanitisation=None)  # not approved yet


def test_dispatch_needs_a_witnessed_backup_and_wipe(reported, admin, head, person):
    """p14.7-c, p17.6.5: 送修前备份后删除并登记 (with who witnessed)."""
    repair = reported()
    services.repair_diagnose(admin, repair, cause="hardware", diagnosis="主板故障")
    services.repair_request_external(admin, repair, vendor="联想服务站")
    services.repair_approve_external(head, repair, reason="同意送修")
    with pytest.raises(ValidationError) as exc:
        services.repair_dispatch(admin, repair, sanitisation=None)
    assert "sanitisation" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _wipe(repair, person, backed_up=False)
    assert "backed_up" in exc.value.message_dict
    same = person("同一人")
    with pytest.raises(ValidationError) as exc:
        _wipe(repair, person, performed_by=same, witness=same)
    assert "witness" in exc.value.message_dict
    old = _wipe(repair, person, performed_at=repair.reported_at - timedelta(days=1))
    with pytest.raises(ValidationError):
        services.repair_dispatch(admin, repair, sanitisation=old)  # a wipe before this repair does not count
    wipe = _wipe(repair, person)
    services.repair_dispatch(admin, repair, sanitisation=wipe)
    repair.refresh_from_db()
    assert repair.status == "sent_out" and repair.sanitisation == wipe
    assert Equipment.objects.get(pk=repair.equipment_id).status == "external_repair"
    with pytest.raises(ValidationError) as exc:
        services.repair_return(admin, repair, accepted=True, virus_scan="")
    assert "virus_scan" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.repair_return(admin, repair, accepted=False, virus_scan="未发现病毒")
    services.repair_return(admin, repair, accepted=True, virus_scan="未发现病毒", cost=600)
    repair.refresh_from_db()
    assert (repair.status, repair.accepted_by, repair.virus_scan) == ("completed", admin, "未发现病毒")
    assert repair.returned_at is not None
    assert Equipment.objects.get(pk=repair.equipment_id).status == "in_use"


def test_classified_device_needs_an_escort(reported, admin, head, person, medium):
    """p15.3.9-c: a device holding classified media goes out with someone following it."""
    repair = reported()
    medium(kind="hard_disk", installed_in=repair.equipment, classification=1)
    services.repair_diagnose(admin, repair, cause="hardware", diagnosis="主板故障")
    services.repair_request_external(admin, repair, vendor="指定维修点")
    services.repair_approve_external(head, repair)
    wipe = _wipe(repair, person)
    with pytest.raises(ValidationError) as exc:
        services.repair_dispatch(admin, repair, sanitisation=wipe)
    assert "escort" in exc.value.message_dict
    services.repair_dispatch(admin, repair, sanitisation=wipe, escort=person("跟踪人"))


def test_staff_report_their_own_department_only(device, make_user, other_dept, person):
    """p01.7-a: the responsible person reports; staff reach their own department's devices."""
    pc = device()
    staff = make_user("staff", person=pc.responsible)
    repair = services.repair_report(staff, equipment=pc, fault="死机")
    assert repair.reported_by == pc.responsible
    elsewhere = services.equipment_create(None, asset_no="OPS-01", department=other_dept,
                                          responsible=person(department=other_dept))
    with pytest.raises(PermissionDenied):
        services.repair_report(staff, equipment=elsewhere, fault="死机")
    with pytest.raises(ValidationError):
        services.repair_report(staff, equipment=pc, fault="又死机")  # one open repair per device


def test_p14_7_c_and_p02_1_2_a_checks(reported, admin, head, person, run):
    repair = reported()
    services.repair_diagnose(admin, repair, cause="hardware", diagnosis="主板故障")
    services.repair_request_external(admin, repair, vendor="联想服务站")
    services.repair_approve_external(head, repair)
    services.repair_dispatch(admin, repair, sanitisation=_wipe(repair, person))
    assert run("p14.7-c") == [] and run("p02.1.2-a") == []
    plant(repair, sanitisation=None)
    assert [f.subject_id for f in run("p14.7-c")] == [str(repair.pk)]
    onsite = reported()
    services.repair_diagnose(admin, onsite, cause="hardware", diagnosis="风扇")
    services.repair_complete(admin, onsite, work_done="换风扇", technician="外包", supervisor=person("监督"),
                             restored=True)
    plant(onsite, supervisor=None)
    assert [f.subject_id for f in run("p02.1.2-a")] == [str(onsite.pk)]
