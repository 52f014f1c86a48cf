"""Samples for the generic register tests of the assets domain (pages, API, import/export,
print, permissions, department scope). Prerequisites are made through the services."""

import itertools
from datetime import date, timedelta

from django.utils import timezone

from xinan.core.testing import Sample
from xinan.org import services as org

from .. import services
from ..models import Equipment, Sanitisation, Scrapping, Software, StorageMedium

_n = itertools.count(1)


def approver(role_code):
    """An active holder of ``role_code`` with a login, so a workflow a person starts on the
    sample's row has someone to act (the engine refuses to start one nobody can take)."""
    from xinan.identity.services import account_create
    from xinan.org.models import Role
    from xinan.org.selectors import holders_of

    if not holders_of(role_code).filter(account__is_active=True).exists():
        holder = person()
        org.role_grant_direct(None, person=holder, role=Role.objects.get(code=role_code))
        account_create(None, holder, f"approver{holder.pk}", "Zx7#Approve2026")


WITH_APPROVER = ("its sample adds an approver with a login so the workflow a person starts has someone to act; "
                 "the dump then carries a second account, which the round trip's account count does not expect")


def department():
    n = next(_n)
    return org.department_create(None, code=f"A-D{n:05d}", name=f"资产样例部门{n:05d}")


def person(dept=None):
    n = next(_n)
    return org.person_create(None, employee_no=f"A{n:06d}", name=f"资产样例人员{n:05d}", department=dept or department())


def equipment(dept=None, **extra):
    dept = dept or department()
    n = next(_n)
    data = dict(asset_no=f"EQ-{n:06d}", kind=Equipment.Kind.DESKTOP, department=dept, responsible=person(dept))
    data.update(extra)
    return services.equipment_create(None, **data)


def medium(dept=None, **extra):
    n = next(_n)
    data = dict(label_no=f"MD-{n:06d}", kind=StorageMedium.Kind.USB, department=dept or department())
    data.update(extra)
    return services.medium_create(None, **data)


def software(**extra):
    n = next(_n)
    data = dict(name=f"样例软件{n:05d}", version="1.0", license=Software.License.COMMERCIAL)
    data.update(extra)
    return services.software_create(None, **data)


def make_equipment(n):
    dept = department()
    k = next(_n)
    return {"asset_no": f"T-EQ-{n:03d}-{k:05d}", "kind": Equipment.Kind.DESKTOP, "brand_model": "联想 启天M430",
            "serial_no": f"SN{k:06d}", "hostname": f"pc-{k:05d}", "department": dept, "location": f"三楼{n}号工位",
            "responsible": person(dept), "user": None, "administrator": None, "classification": 0,
            "ip_address": f"10.{k // 65536 % 256}.{k // 256 % 256}.{k % 256}", "mac_address": f"00-1A-2B-3C-{k // 256 % 256:02X}-{k % 256:02X}",
            "status": Equipment.Status.IN_USE, "purchase_date": date(2023, 3, 1), "purchase_value": 4999,
            "warranty_until": date(2026, 3, 1), "important": False, "impact": "", "handles_customer_data": False,
            "internet_access": False, "notes": ""}


def make_responsible_change(n):
    dept = department()
    return {"equipment": equipment(dept), "to_person": person(dept),
            "changed_at": timezone.now() - timedelta(days=1), "explanation": f"人员调整{n}"}


def make_asset_keeper(n):
    dept = department()
    return {"department": dept, "person": person(dept), "appointed_on": date(2025, 1, 1),
            "duties": f"负责第{next(_n):05d}科计算机的一般性管理"}


def make_maintenance(n):
    dept = department()
    keeper = person(dept)  # the department's PC keeper maintains its computers (p01.5.1.a)
    services.asset_keeper_create(None, department=dept, person=keeper, duties="本部门计算机的一般性管理")
    return {"equipment": equipment(dept), "kind": "routine", "performed_on": timezone.localdate(),
            "performed_by": keeper, "content": f"按说明书例行维护{n}", "anti_static": True, "restored": True}


def make_transfer(n):
    approver("deputy_gm")
    dept = department()
    to = department()
    return {"equipment": equipment(dept), "to_department": to, "to_responsible": person(to),
            "to_location": "二楼", "purpose": f"工作调整{n}"}


def _approve_and_execute(transfer):
    services.transfer_approve(None, transfer)
    services.transfer_execute(None, transfer)


