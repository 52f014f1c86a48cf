"""``xinan generate``'s operational records of the months: the checks find exactly what it plants
(p15.2.7, p15.2.9-a, p01.2.7.b-b, p15.7.2-b, p14.7-c, p02.1.2-a, p17.6.5, p10.36.3-a, p05.0.3.3, p10.36.3-b,
p01.5.1.e, p15.7.15-b),
the IP plan and the DHCP leases leave nothing else open (p10.29, p21.5.2.1-c, p16.3.1, p07.11), the events carry the images
the services write, and the chain reads in time order."""

from datetime import date, datetime, timedelta, timezone as tz

import pytest
from django.utils import timezone

from xinan.assets import services as assets
from xinan.assets.models import AssetKeeper, Equipment, MaintenanceRecord, MediumLoan, Repair, StorageMedium, Transfer
from xinan.audit.models import AuditEvent
from xinan.bench.generate import generate
from xinan.network import access
from xinan.network import services as network
from xinan.network.models import IPAllocation, Subnet
from xinan.policy.services import checks_run

AS_OF = datetime(2026, 6, 1, tzinfo=tz.utc)
# Enough devices for every kind of record (external repairs are one repair in ten).
SIZE = dict(people=60, departments=4, devices=400, audit_events=8_000, months=12, as_of=AS_OF)
NEW_KINDS = ("p15.2.7", "p15.2.9-a", "p01.2.7.b-b", "p15.7.2-b", "p14.7-c", "p02.1.2-a", "p17.6.5", "p10.36.3-a", "p05.0.3.3",
             "p10.36.3-b", "p01.5.1.e", "p15.7.15-b")


@pytest.fixture
def generated(db):
    return generate(seed=11, **SIZE)


def _found(clause):
    return checks_run(clause=clause, as_of=AS_OF).findings


def test_checks_find_exactly_the_planted_record_violations(generated):
    planted = generated.planted
    for clause in NEW_KINDS:
        assert planted.get(clause, 0) >= 1, (clause, planted)
        assert len(_found(clause)) == planted[clause], (clause, [f.message for f in _found(clause)])
    # the plan, its zone, its diagram and the allocations leave nothing open of their own
    for clause in ("p10.29", "p21.5.2.1-c", "p21.5.2.4", "p16.3.1", "p07.11", "p15.2.9-c", "p15.2.26-b"):
        assert _found(clause) == [], clause


def test_records_counts_and_events(generated):
    counts = generated.counts
    assert counts["network.ipallocation"] == Equipment.objects.count() == 400
    assert IPAllocation.objects.filter(status="active").count() == 400
    assert counts["assets.maintenancerecord"] == MaintenanceRecord.objects.count() > 400 * 0.79 * 6
    assert Repair.objects.filter(external=True).exists() and Repair.objects.exclude(technician="").exists()
    # every row written has its create event, as the service appends it
    for model, action in ((Repair, "assets.repair.create"), (Transfer, "assets.transfer.create"),
                          (MediumLoan, "assets.mediumloan.create"), (MaintenanceRecord, "assets.maintenancerecord.create"),
                          (IPAllocation, "network.ipallocation.create"), (Subnet, "network.subnet.create")):
        events = AuditEvent.objects.filter(seq__gte=generated.first_seq, action=action)
        assert events.count() == model.objects.count(), action
        assert set(events.values_list("subject_id", flat=True)) == {str(pk) for pk in model.objects.values_list("pk", flat=True)}
    assert AuditEvent.objects.filter(seq__gte=generated.first_seq).count() == generated.events == SIZE["audit_events"]
    # the months read in time order in the chain (the records merged among the routine traffic)
    moments = list(AuditEvent.objects.filter(seq__gte=generated.first_seq).order_by("seq").values_list("at", flat=True))
    assert all(a <= b for a, b in zip(moments, moments[1:]))
    assert moments[-1] < AS_OF


