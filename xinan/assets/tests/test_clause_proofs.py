"""Proofs, one test per catalogue clause the pack maps as implemented in the assets and software
domains, each asserting through the services (and the named check's findings) what the clause
requires. The clause id is in each test's docstring."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from xinan.audit.models import AuditEvent

from .. import services
from ..models import (Equipment, MediumLabel, Penalty, RemnantBatch, Repair, ResponsibleChange, Sanitisation,
                      Scrapping, SoftwareInstallation, StorageMedium, Transfer)


def _actions(obj, subject_type):
    return list(AuditEvent.objects.filter(subject_type=subject_type, subject_id=str(obj.pk))
                .order_by("seq").values_list("action", flat=True))


# --- 调用记录单 -----------------------------------------------------------------------------

@pytest.fixture
def move(device, other_dept, person, admin):
    def make(actor=None, **extra):
        pc = extra.pop("equipment", None) or device(location="三楼")
        return services.transfer_request(actor or admin, equipment=pc, to_department=other_dept,
                                         to_responsible=person("接收人", department=other_dept), to_location="一楼",
                                         purpose="工作调整", **extra)

    return make


def test_p01_2_7_a_only_the_administrator_executes_an_approved_move(move, admin, dgm, head, clerk):
    """p01.2.7.a 管理员负责计算机调用: the move is requested and executed by the administrator, after
    the deputy GM's approval; nobody else can request or execute it, and execution records the
    administrator as the one who moved the device."""
    for outsider in (clerk, head, dgm):
        with pytest.raises(PermissionDenied):
            move(actor=outsider)  # only the administrator fills the 调用记录单
    transfer = move()
    with pytest.raises(ValidationError):
        services.transfer_execute(admin, transfer)  # not yet approved by the deputy GM
    services.transfer_approve(dgm, transfer, reason="同意")
    for outsider in (dgm, head, clerk):
        with pytest.raises(PermissionDenied):
            services.transfer_execute(outsider, transfer)
    assert Transfer.objects.get(pk=transfer.pk).status == "approved"
    services.transfer_execute(admin, transfer)
    transfer.refresh_from_db()
    assert (transfer.status, transfer.executed_by, transfer.approved_by) == ("executed", admin, dgm)
    moved = AuditEvent.objects.get(action="assets.equipment.transfer", subject_id=str(transfer.equipment_id))
    assert (moved.actor_id, moved.reason) == (admin.pk, transfer.number)


def test_p01_2_7_b_a_every_move_has_its_transfer_record(move, admin, dgm, device, other_dept, make_user):
    """p01.2.7.b-a 计算机调用记录: a device cannot change department except through a 调用记录单;
    the record keeps where it came from and went to, and its approval by someone other than the
    requester (who may not approve it)."""
    pc = device(location="三楼")
    with pytest.raises(ValidationError) as exc:
        services.equipment_update(admin, pc, department=other_dept)
    assert "调用记录单" in exc.value.message_dict["department"][0]
    assert Equipment.objects.get(pk=pc.pk).department_id != other_dept.pk
    both = make_user("system_admin", "deputy_gm")
    own = move(actor=both)
    with pytest.raises(PermissionDenied):
        services.transfer_approve(both, own)  # the requester cannot approve
    transfer = move(equipment=pc)
    old_dept, old_person = pc.department, pc.responsible
    services.transfer_approve(dgm, transfer)
    services.transfer_execute(admin, transfer)
    services.transfer_file(admin, transfer)
    transfer.refresh_from_db()
    pc.refresh_from_db()
    assert (pc.department, pc.responsible, pc.location) == (other_dept, transfer.to_responsible, "一楼")
    assert (transfer.department, transfer.from_responsible, transfer.from_location) == (old_dept, old_person, "三楼")
    assert (transfer.to_department, transfer.status, transfer.filed_by) == (other_dept, "filed", admin)
    assert ResponsibleChange.objects.filter(equipment=pc, to_person=transfer.to_responsible).exists()
    assert _actions(transfer, "assets.transfer") == ["assets.transfer.create", "assets.transfer.approve",
                                                     "assets.transfer.execute", "assets.transfer.file"]


# --- 报废残件 -------------------------------------------------------------------------------

def _written_off(pc, clerk, head, admin, finance, person):
    s = services.scrapping_propose(clerk, equipment=pc, proposed_by=pc.responsible, grounds="主板烧毁",
                                   condition="broken")
    services.scrapping_appraise(admin, s, agree=True, appraisal="无维修价值")
    services.scrapping_approve(head, s, reason="同意")
    wipe = services.sanitisation_create(None, purpose=Sanitisation.Purpose.SCRAPPING, equipment=pc, backed_up=True,
                                        backup_location="档案室", method=Sanitisation.Method.DESTROY,
                                        performed_at=timezone.now(), performed_by=person("处理人"),
                                        witness=person("见证人"))
    return services.scrapping_write_off(finance, s, sanitisation=wipe, finance_ref=f"FA-{pc.pk}")


def test_p01_2_8_b_remnants_are_collected_by_the_administrator_and_disposed_of_at_once(
        device, clerk, head, admin, person, make_user):
    """p01.2.8.b 报废残件统一回收处理: only the administrator records the disposal; all the written-off
    devices go in one batch with one audit event naming them; a scrapping not yet written off, or
    already in a batch, is refused."""
    finance = make_user("finance", name="会计")
    done = [_written_off(device(), clerk, head, admin, finance, person) for _ in range(3)]
    pending = services.scrapping_propose(clerk, equipment=device(), proposed_by=clerk.person, grounds="老化",
                                         condition="broken")
    args = dict(disposed_on=timezone.localdate(), method="交有资质单位回收", handled_by=person("回收人"))
    for outsider in (head, finance, clerk):
        with pytest.raises(PermissionDenied):
            services.remnants_dispose(outsider, scrappings=done, **args)
    with pytest.raises(ValidationError) as exc:
        services.remnants_dispose(admin, scrappings=[*done, pending], **args)
    assert pending.number in str(exc.value)
    assert not RemnantBatch.objects.exists()
    batch = services.remnants_dispose(admin, scrappings=done, **args)
    assert batch.recorded_by == admin
    assert set(Scrapping.objects.filter(remnant_batch=batch).values_list("number", flat=True)) == {
        s.number for s in done}
    assert set(Scrapping.objects.filter(pk__in=[s.pk for s in done]).values_list("status", flat=True)) == {"disposed"}
    event = AuditEvent.objects.get(action="assets.remnantbatch.create")
    assert event.actor_id == admin.pk and sorted(event.after["scrappings"]) == sorted(s.number for s in done)
    with pytest.raises(ValidationError):
        services.remnants_dispose(admin, scrappings=done[:1], **args)  # never disposed of twice
    assert RemnantBatch.objects.count() == 1


# --- 软件 -----------------------------------------------------------------------------------

@pytest.fixture
def catalogue():
    def make(name, **extra):
        data = dict(name=name, version="2024", license="commercial")
        data.update(extra)
        return services.software_create(None, **data)

    return make


def test_p01_4_2_a_only_licensed_standard_software_is_installed_without_a_request(device, catalogue, admin, clerk,
                                                                                   run):
    """p01.4.2.a 统一安装正版标准软件: the standard list holds licensed software only; the
    administrator's inventory records it as the standard configuration (no finding, no penalty);
    software off the list found without a request is a violation (p01.4.2.b-a) and software not
    licensed another (p07.16-b); staff cannot record a device's software."""
    with pytest.raises(ValidationError) as exc:
        services.software_create(None, name="破解办公套件", license="unlicensed", standard=True)
    assert "standard" in exc.value.message_dict
    office = catalogue("Office 专业版", standard=True, category="office")
    with pytest.raises(ValidationError):
        services.software_update(None, office, license="unlicensed")  # standard stays licensed
    cad = catalogue("AutoCAD 专业版", category="drawing")  # licensed, but not standard
    pc = device()
    with pytest.raises(PermissionDenied):
        services.installation_record(clerk, equipment=pc, software=office)
    standard = services.installation_record(admin, equipment=pc, software=office)
    assert standard.basis == SoftwareInstallation.Basis.STANDARD
    assert run("p01.4.2.b-a") == [] and run("p07.16-b") == [] and not Penalty.objects.exists()
    off_list = services.installation_record(admin, equipment=pc, software=cad)
    unknown = services.installation_record(admin, equipment=pc, name_found="某绿色下载器")
    assert off_list.basis == unknown.basis == SoftwareInstallation.Basis.UNAPPROVED
    assert {f.subject_id for f in run("p01.4.2.b-a")} == {str(off_list.pk), str(unknown.pk)}
    assert [f.subject_id for f in run("p07.16-b")] == [str(unknown.pk)]


