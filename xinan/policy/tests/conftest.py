"""Helpers for the checks' tests: a clean slate of findings, running one clause's checks, and
planting states the services refuse (as a restored dump or a manual SQL edit could leave them)."""

from datetime import timedelta

from contextlib import contextmanager

import pytest
from django.db import connection
from django.utils import timezone

from xinan.audit.services import audited_write, record, snapshot
from xinan.policy.models import Finding
from xinan.policy.services import checks_run


@pytest.fixture(autouse=True)
def no_findings(db):
    """Migrations already ran the checks once (the built-in roles were written); start empty."""
    Finding.objects.all().delete()


@pytest.fixture
def run():
    """run("p04.3-a") -> the findings of that clause's checks, stored like ``xinan check``."""

    def do(clause=None, **kwargs):
        return checks_run(clause=clause, **kwargs).findings

    return do


def open_findings(clause):
    return list(Finding.objects.filter(clause=clause, resolved_at__isnull=True).order_by("subject_id"))


def days_ago(n, **extra):
    return timezone.now() - timedelta(days=n, **extra)


def save_audited(instance, action="test.plant", **changes):
    """Change a row the way a direct edit would, still through the audit chain."""
    with audited_write():
        for name, value in changes.items():
            setattr(instance, name, value)
        instance.save()
        record(None, action, instance, after=snapshot(instance, list(changes)))
    return instance


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """``with after_commit() as callbacks:`` runs, at the end of the block, the on-commit
    callbacks registered inside it, as a real commit would. The test's own transaction never
    commits, so a re-evaluation registered by earlier writes of the test is forgotten first."""

    @contextmanager
    def block():
        connection._xinan_policy_pending = None
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return block
