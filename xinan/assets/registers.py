"""The assets domain's registers. Each is a model plus this declaration: pages, API, Excel
import/export, printed forms and the generic tests follow from it (docs/registers.md)."""

from django.utils.translation import gettext_lazy as _

from xinan.core.registers import register

from . import services
from .models import (AssetKeeper, Equipment, MaintenanceRecord, MediumContent, MediumLoan, Penalty, Repair,
                     ResponsibleChange, Sanitisation, Scrapping, Software, SoftwareCopy, SoftwareInstallation,
                     SoftwareRequest, StockTake, StorageMedium, Transfer)

PEOPLE = {"responsible": "employee_no", "user": "employee_no", "administrator": "employee_no"}
A = "assets"

equipment = register(
    slug="equipment", model=Equipment, title=_("设备台账"), form_title=_("计算机地址分配表"), nav_section=A,
    fields=["asset_no", "kind", "brand_model", "serial_no", "hostname", "department", "location", "responsible",
            "user", "administrator", "classification", "ip_address", "mac_address", "status", "purchase_date",
            "purchase_value", "warranty_until", "important", "impact", "handles_customer_data", "internet_access",
            "notes"],
    # The columns of 《计算机地址分配表》 (printed by print_address_table.html) in their order.
    columns=["asset_no", "department", "responsible", "user", "hostname", "kind", "ip_address", "mac_address",
             "brand_model", "location", "classification", "status"],
    filters=["department", "kind", "classification", "status", "important"],
    search=["asset_no", "hostname", "serial_no", "ip_address", "mac_address", "brand_model"], ordering=["asset_no"],
    lookups={"department": "code", **PEOPLE}, department_field="department",
    create=services.equipment_create, update=services.equipment_update, archive=services.equipment_archive,
    detail_actions=[(_("负责人变更备案"), "assets:equipment_responsible", "assets.responsiblechange.add"),
                    (_("打印标签"), "assets:equipment_label", "assets.equipment.view")],
    print_template="assets/print_address_table.html",
    clauses=["p01.2.1-a", "p01.2.1-b", "p05.0.1", "p16.2.1-a", "p21.3", "p15.5.2", "p15.7.2-a"],
)

responsible_changes = register(
    slug="responsible-changes", model=ResponsibleChange, title=_("负责人变更备案"), nav_section=A,
    fields=["equipment", "to_person", "changed_at", "explanation"],
    columns=["number", "equipment", "from_person", "to_person", "changed_at", "filed_at", "explanation"],
    filters=["department", "to_person"], search=["number", "equipment__asset_no"], ordering=["-filed_at"],
    lookups={"equipment": "asset_no", "to_person": "employee_no"}, department_field="department",
    create=services.responsible_change_create, update=services.responsible_change_update,
    clauses=["p01.2.1-c"],
)

asset_keepers = register(
    slug="asset-keepers", model=AssetKeeper, title=_("科室计算机管理员"), nav_section=A,
    fields=["department", "person", "appointed_on", "duties"],
    columns=["person", "department", "appointed_on", "duties"],
    filters=["department"], search=["duties", "person__name", "person__employee_no"], ordering=["department__code"],
    lookups={"department": "code", "person": "employee_no"}, department_field="department",
    create=services.asset_keeper_create, update=services.asset_keeper_update,
    clauses=["p15.7.15-a", "p15.5.2"],
)

maintenance = register(
    slug="maintenance", model=MaintenanceRecord, title=_("设备维护记录"), nav_section=A,
    fields=["equipment", "kind", "performed_on", "performed_by", "content", "anti_static", "restored"],
    columns=["number", "equipment", "kind", "performed_on", "performed_by", "content", "restored"],
    filters=["department", "kind"], search=["number", "equipment__asset_no"], ordering=["-performed_on"],
    lookups={"equipment": "asset_no", "performed_by": "employee_no"}, department_field="department",
    create=services.maintenance_create, update=services.maintenance_update,
    clauses=["p01.5.1.a", "p01.5.1.c", "p01.5.1.e", "p15.7.15-b"],
)

