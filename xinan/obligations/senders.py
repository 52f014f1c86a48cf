"""Delivering notifications beyond the in-app list (站内通知 is the ``Notification`` row itself).

Senders are configured by dotted path in ``settings.XINAN_NOTIFICATION_SENDERS`` or the
environment variable of the same name (comma-separated); none by default, since an installation
has no mail server until it says so. ``EmailSender`` uses Django's mail framework (``EMAIL_HOST``
…; tests use the locmem backend) and sends each notification to its recipient's e-mail address
in their record, when there is one. Delivery runs after the transaction that created the
notifications commits; a failing sender is logged and never undoes the reminder or escalation.

A sender is a class with ``send(notifications)`` taking a list of ``Notification`` rows
(recipient loaded).
"""

import logging
import os

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import EmailMessage
from django.utils.module_loading import import_string

from .models import Notification

log = logging.getLogger(__name__)


def configured() -> list[str]:
    value = getattr(settings, "XINAN_NOTIFICATION_SENDERS", None)
    if value is None:
        value = [p for p in os.environ.get("XINAN_NOTIFICATION_SENDERS", "").split(",") if p.strip()]
    return [p.strip() for p in value]


class EmailSender:
    """One message per notification, through one connection: subject and body in both
    languages (Chinese first)."""

    def send(self, notifications: list[Notification]) -> int:
        messages = []
        for n in notifications:
            address = (n.recipient.email or "").strip()
            if not address:
                continue
            subject = f"[信安 xinan] {n.get_kind_display()}:{n.message_zh[:60]}"
            body = f"{n.message_zh}\n\n{n.message_en}\n"
            messages.append(EmailMessage(subject=subject, body=body, to=[address]))
        if not messages:
            return 0
        with get_connection() as connection:
            return connection.send_messages(messages) or 0


def deliver(task_ids: list[int], created_at) -> None:
    """Hand the notifications created at ``created_at`` for these tasks to every sender."""
    paths = configured()
    if not paths:
        return
    notes = list(Notification.objects.filter(task_id__in=task_ids, created_at=created_at).select_related("recipient"))
    for path in paths:
        try:
            import_string(path)().send(notes)
        except Exception:  # noqa: BLE001 - delivery is best effort; the in-app notification stands
            log.exception("obligations: notification sender %s failed", path)
