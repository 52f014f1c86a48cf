"""入网申请 (network access requests) and their approval.

p15.2.7 计算机入网运行必须经信息科批准备案,分配IP地址后,方可接入网络: an address is reserved against
a request and becomes active only once the IT section (``network.networkaccessrequest.approve``) approves.
p16.3.3 工作需要公网IP,需申请上级领导批准后,方可使用: a public-IP request also needs a superior's
approval (``network.publicip.approve``), from another person than the IT approver.
p16.3.4 公网IP使用无工作需要时,立即停止使用并收回: ``access_request_end`` reclaims its addresses.
The requester (or the applicant) never approves their own request.

A request submitted by a person runs through the workflow engine (``xinan.workflows``):
``network_access_approval`` (the IT section) or ``public_ip_approval`` (the IT section, then the
deputy general manager); its hooks record the approvals on the request and activate or release its
addresses. ``access_request_approve`` / ``_reject`` / ``_withdraw`` act on that workflow, so pages, API
and the workflow inbox are one path. Requests written by the system itself (the demo, a bundle
load), or made while nobody can take the workflow's first step, have no workflow and are decided
here directly, with the same rules.
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record, snapshot
from xinan.core.services import instance_archive, instance_create, instance_update, require
from xinan.org import permissions

from . import addresses, services
from .models import NetworkAccessRequest

Status = NetworkAccessRequest.Status
APPROVE_ACCESS = "network.networkaccessrequest.approve"
APPROVE_PUBLIC = "network.publicip.approve"
WORKFLOWS = {NetworkAccessRequest.Kind.LAN: "network_access_approval",
             NetworkAccessRequest.Kind.PUBLIC: "public_ip_approval"}
STEP_FIELDS = {"it_section": ("approved_by", "approved_at"), "leader": ("public_approved_by", "public_approved_at")}
DECISION_FIELDS = ["status", "approved_by", "approved_at", "public_approved_by", "public_approved_at", "decision_note"]


def approval_chain(request: NetworkAccessRequest) -> list[str]:
    """The permissions whose holders must approve, in order."""
    return [APPROVE_ACCESS] + ([APPROVE_PUBLIC] if request.kind == NetworkAccessRequest.Kind.PUBLIC else [])


def _validate(data: dict) -> dict:
    errors = {}
    try:
        data["mac"] = addresses.normalise_mac(data.get("mac"))
    except ValidationError as exc:
        errors["mac"] = exc.messages
    try:
        short, domain = addresses.split_hostname(data.get("hostname"))
        data["hostname"] = f"{short}.{domain}" if short and domain else short
    except ValidationError as exc:
        errors["hostname"] = exc.messages
    public = data.get("kind") == NetworkAccessRequest.Kind.PUBLIC
    if public and not data.get("needed_until"):
        errors["needed_until"] = _("公网 IP 申请须填写使用截止日期 / a public-IP request needs the date its need ends")
    subnet = data.get("subnet")
    if subnet is not None:
        if subnet.archived_at:
            errors["subnet"] = _("网段已归档 / the subnet is archived")
        elif subnet.is_public != public:
            errors["subnet"] = (_("公网网段须以“使用公网IP”申请 / a public subnet needs a public-IP request") if subnet.is_public
                                else _("“使用公网IP”申请须选择公网网段 / a public-IP request needs a public subnet"))
    department = data.get("department")
    if department is not None and department.archived_at:
        errors["department"] = _("部门已归档 / the department is archived")
    if errors:
        raise ValidationError(errors)
    return data


def _next_number() -> str:
    prefix = f"NR{timezone.localdate():%Y%m}-"
    last = (NetworkAccessRequest.objects.filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    tail = last[len(prefix):] if last else ""
    return f"{prefix}{(int(tail) if tail.isdigit() else 0) + 1:04d}"


def access_request_create(actor, *, reason: str = "", **data) -> NetworkAccessRequest:
    """提交入网申请 (numbered NRyyyymm-nnnn unless the number is given, as an import may)."""
    data = _validate(dict(data))
    data["number"] = (data.get("number") or "").strip() or _next_number()
    person_actor = _is_user(actor)
    if person_actor:
        data["requested_by"] = actor
        if data.get("applicant") is None:
            data["applicant"] = getattr(actor, "person", None)
    with audited_write():
        request = instance_create(actor, NetworkAccessRequest, data, department_field="department", reason=reason)
        if person_actor and _routable(actor, WORKFLOWS[request.kind]):
            from xinan.workflows.services import workflow_start

            workflow_start(actor, WORKFLOWS[request.kind], request, reason=reason)
    return request


def _routable(actor, code: str) -> bool:
    """The engine is installed and someone can take the workflow's first step. An organisation
    where nobody holds the IT section's role (yet) decides requests directly (``access_request_approve``
    without a workflow: the approve permission and the same separation rule)."""
    if not _engine():
        return False
    from xinan.workflows import rules
    from xinan.workflows.definitions import current

    definition = current(code)
    steps = list(definition.steps.order_by("order")) if definition is not None else []
    if len(steps) < 2:
        return False
    person = getattr(actor, "person", None)
    return rules.holders(steps[1], requester_id=actor.pk,
                         requester_department_id=getattr(person, "department_id", None)).exclude(pk=actor.pk).exists()


def _is_user(actor) -> bool:
    return actor is not None and not isinstance(actor, str) and getattr(actor, "pk", None) is not None


def _engine() -> bool:
    return apps.is_installed("xinan.workflows")


def workflow_of(request: NetworkAccessRequest, running: bool = True):
    """The request's approval workflow instance (the running one by default), or None."""
    if not _engine() or request.pk is None:
        return None
    from django.contrib.contenttypes.models import ContentType
    from xinan.workflows.models import WorkflowInstance

    qs = WorkflowInstance.objects.filter(subject_type=ContentType.objects.get_for_model(NetworkAccessRequest),
                                         subject_id=str(request.pk))
    if running:
        qs = qs.filter(state=WorkflowInstance.State.RUNNING)
    return qs.order_by("-pk").first()