transfers = register(
    slug="transfers", model=Transfer, title=_("调用记录单"), form_title=_("调用记录单"), nav_section=A,
    fields=["equipment", "to_department", "to_responsible", "to_location", "purpose"],
    columns=["number", "equipment", "department", "from_responsible", "to_department", "to_responsible", "purpose",
             "status", "approved_by"],
    filters=["department", "to_department", "status"], search=["number", "equipment__asset_no"], ordering=["-number"],
    lookups={"equipment": "asset_no", "to_department": "code", "to_responsible": "employee_no"},
    department_field="department",
    create=services.transfer_create, update=services.transfer_update, archive=services.transfer_archive,
    workflows={"approval": "assets_transfer"},  # started by a person's request; 发起 for the system's records
    detail_actions=[(_("办理"), "assets:transfer_steps", "assets.transfer.view")],
    print_detail_template="assets/print_transfer.html",
    clauses=["p01.2.7.a", "p01.2.7.b-a", "p01.2.7.b-b", "p15.7.2-b"],
)

repairs = register(
    slug="repairs", model=Repair, title=_("电脑维修记录"), form_title=_("公司电脑维修记录表"), nav_section=A,
    fields=["equipment", "reported_by", "fault"],
    columns=["number", "equipment", "department", "reported_by", "reported_at", "fault", "cause", "status"],
    filters=["department", "status", "cause"], search=["number", "equipment__asset_no"], ordering=["-number"],
    lookups={"equipment": "asset_no", "reported_by": "employee_no"}, department_field="department",
    create=services.repair_create, update=services.repair_update, archive=services.repair_archive,
    detail_actions=[(_("办理"), "assets:repair_steps", "assets.repair.view")],
    print_detail_template="assets/print_repair.html",
    clauses=["p01.7-a", "p01.7-b", "p01.2.3-b", "p14.7-c", "p14.7-d", "p02.1.2-a", "p02.1.2-b"],
)

scrappings = register(
    slug="scrappings", model=Scrapping, title=_("计算机报废"), nav_section=A,
    fields=["equipment", "proposed_by", "grounds", "condition", "repair_estimate", "replacement_value"],
    columns=["number", "equipment", "department", "proposed_by", "condition", "grounds", "status"],
    filters=["department", "status", "condition"], search=["number", "equipment__asset_no"], ordering=["-number"],
    lookups={"equipment": "asset_no", "proposed_by": "employee_no"}, department_field="department",
    create=services.scrapping_create, update=services.scrapping_update, archive=services.scrapping_archive,
    workflows={"approval": "assets_scrapping"},
    detail_actions=[(_("办理"), "assets:scrapping_steps", "assets.scrapping.view")],
    print_detail_template="assets/print_scrapping.html",
    clauses=["p01.2.8.a", "p01.2.8.b", "p01.2.8.c", "p14.8", "p10.36.3-d"],
)

media = register(
    slug="media", model=StorageMedium, title=_("存储介质"), nav_section=A,
    fields=["label_no", "kind", "is_backup", "brand_model", "serial_no", "capacity", "classification", "department",
            "custodian", "location", "installed_in", "offsite_location", "offsite_custodian", "contents",
            "expires_on"],
    columns=["label_no", "kind", "classification", "department", "custodian", "location", "installed_in", "status",
             "is_backup", "offsite_location"],
    filters=["department", "kind", "classification", "status", "is_backup"],
    search=["label_no", "serial_no", "contents"], ordering=["label_no"],
    lookups={"department": "code", "custodian": "employee_no", "offsite_custodian": "employee_no",
             "installed_in": "asset_no"},
    department_field="department",
    create=services.medium_create, update=services.medium_update, archive=services.medium_archive,
    detail_actions=[(_("介质办理"), "assets:medium_steps", "assets.storagemedium.view")],
    clauses=["p05.0.3.2-b", "p15.3.9-b", "p05.0.3.3", "p10.36.3-a", "p01.2.5-c", "p15.5.3-a"],
)

medium_contents = register(
    slug="medium-contents", model=MediumContent, title=_("介质存储内容"), nav_section=A,
    fields=["medium", "description", "classification", "stored_on"],
    columns=["medium", "description", "classification", "stored_on", "recorded_by"],
    filters=["department", "classification"], search=["description", "medium__label_no"], ordering=["medium__label_no"],
    lookups={"medium": "label_no"}, department_field="department",
    create=services.medium_content_create, update=services.medium_content_update,
    clauses=["p05.0.3.2-b"],
)