def make_repair(n):
    dept = department()
    return {"equipment": equipment(dept), "reported_by": person(dept), "fault": f"无法开机{n}"}


def _repair_done(repair):
    services.repair_diagnose(None, repair, cause="hardware", diagnosis="电源损坏")
    services.repair_complete(None, repair, work_done="更换电源", restored=True)


def make_scrapping(n):
    approver("system_admin")
    dept = department()
    return {"equipment": equipment(dept), "proposed_by": person(dept), "grounds": f"主板损坏{n}",
            "condition": Scrapping.Condition.BROKEN, "repair_estimate": None, "replacement_value": None}


def _scrapping_rejected(scrapping):
    services.scrapping_appraise(None, scrapping, agree=False, appraisal="可维修")


def make_medium(n):
    dept = department()
    k = next(_n)
    return {"label_no": f"T-MD-{n:03d}-{k:05d}", "kind": StorageMedium.Kind.USB, "is_backup": False,
            "brand_model": "金士顿 32G", "serial_no": f"U{k:06d}", "capacity": "32GB", "classification": 0,
            "department": dept, "custodian": person(dept), "location": "信息技术部保险柜", "installed_in": None,
            "offsite_location": "", "offsite_custodian": None, "contents": "", "expires_on": None}


def _medium_gone(m):
    from xinan.audit.services import audited_write, record

    with audited_write():  # a medium reported lost (the destruction path is tested on its own)
        m.status = StorageMedium.Status.LOST
        m.save(update_fields=["status"])
        record(None, "assets.storagemedium.lost", m)


def make_medium_content(n):
    return {"medium": medium(), "description": f"财务报表备份{next(_n):05d}", "classification": 0,
            "stored_on": date(2025, 6, 1)}


def make_medium_loan(n):
    dept = department()
    return {"medium": medium(dept), "borrower": person(dept), "purpose": f"数据拷贝{n}", "offsite": False,
            "due_back": timezone.localdate() + timedelta(days=7)}


def _returned(loan):
    services.medium_return(None, loan)


def make_sanitisation(n):
    dept = department()
    return {"purpose": Sanitisation.Purpose.REPAIR, "equipment": equipment(dept), "medium": None, "backed_up": True,
            "backup_location": "备份服务器", "method": Sanitisation.Method.WIPE,
            "performed_at": timezone.now() - timedelta(hours=1), "performed_by": person(dept),
            "witness": person(dept), "note": f"送修前清除{n}"}


def make_software(n):
    k = next(_n)
    return {"name": f"测试软件{k:05d}", "version": f"{n}.0", "vendor": f"厂商{k}", "category": "office",
            "license": Software.License.COMMERCIAL, "seats": 10, "standard": False, "usage": "work",
            "executables": f"tool{k}.exe", "notes": ""}


def make_software_request(n):
    approver("system_admin")
    dept = department()
    return {"equipment": equipment(dept), "software": software(), "action": "install", "requested_by": person(dept),
            "justification": f"工作需要{n}", "source_medium": None}


def _request_rejected(req):
    services.software_request_decide(None, req, approve=False, note="不需要")


def make_installation(n):
    return {"equipment": equipment(), "software": software(standard=True), "name_found": "",
            "found_on": timezone.localdate(), "notes": f"清点登记{next(_n):05d}"}


def make_software_copy(n):
    return {"software": software(seats=None), "kind": "issue", "quantity": 1, "medium": None, "recipient": person(),
            "purpose": f"安装使用{n}", "issued_on": timezone.localdate(), "returned_on": None}


def make_stocktake(n):
    return {"title": f"年度盘点{next(_n):05d}", "department": department(), "note": ""}


def _closed(stocktake):
    services.stocktake_close(None, stocktake)


def make_penalty(n):
    return {"person": person(), "clause": "p01.8.1.a", "offence": f"私自安装软件{n}", "amount_cny": None,
            "equipment": None, "occurred_on": timezone.localdate()}


def make_endpoint_event(n):
    return {"device": equipment(), "observed_at": timezone.now().replace(microsecond=0), "kind": "app_run",
            "account": f"user{n}", "detail": f"notepad{n}.exe", "tag": "", "encrypted": None}


def make_endpoint_exception(n):
    today = timezone.localdate()
    return {"equipment": equipment(), "kind": "after_hours", "starts_on": today, "ends_on": today,
            "detail": "", "grounds": f"月末结账加班{n}", "approved_by": person()}


