"""Monitoring footage (监控资料): burn records (p15.8.3-a), deletions only of burned footage
(p15.8.3-c) and approved copies, downloads and loans (p15.8.5-a)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinan.audit.services import audited_write, snapshot
from xinan.core import parameters
from xinan.core.services import instance_create, instance_update, require
from xinan.org.models import Person

from ..models import Equipment, FootageArchive, FootageDeletion, FootageRelease, StorageMedium
from ..models.common import next_number
from .common import need_active_person, need_status, not_same_user, step

ADMIN_POSTS = parameters.define(
    "assets.footage.admin_posts", "监控机房管理员",
    gettext_lazy("监控机房管理员的岗位(编码或名称,逗号分隔):刻录归档、保管和提供监控资料的人员"), kind=str,
    clauses=("p15.8.3-a", "p15.8.5-a"))

GONE = (StorageMedium.Status.DESTROYED, StorageMedium.Status.LOST)


def admin_posts() -> list[str]:
    return [p.strip() for p in str(parameters.get(ADMIN_POSTS.key)).replace(",", ",").split(",") if p.strip()]


def monitoring_admins():
    """监控机房管理员: active people on a post named by ``assets.footage.admin_posts``."""
    posts = admin_posts()
    return Person.objects.filter(status=Person.Status.ACTIVE).filter(Q(post__code__in=posts) | Q(post__name__in=posts))


def _period(data, errors, now=None):
    start, end = data.get("period_start"), data.get("period_end")
    if start and end and start >= end:
        errors["period_end"] = _("截止时间须晚于起始时间 / the period must end after it starts")
    if end and end > (now or timezone.now()):
        errors["period_end"] = _("截止时间不能晚于现在 / the period cannot end in the future")


def _monitoring(equipment, errors):
    if equipment is not None and equipment.kind != Equipment.Kind.MONITORING:
        errors["equipment"] = _("请选择监控设备 / choose a monitoring device")


def _fixed(obj, data, allowed):
    fixed = {k for k in data if k not in allowed and data[k] != getattr(obj, k)}
    if fixed:
        raise ValidationError({k: _("登记后不能修改 / cannot be changed once recorded") for k in fixed})


def uncovered_from(equipment, start, end, *, burned_before=None):
    """The first moment of [start, end) no verified burn record of ``equipment`` covers (None:
    all of it is burned). One query; the union is walked in order."""
    qs = FootageArchive.objects.filter(equipment=equipment, verified=True, archived_at__isnull=True,
                                       period_end__gt=start, period_start__lt=end)
    if burned_before is not None:
        qs = qs.filter(burned_at__lte=burned_before)
    reached = start
    for a_start, a_end in qs.order_by("period_start").values_list("period_start", "period_end"):
        if a_start > reached:
            return reached
        reached = max(reached, a_end)
        if reached >= end:
            return None
    return reached if reached < end else None


# --- 刻录归档 (p15.8.3-a) -----------------------------------------------------------------------

def footage_archive_create(actor, *, reason: str = "", **data) -> FootageArchive:
    """刻录归档登记: by the monitoring-room administrator, onto a medium in the register, with
    the digest and size verified on the medium (监控数据完整无误)."""
    equipment, medium, burned_by = data.get("equipment"), data.get("medium"), data.get("burned_by")
    errors = {}
    _monitoring(equipment, errors)
    _period(data, errors)
    if medium is not None and (medium.status in GONE or medium.archived_at):
        errors["medium"] = _("介质已销毁、丢失或归档 / the medium is destroyed, lost or archived")
    if burned_by is not None and not monitoring_admins().filter(pk=burned_by.pk).exists():
        errors["burned_by"] = _("刻录人须为在岗的监控机房管理员 / the burner must be an active monitoring-room "
                                "administrator")
    if not data.get("verified"):
        errors["verified"] = _("刻录后须校验数据完整 / verify the footage on the medium after burning")
    if not (data.get("checksum") or "").strip():
        errors["checksum"] = _("请填写校验值 / record the digest")
    if not data.get("size_mb"):
        errors["size_mb"] = _("请填写数据量 / record the size")
    burned_at = data.get("burned_at")
    if burned_at and (burned_at > timezone.now() or (data.get("period_end") and burned_at < data["period_end"])):
        errors["burned_at"] = _("刻录时间须在录像截止之后、不晚于现在 / burned after the period ends, not in the "
                                "future")
    if errors:
        raise ValidationError(errors)
    data.update(number=next_number(FootageArchive, "KL"), department=equipment.department, recorded_by=actor)
    return instance_create(actor, FootageArchive, data, department_field="department", reason=reason)


def footage_archive_update(actor, archive: FootageArchive, *, reason: str = "", **data) -> FootageArchive:
    """Only the channel wording may be corrected; what was burned and verified stays."""
    _fixed(archive, data, ("channels",))
    return instance_update(actor, archive, data, department_field="department", reason=reason)


# --- 删除 (p15.8.3-c) ---------------------------------------------------------------------------

def footage_deletion_create(actor, *, reason: str = "", **data) -> FootageDeletion:
    """删除监控资料登记: refused unless every moment of the period is on a verified burn record
    made before the deletion (未经刻录不得删除), and with a reason (不得无故删除)."""
    equipment = data.get("equipment")
    errors = {}
    _monitoring(equipment, errors)
    _period(data, errors)
    deleted_at = data.get("deleted_at") or timezone.now()
    if deleted_at > timezone.now():
        errors["deleted_at"] = _("删除时间不能晚于现在 / the time cannot be in the future")
    if not (data.get("grounds") or "").strip():
        errors["grounds"] = _("请填写删除原因 / give the reason for the deletion")
    if not errors and equipment is not None:
        gap = uncovered_from(equipment, data["period_start"], data["period_end"], burned_before=deleted_at)
        if gap is not None:
            errors["period_start"] = _("%(t)s 起的监控资料尚未刻录归档,不得删除 / the footage from %(t)s has not "
                                       "been burned; it may not be deleted") % {"t": timezone.localtime(gap).strftime("%Y-%m-%d %H:%M")}
    if errors:
        raise ValidationError(errors)
    need_active_person(data.get("deleted_by"), "deleted_by", _("删除人"))
    data.update(number=next_number(FootageDeletion, "SC"), department=equipment.department, deleted_at=deleted_at,
                recorded_by=actor)
    return instance_create(actor, FootageDeletion, data, department_field="department", reason=reason)


def footage_deletion_update(actor, deletion: FootageDeletion, *, reason: str = "", **data) -> FootageDeletion:
    _fixed(deletion, data, ("grounds",))
    if "grounds" in data and not (data["grounds"] or "").strip():
        raise ValidationError({"grounds": _("请填写删除原因 / give the reason for the deletion")})
    return instance_update(actor, deletion, data, department_field="department", reason=reason)


# --- 拷贝、下载、外借 (p15.8.5-a) ----------------------------------------------------------------

def footage_release_create(actor, *, reason: str = "", **data) -> FootageRelease:
    """申请拷贝、下载或外借监控资料: recorded as requested; nothing is released before approval."""
    errors = {}
    _monitoring(data.get("equipment"), errors)
    _period(data, errors)
    for name, label in (("recipient", _("提供给")), ("purpose", _("用途"))):
        if not (data.get(name) or "").strip():
            errors[name] = _("请填写%(f)s / required") % {"f": label}
    if errors:
        raise ValidationError(errors)
    data.update(number=next_number(FootageRelease, "JY"), department=data["equipment"].department,
                requested_by=actor, status=FootageRelease.Status.REQUESTED)
    return instance_create(actor, FootageRelease, data, department_field="department", reason=reason)


def footage_release_update(actor, release: FootageRelease, *, reason: str = "", **data) -> FootageRelease:
    need_status(release, FootageRelease.Status.REQUESTED)
    return instance_update(actor, release, data, department_field="department", reason=reason)


def footage_release_approve(actor, release: FootageRelease, *, approve: bool = True,
                            reason: str = "") -> FootageRelease:
    """批准 (未经允许不得私自拷贝、下载和外借): the approval right; never the requester."""
    require(actor, "assets.footagerelease.approve", release.department_id)
    need_status(release, FootageRelease.Status.REQUESTED)
    not_same_user(actor, release.requested_by_id, _("不得批准本人的申请 / you may not approve your own request"))
    if not approve and not reason.strip():
        raise ValidationError(_("不批准须说明理由 / give the reason for the refusal"))
    with audited_write():
        before = snapshot(release, ["status"])
        release.status = FootageRelease.Status.APPROVED if approve else FootageRelease.Status.REJECTED
        release.approved_by, release.approved_at = actor, timezone.now()
        step(actor, "assets.footagerelease.approve", release, ["status", "approved_by", "approved_at"], before, reason)
    return release


def footage_release_release(actor, release: FootageRelease, *, reason: str = "") -> FootageRelease:
    """提供: the monitoring-room administrator hands over the copy only after approval."""
    require(actor, "assets.footagerelease.release", release.department_id)
    if release.status != FootageRelease.Status.APPROVED:
        raise PermissionDenied(_("拷贝、下载或外借须先经批准 / the release has not been approved"))
    with audited_write():
        before = snapshot(release, ["status"])
        release.status, release.released_by, release.released_at = (FootageRelease.Status.RELEASED, actor,
                                                                    timezone.now())
        step(actor, "assets.footagerelease.release", release, ["status", "released_by", "released_at"], before,
             reason)
    return release