medium_loans = register(
    slug="medium-loans", model=MediumLoan, title=_("介质借用登记"), nav_section=A,
    fields=["medium", "borrower", "purpose", "offsite", "due_back"],
    columns=["number", "medium", "borrower", "purpose", "offsite", "lent_at", "due_back", "returned_at"],
    filters=["department", "offsite"], search=["number", "medium__label_no"], ordering=["-number"],
    lookups={"medium": "label_no", "borrower": "employee_no"}, department_field="department",
    create=services.medium_loan_create, update=services.medium_loan_update, archive=services.medium_loan_archive,
    detail_actions=[(_("归还"), "assets:loan_return", "assets.mediumloan.change")],
    clauses=["p10.36.3-b", "p05.0.3.3", "p01.2.5-d"],
)

sanitisations = register(
    slug="sanitisations", model=Sanitisation, title=_("数据清除与销毁记录"), nav_section=A,
    fields=["purpose", "equipment", "medium", "backed_up", "backup_location", "method", "performed_at",
            "performed_by", "witness", "note"],
    columns=["number", "purpose", "equipment", "medium", "method", "backed_up", "performed_at", "performed_by",
             "witness", "note"],
    filters=["department", "purpose", "method"], search=["number", "equipment__asset_no", "medium__label_no"],
    ordering=["-number"],
    lookups={"equipment": "asset_no", "medium": "label_no", "performed_by": "employee_no", "witness": "employee_no"},
    department_field="department",
    create=services.sanitisation_create, update=services.sanitisation_update,
    clauses=["p14.7-c", "p14.8", "p17.6.5", "p06.9-a", "p10.36.3-d"],
)

software = register(
    slug="software", model=Software, title=_("软件目录"), nav_section=A,
    fields=["name", "version", "vendor", "category", "license", "seats", "standard", "usage", "executables",
            "notes"],
    columns=["name", "version", "vendor", "category", "license", "seats", "standard"],
    filters=["category", "license", "standard"], search=["name", "vendor"], ordering=["name"],
    create=services.software_create, update=services.software_update,
    clauses=["p01.4.2.a"],
)

software_requests = register(
    slug="software-requests", model=SoftwareRequest, title=_("软件安装删除申请"), nav_section=A,
    fields=["equipment", "software", "action", "requested_by", "justification", "source_medium"],
    columns=["number", "equipment", "software", "action", "requested_by", "justification", "status", "checked_by"],
    filters=["department", "status", "action"], search=["number", "equipment__asset_no"], ordering=["-number"],
    lookups={"equipment": "asset_no", "software": "name", "requested_by": "employee_no", "source_medium": "label_no"},
    department_field="department",
    create=services.software_request_create, update=services.software_request_update,
    archive=services.software_request_archive, workflows={"approval": "assets_software_request"},
    detail_actions=[(_("办理"), "assets:software_request_steps", "assets.softwarerequest.view")],
    clauses=["p01.4.2.b-b", "p01.4.1.a", "p15.2.8-c"],
)

software_installations = register(
    slug="software-installations", model=SoftwareInstallation, title=_("设备软件清单"), nav_section=A,
    fields=["equipment", "software", "name_found", "found_on", "notes"],
    columns=["equipment", "software", "name_found", "basis", "found_on", "removed_at", "notes"],
    filters=["department", "basis", "software"], search=["notes", "name_found", "equipment__asset_no"],
    ordering=["equipment__asset_no"],
    lookups={"equipment": "asset_no", "software": "name"}, department_field="department",
    create=services.installation_create, update=services.installation_update,
    clauses=["p01.4.2.b-a", "p07.16-b", "p08.17-b", "p14.10-a", "p06.6-b"],
)

software_copies = register(
    slug="software-copies", model=SoftwareCopy, title=_("软件复制及领用登记簿"), form_title=_("软件复制及领用登记簿"),
    nav_section=A,
    fields=["software", "kind", "quantity", "medium", "recipient", "purpose", "issued_on", "returned_on"],
    columns=["number", "software", "kind", "quantity", "medium", "recipient", "department", "purpose", "issued_on",
             "issued_by", "returned_on"],
    filters=["department", "kind", "software"], search=["number", "recipient__name"], ordering=["-number"],
    lookups={"software": "name", "medium": "label_no", "recipient": "employee_no"}, department_field="department",
    create=services.software_copy_create, update=services.software_copy_update,
    clauses=["p07.13"],
)