SAMPLES = {
    "equipment": Sample(make=make_equipment, text_field="location", before_archive=lambda e: _spare(e),
                        invalid={"ip_address": "999.1.1.1"}),
    "responsible-changes": Sample(make=make_responsible_change, text_field="explanation",
                                  invalid={"changed_at": "not-a-time"},
                                  bundle_round_trip="a filing applies itself to its device: the dumped device already "
                                                    "names the new responsible person, so the filing is history"),
    "asset-keepers": Sample(make=make_asset_keeper, text_field="duties", invalid={"appointed_on": "不是日期"}),
    "maintenance": Sample(make=make_maintenance, text_field="content", invalid={"kind": "no-such-kind"}),
    "transfers": Sample(make=make_transfer, text_field="purpose", before_archive=_approve_and_execute,
                        invalid={"purpose": ""}, bundle_round_trip=WITH_APPROVER),
    "repairs": Sample(make=make_repair, text_field="fault", before_archive=_repair_done, invalid={"fault": ""},
                      bundle_round_trip="a fault report puts its device in repair, a state only the repair "
                                        "workflow reaches; the dumped device carries it"),
    "scrappings": Sample(make=make_scrapping, text_field="grounds", before_archive=_scrapping_rejected,
                         invalid={"condition": "no-such-condition"},
                         bundle_round_trip="a proposal puts its device in scrapping, a state only the scrapping "
                                           "workflow reaches; the dumped device carries it"),
    "media": Sample(make=make_medium, text_field="location", before_archive=_medium_gone,
                    invalid={"kind": "no-such-kind"}),
    "medium-contents": Sample(make=make_medium_content, text_field="description", invalid={"classification": 9}),
    "medium-loans": Sample(make=make_medium_loan, text_field="purpose", before_archive=_returned,
                           invalid={"due_back": "不是日期"}),
    "sanitisations": Sample(make=make_sanitisation, text_field="note", invalid={"method": "no-such-method"}),
    "software": Sample(make=make_software, text_field="vendor", invalid={"license": "no-such-licence"}),
    "software-requests": Sample(make=make_software_request, text_field="justification",
                                before_archive=_request_rejected, invalid={"action": "no-such-action"},
                                bundle_round_trip=WITH_APPROVER),
    "software-installations": Sample(make=make_installation, text_field="notes", invalid={"found_on": "不是日期"}),
    "software-copies": Sample(make=make_software_copy, text_field="purpose", invalid={"quantity": "many"}),
    "stocktakes": Sample(make=make_stocktake, text_field="title", before_archive=_closed, invalid={"title": ""}),
    "endpoint-events": Sample(make=make_endpoint_event, text_field="detail", invalid={"kind": "no-such-kind"}),
    "endpoint-exceptions": Sample(make=make_endpoint_exception, text_field="grounds", invalid={"ends_on": "不是日期"}),
    "asset-penalties": Sample(make=make_penalty, text_field="offence", invalid={"occurred_on": "不是日期"}),
}


def _spare(e):
    services.equipment_update(None, e, status=Equipment.Status.SPARE)


# --- 信息系统、变更、制度文件、备件采购 -------------------------------------------------------------

def information_system(dept=None, **extra):
    dept = dept or department()
    data = dict(name=f"样例系统{next(_n):05d}", kind="application", department=dept, maintainer_department=dept,
                status="in_service", design_includes_authorisation=True, design_document="设计方案 V1")
    data.update(extra)
    return services.system_create(None, **data)


def make_system(n):
    dept = department()
    return {"name": f"测试系统{n}-{next(_n):05d}", "kind": "oa", "department": dept, "maintainer_department": dept,
            "maintainer": person(dept), "classification": 0, "status": "in_service", "planned_on": date(2024, 1, 1),
            "in_service_on": date(2024, 9, 1), "design_includes_authorisation": True,
            "design_document": f"设计方案{n}", "design_document_digest": "", "notes": f"说明{n}"}


def _decommissioned(system):
    dept = system.department
    services.system_decommission(None, system, data_migrated="数据已迁移至新系统", data_destroyed="旧库已擦除",
                                 performed_by=person(dept), witness=person(dept))


def make_system_maintenance(n):
    dept = department()
    return {"system": information_system(dept), "performed_on": timezone.localdate(), "performed_by": person(dept),
            "work": f"日常维护{n}"}


def make_system_change(n):
    approver("deputy_gm")
    dept = department()
    return {"system": information_system(dept), "kind": "parameter", "description": f"调整参数{n}",
            "justification": f"业务需要{n}", "requested_by": person(dept)}


