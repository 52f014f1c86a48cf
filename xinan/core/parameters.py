"""Named, typed parameters with defaults, which an organisation may override (audited).

Apps declare theirs at import time with ``define``; ``get`` reads the override or the default.
The policy pack (篇 parameters: cadences, lengths, head-counts, fines) builds on the same store.
"""

import copy
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import versions
from .versions import VersionedCache


@dataclass(frozen=True)
class ParameterSpec:
    key: str
    default: object
    label: str
    kind: type = int
    minimum: int | None = None
    maximum: int | None = None
    clauses: tuple[str, ...] = field(default_factory=tuple)
    permission: str = "core.parameter.change"

    def coerce(self, raw):
        try:
            value = self.kind(raw)
        except (TypeError, ValueError):
            raise ValidationError(_("%(label)s:取值无效 / invalid value") % {"label": self.label})
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(_("%(label)s 不得小于 %(n)s / must be at least %(n)s") % {"label": self.label, "n": self.minimum})
        if self.maximum is not None and value > self.maximum:
            raise ValidationError(_("%(label)s 不得大于 %(n)s / must be at most %(n)s") % {"label": self.label, "n": self.maximum})
        return value


REGISTRY: dict[str, ParameterSpec] = {}
_cache = VersionedCache(size=8)


def define(key: str, default, label, **kwargs) -> ParameterSpec:
    spec = ParameterSpec(key=key, default=default, label=label, **kwargs)
    REGISTRY[key] = spec
    return spec


def stored_values() -> dict:
    """Every stored value by key, in one query."""
    from .models import Parameter

    return dict(Parameter.objects.values_list("key", "value"))


def resolve(key: str, stored: dict):
    """The value of ``key`` given the stored values: the stored one, else the default. A list or
    dict is copied, so a caller changing it cannot change what others read."""
    spec = REGISTRY[key]  # an unknown key raises KeyError
    value = stored.get(key)
    if value is None:
        return spec.default
    return copy.deepcopy(value) if isinstance(value, (list, dict)) else value


def get(key: str):
    """The stored value, else the default. In a GET request all stored values are read in one
    query and kept until the parameter table changes (``versions``): the session rules read two
    on every page. Elsewhere (writes, commands, checks) the value is read by its key."""
    REGISTRY[key]
    if versions.in_request():
        stored = _cache.get_or_build("stored", stored_values, tables=("core_parameter",))
    else:  # one query either way; reading every table's token would cost more than the value
        from .models import Parameter

        stored = dict(Parameter.objects.filter(key=key).values_list("key", "value"))
    return resolve(key, stored)


def parameter_set(actor, key: str, raw, *, reason: str = "") -> object:
    """Set an organisation's value (service: permission, validation, audit event)."""
    from xinan.audit.services import audited_write, record

    from .models import Parameter
    from .services import require

    spec = REGISTRY.get(key)
    if spec is None:
        raise ValidationError(_("未知参数 %(key)s / unknown parameter") % {"key": key})
    require(actor, spec.permission)
    value = spec.coerce(raw)
    with audited_write():
        before = get(key)
        obj = Parameter.objects.filter(key=key).first() or Parameter(key=key)
        obj.value = value
        obj.save()
        record(actor, "core.parameter.set", ("core.parameter", key, key), before={"value": before},
               after={"value": value}, reason=reason)
    return value
