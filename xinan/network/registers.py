"""The IP plan as registers: 网段 (subnets), IP地址分配 (《计算机地址分配表》) and 入网申请.

Lists, detail, forms, archive, Excel import/export, printable forms and REST endpoints come from
the register machinery; the rules are the services' (``services``, ``access``).
Clauses: p21.5.2.4 (IP 地址管理系统、规划与分配记录), p16.3.1 (IP 统一规划), p15.2.7 (入网须批准备案).
"""

from django.utils.translation import gettext_lazy as _

from xinan.core.registers import register

from . import access, services
from .models import IPAllocation, NetworkAccessRequest, Subnet

subnets = register(
    slug="subnets", model=Subnet, title=_("网段"), form_title=_("IP地址规划表"),
    fields=["cidr", "name", "purpose", "vlan", "department", "zone", "is_public", "description"],
    columns=["cidr", "name", "purpose", "vlan", "department", "zone", "is_public"],
    filters=["department", "zone", "is_public", "vlan"], search=["cidr", "name", "purpose"],
    ordering=["version", "first_key"], lookups={"department": "code", "zone": "code"}, department_field="department", nav_section="assets",
    create=services.subnet_create, update=services.subnet_update, archive=services.subnet_archive,
    clauses=["p21.5.2.4", "p16.3.1"],
)

allocations = register(
    slug="ip-allocations", model=IPAllocation, title=_("IP地址分配"), form_title=_("计算机地址分配表"),
    fields=["ip", "device_label", "mac", "hostname", "domain", "network_user", "department", "holder", "access_request",
            "valid_until", "note"],
    columns=["ip", "device_label", "mac", "hostname", "department", "holder", "status", "subnet", "is_public",
             "valid_until", "note"],
    filters=["status", "department", "subnet", "is_public"], search=["ip", "device_label", "mac", "hostname"],
    ordering=["version", "ip_key"],
    lookups={"department": "code", "holder": "employee_no", "subnet": "cidr", "access_request": "number"},
    department_field="department", nav_section="assets", select_related=["department", "holder", "subnet"],
    create=services.allocation_create, update=services.allocation_update, archive=services.allocation_archive,
    detail_actions=[(_("收回"), "network:allocation_release", "network.ipallocation.change"),
                    (_("分配历史"), "network:allocation_history", "network.ipallocation.view")],
    clauses=["p21.5.2.4", "p16.3.1", "p15.2.7", "p16.3.3", "p16.3.4"],
)

access_requests = register(
    slug="network-requests", model=NetworkAccessRequest, title=_("入网申请"), form_title=_("计算机入网申请表"),
    fields=["number", "kind", "department", "applicant", "device_label", "mac", "hostname", "subnet", "purpose",
            "needed_until"],
    columns=["number", "device_label", "kind", "department", "applicant", "mac", "status", "purpose", "needed_until",
             "approved_by", "public_approved_by"],
    filters=["status", "kind", "department"], search=["number", "device_label", "mac", "hostname", "purpose"],
    ordering=["-requested_at"], lookups={"department": "code", "applicant": "employee_no", "subnet": "cidr"},
    department_field="department", nav_section="assets", select_related=["department", "applicant"],
    create=access.access_request_create, update=access.access_request_update, archive=access.access_request_archive,
    detail_actions=[(_("审批"), "network:request_decide", "network.networkaccessrequest.view")],
    clauses=["p15.2.7", "p16.3.3", "p16.3.4"],
)


# --- network architecture (网络架构) -------------------------------------------------------------

from .models import (Boundary, ExternalLink, NetworkChange, NetworkDevice, NetworkOwner,  # noqa: E402
                     SecurityZone, TopologyDiagram)

zones = register(
    slug="security-zones", model=SecurityZone, title=_("安全区域"), form_title=_("网络安全区域划分表"),
    fields=["code", "name", "kind", "level", "classification", "description"],
    columns=["code", "name", "kind", "level", "classification"],
    filters=["kind"], search=["code", "name"], ordering=["code"], nav_section="assets",
    clauses=["p10.29", "p21.5.2.2"],
)

boundaries = register(
    slug="boundaries", model=Boundary, title=_("网络边界"), form_title=_("网络边界防护登记表"),
    fields=["code", "name", "inside", "outside", "key_point", "firewall", "ids_ips", "av_gateway", "access_policy",
            "policy_reviewed_on", "device_label"],
    columns=["code", "name", "inside", "outside", "key_point", "firewall", "ids_ips", "av_gateway", "policy_reviewed_on"],
    filters=["inside", "outside", "key_point"], search=["code", "name", "device_label"], ordering=["code"],
    lookups={"inside": "code", "outside": "code"}, nav_section="assets",
    clauses=["p15.2.13", "p15.2.14", "p27.2.8", "p10.29", "p21.5.2.2"],
)