def _installed_on_request(pc, software, requester, admin):
    req = services.software_request_submit(requester, equipment=pc, software=software, justification="业务需要")
    with pytest.raises(PermissionDenied):
        services.software_request_decide(requester, req, approve=True)  # never one's own permission
    services.software_request_decide(admin, req, approve=True, note="符合要求")
    services.software_request_perform(admin, req)
    return req


def test_p14_10_a_business_computer_gets_other_software_only_with_permission(make_department, make_user, admin,
                                                                             catalogue, run):
    """p14.10-a 营业机不准装其他软件: on a business-counter computer, software the administrator
    (有关部门) did not allow is a violation with a penalty against its responsible person; software
    installed on an approved request is not."""
    counter = make_department("营业部", code="BIZ")
    teller = make_user("staff", name="营业员", dept=counter)
    pc = services.equipment_create(None, asset_no="YY-01", kind=Equipment.Kind.DESKTOP, department=counter,
                                   responsible=teller.person, user=teller.person, location="营业柜台")
    allowed, other = catalogue("营业收银系统"), catalogue("看图软件")
    req = _installed_on_request(pc, allowed, teller, admin)
    assert SoftwareInstallation.objects.get(equipment=pc, software=allowed).request == req
    found = services.installation_record(admin, equipment=pc, software=other)
    assert found.basis == SoftwareInstallation.Basis.UNAPPROVED
    findings = run("p01.4.2.b-a")
    assert [(f.subject_id, f.severity) for f in findings] == [(str(found.pk), "violation")]
    assert "YY-01" in findings[0].message_zh and "看图软件" in findings[0].message_zh
    penalty = Penalty.objects.get()
    assert (penalty.person, penalty.equipment, penalty.clause) == (teller.person, pc, "p01.8.1.a")


