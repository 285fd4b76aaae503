"""`masip audit_verify`: check the audit trail's hash chain; exit non-zero at the first broken event."""

from django.core.management.base import BaseCommand, CommandError

from masip.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and report the first event that does not verify."

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor", default="",
            help="A head hash recorded earlier (outside the database): fail unless it is still in the chain.",
        )

    def handle(self, *args, **options):
        report = verify_chain(anchor=options["anchor"])
        if report.broken_event_id is not None:
            raise CommandError(
                f"Audit trail broken at event {report.broken_event_id}: {report.problem}. "
                f"{report.checked} events before it verify."
            )
        if not report.ok:
            raise CommandError(f"Audit trail broken: {report.problem}.")
        if report.head_id is None:
            self.stdout.write("The audit trail is empty.")
            return
        self.stdout.write(
            f"The audit trail verifies: {report.checked} events, head event {report.head_id}, "
            f"head hash {report.head_hash}."
        )
