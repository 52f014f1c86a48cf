"""Storage media flows: paper carriers (p05.0.3.3, p06.9-a), approvals of handovers, sealing and
disk replacement (p14.3, p15.3.10), movements (p14.2), migration (p14.6-a/b)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from .. import services
from ..models import MediumDisposal, MediumHandover, MediumMigrationPlan, MediumMovement, StorageMedium
from .conftest import plant


def _ids(findings):
    return sorted(f.subject_id for f in findings)


def test_p05_0_3_3_paper_carriers_are_kept_lent_and_found_without_custodian(medium, admin, person, run):
    """p05.0.3.3: 业务报表、技术数据、图纸 are carriers with a custodian, loans and handovers."""
    drawing = medium(kind="drawing", label_no="TZ-0001")
    report = medium(kind="report", label_no="BB-0001")
    assert run("p05.0.3.3") == []
    loan = services.medium_lend(admin, medium=drawing, borrower=person("借阅人"), purpose="施工核对",
                                due_back=timezone.localdate() + timedelta(days=3))
    assert loan.medium.status == "lent"
    plant(report, custodian=None)
    findings = run("p05.0.3.3")
    assert _ids(findings) == [str(report.pk)]
    assert "纸质资料 BB-0001 没有在岗的专人保管" in findings[0].message_zh


def test_p06_9_a_paper_is_shredded_with_a_record_and_a_destroyed_one_without_is_found(medium, admin, dgm, person,
                                                                                       run):
    """p06.9-a: 废弃介质和保密资料及时销毁(碎纸), each with its destruction record."""
    paper = medium(kind="tech_data")
    services.medium_destruction_approve(dgm, paper, reason="过期技术资料")
    with pytest.raises(ValidationError) as exc:
        services.medium_destroy(admin, paper, method="wipe", performed_by=person("甲"), witness=person("乙"))
    assert "shred" in exc.value.message_dict["method"][0]
    record = services.medium_destroy(admin, paper, method="shred", performed_by=person("甲"), witness=person("乙"))
    assert record.method == "shred" and record.purpose == "destruction"
    usb = medium()
    assert run("p06.9-a") == []
    plant(usb, status=StorageMedium.Status.DESTROYED)  # thrown away with no record
    findings = run("p06.9-a")
    assert _ids(findings) == [str(usb.pk)]


def _chain(disposal, first, leader=None):
    services.disposal_approve(first, disposal, reason="同意")
    if leader is not None:
        services.disposal_approve(leader, disposal, reason="同意")
    disposal.refresh_from_db()
    return disposal


def test_p14_3_handover_and_assignment_need_the_chain(medium, admin, second_admin, dgm, person, other_dept, run):
    """p14.3: 调拨、转让逐级审批; a classified medium needs the leadership after the IT department."""
    secret = medium(classification=2)
    to = person("接收人", department=other_dept)
    disposal = services.disposal_request(admin, kind="assignment", medium=secret, to_custodian=to,
                                         to_department=other_dept, grounds="业务划转")
    with pytest.raises(PermissionDenied):
        services.disposal_approve(admin, disposal)  # the requester approves nothing
    with pytest.raises(ValidationError):
        services.disposal_complete(admin, disposal)  # not approved yet
    services.disposal_approve(second_admin, disposal)
    disposal.refresh_from_db()
    assert disposal.status == "requested"  # still waiting for the leadership
    with pytest.raises(PermissionDenied):
        services.disposal_approve(second_admin, disposal)
    services.disposal_approve(dgm, disposal)
    disposal.refresh_from_db()
    assert disposal.status == "approved"
    with pytest.raises(PermissionDenied):
        services.disposal_complete(second_admin, disposal)  # an approver does not carry it out
    services.disposal_complete(admin, disposal)
    secret.refresh_from_db()
    assert (secret.custodian, secret.department) == (to, other_dept)
    assert MediumHandover.objects.get(medium=secret).disposal == disposal
    assert run("p14.3") == []
    plant(disposal, leader_approved_by=None)
    findings = run("p14.3")
    assert _ids(findings) == [str(disposal.pk)]
    assert "未经完整的逐级审批" in findings[0].message_zh


def test_p14_3_a_handover_recorded_past_the_approvals_is_found(medium, admin, person, run):
    """p14.3: a handover row without its approved form (a restored dump, an old record) is found."""
    from xinan.audit.services import audited_write, record

    m = medium()
    with audited_write():
        h = MediumHandover(medium=m, from_custodian=m.custodian, to_custodian=person("新人"), handed_at=timezone.now())
        h.save()
        record(None, "test.plant", h)
    findings = run("p14.3")
    assert [(f.subject_type, f.subject_id) for f in findings] == [("assets.mediumhandover", str(h.pk))]


def test_p14_3_bad_request_is_refused_and_writes_nothing(medium, admin):
    """p14.3: a request without grounds or receiver gets a Chinese+English error and writes nothing."""
    with pytest.raises(ValidationError) as exc:
        services.disposal_request(admin, kind="handover", medium=medium(), grounds=" ")
    assert set(exc.value.message_dict) == {"grounds", "to_custodian"}
    assert "state the grounds" in exc.value.message_dict["grounds"][0]
    assert MediumDisposal.objects.count() == 0


def test_p15_3_10_a_classified_disk_replaced_with_the_leadership_then_sealed(device, medium, admin, second_admin,
                                                                              dgm, person, run):
    """p15.3.10: 涉密硬盘更换经领导批准后登记、封存,或按规定销毁."""
    server = device(kind="server")
    disk = medium(kind="hard_disk", classification=2, installed_in=server)
    with pytest.raises(ValidationError):
        services.disposal_request(admin, kind="disk_replacement", medium=disk, grounds="坏道")  # no device named
    disposal = services.disposal_request(admin, kind="disk_replacement", medium=disk, equipment=server,
                                         grounds="硬盘出现坏道")
    _chain(disposal, second_admin, dgm)
    with pytest.raises(ValidationError) as exc:
        services.disposal_complete(admin, disposal)
    assert "outcome" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.disposal_complete(admin, disposal, outcome="seal", seal_no="", seal_location="机房保密柜",
                                   sealed_by=person("封存人"))
    assert "seal_no" in exc.value.message_dict
    services.disposal_complete(admin, disposal, outcome="seal", seal_no="FC-0001", seal_location="机房保密柜",
                               sealed_by=person("封存人"))
    disk.refresh_from_db()
    assert (disk.status, disk.installed_in, disk.location) == ("sealed", None, "机房保密柜")
    assert run("p15.3.10") == [] and run("p14.3") == []
    plant(disk, status=StorageMedium.Status.IN_STORE)  # taken out of the seal
    findings = run("p15.3.10")
    assert _ids(findings) == [str(disposal.pk)]
    assert "既未封存也未销毁" in findings[0].message_zh


def test_p15_3_10_destroyed_after_replacement_and_without_leadership_found(device, medium, admin, second_admin, dgm,
                                                                          person, run):
    """p15.3.10: destroyed with a witnessed record; done without the leadership is found."""
    pc = device()
    disk = medium(kind="hard_disk", classification=1, installed_in=pc)
    disposal = _chain(services.disposal_request(admin, kind="disk_replacement", medium=disk, equipment=pc,
                                                grounds="更换大容量硬盘"), second_admin, dgm)
    services.disposal_complete(admin, disposal, outcome="destroy", method="destroy", performed_by=person("甲"),
                               witness=person("乙"))
    disk.refresh_from_db()
    assert disk.status == "destroyed" and disposal.sanitisation.medium == disk
    assert run("p15.3.10") == [] and run("p06.9-a") == []
    plant(disposal, leader_approved_by=None)
    assert "未经领导批准" in run("p15.3.10")[0].message_zh


def test_p15_3_10_classified_medium_destroyed_without_approval_is_found(medium, admin, dgm, person, run):
    """p15.3.10: 涉密介质报废须经领导批准; one destroyed past the approval is found."""
    approved, bare = medium(classification=2), medium(classification=1)
    services.medium_destruction_approve(dgm, approved, reason="同意")
    services.medium_destroy(admin, approved, method="destroy", performed_by=person("甲"), witness=person("乙"))
    assert run("p15.3.10") == []
    plant(bare, status=StorageMedium.Status.DESTROYED)
    findings = run("p15.3.10")
    assert [(f.subject_type, f.subject_id) for f in findings] == [("assets.storagemedium", str(bare.pk))]


def test_p14_2_classified_movement_needs_seal_and_escort(medium, admin, person, run):
    """p14.2: 存储介质的运输安全: from, to, carrier, escort, sealed container, seal, handed over and received."""
    tape = medium(kind="tape", classification=2, is_backup=True)
    data = dict(medium=tape, purpose="offsite_backup", from_place="总部机房", to_place="异地备份库",
                carrier=person("携运人"), handed_over_at=timezone.now() - timedelta(hours=3))
    with pytest.raises(ValidationError) as exc:
        services.movement_create(admin, **data)
    assert set(exc.value.message_dict) == {"sealed_container", "seal_no", "escort"}
    assert MediumMovement.objects.count() == 0
    movement = services.movement_create(admin, escort=person("押运人"), sealed_container=True, seal_no="FT-01", **data)
    assert run("p14.2") == []  # not kept offsite yet
    services.movement_receive(admin, movement, received_by=person("库管员"), seal_intact=True)
    tape.refresh_from_db()
    assert tape.offsite_location == "异地备份库"
    assert run("p14.2") == []
    other = medium(classification=1)
    plant(other, offsite_location="分公司档案室")  # moved with no record
    findings = run("p14.2")
    assert _ids(findings) == [str(other.pk)]
    plant(movement, seal_no="")
    assert str(movement.pk) in _ids(run("p14.2"))


def test_p14_2_classified_loan_offsite_without_movement_is_found(medium, admin, person, run):
    """p14.2: a classified medium lent off the premises needs its movement record."""
    m = medium(classification=1)
    loan = services.medium_lend(admin, medium=m, borrower=person("借用人"), purpose="外出审计", offsite=True,
                                due_back=timezone.localdate() + timedelta(days=2))
    assert _ids(run("p14.2")) == [str(loan.pk)]
    services.movement_create(admin, medium=m, purpose="transport", from_place="总部", to_place="审计现场",
                             carrier=person("借用人2"), escort=person("押运"), sealed_container=True, seal_no="F-9",
                             handed_over_at=timezone.now())
    assert run("p14.2") == []


def test_p14_6_a_plan_before_expiry_and_b_migration_record(medium, admin, person, run):
    """p14.6-a: 在有效期内按转存方案转存; p14.6-b: 转存有详细的文档记录."""
    today = timezone.localdate()
    old = medium(kind="tape", expires_on=today + timedelta(days=30))
    findings = run("p14.6-a")
    assert _ids(findings) == [str(old.pk)] and findings[0].severity == "warning"
    with pytest.raises(ValidationError) as exc:
        services.migration_plan_create(admin, medium=old, method="转存到新磁带", migrate_by=today + timedelta(days=40))
    assert "migrate before the expiry" in exc.value.message_dict["migrate_by"][0]
    plan = services.migration_plan_create(admin, medium=old, method="转存到新磁带,按年度目录查询",
                                          migrate_by=today + timedelta(days=20))
    assert run("p14.6-a") == []
    new = medium(kind="tape")
    with pytest.raises(ValidationError) as exc:
        services.migration_record(admin, plan=plan, target=new, contents="业务档案", item_count=0, digest="",
                                  verified=False, performed_by=person("转存人"), performed_at=timezone.now())
    assert {"item_count", "digest", "verified"} <= set(exc.value.message_dict)
    entry = services.migration_record(admin, plan=plan, target=new, contents="2019-2021 业务档案", item_count=812,
                                      digest="ab" * 32, verified=True, performed_by=person("转存人"),
                                      performed_at=timezone.now())
    plan.refresh_from_db()
    assert plan.status == MediumMigrationPlan.Status.DONE and entry.source == old
    later = timezone.now() + timedelta(days=40)
    assert run("p14.6-a", as_of=later) == [] and run("p14.6-b") == []
    plant(entry, digest="")
    assert _ids(run("p14.6-b")) == [str(entry.pk)]


def test_p14_6_a_past_expiry_without_migration_is_a_violation(medium, run):
    """p14.6-a: expired without a completed migration before the expiry."""
    m = medium(expires_on=timezone.localdate() - timedelta(days=1))
    findings = run("p14.6-a")
    assert _ids(findings) == [str(m.pk)] and findings[0].severity == "violation"