def access_request_update(actor, request: NetworkAccessRequest, *, reason: str = "", **data) -> NetworkAccessRequest:
    if request.status != Status.SUBMITTED or request.approved_at or request.public_approved_at:
        raise ValidationError(_("申请已进入审批,不能修改 / a request cannot change once a decision is made"))
    merged = {n: getattr(request, n) for n in ("kind", "mac", "hostname", "subnet", "needed_until", "department")}
    merged.update(data)
    checked = _validate(merged)
    data.update({k: checked[k] for k in ("mac", "hostname") if k in data})
    return instance_update(actor, request, data, department_field="department", reason=reason)


def access_request_archive(actor, request: NetworkAccessRequest, *, reason: str = "") -> NetworkAccessRequest:
    if request.allocations.filter(status__in=services.IPAllocation.LIVE).exists():
        raise ValidationError(_("申请仍有在用地址,请先结束使用 / the request still has live addresses"))
    return instance_archive(actor, request, department_field="department", reason=reason)


def _separate(actor, request: NetworkAccessRequest) -> None:
    """The requester and the applicant never decide on the request (授权与批准分离)."""
    if actor is None:
        return
    person = getattr(actor, "person", None)
    if request.requested_by_id == actor.pk or (person is not None and request.applicant_id == person.pk):
        raise PermissionDenied(_("申请人不得审批本人的申请 / the requester may not decide on their own request"))


def _decide(actor, request, action, reason, change):
    with audited_write():
        before = snapshot(request, DECISION_FIELDS)
        change()
        request.save()
        record(actor, f"network.networkaccessrequest.{action}", request, before=before,
               after=snapshot(request, DECISION_FIELDS), reason=reason)


def access_request_approve(actor, request: NetworkAccessRequest, *, reason: str = "") -> NetworkAccessRequest:
    """Records the actor's approval at the next step they may take; the request is approved once
    every step of ``approval_chain`` is, and its reserved addresses become active."""
    if request.status != Status.SUBMITTED:
        raise ValidationError(_("只能审批待审批的申请(当前:%(s)s)/ only a submitted request can be approved")
                              % {"s": request.get_status_display()})
    instance = workflow_of(request)
    if instance is not None:
        from xinan.workflows.services import workflow_act

        workflow_act(actor, instance, "approve", reason)
        request.refresh_from_db()
        return request
    _separate(actor, request)
    now = timezone.now()
    public = request.kind == NetworkAccessRequest.Kind.PUBLIC
    may = (lambda perm: actor is None or permissions.has_perm(actor, perm))
    if request.approved_at is None and may(APPROVE_ACCESS):
        if actor is not None and request.public_approved_by_id == actor.pk:
            raise PermissionDenied(_("入网与公网 IP 须由不同的人批准 / the two approvals must come from different people"))
        step = "approve"

        def change():
            request.approved_by, request.approved_at = actor, now
    elif public and request.public_approved_at is None and may(APPROVE_PUBLIC):
        if actor is not None and request.approved_by_id == actor.pk:
            raise PermissionDenied(_("公网 IP 须由另一位领导批准 / the public-IP approval must come from another person"))
        step = "approve_public"

        def change():
            request.public_approved_by, request.public_approved_at = actor, now
    else:
        needed = APPROVE_ACCESS if request.approved_at is None else APPROVE_PUBLIC
        raise PermissionDenied(_("无权执行此审批(需要权限 %(perm)s) / permission %(perm)s required") % {"perm": needed})

    def decide():
        change()
        if reason:
            request.decision_note = (request.decision_note + "\n" + reason).strip()
        if request.approved_at and (not public or request.public_approved_at):
            request.status = Status.APPROVED

    with audited_write():
        _decide(actor, request, step, reason, decide)
        if request.status == Status.APPROVED:
            services.activate_requested(actor, request, reason=reason)
    return request


