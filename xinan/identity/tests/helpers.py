"""Helpers shared by the identity tests."""

from django.urls import reverse

from xinan.audit.models import AuditEvent

GOOD = "Xa9#kq2!Lm7z"  # the shared make_user default: passes every rule


def events(action, subject=None):
    qs = AuditEvent.objects.filter(action=action)
    if subject is not None:
        qs = qs.filter(subject_id=str(subject.pk))
    return list(qs.order_by("seq"))


def web_login(client, username, password=GOOD, **extra):
    return client.post(reverse("identity:login"), {"username": username, "password": password, **extra})