def _change_rejected(change):
    services.system_change_decide(None, change, approve=False, note="不需要")


def make_regulation(n):
    return {"title": f"软件运行管理制度{n}-{next(_n):05d}", "topic": "software_operation", "department": department(),
            "document_no": f"制度〔2025〕{n}号", "issued_on": date(2025, 1, 1), "next_review_on": date(2027, 1, 1),
            "document_digest": "", "status": "in_force"}


def make_system_classification(n):
    dept = department()
    return {"system": information_system(dept), "to_level": 1, "grounds": f"承载涉密业务数据{n}",
            "requested_by": person(dept)}


def _classification_rejected(change):
    """The secrecy office (a security administrator with a login) refuses the request (p08.9.6)."""
    from xinan.identity.models import User
    from xinan.org.selectors import holders_of

    approver("security_admin")
    reviewer = User.objects.filter(person__in=holders_of("security_admin"), is_active=True).exclude(
        person=change.requested_by).first()
    services.classification_review(reviewer, change, approve=False, note="定密依据不足")


def it_office():
    """A department named as the IT office (``assets.it_office`` lists it), with a head who can
    take the first approval of a purchase a person requests."""
    from xinan.core.parameters import get, parameter_set
    from xinan.identity.services import account_create
    from xinan.org.models import Role

    dept = department()
    parameter_set(None, "assets.it_office", f"{get('assets.it_office')},{dept.code}")
    head = person(dept)
    org.role_grant_direct(None, person=head, role=Role.objects.get(code="department_head"), department=dept)
    account_create(None, head, f"head{head.pk}", "Zx7#Approve2026")
    return dept


def make_purchase(n):
    approver("deputy_gm")
    dept = it_office()
    return {"department": dept, "items": f"硒鼓{n}个", "quantity": n + 1, "estimated_cost": 300,
            "requested_by": person(dept)}


def _purchase_rejected(req):
    services.purchase_decide(None, req, approve=False, note="预算不足")


SAMPLES.update({
    "systems": Sample(make=make_system, text_field="name", before_archive=_decommissioned,
                      invalid={"status": "no-such-status"}),
    "system-maintenance": Sample(make=make_system_maintenance, text_field="work", invalid={"performed_on": "不是日期"}),
    "system-changes": Sample(make=make_system_change, text_field="description", before_archive=_change_rejected,
                             invalid={"kind": "no-such-kind"}, bundle_round_trip=WITH_APPROVER),
    "system-classifications": Sample(make=make_system_classification, text_field="grounds",
                                     before_archive=_classification_rejected, invalid={"to_level": "绝密以上"}),
    "regulations": Sample(make=make_regulation, text_field="title", invalid={"issued_on": "不是日期"}),
    "purchases": Sample(make=make_purchase, text_field="items", before_archive=_purchase_rejected,
                        invalid={"quantity": "many"},
                        bundle_round_trip="the requesting department must be the IT office, a parameter the "
                                          "sample sets and a dump of the register's rows does not carry"),
})


# --- 介质处置、转运、转存、授权、带出、外来人员维修 -----------------------------------------------------

def make_medium_disposal(n):
    dept = department()
    return {"kind": "handover", "medium": medium(dept, custodian=person(dept)), "equipment": None,
            "to_custodian": person(dept), "to_department": None, "grounds": f"岗位调整{n}"}


def make_medium_movement(n):
    dept = department()
    return {"medium": medium(dept), "purpose": "offsite_backup", "from_place": f"本部机房{n}",
            "to_place": f"异地备份库{n}", "carrier": person(dept), "escort": person(dept), "sealed_container": True,
            "seal_no": f"FT{next(_n):06d}", "handed_over_at": timezone.now() - timedelta(hours=2)}


def make_migration_plan(n):
    dept = department()
    return {"medium": medium(dept, expires_on=timezone.localdate() + timedelta(days=60)), "target_kind": "蓝光光盘",
            "method": f"按年度目录转存,校验 SM3{n}", "migrate_by": timezone.localdate() + timedelta(days=30)}


def make_migration(n):
    dept = department()
    plan = services.migration_plan_create(None, **make_migration_plan(n))
    return {"plan": plan, "target": medium(dept), "contents": f"2019 年业务档案{next(_n):05d}", "item_count": 120,
            "digest": "a" * 64, "verified": True, "performed_by": person(dept),
            "performed_at": timezone.now() - timedelta(hours=1)}