def access_request_reject(actor, request: NetworkAccessRequest, *, reason: str = "") -> NetworkAccessRequest:
    if request.status != Status.SUBMITTED:
        raise ValidationError(_("只能驳回待审批的申请 / only a submitted request can be rejected"))
    instance = workflow_of(request)
    if instance is not None:
        from xinan.workflows.services import workflow_act

        workflow_act(actor, instance, "reject", reason)
        request.refresh_from_db()
        return request
    if actor is not None and not (permissions.has_perm(actor, APPROVE_ACCESS) or permissions.has_perm(actor, APPROVE_PUBLIC)):
        raise PermissionDenied(_("无权审批入网申请 / you may not decide on network access requests"))
    _separate(actor, request)
    if not reason.strip():
        raise ValidationError(_("驳回须说明理由 / a rejection needs a reason"))

    def change():
        request.status = Status.REJECTED
        request.decision_note = reason

    with audited_write():
        _decide(actor, request, "reject", reason, change)
        services.release_all(actor, request, reason)
    return request


def access_request_withdraw(actor, request: NetworkAccessRequest, *, reason: str = "") -> NetworkAccessRequest:
    if request.status != Status.SUBMITTED:
        raise ValidationError(_("只能撤回待审批的申请 / only a submitted request can be withdrawn"))
    instance = workflow_of(request)
    if instance is not None:
        from xinan.workflows.services import workflow_cancel

        workflow_cancel(actor, instance, reason=reason)
        request.refresh_from_db()
        return request
    if actor is not None and request.requested_by_id != actor.pk:
        require(actor, "network.networkaccessrequest.change", request.department_id)
    with audited_write():
        _decide(actor, request, "withdraw", reason, lambda: setattr(request, "status", Status.WITHDRAWN))
        services.release_all(actor, request, reason)
    return request


def access_request_end(actor, request: NetworkAccessRequest, *, reason: str = "") -> NetworkAccessRequest:
    """使用结束 (p16.3.4): the need has ended; every address of the request is reclaimed at once."""
    if request.status != Status.APPROVED:
        raise ValidationError(_("只有已批准的申请可以结束使用 / only an approved request can end"))
    if actor is not None and request.requested_by_id != actor.pk:
        require(actor, "network.ipallocation.change", request.department_id)
    with audited_write():
        _decide(actor, request, "end", reason, lambda: setattr(request, "status", Status.CLOSED))
        services.release_all(actor, request, reason or _("使用结束 / need ended"))
    return request


# --- workflow hooks (definitions network_access_approval, public_ip_approval) -------------------


def _subject(instance) -> NetworkAccessRequest:
    return NetworkAccessRequest.objects.select_for_update().get(pk=instance.subject_id)


def on_workflow_approved(instance, actor) -> None:
    """The workflow's last approval: the request records who approved each step and when, is
    approved, and its reserved addresses become active (p15.2.7, p16.3.3)."""
    request = _subject(instance)
    before = snapshot(request, DECISION_FIELDS)
    for action in instance.actions.filter(decision="approve").select_related("step", "actor").order_by("pk"):
        fields = STEP_FIELDS.get(action.step.code)
        if fields:
            setattr(request, fields[0], action.actor)
            setattr(request, fields[1], action.at)
    notes = [a.comment for a in instance.actions.exclude(comment="").order_by("pk") if a.decision == "approve"]
    request.decision_note = "\n".join(notes)
    request.status = Status.APPROVED
    request.save()
    record(actor, "network.networkaccessrequest.approve", request, before=before,
           after=snapshot(request, DECISION_FIELDS), reason=f"workflow {instance.pk}")
    services.activate_requested(actor, request, reason=request.decision_note)


def on_workflow_ended(instance, actor) -> None:
    """Rejected or cancelled: the request is rejected or withdrawn, its reserved addresses released."""
    request = _subject(instance)
    before = snapshot(request, DECISION_FIELDS)
    last = instance.actions.order_by("-pk").first()
    request.status = Status.WITHDRAWN if instance.state == "cancelled" else Status.REJECTED
    request.decision_note = last.comment if last is not None else ""
    request.save()
    record(actor, f"network.networkaccessrequest.{'withdraw' if request.status == Status.WITHDRAWN else 'reject'}",
           request, before=before, after=snapshot(request, DECISION_FIELDS), reason=f"workflow {instance.pk}")
    services.release_all(actor, request, request.decision_note)
