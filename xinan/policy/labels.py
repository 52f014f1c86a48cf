"""Display names of the catalogue's domains and kinds, and of the compliance statuses (with the
colours the dashboard, the report and the Excel exports share)."""

from django.utils.translation import gettext_lazy as _

DOMAINS = {
    "governance": _("制度与组织"),
    "accounts": _("账号管理"),
    "network_ip": _("网络与IP地址"),
    "incidents": _("安全事件"),
    "classification": _("保密与定密"),
    "assets": _("资产管理"),
    "malware": _("病毒防治"),
    "penalties": _("违规处罚"),
    "passwords": _("口令管理"),
    "inspections": _("安全检查"),
    "data_lifecycle": _("数据全生命周期"),
    "publication": _("信息发布审查"),
    "machine_room_env": _("机房环境"),
    "physical_access": _("出入管理"),
    "vendors": _("外包与供应商"),
    "backup": _("备份与恢复"),
    "training": _("教育培训"),
    "fire_safety": _("消防安全"),
    "software": _("软件管理"),
    "logs_audit": _("日志与审计"),
    "hazards": _("隐患排查"),
    "emergency_plans": _("应急预案"),
    "integrity_gifts": _("廉洁自律"),
    "roles_separation": _("岗位分离"),
    "customer_data": _("客户信息"),
    "patches": _("补丁管理"),
    "other": _("其他"),
    "drills": _("应急演练"),
}

KINDS = {
    "register": _("登记簿"),
    "workflow": _("审批流程"),
    "recurring": _("周期性义务"),
    "deadline": _("时限义务"),
    "constraint": _("约束检查"),
    "organisational": _("组织职责"),
    "prohibition": _("禁止性规定"),
    "penalty": _("处罚规则"),
}

# Compliance status of a clause (see ``compliance.status_of``), worst first.
NONCOMPLIANT = "noncompliant"
PARTLY = "partly"
UNATTESTED = "unattested"
MISSING = "missing"
COMPLIANT = "compliant"
ATTESTED = "attested"
NOT_APPLICABLE = "not_applicable"
STATUSES = (NONCOMPLIANT, PARTLY, UNATTESTED, MISSING, COMPLIANT, ATTESTED, NOT_APPLICABLE)

STATUS_LABELS = {
    COMPLIANT: _("符合"),
    ATTESTED: _("符合(声明)"),
    PARTLY: _("基本符合"),
    NONCOMPLIANT: _("不符合"),
    UNATTESTED: _("待声明"),
    NOT_APPLICABLE: _("不适用"),
    MISSING: _("未实现"),
}
# Tabler badge colour and chart colour per status.
STATUS_BADGES = {
    COMPLIANT: "green", ATTESTED: "teal", PARTLY: "yellow", NONCOMPLIANT: "red", UNATTESTED: "orange",
    NOT_APPLICABLE: "secondary", MISSING: "secondary",
}
STATUS_COLOURS = {
    COMPLIANT: "#2fb344", ATTESTED: "#0ca678", PARTLY: "#f59f00", NONCOMPLIANT: "#d63939", UNATTESTED: "#f76707",
    NOT_APPLICABLE: "#adb5bd", MISSING: "#868e96",
}

SEVERITY_LABELS = {"violation": _("违规"), "warning": _("警告")}


def domain_label(code: str) -> str:
    return str(DOMAINS.get(code, code))


def kind_label(code: str) -> str:
    return str(KINDS.get(code, code))


def status_label(code: str) -> str:
    return str(STATUS_LABELS.get(code, code))