def make_medium_authorisation(n):
    dept = department()
    return {"person": person(dept), "medium": medium(dept, classification=1), "equipment": None,
            "purpose": f"涉密数据备份{n}", "valid_until": timezone.localdate() + timedelta(days=365)}


def make_removal_pass(n):
    dept = department()
    return {"equipment": equipment(dept, location="中心机房"), "medium": None, "carried_by": person(dept),
            "destination": "厂商维修点", "purpose": f"送修{n}", "due_back": timezone.localdate() + timedelta(days=7)}


def make_technician_visit(n):
    dept = department()
    return {"equipment": equipment(dept), "repair": None, "technician": f"厂商工程师{n}", "company": "联想服务站",
            "visited_at": timezone.now() - timedelta(hours=1), "supervisor": person(dept), "protection": "supervised",
            "sanitisation": None, "protection_note": "硬盘已拆下由管理员保管,全程监督"}


SAMPLES.update({
    "medium-disposals": Sample(make=make_medium_disposal, text_field="grounds", invalid={"kind": "no-such-kind"}),
    "medium-movements": Sample(make=make_medium_movement, text_field="from_place",
                               invalid={"purpose": "no-such-purpose"}),
    "medium-migration-plans": Sample(make=make_migration_plan, text_field="method", invalid={"migrate_by": "不是日期"}),
    "medium-migrations": Sample(make=make_migration, text_field="contents", invalid={"item_count": "many"},
                                bundle_round_trip="recording a migration completes its plan: the dumped plan is "
                                                  "already done and takes no second record"),
    "medium-authorisations": Sample(make=make_medium_authorisation, text_field="purpose",
                                    invalid={"valid_until": "不是日期"}),
    "removal-passes": Sample(make=make_removal_pass, text_field="purpose", invalid={"due_back": "不是日期"}),
    "technician-visits": Sample(make=make_technician_visit, text_field="company",
                                invalid={"protection": "no-such-way"}),
})


# --- monitoring footage (p15.8.3-a/c, p15.8.5-a) ------------------------------------------------------

def monitoring_admin(dept):
    """An active person on the 监控机房管理员 post (parameter ``assets.footage.admin_posts``)."""
    from xinan.org.models import Post

    post = Post.objects.filter(code="JKJFGLY").first() or org.post_create(None, code="JKJFGLY", name="监控机房管理员")
    n = next(_n)
    return org.person_create(None, employee_no=f"A{n:06d}", name=f"监控管理员{n:05d}", department=dept, post=post)


def monitoring_device(dept=None):
    return equipment(dept, kind=Equipment.Kind.MONITORING, location="监控机房")


def footage_period(days_ago=10, hours=24):
    end = timezone.now().replace(microsecond=0) - timedelta(days=days_ago)
    return end - timedelta(hours=hours), end


def make_footage_archive(n):
    dept = department()
    start, end = footage_period()
    return {"equipment": monitoring_device(dept), "channels": f"1-16 路{n}", "period_start": start, "period_end": end,
            "medium": medium(dept, kind=StorageMedium.Kind.OPTICAL), "burned_by": monitoring_admin(dept),
            "burned_at": end + timedelta(hours=2), "size_mb": 4300, "checksum": "b" * 64, "verified": True}


def make_footage_deletion(n):
    archive = services.footage_archive_create(None, **make_footage_archive(n))
    return {"equipment": archive.equipment, "period_start": archive.period_start, "period_end": archive.period_end,
            "deleted_at": archive.burned_at + timedelta(hours=1), "deleted_by": archive.burned_by,
            "grounds": f"硬盘录像机空间不足,已刻录部分覆盖{n}"}


def make_footage_release(n):
    start, end = footage_period()
    return {"equipment": monitoring_device(), "kind": "copy", "period_start": start, "period_end": end,
            "recipient": "派出所", "purpose": f"协助调查{n}"}


SAMPLES.update({
    "footage-archives": Sample(make=make_footage_archive, text_field="channels", invalid={"size_mb": "many"}),
    "footage-deletions": Sample(make=make_footage_deletion, text_field="grounds", invalid={"deleted_at": "不是时间"},
                                bundle_round_trip="a deletion is refused until burn records covering its period are "
                                                  "stored (p15.8.3-c); loading checks the deletions before the "
                                                  "bundle's burn records exist"),
    "footage-releases": Sample(make=make_footage_release, text_field="purpose", invalid={"kind": "no-such-kind"}),
})