stocktakes = register(
    slug="stocktakes", model=StockTake, title=_("资产盘点"), nav_section=A,
    fields=["title", "department", "note"],
    columns=["number", "title", "department", "status", "started_at", "closed_at"],
    filters=["department", "status"], search=["number", "title"], ordering=["-number"],
    lookups={"department": "code"}, department_field="department",
    create=services.stocktake_start, update=services.stocktake_update, archive=services.stocktake_archive,
    detail_actions=[(_("盘点"), "assets:stocktake_run", "assets.stocktake.view")],
    print_detail_template="assets/print_stocktake.html",
    clauses=["p15.5.3-b"],
)

penalties = register(
    slug="asset-penalties", model=Penalty, title=_("违规处罚记录"), nav_section=A,
    fields=["person", "clause", "offence", "amount_cny", "equipment", "occurred_on"],
    columns=["number", "person", "clause", "offence", "amount_cny", "status", "occurred_on"],
    filters=["department", "status", "clause"], search=["number", "person__name", "clause"], ordering=["-number"],
    lookups={"person": "employee_no", "equipment": "asset_no"}, department_field="department",
    create=services.penalty_create, update=services.penalty_update,
    detail_actions=[(_("决定"), "assets:penalty_decide", "assets.penalty.decide")],
    clauses=["p01.2.3-c", "p01.8.1.a"],
)

# --- 信息系统、变更、制度文件、备件采购 (xinan/assets/services/systems.py, purchase.py) -------------------

from . import models  # noqa: E402

information_systems = register(
    slug="systems", model=models.InformationSystem, title=_("信息系统台账"), form_title=_("信息系统台账"),
    nav_section=A,
    fields=["name", "kind", "department", "maintainer_department", "maintainer", "classification", "status",
            "planned_on", "in_service_on", "design_includes_authorisation", "design_document",
            "design_document_digest", "security_standards", "designed_on", "implemented_on", "evaluated_on",
            "evaluation_body", "evaluation_report", "approved_on", "approval_document_no", "accepted_on",
            "secrecy_regulation", "notes"],
    columns=["name", "kind", "department", "maintainer_department", "maintainer", "classification", "status",
             "design_includes_authorisation", "approved_on", "decommissioned_on"],
    filters=["department", "maintainer_department", "kind", "status", "classification"],
    search=["name", "design_document"], ordering=["name"],
    lookups={"department": "code", "maintainer_department": "code", "maintainer": "employee_no",
             "secrecy_regulation": "title"},
    department_field="department",
    create=services.system_create, update=services.system_update, archive=services.system_archive,
    detail_actions=[(_("办理"), "assets:system_steps", "assets.informationsystem.view")],
    clauses=["p27.2.4-b", "p27.2.10", "p24.6", "p24.8", "p08.4-a", "p08.4-b", "p08.12-b"],
)

# 系统密级变更记录 (xinan/assets/services/systems_secrecy.py): 定密、变更密级、解密 reviewed by the secrecy office.
system_classifications = register(
    slug="system-classifications", model=models.SystemClassificationChange, title=_("系统密级变更记录"),
    form_title=_("信息系统定密、变更密级、解密申请"), nav_section=A,
    fields=["system", "to_level", "grounds", "requested_by"],
    columns=["system", "kind", "from_level", "to_level", "grounds", "requested_by", "requested_at", "status",
             "reviewed_by", "reviewed_at"],
    filters=["department", "kind", "status"], search=["grounds", "system__name"], ordering=["-requested_at"],
    lookups={"system": "name", "requested_by": "employee_no"}, department_field="department",
    create=services.classification_create, update=services.classification_update,
    archive=services.classification_archive,
    detail_actions=[(_("办理"), "assets:system_classification_steps", "assets.systemclassificationchange.view")],
    clauses=["p08.9.6"],
)