def _images(first, last, action):
    """(before keys, after keys, actor label) of the first event of ``action`` in [first, last)."""
    e = AuditEvent.objects.filter(seq__gte=first, seq__lt=last, action=action).order_by("seq").first()
    assert e is not None, action
    return (sorted(e.before) if e.before else None, sorted(e.after) if e.after else None, e.actor_label)


def test_generated_images_are_the_services_images(generated):
    """The same actions with the same images as the services write them (actor ``None``, the system)."""
    end = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() + 1
    keeper = AssetKeeper.objects.select_related("person", "department").first()
    person, dept = keeper.person, keeper.department
    busy = set(Repair.objects.values_list("equipment_id", flat=True)) | set(Transfer.objects.values_list("equipment_id", flat=True))
    spare = list(Equipment.objects.filter(department=dept, kind="desktop", responsible__status="active")
                 .exclude(pk__in=busy)[:3])
    e1, e2, e3 = spare
    r = assets.repair_report(None, equipment=e1, reported_by=person, fault="无法开机")
    assets.repair_diagnose(None, r, cause="hardware", diagnosis="电源损坏")
    assets.repair_complete(None, r, work_done="更换电源", restored=True, technician="工程师", supervisor=person)
    x = assets.repair_report(None, equipment=e2, reported_by=person, fault="硬盘异响")
    assets.repair_diagnose(None, x, cause="hardware", diagnosis="硬盘损坏")
    assets.repair_request_external(None, x, vendor="维修中心")
    assets.repair_approve_external(None, x)
    witness = next(p for p in dept.people.filter(status="active") if p.pk != person.pk)
    wipe = assets.sanitisation_create(None, purpose="repair", equipment=e2, backed_up=True, method="wipe",
                                      performed_at=timezone.now(), performed_by=person, witness=witness)
    assets.repair_dispatch(None, x, sanitisation=wipe)
    assets.repair_return(None, x, accepted=True, virus_scan="未发现病毒")
    other = Equipment.objects.exclude(department=dept).values_list("department", flat=True).first()
    receiver = next(p for p in type(person).objects.filter(department_id=other, status="active"))
    t = assets.transfer_request(None, equipment=e3, to_department=receiver.department, to_responsible=receiver,
                                purpose="工作需要", to_location="三楼")
    assets.transfer_approve(None, t)
    assets.transfer_execute(None, t)
    assets.transfer_file(None, t)
    medium = StorageMedium.objects.filter(status="in_store", custodian__isnull=False).first()
    loan = assets.medium_lend(None, medium=medium, borrower=person, purpose="拷贝", due_back=date.today() + timedelta(days=7))
    assets.medium_return(None, loan)
    assets.maintenance_create(None, equipment=e1, performed_on=date.today(), performed_by=person, content="例行维护",
                              restored=True, anti_static=True)
    request = access.access_request_create(None, kind="lan", department=dept, applicant=person, device_label="X-1",
                                           mac="02-00-AA-BB-CC-DD", hostname="x-1", purpose="入网",
                                           subnet=Subnet.objects.first())
    access.access_request_approve(None, request)
    network.allocate(None, access_request=request, ip="10.0.2.253")
    start = end
    end = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() + 1
    actions = ("assets.repair.create", "assets.equipment.status", "assets.repair.diagnose", "assets.repair.complete",
               "assets.repair.request_external", "assets.repair.approve", "assets.sanitisation.create",
               "assets.repair.dispatch", "assets.repair.return", "assets.transfer.create", "assets.transfer.approve",
               "assets.equipment.transfer", "assets.responsiblechange.create", "assets.transfer.execute",
               "assets.transfer.file", "assets.mediumloan.create", "assets.storagemedium.lend",
               "assets.mediumloan.return", "assets.storagemedium.return", "assets.maintenancerecord.create",
               "network.networkaccessrequest.create", "network.networkaccessrequest.approve",
               "network.ipallocation.create")
    for action in actions:
        assert _images(generated.first_seq, start, action) == _images(start, end, action), action
    service_actions = set(AuditEvent.objects.filter(seq__gte=start).values_list("action", flat=True))
    assert service_actions <= set(actions) | {"assets.equipment.address"}, service_actions - set(actions)
