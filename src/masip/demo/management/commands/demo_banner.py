from django.core.management.base import BaseCommand

from masip.demo.reference import DEMO_PASSWORD, DEMO_STAFF


class Command(BaseCommand):
    help = "Print the demo URL and sign-ins."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, port, **options):
        self.stdout.write("")
        self.stdout.write(f"  MASIP demo: http://127.0.0.1:{port}/")
        self.stdout.write(f"  Every demo account's password is: {DEMO_PASSWORD}")
        for username, _first, _last, agency, roles, title, _ in DEMO_STAFF:
            where = ", ".join(sorted(roles))
            self.stdout.write(f"    {username:<20} {title} ({agency}; {where})")
        self.stdout.write("  Synthetic data only. Press Ctrl+C to stop.")
        self.stdout.write("")
