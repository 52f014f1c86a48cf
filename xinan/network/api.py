"""API of the IP plan beyond its registers (``/api/network/subnets``, ``/ip-allocations``,
``/network-requests``): allocate (the next free address when none is named), release, decide on
an access request, subnet utilisation, and the observed-facts import with the findings it yields.
"""

from datetime import date, datetime
from typing import Optional

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from xinan.core.api import api
from xinan.org import permissions
from xinan.org.models import Department, Person

from . import access, selectors, services
from .models import IPAllocation, NetworkAccessRequest, Subnet
from .observations import observations_import

router = Router(tags=["IP地址管理"])


class AllocateIn(Schema):
    access_request: int
    ip: Optional[str] = None
    subnet: Optional[int] = None
    device_label: str = ""
    mac: str = ""
    hostname: str = ""
    domain: str = ""
    department: Optional[int] = None
    holder: Optional[int] = None
    valid_until: Optional[date] = None
    note: str = ""
    reason: str = ""


class AllocationOut(Schema):
    id: int
    ip: str
    subnet: int
    device_label: str
    mac: str
    hostname: str
    domain: str
    department: int
    status: str
    is_public: bool
    valid_until: Optional[date] = None
    access_request: int


class ReasonIn(Schema):
    reason: str = ""


class RequestOut(Schema):
    id: int
    kind: str
    status: str
    approved_by: Optional[int] = None
    public_approved_by: Optional[int] = None


class UtilisationOut(Schema):
    subnet: int
    cidr: str
    name: str
    vlan: Optional[int] = None
    is_public: bool
    usable: int
    active: int
    requested: int
    free: int


class FindingOut(Schema):
    clause: str
    severity: str
    subject: dict
    message: dict
    since: Optional[str] = None
    evidence: dict


class ObservationOut(Schema):
    id: int
    rows: int
    findings: list[FindingOut]


def _allocation_out(a: IPAllocation) -> dict:
    return {"id": a.pk, "ip": a.ip, "subnet": a.subnet_id, "device_label": a.device_label, "mac": a.mac,
            "hostname": a.hostname, "domain": a.domain, "department": a.department_id, "status": a.status,
            "is_public": a.is_public, "valid_until": a.valid_until, "access_request": a.access_request_id}


def _visible(request, model, perm, pk):
    return get_object_or_404(permissions.scope_queryset(request.auth, perm, model.objects.all(), "department"), pk=pk)


def _related(model, pk, name):
    if pk is None:
        return None
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({name: [f"{model._meta.verbose_name} {pk} 不存在 / does not exist"]})
    return obj


@router.post("/allocate", response={201: AllocationOut}, operation_id="network_allocate")
def allocate(request, payload: AllocateIn):
    req = _visible(request, NetworkAccessRequest, "network.networkaccessrequest.view", payload.access_request)
    data = payload.dict(exclude={"access_request", "subnet", "department", "holder", "ip", "reason"})
    department = _related(Department, payload.department, "department")
    if department is not None:
        data["department"] = department
    data["holder"] = _related(Person, payload.holder, "holder")
    allocation = services.allocate(request.auth, access_request=req, ip=payload.ip,
                                   subnet=_related(Subnet, payload.subnet, "subnet"), reason=payload.reason, **data)
    return Status(201, _allocation_out(allocation))


@router.post("/allocations/{int:pk}/release", response=AllocationOut, operation_id="network_release")
def release(request, pk: int, payload: ReasonIn):
    allocation = _visible(request, IPAllocation, "network.ipallocation.view", pk)
    return _allocation_out(services.allocation_release(request.auth, allocation, reason=payload.reason))


def _request_out(r: NetworkAccessRequest) -> dict:
    return {"id": r.pk, "kind": r.kind, "status": r.status, "approved_by": r.approved_by_id,
            "public_approved_by": r.public_approved_by_id}


