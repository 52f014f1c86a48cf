"""Registers of the network infrastructure records (``models/infra.py``): 远程接入申请, 服务器开放服务,
安全控制措施, 主机安全基线, 系统隐患, 布线登记. Pages, API, Excel import/export and printing come
from the register machinery; the rules are the services' and the models' (``clean``).

Clauses: p15.2.26-a, p16.2.4, p07.9, p15.2.10, p04.6.8, p27.1.2.2, p15.5.5.
"""

from django.utils.translation import gettext_lazy as _

from xinan.core.registers import register

from . import remote_access
from .models import ControlBaseline, NetworkLink, RemoteAccessApplication, SecurityControl, ServerService, SystemWeakness

remote_applications = register(
    slug="remote-access", model=RemoteAccessApplication, title=_("远程接入申请"), form_title=_("远程接入申请表"),
    fields=["number", "department", "applicant", "account", "purpose", "valid_from", "valid_until"],
    columns=["number", "account", "department", "applicant", "valid_from", "valid_until", "status", "approved_by",
             "approved_at"],
    filters=["status", "department"], search=["number", "account", "purpose"], ordering=["-requested_at"],
    lookups={"department": "code", "applicant": "employee_no"}, department_field="department", nav_section="assets",
    select_related=["department", "applicant"],
    create=remote_access.remote_access_create, update=remote_access.remote_access_update,
    archive=remote_access.remote_access_archive,
    detail_actions=[(_("审批"), "network:remote_decide", "network.remoteaccessapplication.view")],
    clauses=["p15.2.26-a"],
)

server_services = register(
    slug="server-services", model=ServerService, title=_("服务器开放服务"), form_title=_("服务器开放服务登记表"),
    fields=["server_label", "port", "protocol", "service", "approved_by", "approved_on"],
    columns=["server_label", "port", "protocol", "service", "approved_by", "approved_on"],
    filters=["protocol"], search=["server_label", "service"], ordering=["server_label", "port"],
    lookups={"approved_by": "employee_no"}, nav_section="assets", clauses=["p16.2.4"],
)

controls = register(
    slug="security-controls", model=SecurityControl, title=_("安全控制措施"), form_title=_("安全控制措施登记表"),
    fields=["code", "name", "kind", "zone", "boundary", "host_label", "deployed_on", "last_report_at", "note"],
    columns=["code", "name", "kind", "zone", "boundary", "host_label", "deployed_on", "last_report_at"],
    filters=["kind", "zone", "boundary"], search=["code", "name", "host_label"], ordering=["code"],
    lookups={"zone": "code", "boundary": "code"}, nav_section="assets", clauses=["p07.9", "p15.2.10"],
)

baselines = register(
    slug="control-baselines", model=ControlBaseline, title=_("主机安全基线"), form_title=_("主机安全基线表"),
    fields=["level", "control_kind", "note"], columns=["level", "control_kind", "note"],
    filters=["level", "control_kind"], ordering=["level", "control_kind"], nav_section="assets", clauses=["p15.2.10"],
)

weaknesses = register(
    slug="system-weaknesses", model=SystemWeakness, title=_("系统隐患"), form_title=_("系统隐患登记表"),
    fields=["number", "description", "found_on", "found_by", "deadline", "closed_by", "closed_on"],
    columns=["number", "description", "found_on", "found_by", "deadline", "closed_by", "closed_on"],
    search=["number", "description"], ordering=["-found_on"],
    lookups={"found_by": "employee_no", "closed_by": "number"}, nav_section="assets", clauses=["p04.6.8"],
)

links = register(
    slug="network-links", model=NetworkLink, title=_("布线登记"), form_title=_("网络布线登记表"),
    fields=["device_label", "port", "medium", "connected_to", "change", "note"],
    columns=["device_label", "port", "medium", "connected_to", "change", "note"],
    filters=["medium"], search=["device_label", "port", "connected_to"], ordering=["device_label", "port"],
    lookups={"change": "number"}, nav_section="assets", clauses=["p27.1.2.2", "p15.5.5"],
)
