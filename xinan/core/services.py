"""Generic writes that registers use when a domain needs nothing more particular.

Each function checks the actor's permission (``actor=None`` is the system itself: migrations,
the demo loader, the scheduler), validates the whole instance, saves it and appends the audit
event with before/after images, all in one transaction.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record, snapshot
from xinan.org import permissions


def require(actor, perm: str, department_id=None) -> None:
    """Refuse unless ``actor`` holds ``perm`` (reaching ``department_id`` when given)."""
    if actor is None:
        return
    permissions.require(actor, perm)
    if department_id is not None:
        ids = permissions.department_ids_in_scope(actor, perm)
        if ids is not None and department_id not in ids:
            raise PermissionDenied(_("该部门不在您的管理范围内 / that department is outside your scope"))


def perm_code(model, action: str) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}.{action}"


def _department_id(instance, department_field):
    if not department_field:
        return None
    if department_field == "self":
        return instance.pk
    return getattr(instance, f"{department_field}_id", None)


def _save_validated(instance):
    try:
        instance.full_clean()
        instance.save()
    except IntegrityError as exc:  # a race past full_clean's uniqueness checks
        raise ValidationError(_("数据与已有记录冲突 / conflicts with an existing record: %(e)s") % {"e": exc}) from exc


def instance_create(actor, model, data: dict, *, department_field=None, reason: str = ""):
    instance = model(**data)
    require(actor, perm_code(model, "add"), _department_id(instance, department_field) if department_field != "self" else None)
    with audited_write():
        _save_validated(instance)
        record(actor, f"{model._meta.label_lower}.create", instance, after=snapshot(instance), reason=reason)
    return instance


def instance_update(actor, instance, data: dict, *, department_field=None, reason: str = ""):
    model = type(instance)
    require(actor, perm_code(model, "change"), _department_id(instance, department_field))
    if getattr(instance, "archived_at", None):
        raise ValidationError(_("已归档的记录不能修改 / an archived record cannot be changed"))
    with audited_write():
        before = snapshot(instance)
        for name, value in data.items():
            setattr(instance, name, value)
        require(actor, perm_code(model, "change"), _department_id(instance, department_field))
        after = snapshot(instance)
        changed = {k for k in after if before.get(k) != after.get(k)}
        if changed:  # an update that changes nothing writes nothing and appends no event
            _save_validated(instance)
            record(actor, f"{model._meta.label_lower}.update", instance,
                   before={k: before[k] for k in changed}, after={k: after[k] for k in changed}, reason=reason)
    return instance


def instance_archive(actor, instance, *, department_field=None, reason: str = ""):
    model = type(instance)
    require(actor, perm_code(model, "archive"), _department_id(instance, department_field))
    if instance.archived_at:
        raise ValidationError(_("该记录已归档 / already archived"))
    with audited_write():
        instance.archived_at = timezone.now()
        instance.save(update_fields=["archived_at"])
        record(actor, f"{model._meta.label_lower}.archive", instance,
               after={"archived_at": instance.archived_at.isoformat()}, reason=reason)
    return instance
