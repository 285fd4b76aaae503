"""Email the owners of actions due soon or overdue. Run it daily (cron or a scheduler); running it
twice, or two at once, sends each reminder only once."""

from __future__ import annotations

import os
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from masip.actions.services import action_send_reminders


class Command(BaseCommand):
    help = "Email action owners before the due date and when an action is overdue (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD).")
        parser.add_argument(
            "--base-url",
            default=os.environ.get("MASIP_BASE_URL", ""),
            help="Where staff open the system, for the link in the email (default: $MASIP_BASE_URL).",
        )

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(
                    f"--today must be a date like 2026-11-27, not {options['today']!r}"
                ) from exc
        report = action_send_reminders(today=today, base_url=options["base_url"])
        self.stdout.write(
            f"Reminders sent: {report.sent} (due soon {report.by_kind.get('due_soon', 0)}, "
            f"overdue {report.by_kind.get('overdue', 0)}); already sent: {report.already_sent}; "
            f"no one to send to: {report.no_recipient}; failed: {report.failed}"
        )
        if report.failed:
            raise CommandError(
                f"{report.failed} reminder(s) could not be sent; they will be tried again next run."
            )
