"""Helpers every assets service shares: the acting person, step guards and audit images."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from xinan.audit.services import record, snapshot
from xinan.core.services import require
from xinan.org.models import Person

from ..models import Equipment


def person_of(actor):
    """The person behind a user (None for the system itself)."""
    return getattr(actor, "person", None) if actor is not None else None


def need_status(obj, *allowed, message=None) -> None:
    if obj.status not in allowed:
        raise ValidationError(message or _("当前状态为“%(s)s”,不能执行此步骤 / not allowed in status “%(s)s” (%(code)s)")
                              % {"s": obj.get_status_display(), "code": obj.status})


def need_active_person(person: Person | None, field: str, label) -> None:
    if person is not None and person.status != Person.Status.ACTIVE:
        raise ValidationError({field: _("%(label)s须为在岗人员 / %(label)s must be an active person") % {"label": label}})


def need_open_record(obj) -> None:
    if getattr(obj, "archived_at", None):
        raise ValidationError(_("已归档的记录不能修改 / an archived record cannot be changed"))


def need_usable_equipment(equipment: Equipment, field: str = "equipment") -> None:
    if equipment.archived_at or equipment.status == Equipment.Status.SCRAPPED:
        raise ValidationError({field: _("设备已报废或归档 / the device is scrapped or archived")})


def not_same_user(actor, other_user_id, message) -> None:
    """Separation of duties: the actor may not be the user who did the earlier step."""
    if actor is not None and other_user_id is not None and actor.pk == other_user_id:
        raise PermissionDenied(message)


def step(actor, action: str, obj, fields: list[str], before: dict, reason: str = "") -> None:
    """Save the changed fields and append the step's audit event (inside ``audited_write``)."""
    obj.save(update_fields=fields)
    record(actor, action, obj, before=before, after=snapshot(obj, fields), reason=reason)


def permit(actor, perm: str, department_id=None) -> None:
    require(actor, perm, department_id)
