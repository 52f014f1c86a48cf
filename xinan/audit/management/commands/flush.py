"""``flush`` that respects the append-only audit tables.

Emptying the whole database wipes the chain, so it is refused unless
``settings.AUDIT_ALLOW_FLUSH`` is true (the test suite sets it); then the append-only triggers are
lifted for the flush and put back after it.
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from xinan.audit import guards


class Command(DjangoFlush):
    def handle(self, **options):
        if not getattr(settings, "AUDIT_ALLOW_FLUSH", False):
            raise CommandError("flush would erase the audit chain; it is disabled (AUDIT_ALLOW_FLUSH is off)")
        connection = connections[options["database"]]
        guards.remove(connection)
        try:
            super().handle(**options)
        finally:
            guards.install(connection)