system_maintenance = register(
    slug="system-maintenance", model=models.SystemMaintenance, title=_("系统维护记录"), nav_section=A,
    fields=["system", "performed_on", "performed_by", "work"],
    columns=["system", "department", "performed_on", "performed_by", "work"],
    filters=["department"], search=["work", "system__name"], ordering=["-performed_on"],
    lookups={"system": "name", "performed_by": "employee_no"}, department_field="department",
    create=services.system_maintenance_create, update=services.system_maintenance_update,
    clauses=["p24.8"],
)

system_changes = register(
    slug="system-changes", model=models.SystemChange, title=_("系统变更记录"), form_title=_("系统变更记录"),
    nav_section=A,
    fields=["system", "kind", "description", "justification", "requested_by"],
    columns=["number", "system", "kind", "description", "requested_by", "status", "approved_by", "implemented_by",
             "implemented_at"],
    filters=["department", "kind", "status"], search=["number", "description", "system__name"],
    ordering=["-number"],
    lookups={"system": "name", "requested_by": "employee_no"}, department_field="department",
    create=services.system_change_create, update=services.system_change_update,
    archive=services.system_change_archive, workflows={"approval": "assets_system_change"},
    detail_actions=[(_("办理"), "assets:system_change_steps", "assets.systemchange.view")],
    clauses=["p27.2.5-a", "p15.2.30.3", "p19.5.10-b"],
)

regulations = register(
    slug="regulations", model=models.RegulationDocument, title=_("制度文件登记"), nav_section=A,
    fields=["title", "topic", "department", "document_no", "issued_on", "next_review_on", "document_digest",
            "status"],
    columns=["title", "topic", "department", "document_no", "issued_on", "next_review_on", "status"],
    filters=["department", "topic", "status"], search=["title", "document_no"], ordering=["department__code", "title"],
    lookups={"department": "code"}, department_field="department",
    create=services.regulation_create, update=services.regulation_update,
    clauses=["p07.12"],
)

purchases = register(
    slug="purchases", model=models.PurchaseRequest, title=_("备件耗材采购申请"), form_title=_("备件耗材采购申请单"),
    nav_section=A,
    fields=["department", "items", "quantity", "estimated_cost", "requested_by"],
    columns=["number", "department", "items", "quantity", "estimated_cost", "status", "head_approved_by",
             "leader_approved_by", "supplier", "amount", "purchased_on"],
    filters=["department", "status"], search=["number", "items", "supplier"], ordering=["-number"],
    lookups={"department": "code", "requested_by": "employee_no"}, department_field="department",
    create=services.purchase_create, update=services.purchase_update, archive=services.purchase_archive,
    workflows={"approval": "assets_purchase"},
    detail_actions=[(_("办理"), "assets:purchase_steps", "assets.purchaserequest.view")],
    clauses=["p15.5.4"],
)

# --- storage media flows (p14.2, p14.3, p14.6-a/b, p15.3.10, p08.9.4-a, p15.2.8-d, p17.6.5) ------------------
from .models import (MediumAuthorisation, MediumDisposal, MediumMigration, MediumMigrationPlan,  # noqa: E402
                     MediumMovement, RemovalPass, TechnicianVisit)

medium_disposals = register(
    slug="medium-disposals", model=MediumDisposal, title=_("介质处置审批单"), nav_section=A,
    fields=["kind", "medium", "equipment", "to_custodian", "to_department", "grounds"],
    columns=["number", "kind", "medium", "equipment", "to_custodian", "grounds", "status", "reviewed_by",
             "leader_approved_by", "outcome", "seal_no", "done_at"],
    filters=["department", "kind", "status"], search=["number", "medium__label_no"], ordering=["-number"],
    lookups={"medium": "label_no", "equipment": "asset_no", "to_custodian": "employee_no", "to_department": "code"},
    department_field="department", create=services.disposal_create, update=services.disposal_update,
    detail_actions=[(_("办理"), "assets:disposal_steps", "assets.mediumdisposal.view")],
    clauses=["p14.3", "p15.3.10"],
)

medium_movements = register(
    slug="medium-movements", model=MediumMovement, title=_("介质转运登记"), nav_section=A,
    fields=["medium", "purpose", "from_place", "to_place", "carrier", "escort", "sealed_container", "seal_no",
            "handed_over_at"],
    columns=["number", "medium", "purpose", "from_place", "to_place", "carrier", "escort", "seal_no",
             "handed_over_at", "received_at", "received_by"],
    filters=["department", "purpose"], search=["number", "medium__label_no", "seal_no"], ordering=["-number"],
    lookups={"medium": "label_no", "carrier": "employee_no", "escort": "employee_no"},
    department_field="department", create=services.movement_create, update=services.movement_update,
    detail_actions=[(_("到达接收"), "assets:movement_steps", "assets.mediummovement.change")],
    clauses=["p14.2"],
)

