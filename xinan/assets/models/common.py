"""Shared vocabulary of the assets domain: classification levels (密级) and record numbers."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Classification(models.IntegerChoices):
    """密级. Ordered: a larger value is a higher level, so "the highest classification of what is
    stored" (p05.0.3.2-b) is a ``Max`` and "never downgraded" (p15.3.9-b) a comparison."""

    NONE = 0, _("非涉密")
    SECRET = 1, _("秘密")
    CONFIDENTIAL = 2, _("机密")
    TOP_SECRET = 3, _("绝密")


def next_number(model, prefix: str, field: str = "number") -> str:
    """The next record number of the year: ``DY2026-0007``. Uniqueness is the column's; a race
    that takes the same number fails on the unique index and is reported, never duplicated."""
    stem = f"{prefix}{timezone.localdate():%Y}-"
    taken = model._default_manager.filter(**{f"{field}__startswith": stem}).values_list(field, flat=True)
    highest = max((int(n[len(stem):]) for n in taken if n[len(stem):].isdigit()), default=0)
    return f"{stem}{highest + 1:04d}"
