"""`flush` would empty every table, the audit log included. The log must not be
erasable through the application, so flush is refused unless the settings
allow it - which only the test settings do, to reset throwaway test databases."""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from masip.audit import triggers


class Command(DjangoFlush):
    def handle(self, **options):
        if not getattr(settings, "MASIP_AUDIT_ALLOW_FLUSH", False):
            raise CommandError("flush is disabled: it would erase the append-only audit log.")
        connection = connections[options["database"]]
        triggers.drop(connection)
        try:
            return super().handle(**options)
        finally:
            triggers.install(connection)
