"""API for what the organisation does beyond its registers: role grants, transfers, departures."""

from datetime import datetime
from typing import Optional

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from xinan.core.api import api

from . import permissions, services
from .models import Department, Person, Post, Role, RoleAssignment

router = Router(tags=["角色授权与人员变动"])


class GrantIn(Schema):
    person: int
    role: str
    department: Optional[int] = None
    reason: str = ""


class GrantOut(Schema):
    id: int
    person: int
    role: str
    department: Optional[int] = None
    status: str
    requested_by: Optional[int] = None
    decided_by: Optional[int] = None


class DecisionIn(Schema):
    reason: str = ""


class TransferIn(Schema):
    department: int
    post: Optional[int] = None
    effective_at: Optional[datetime] = None
    reason: str = ""


class DepartIn(Schema):
    effective_at: Optional[datetime] = None
    reason: str = ""


class JobChangeOut(Schema):
    id: int
    person: int
    kind: str
    effective_at: datetime


def _grant_out(a: RoleAssignment) -> dict:
    return {"id": a.pk, "person": a.person_id, "role": a.role.code, "department": a.department_id,
            "status": a.status, "requested_by": a.requested_by_id, "decided_by": a.decided_by_id}


@router.get("/grants", response=list[GrantOut], operation_id="grants_list")
def grants_list(request, status: Optional[str] = None):
    permissions.require(request.auth, "org.role.view")
    qs = RoleAssignment.objects.select_related("role").order_by("-pk")
    if status:
        qs = qs.filter(status=status)
    return [_grant_out(a) for a in qs[:500]]


@router.post("/grants", response={201: GrantOut}, operation_id="grants_request")
def grants_request(request, payload: GrantIn):
    person = get_object_or_404(Person, pk=payload.person)
    role = get_object_or_404(Role, code=payload.role)
    department = get_object_or_404(Department, pk=payload.department) if payload.department else None
    assignment = services.role_grant_request(request.auth, person=person, role=role, department=department,
                                             reason=payload.reason)
    return Status(201, _grant_out(assignment))


@router.post("/grants/{int:pk}/approve", response=GrantOut, operation_id="grants_approve")
def grants_approve(request, pk: int, payload: DecisionIn):
    return _grant_out(services.role_grant_approve(request.auth, get_object_or_404(RoleAssignment, pk=pk),
                                                  reason=payload.reason))


@router.post("/grants/{int:pk}/reject", response=GrantOut, operation_id="grants_reject")
def grants_reject(request, pk: int, payload: DecisionIn):
    return _grant_out(services.role_grant_reject(request.auth, get_object_or_404(RoleAssignment, pk=pk),
                                                 reason=payload.reason))


@router.post("/grants/{int:pk}/revoke", response=GrantOut, operation_id="grants_revoke")
def grants_revoke(request, pk: int, payload: DecisionIn):
    return _grant_out(services.role_revoke(request.auth, get_object_or_404(RoleAssignment, pk=pk),
                                           reason=payload.reason))


def _visible_person(request, pk):
    return get_object_or_404(permissions.scope_queryset(request.auth, "org.person.view", Person.objects.all(),
                                                        "department"), pk=pk)


@router.post("/people/{int:pk}/transfer", response=JobChangeOut, operation_id="people_transfer")
def people_transfer(request, pk: int, payload: TransferIn):
    person = _visible_person(request, pk)
    department = get_object_or_404(Department, pk=payload.department)
    post = get_object_or_404(Post, pk=payload.post) if payload.post else None
    change = services.person_transfer(request.auth, person, department=department, post=post,
                                      effective_at=payload.effective_at, reason=payload.reason)
    return {"id": change.pk, "person": person.pk, "kind": change.kind, "effective_at": change.effective_at}


@router.post("/people/{int:pk}/depart", response=JobChangeOut, operation_id="people_depart")
def people_depart(request, pk: int, payload: DepartIn):
    person = _visible_person(request, pk)
    change = services.person_depart(request.auth, person, effective_at=payload.effective_at, reason=payload.reason)
    return {"id": change.pk, "person": person.pk, "kind": change.kind, "effective_at": change.effective_at}


api.add_router("/org", router)
