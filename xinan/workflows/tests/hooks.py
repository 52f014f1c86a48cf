"""Completion hooks used by the tests' definitions (a real dotted path, as a domain would give)."""

from django.core.exceptions import ValidationError

from xinan.audit.services import record


def completed(instance, actor):
    record(actor, "test.workflow.completed", instance, after={"state": instance.state})


def ended(instance, actor):
    record(actor, "test.workflow.ended", instance, after={"state": instance.state})


def refuses(instance, actor):
    raise ValidationError("领域拒绝 / the domain refuses")
