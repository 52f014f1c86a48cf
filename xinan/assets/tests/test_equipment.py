"""The equipment register's rules and checks: p01.2.1-a/b/c, p01.2.2-a, p05.0.1, p16.2.1-a,
p21.3, p15.7.15-a/b, p01.5.1.a/c/e, p08.11, p15.3.8-b; the IP plan's address contract."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from xinan.audit.models import AuditEvent
from xinan.core.parameters import parameter_set

from .. import services
from ..models import Equipment, MaintenanceRecord, ResponsibleChange
from .conftest import days_ago, plant


def test_mac_is_normalised_and_addresses_name_one_device(device):
    """p01.2.1-b: the 《计算机地址分配表》 holds one device per IP and per MAC."""
    first = device(ip_address="10.1.1.10", mac_address="00:1a:2b:3c:4d:5e")
    assert first.mac_address == "00-1A-2B-3C-4D-5E"
    with pytest.raises(ValidationError) as exc:
        device(ip_address="10.1.1.10")
    assert "ip_address" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        device(mac_address="001a.2b3c.4d5e")
    assert "mac_address" in exc.value.message_dict
    with pytest.raises(ValidationError):
        device(mac_address="not-a-mac")


def test_a_new_device_cannot_start_in_a_workflow_state(device):
    with pytest.raises(ValidationError) as exc:
        device(status=Equipment.Status.SCRAPPED)
    assert "status" in exc.value.message_dict


def test_edit_cannot_move_the_device_or_change_its_responsible_person(device, other_dept, person, admin):
    """p01.2.1-c: the responsible person changes by a filing; the department by a transfer."""
    pc = device()
    with pytest.raises(ValidationError) as exc:
        services.equipment_update(admin, pc, department=other_dept, responsible=person("王五"))
    assert set(exc.value.message_dict) == {"department", "responsible"}
    assert "调用记录单" in exc.value.message_dict["department"][0]
    with pytest.raises(ValidationError) as exc:
        services.equipment_update(admin, pc, status=Equipment.Status.SCRAPPED)
    assert "流程" in exc.value.message_dict["status"][0]


def test_first_naming_of_a_responsible_person_is_filed(device, person, admin):
    pc = device(responsible=None, user=None)
    services.equipment_update(admin, pc, responsible=person("赵六"))
    change = ResponsibleChange.objects.get(equipment=pc)
    assert change.from_person is None and change.filed_by == admin
    assert change.filed_at - change.changed_at < timedelta(seconds=5)


def test_responsible_change_is_filed_with_both_moments_and_the_user_follows(device, person, admin):
    """p01.2.1-c, p01.2.2-a: a filing records when the change happened and when it was filed."""
    pc = device()
    old = pc.responsible
    new = person("周七")
    changed_at = days_ago(3)
    change = services.responsible_change_file(admin, equipment=pc, to_person=new, changed_at=changed_at,
                                              reason="岗位调整")
    pc.refresh_from_db()
    assert (pc.responsible, pc.user) == (new, new)
    assert (change.from_person, change.to_person, change.changed_at) == (old, new, changed_at)
    assert change.filed_at > changed_at and change.number.startswith("BA")
    assert AuditEvent.objects.filter(action="assets.equipment.responsible", subject_id=str(pc.pk)).exists()
    with pytest.raises(ValidationError):
        services.responsible_change_file(admin, equipment=pc, to_person=new)  # already responsible
    with pytest.raises(ValidationError) as exc:
        services.responsible_change_file(admin, equipment=pc, to_person=old,
                                         changed_at=timezone.now() + timedelta(days=1))
    assert "changed_at" in exc.value.message_dict


def test_a_filing_cannot_be_altered(device, person, admin):
    change = services.responsible_change_file(admin, equipment=device(), to_person=person("钱八"))
    with pytest.raises(ValidationError):
        services.responsible_change_update(admin, change, changed_at=days_ago(30))
    services.responsible_change_update(admin, change, explanation="补充说明")
    change.refresh_from_db()
    assert change.explanation == "补充说明"


def test_staff_may_not_file_changes(device, person, make_user):
    staff = make_user("staff")
    with pytest.raises(PermissionDenied):
        services.responsible_change_file(staff, equipment=device(), to_person=person("孙九"))


def test_address_contract_for_the_ip_plan(device, admin, make_user):
    """The IP plan (xinan.network) keeps ip_address/mac_address in step through this service."""
    pc = device()
    services.equipment_set_address(admin, pc, ip_address="10.2.0.8", mac_address="AA:BB:CC:DD:EE:01")
    pc.refresh_from_db()
    assert (pc.ip_address, pc.mac_address) == ("10.2.0.8", "AA-BB-CC-DD-EE-01")
    event = AuditEvent.objects.get(action="assets.equipment.address", subject_id=str(pc.pk))
    assert event.after == {"ip_address": "10.2.0.8", "mac_address": "AA-BB-CC-DD-EE-01"}
    services.equipment_set_address(admin, pc, ip_address=None)
    pc.refresh_from_db()
    assert pc.ip_address is None and pc.mac_address == "AA-BB-CC-DD-EE-01"
    with pytest.raises(PermissionDenied):
        services.equipment_set_address(make_user("staff"), pc, ip_address="10.2.0.9")


def test_only_spare_scrapped_or_missing_devices_are_archived(device, admin):
    pc = device()
    with pytest.raises(ValidationError):
        services.equipment_archive(admin, pc)
    services.equipment_update(admin, pc, status=Equipment.Status.SPARE)
    services.equipment_archive(admin, pc, reason="闲置")
    assert Equipment.objects.get(pk=pc.pk).archived_at is not None


# --- checks ------------------------------------------------------------------------------------

def test_p01_2_1_b_computer_without_responsible(device, person, admin, run):
    pc = device(responsible=None, user=None)
    device(kind=Equipment.Kind.PRINTER, responsible=None, user=None)  # printers: p01.2.2-a, not this clause
    findings = run("p01.2.1-b")
    assert [(f.subject_id, f.severity) for f in findings] == [(str(pc.pk), "violation")]
    assert findings[0].message_zh == f"计算机 {pc.asset_no}(客户服务部)没有登记负责人"
    services.equipment_update(admin, pc, responsible=person("吴十"))
    assert run("p01.2.1-b") == []


def test_p01_2_1_c_late_filing(device, person, admin, run):
    on_time = services.responsible_change_file(admin, equipment=device(), to_person=person("甲"),
                                               changed_at=days_ago(6))
    late = services.responsible_change_file(admin, equipment=device(), to_person=person("乙"),
                                            changed_at=days_ago(9))
    findings = run("p01.2.1-c")
    assert [f.subject_id for f in findings] == [str(late.pk)]
    f = findings[0]
    assert f.severity == "violation" and "超过7天的期限" in f.message_zh
    assert f.evidence["within"] == "P1W"
    assert f.since == late.changed_at + timedelta(days=7)
    assert str(on_time.pk) not in [x.subject_id for x in findings]
    parameter_set(None, "p01.2.1-c.within", "P2W")  # the organisation allows two weeks
    assert run("p01.2.1-c") == []


def test_p01_2_2_a_user_must_be_the_responsible_person(device, person, run):
    pc = device()
    other = device(user=person("丙"))
    no_user = device(kind=Equipment.Kind.PRINTER, user=None)
    found = {f.subject_id: f for f in run("p01.2.2-a")}
    assert set(found) == {str(other.pk), str(no_user.pk)}
    assert str(pc.pk) not in found
    assert "没有指定使用人" in found[str(no_user.pk)].message_zh


def test_p16_2_1_a_server_needs_an_active_administrator(device, person, admin, run):
    server = device(kind=Equipment.Kind.SERVER, asset_no="SRV-01")
    assert [f.subject_label for f in run("p16.2.1-a")] == ["SRV-01"]
    keeper = person("服务器管理员")
    services.equipment_update(admin, server, administrator=keeper)
    assert run("p16.2.1-a") == []
    from xinan.org import services as org

    org.person_depart(None, keeper, reason="离职")
    assert [f.subject_label for f in run("p16.2.1-a")] == ["SRV-01"]


def test_p05_0_1_classified_departments(make_department, person, run):
    finance = make_department("财务部", code="FIN")
    pc = services.equipment_create(None, asset_no="FIN-01", department=finance, responsible=person(department=finance))
    assert [f.subject_label for f in run("p05.0.1")] == ["FIN-01"]
    services.equipment_update(None, pc, classification=2)
    assert run("p05.0.1") == []
    services.equipment_update(None, pc, classification=0)
    parameter_set(None, "assets.classified_departments", "信息技术部")
    assert run("p05.0.1") == []


def test_p21_3_important_assets_state_their_impact(device, admin, run):
    core = device(kind=Equipment.Kind.SWITCH, important=True)
    assert [f.subject_id for f in run("p21.3")] == [str(core.pk)]
    services.equipment_update(admin, core, impact="核心交换机停止运行将中断全公司业务")
    assert run("p21.3") == []


def test_p08_11_and_p15_3_8_b(device, run):
    crypto = device(kind=Equipment.Kind.CRYPTO, responsible=None, user=None)
    classified = device(classification=1, user=None)
    assert [f.subject_id for f in run("p08.11")] == [str(crypto.pk)]
    assert [f.subject_id for f in run("p15.3.8-b")] == [str(classified.pk)]


def test_p15_7_15_a_department_keeper(device, dept, person, run):
    device()
    assert [f.subject_id for f in run("p15.7.15-a")] == [str(dept.pk)]
    services.asset_keeper_create(None, department=dept, person=person("管理员甲"))
    assert run("p15.7.15-a") == []


def test_maintenance_must_restore_the_device(device, admin):
    """p01.5.1.c: refused unless the device was restored."""
    with pytest.raises(ValidationError) as exc:
        services.maintenance_create(None, equipment=device(), kind="routine", performed_on=timezone.localdate(),
                                    performed_by=admin.person, content="除尘", restored=False)
    assert "restored" in exc.value.message_dict


def test_p01_5_1_a_maintenance_is_done_by_the_computer_management_staff(device, dept, person, admin, make_department,
                                                                        make_person):
    """p01.5.1.a 管理部员负责硬件维护 (and p15.5.2): the IT office, the system administrator, the
    machine-room posts or the department's own PC keeper maintain its computers; anyone else is
    refused, and a record cannot be changed to name them."""
    pc = device()
    work = dict(equipment=pc, kind="routine", performed_on=timezone.localdate(), content="按说明书维护", restored=True)
    clerk = person("业务员")
    with pytest.raises(ValidationError) as exc:
        services.maintenance_create(None, performed_by=clerk, **work)
    assert "performed_by" in exc.value.message_dict
    assert not MaintenanceRecord.objects.filter(equipment=pc).exists()
    services.asset_keeper_create(None, department=dept, person=clerk, duties="本部门计算机的一般性管理")
    entry = services.maintenance_create(None, performed_by=clerk, **work)  # now the department's PC keeper
    it_office = make_department("信息技术部", code="IT")
    services.maintenance_create(None, performed_by=make_person("信息部工程师", dept=it_office), **work)
    services.maintenance_create(None, performed_by=admin.person, **work)
    keeper_elsewhere = make_person("他部门管理员", dept=make_department("财务部", code="FIN2"))
    services.asset_keeper_create(None, department=keeper_elsewhere.department, person=keeper_elsewhere)
    with pytest.raises(ValidationError):
        services.maintenance_update(None, entry, performed_by=keeper_elsewhere)  # another department's keeper


def test_p01_5_1_e_and_p15_7_15_b_cadences(device, dept, person, run):
    pc = device()
    plant(pc, registered_at=days_ago(60))
    later = timezone.now() + timedelta(days=1)
    assert [f.subject_id for f in run("p01.5.1.e", as_of=later)] == [str(pc.pk)]
    assert [f.subject_id for f in run("p15.7.15-b", as_of=later)] == [str(dept.pk)]
    worker = person("维护员")
    services.asset_keeper_create(None, department=dept, person=worker)  # p01.5.1.a: the department's PC keeper
    services.maintenance_create(None, equipment=pc, kind="routine", performed_on=timezone.localdate(),
                                performed_by=worker, content="按说明书维护", restored=True)
    services.maintenance_create(None, equipment=pc, kind="cleaning", performed_on=timezone.localdate(),
                                performed_by=worker, content="除尘清洁", restored=True)
    assert run("p01.5.1.e", as_of=later) == []
    assert run("p15.7.15-b", as_of=later) == []
    assert [f.subject_id for f in run("p01.5.1.e", as_of=timezone.now() + timedelta(days=40))] == [str(pc.pk)]


def test_p01_2_1_a_the_administrator_manages_every_computer(admin, head, clerk, dept, other_dept, person):
    """p01.2.1-a 管理员统管全部计算机: the system administrator registers and changes computers of every
    department (organisation scope); a department head or staff member cannot, even in their own."""
    from django.core.exceptions import PermissionDenied

    data = dict(kind=Equipment.Kind.DESKTOP, responsible=person("甲"))
    for actor in (head, clerk):
        with pytest.raises(PermissionDenied):
            services.equipment_create(actor, asset_no=f"PC-{actor.pk}", department=dept, **data)
    mine = services.equipment_create(admin, asset_no="PC-A1", department=dept, **data)
    theirs = services.equipment_create(admin, asset_no="PC-A2", department=other_dept, **data)
    services.equipment_update(admin, theirs, notes="统一管理")
    with pytest.raises(PermissionDenied):
        services.equipment_update(head, mine, notes="部门自行修改")
    assert Equipment.objects.filter(asset_no__in=["PC-A1", "PC-A2"]).count() == 2
