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
    fields=["cidr", "name", "purpose", "vlan", "department", "is_public", "description"],
    columns=["cidr", "name", "purpose", "vlan", "department", "is_public"],
    filters=["department", "is_public", "vlan"], search=["cidr", "name", "purpose"], ordering=["version", "first_key"],
    lookups={"department": "code"}, department_field="department", nav_section="assets",
    create=services.subnet_create, update=services.subnet_update, archive=services.subnet_archive,
    clauses=["p21.5.2.4", "p16.3.1"],
)

allocations = register(
    slug="ip-allocations", model=IPAllocation, title=_("IP地址分配"), form_title=_("计算机地址分配表"),
    fields=["ip", "device_label", "mac", "hostname", "domain", "department", "holder", "access_request",
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