@router.post("/requests/{int:pk}/{decision}", response=RequestOut, operation_id="network_request_decide")
def decide(request, pk: int, decision: str, payload: ReasonIn):
    action = {"approve": access.access_request_approve, "reject": access.access_request_reject,
              "withdraw": access.access_request_withdraw, "end": access.access_request_end}.get(decision)
    if action is None:
        raise ValidationError({"decision": ["approve / reject / withdraw / end"]})
    req = _visible(request, NetworkAccessRequest, "network.networkaccessrequest.view", pk)
    return _request_out(action(request.auth, req, reason=payload.reason))


@router.get("/utilisation", response=list[UtilisationOut], operation_id="network_utilisation")
def utilisation(request):
    permissions.require(request.auth, "network.subnet.view")
    return [{"subnet": u.subnet.pk, "cidr": u.subnet.cidr, "name": u.subnet.name, "vlan": u.subnet.vlan,
             "is_public": u.subnet.is_public, "usable": u.usable, "active": u.active, "requested": u.requested,
             "free": u.free} for u in selectors.subnet_utilisation(request.auth)]


@router.post("/observations", response={201: ObservationOut}, operation_id="network_observations_import")
def observations(request, file: File[UploadedFile], source: Form[str] = "csv", seen_at: Form[Optional[datetime]] = None,
                 note: Form[str] = ""):
    """Import observed facts (CSV/xlsx of ip, mac, hostname); every bad row is reported at once
    (422 with ``errors``); the answer carries the network checks' findings as of now."""
    from xinan.policy.services import checks_run

    result = observations_import(request.auth, file_name=file.name or "upload.csv", content=file.read(),
                                 source=source, seen_at=seen_at, note=note)
    if not result.ok:
        raise ValidationError({"file": result.errors})
    findings = checks_run(as_of=timezone.now(),
                          subjects={"network.observationimport": {str(result.imported.pk)}}).findings
    return Status(201, {"id": result.imported.pk, "rows": result.imported.rows,
                        "findings": [f.as_json() for f in findings]})

# --- remote access and observed device facts (p15.2.26-a, p16.2.4, p27.1.2.2) --------------------


class RemoteOut(Schema):
    id: int
    status: str
    approved_by: Optional[int] = None


@router.post("/remote-access/{int:pk}/{decision}", response=RemoteOut, operation_id="network_remote_decide")
def remote_decide(request, pk: int, decision: str, payload: ReasonIn):
    from . import remote_access
    from .models import RemoteAccessApplication

    action = {"approve": remote_access.remote_access_approve, "reject": remote_access.remote_access_reject,
              "withdraw": remote_access.remote_access_withdraw}.get(decision)
    if action is None:
        raise ValidationError({"decision": ["approve / reject / withdraw"]})
    application = _visible(request, RemoteAccessApplication, "network.remoteaccessapplication.view", pk)
    application = action(request.auth, application, note=payload.reason)
    return {"id": application.pk, "status": application.status, "approved_by": application.approved_by_id}


@router.post("/facts", response={201: ObservationOut}, operation_id="network_facts_import")
def facts(request, file: File[UploadedFile], kind: Form[str], seen_at: Form[Optional[datetime]] = None,
          note: Form[str] = ""):
    """Import observed device facts (kind remote_accounts / port_scan / switch_ports); every bad
    row is reported at once (422); the answer carries the findings as of now."""
    from xinan.policy.services import checks_run

    from .facts import facts_import

    result = facts_import(request.auth, kind=kind, file_name=file.name or "upload.csv", content=file.read(),
                          seen_at=seen_at, note=note)
    if not result.ok:
        raise ValidationError({"file": result.errors})
    findings = checks_run(as_of=timezone.now(), subjects={"network.factimport": {str(result.imported.pk)}}).findings
    return Status(201, {"id": result.imported.pk, "rows": result.imported.rows,
                        "findings": [f.as_json() for f in findings]})


api.add_router("/network", router)