def test_p06_6_b_outside_software_on_a_machine_room_host_is_a_violation(device, admin, clerk, person, catalogue,
                                                                        medium, run):
    """p06.6-b 严禁外来软件带入机房: software found on a machine-room server that no approved request
    brought in (recorded by name only, from outside the catalogue) is a violation; software installed
    from a registered medium on an approved request is not."""
    keeper = person("机房管理员")
    server = device(kind=Equipment.Kind.SERVER, location="中心机房", responsible=keeper, user=keeper,
                    administrator=keeper)
    db = catalogue("数据库服务器软件")
    req = services.software_request_submit(clerk, equipment=server, software=db, justification="部署",
                                           source_medium=medium(kind="system_disc"))
    services.software_request_decide(admin, req, approve=True)
    services.software_request_perform(admin, req)
    assert run("p01.4.2.b-a") == []
    brought = services.installation_record(admin, equipment=server, name_found="外来工具盘软件")
    findings = run("p01.4.2.b-a")
    assert [f.subject_id for f in findings] == [str(brought.pk)]
    assert server.asset_no in findings[0].message_zh
    services.installation_remove(admin, brought, reason="已卸载")
    assert run("p01.4.2.b-a") == []
    assert Penalty.objects.filter(equipment=server).count() == 1  # the violation stays on record


# --- 维修 -----------------------------------------------------------------------------------

def test_p01_7_b_every_repair_is_a_row_of_the_repair_log(device, admin, clerk, login):
    """p01.7-b 填写《公司电脑维修记录表》: a device enters repair only by a report, which is the log's
    row; it cannot complete without the administrator's diagnosis; the completed row carries the
    fault, cause, work and who did each, and prints as the form."""
    pc = device(responsible=clerk.person, user=clerk.person)
    with pytest.raises(ValidationError):
        services.equipment_update(admin, pc, status=Equipment.Status.REPAIR)  # no repair without a record
    repair = services.repair_report(clerk, equipment=pc, fault="无法开机")
    assert (repair.number[:2], repair.reported_by, Equipment.objects.get(pk=pc.pk).status) == (
        "WX", clerk.person, "repair")
    with pytest.raises(ValidationError):
        services.repair_complete(admin, repair, work_done="更换电源", restored=True)  # not diagnosed
    with pytest.raises(PermissionDenied):
        services.repair_diagnose(clerk, repair, cause="hardware", diagnosis="电源损坏")
    services.repair_diagnose(admin, repair, cause="hardware", diagnosis="电源损坏", measures="更换电源")
    services.repair_complete(admin, repair, work_done="更换电源", parts_replaced="电源", restored=True, cost=180)
    row = Repair.objects.get(pk=repair.pk)
    assert (row.fault, row.cause, row.diagnosis, row.diagnosed_by, row.work_done, row.completed_by, row.status) == (
        "无法开机", "hardware", "电源损坏", admin, "更换电源", admin, "completed")
    assert _actions(row, "assets.repair") == ["assets.repair.create", "assets.repair.diagnose",
                                              "assets.repair.complete"]
    printed = login(admin).get(reverse("registers:repairs_print", args=[row.pk])).content.decode()
    assert "公司电脑维修记录表" in printed and pc.asset_no in printed and "电源损坏" in printed


# --- 操作人、专人使用保管 --------------------------------------------------------------------

