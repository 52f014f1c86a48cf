"""Helpers for the obligations' tests: the declared obligations restored after each test, people
holding roles, and moving the clock of the services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from xinan.obligations.models import Notification, Task
from xinan.obligations.registry import registry


@pytest.fixture(autouse=True)
def declared(db):
    """Tests may declare their own obligations; the registry is restored afterwards."""
    saved = dict(registry)
    yield registry
    registry.clear()
    registry.update(saved)


def split(queries) -> tuple[int, int]:
    """(reads, writes) among captured queries. Bulk INSERT/UPDATE statements are split by the
    database's parameter limit (SQLite: a few dozen rows each), so only reads must stay constant
    while the number of rows grows; writes are bounded by the caller."""
    writes = sum(1 for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE")))
    return len(queries) - writes, writes


def tasks(obligation=None):
    qs = Task.objects.all() if obligation is None else Task.objects.filter(obligation=obligation)
    return list(qs.order_by("pk"))


def notes(**filters):
    return list(Notification.objects.filter(**filters).order_by("recipient_id", "key"))


def later(**delta):
    return timezone.now() + timedelta(**delta)