links = register(
    slug="external-links", model=ExternalLink, title=_("外联链路"), form_title=_("外联链路登记表"),
    fields=["code", "name", "kind", "zone", "boundary", "counterparty", "live_from", "carries_customer_data",
            "interconnection_rule", "reviewed_on", "security_signoff_on"],
    columns=["code", "name", "kind", "zone", "boundary", "counterparty", "live_from", "reviewed_on"],
    filters=["kind", "zone"], search=["code", "name", "counterparty"], ordering=["code"],
    lookups={"zone": "code", "boundary": "code"}, nav_section="assets",
    clauses=["p21.5.2.1-b", "p07.10.4", "p10.39-a", "p10.39-b", "p15.2.25-a", "p15.2.25-b"],
)

devices = register(
    slug="network-devices", model=NetworkDevice, title=_("网络设备档案"), form_title=_("网络设备档案表"),
    fields=["device_label", "name", "role", "zone", "key_point", "power_supplies", "redundant_peer", "spare_label",
            "plaintext_services_off", "config_checked_on", "administrator"],
    columns=["device_label", "name", "role", "zone", "key_point", "power_supplies", "redundant_peer", "spare_label",
             "plaintext_services_off"],
    filters=["role", "zone", "key_point"], search=["device_label", "name"], ordering=["device_label"],
    lookups={"zone": "code", "administrator": "employee_no"}, nav_section="assets",
    clauses=["p21.5.2.1-a", "p21.5.2.3-b", "p21.5.2.3-c", "p16.1"],
)

diagrams = register(
    slug="topology-diagrams", model=TopologyDiagram, title=_("网络拓扑图"), form_title=_("网络拓扑图版本登记"),
    fields=["version", "drawn_on", "document", "summary"], columns=["version", "drawn_on", "document", "summary"],
    search=["version", "document"], ordering=["-drawn_on"], nav_section="assets", clauses=["p21.5.2.1-c"],
)

owners = register(
    slug="network-owners", model=NetworkOwner, title=_("网络安全负责人"), form_title=_("单位网络安全负责人名单"),
    fields=["department", "person", "since", "note"], columns=["person", "department", "since", "note"],
    filters=["department"], ordering=["department__code"], lookups={"department": "code", "person": "employee_no"},
    department_field="department", nav_section="assets", clauses=["p27.1.3-a"],
)

changes = register(
    slug="network-changes", model=NetworkChange, title=_("网络变更记录"), form_title=_("网络变更记录表"),
    fields=["number", "kind", "description", "weakness", "performed_by", "approved_by", "changed_on", "device_label",
            "port"],
    columns=["number", "kind", "description", "weakness", "performed_by", "approved_by", "changed_on"],
    filters=["kind"], search=["number", "description"], ordering=["-changed_on"],
    lookups={"performed_by": "employee_no", "approved_by": "employee_no"}, nav_section="assets",
    clauses=["p04.6.8", "p27.1.2.2", "p15.5.5"],
)

from .models import MonitoringReport, NetworkViolation  # noqa: E402

monitoring = register(
    slug="monitoring-reports", model=MonitoringReport, title=_("网络监控记录"), form_title=_("网络数据包监控记录表"),
    fields=["number", "period_start", "period_end", "scope", "reviewer", "attacks_blocked", "findings", "reported_on"],
    columns=["number", "period_start", "period_end", "scope", "reviewer", "attacks_blocked", "reported_on"],
    search=["number", "scope"], ordering=["-period_end"], lookups={"reviewer": "employee_no"}, nav_section="assets",
    clauses=["p04.6.5"],
)

violations = register(
    slug="network-violations", model=NetworkViolation, title=_("网络违规记录"), form_title=_("网络违规记录表"),
    fields=["number", "kind", "source", "detected_at", "ip", "person", "description", "handled_on", "handling"],
    columns=["number", "kind", "source", "detected_at", "ip", "person", "description", "handled_on"],
    filters=["kind", "source"], search=["number", "ip", "description"], ordering=["-detected_at"],
    lookups={"person": "employee_no"}, nav_section="assets", archive=services.violation_archive,
    clauses=list(NetworkViolation.CLAUSES.values()),
)

from . import registers_infra  # noqa: E402,F401  (远程接入、开放服务、安全控制、基线、隐患、布线)