medium_migration_plans = register(
    slug="medium-migration-plans", model=MediumMigrationPlan, title=_("介质转存方案"), nav_section=A,
    fields=["medium", "target_kind", "method", "migrate_by"],
    columns=["number", "medium", "target_kind", "method", "migrate_by", "status", "planned_by"],
    filters=["department", "status"], search=["number", "medium__label_no"], ordering=["-number"],
    lookups={"medium": "label_no"}, department_field="department",
    create=services.migration_plan_create, update=services.migration_plan_update,
    clauses=["p14.6-a"],
)

medium_migrations = register(
    slug="medium-migrations", model=MediumMigration, title=_("介质转存记录"), nav_section=A,
    fields=["plan", "target", "contents", "item_count", "digest", "verified", "performed_by", "performed_at"],
    columns=["number", "plan", "source", "target", "contents", "item_count", "digest", "verified", "performed_by",
             "performed_at"],
    filters=["department", "verified"], search=["number", "source__label_no", "target__label_no"], ordering=["-number"],
    lookups={"plan": "number", "target": "label_no", "performed_by": "employee_no"}, department_field="department",
    create=services.migration_record, update=services.migration_update,
    clauses=["p14.6-a", "p14.6-b"],
)

medium_authorisations = register(
    slug="medium-authorisations", model=MediumAuthorisation, title=_("涉密介质设备授权"), nav_section=A,
    fields=["person", "medium", "equipment", "purpose", "valid_until"],
    columns=["number", "person", "medium", "equipment", "purpose", "valid_until", "secrecy_reviewed_by",
             "technology_reviewed_by"],
    filters=["department"], search=["number", "person__name", "medium__label_no", "equipment__asset_no"],
    ordering=["-number"],
    lookups={"person": "employee_no", "medium": "label_no", "equipment": "asset_no"}, department_field="department",
    create=services.authorisation_create, update=services.authorisation_update,
    detail_actions=[(_("联合审查"), "assets:authorisation_steps", "assets.mediumauthorisation.view")],
    clauses=["p08.9.4-a"],
)

removal_passes = register(
    slug="removal-passes", model=RemovalPass, title=_("机房设备数据带出登记"), nav_section=A,
    fields=["equipment", "medium", "carried_by", "destination", "purpose", "due_back"],
    columns=["number", "equipment", "medium", "carried_by", "destination", "purpose", "status", "approved_by",
             "taken_out_at", "returned_at"],
    filters=["department", "status"], search=["number", "equipment__asset_no", "medium__label_no"],
    ordering=["-number"],
    lookups={"equipment": "asset_no", "medium": "label_no", "carried_by": "employee_no"},
    department_field="department", create=services.removal_pass_create, update=services.removal_pass_update,
    detail_actions=[(_("办理"), "assets:removal_pass_steps", "assets.removalpass.view")],
    clauses=["p15.2.8-d"],
)

technician_visits = register(
    slug="technician-visits", model=TechnicianVisit, title=_("外来人员维修登记"), nav_section=A,
    fields=["equipment", "repair", "technician", "company", "visited_at", "supervisor", "protection", "sanitisation",
            "protection_note"],
    columns=["number", "equipment", "technician", "company", "visited_at", "supervisor", "protection",
             "sanitisation"],
    filters=["department", "protection"], search=["number", "equipment__asset_no", "technician"],
    ordering=["-number"],
    lookups={"equipment": "asset_no", "repair": "number", "supervisor": "employee_no", "sanitisation": "number"},
    department_field="department", create=services.technician_visit_create, update=services.technician_visit_update,
    clauses=["p17.6.5"],
)

# --- endpoint observations (终端监测记录): the facts the endpoint tool exported, judged by
# checks_endpoint.py; imports come from the upload page, the API and the CLI (endpoint.py).
from . import endpoint as _endpoint  # noqa: E402
from .models import EndpointEvent, EndpointException  # noqa: E402