def test_p05_0_2_1_the_operator_is_the_first_responsible_person(device, person, admin, run):
    """p05.0.2.1 操作人为第一责任人: a filed change of responsible person makes the operator (使用人)
    follow; a computer whose operator is not its responsible person, or that has no operator, is a
    finding of p01.2.2-a."""
    pc = device()
    assert pc.user == pc.responsible and run("p01.2.2-a") == []
    services.responsible_change_file(admin, equipment=pc, to_person=person("新操作人"))
    pc.refresh_from_db()
    assert pc.user == pc.responsible and pc.responsible.name == "新操作人"
    assert run("p01.2.2-a") == []
    services.responsible_change_file(admin, equipment=pc, to_person=person("挂名负责人"), keep_user=True)
    findings = run("p01.2.2-a")
    assert [f.subject_id for f in findings] == [str(pc.pk)]
    assert "新操作人" in findings[0].message_zh and "挂名负责人" in findings[0].message_zh
    services.equipment_update(admin, pc, user=Equipment.objects.get(pk=pc.pk).responsible)
    assert run("p01.2.2-a") == []


def test_p15_7_2_a_each_workstation_computer_and_printer_has_a_named_keeper(device, person, admin, run):
    """p15.7.2-a 工作站专人使用保管: a workstation computer or printer with no designated user is a
    finding until a person is filed as its responsible person and user; a server is kept by its
    administrator instead (p16.2.1-a) and is not a workstation."""
    printer = device(kind=Equipment.Kind.PRINTER, responsible=None, user=None)
    laptop = device(kind=Equipment.Kind.LAPTOP, user=None)
    device(kind=Equipment.Kind.SERVER, user=None)
    found = {f.subject_id: f for f in run("p01.2.2-a")}
    assert set(found) == {str(printer.pk), str(laptop.pk)}
    assert "没有指定使用人" in found[str(printer.pk)].message_zh
    services.responsible_change_file(admin, equipment=printer, to_person=person("打印机保管人"))
    services.equipment_update(admin, laptop, user=laptop.responsible)
    assert run("p01.2.2-a") == []


# --- 计算机中心维护、科室专人管理 ------------------------------------------------------------

def test_p15_5_2_departments_name_a_pc_manager_and_only_the_centre_records_maintenance(
        device, dept, person, admin, head, clerk, make_department, run):
    """p15.5.2 计算机中心维护专人管理: every department holding computers names an active PC manager
    (科室电脑管理员), else p15.7.15-a finds it; the manager leaving brings the finding back; the
    maintenance register is written only by the computer centre (the administrator), never by the
    department."""
    pc = device()
    empty = make_department("无设备部门", code="NONE")
    assert [f.subject_id for f in run("p15.7.15-a")] == [str(dept.pk)]
    keeper = person("科室电脑管理员")
    services.asset_keeper_create(admin, department=dept, person=keeper)
    assert run("p15.7.15-a") == []
    with pytest.raises(PermissionDenied):
        services.asset_keeper_create(head, department=empty, person=head.person)
    from xinan.org import services as org

    org.person_depart(None, keeper, reason="离职")
    assert [f.subject_id for f in run("p15.7.15-a")] == [str(dept.pk)]
    record = dict(equipment=pc, kind="routine", performed_on=timezone.localdate(), performed_by=admin.person,
                  content="按说明书维护", restored=True)
    for outsider in (head, clerk):
        with pytest.raises(PermissionDenied):
            services.maintenance_create(outsider, **record)
    entry = services.maintenance_create(admin, **record)
    assert (entry.department, entry.performed_by) == (dept, admin.person)


# --- 专用盘片登记入账 -----------------------------------------------------------------------

def test_p15_5_3_a_dedicated_discs_are_entered_in_the_media_register_by_the_centre(device, dept, person, admin, head,
                                                                                clerk, run):
    """p15.5.3-a 专用盘片登记入账: the system and driver discs supplied with a server are entered in
    the media register by the centre (the administrator; departments cannot), each under its own
    number with a custodian, its label kept and the entry audited; a number is entered once."""
    server = device(kind=Equipment.Kind.SERVER, location="中心机房")
    centre = person("中心介质管理员")
    disc = dict(label_no="SYS-SRV-01", kind=StorageMedium.Kind.SYSTEM_DISC, department=dept, custodian=centre,
                location="中心机房介质柜", contents=f"{server.asset_no} 随机系统盘")
    for outsider in (head, clerk):
        with pytest.raises(PermissionDenied):
            services.medium_create(outsider, **disc)
    entry = services.medium_create(admin, **disc)
    assert (entry.status, entry.custodian, entry.kind) == ("in_store", centre, "system_disc")
    assert MediumLabel.objects.filter(medium=entry).count() == 1
    assert _actions(entry, "assets.storagemedium")[0] == "assets.storagemedium.create"
    with pytest.raises(ValidationError) as exc:
        services.medium_create(admin, **{**disc, "custodian": person("另一人")})
    assert "label_no" in exc.value.message_dict
    assert run("p10.36.3-a") == []  # the entered disc has its custodian