endpoint_events = register(
    slug="endpoint-events", model=EndpointEvent, title=_("终端监测记录"), nav_section=A,
    fields=["device", "observed_at", "kind", "account", "detail", "tag", "encrypted"],
    columns=["device", "observed_at", "kind", "account", "detail", "software", "tag", "encrypted", "source_import"],
    filters=["department", "kind", "tag"], search=["detail", "account", "device__asset_no"],
    ordering=["-observed_at"], lookups={"device": "asset_no"}, department_field="department",
    select_related=["device", "software", "source_import"],
    create=_endpoint.endpoint_event_create, update=_endpoint.endpoint_event_update,
    clauses=["p01.2.4.c", "p01.2.6-c", "p05.0.2.2", "p15.5.9", "p15.8.5-c", "p15.7.9", "p07.16-a", "p27.2.5-c",
             "p15.2.8-c", "p10.36.3-c", "p15.3.8-b", "p15.3.11-c", "p05.2.5-a", "p05.0.3.1-b",
             "p15.3.7-a"],
)

endpoint_exceptions = register(
    slug="endpoint-exceptions", model=EndpointException, title=_("终端例外登记"), nav_section=A,
    fields=["equipment", "kind", "starts_on", "ends_on", "detail", "grounds", "approved_by"],
    columns=["number", "equipment", "kind", "starts_on", "ends_on", "detail", "grounds", "approved_by"],
    filters=["department", "kind"], search=["number", "equipment__asset_no", "grounds"], ordering=["-starts_on"],
    lookups={"equipment": "asset_no", "approved_by": "employee_no"}, department_field="department",
    create=_endpoint.endpoint_exception_create, update=_endpoint.endpoint_exception_update,
    clauses=["p01.2.4.c", "p10.36.3-c", "p15.7.9"],
)

# --- monitoring footage (监控资料): burn records, deletions, releases (p15.8.3-a/c, p15.8.5-a) -------------
from .models import FootageArchive, FootageDeletion, FootageRelease  # noqa: E402

footage_archives = register(
    slug="footage-archives", model=FootageArchive, title=_("监控资料刻录归档"), nav_section=A,
    fields=["equipment", "channels", "period_start", "period_end", "medium", "burned_by", "burned_at", "size_mb",
            "checksum", "verified"],
    columns=["number", "equipment", "channels", "period_start", "period_end", "medium", "burned_by", "burned_at",
             "size_mb", "verified"],
    filters=["department", "verified"], search=["number", "equipment__asset_no", "medium__label_no"],
    ordering=["-period_start"],
    lookups={"equipment": "asset_no", "medium": "label_no", "burned_by": "employee_no"}, department_field="department",
    create=services.footage_archive_create, update=services.footage_archive_update,
    clauses=["p15.8.3-a"],
)

footage_deletions = register(
    slug="footage-deletions", model=FootageDeletion, title=_("监控资料删除登记"), nav_section=A,
    fields=["equipment", "period_start", "period_end", "deleted_at", "deleted_by", "grounds"],
    columns=["number", "equipment", "period_start", "period_end", "deleted_at", "deleted_by", "grounds"],
    filters=["department"], search=["number", "equipment__asset_no", "grounds"], ordering=["-deleted_at"],
    lookups={"equipment": "asset_no", "deleted_by": "employee_no"}, department_field="department",
    create=services.footage_deletion_create, update=services.footage_deletion_update,
    clauses=["p15.8.3-c"],
)

footage_releases = register(
    slug="footage-releases", model=FootageRelease, title=_("监控资料拷贝外借登记"), nav_section=A,
    fields=["equipment", "kind", "period_start", "period_end", "recipient", "purpose"],
    columns=["number", "equipment", "kind", "period_start", "period_end", "recipient", "purpose", "status",
             "requested_by", "approved_by", "approved_at", "released_by", "released_at"],
    filters=["department", "kind", "status"], search=["number", "equipment__asset_no", "recipient"],
    ordering=["-number"], lookups={"equipment": "asset_no"}, department_field="department",
    create=services.footage_release_create, update=services.footage_release_update,
    detail_actions=[(_("办理"), "assets:footage_release_steps", "assets.footagerelease.view")],
    clauses=["p15.8.5-a"],
)
