from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from masip.demo import generator
from masip.referrals.models import Referral


class Command(BaseCommand):
    help = "Load deterministic synthetic demo data: the three partnerships, demo staff and referrals."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiple of the report's seven-month volumes."
        )
        parser.add_argument(
            "--seed", type=int, default=2019, help="Random seed; the same seed gives the same data."
        )
        parser.add_argument(
            "--today", type=date.fromisoformat, default=None, help="Pretend today is this date (YYYY-MM-DD), today or earlier: nothing is dated after it.",
        )
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if referrals already exist.")

    def handle(self, *args, scale, seed, today, batch_size, if_empty, **options):
        if not settings.DEMO_MODE:
            # Every demo account's password is published in the README.
            raise CommandError(
                "seed_demo runs only with the demo settings: it creates accounts whose password is published. "
                "Set MASIP_DEMO=1 on a machine holding synthetic data only (`make demo` does)."
            )
        if scale <= 0:
            raise CommandError("--scale must be greater than 0")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if today is not None and today > timezone.localdate():
            raise CommandError(f"--today must be today ({timezone.localdate():%Y-%m-%d}) or earlier")
        if if_empty and Referral.objects.exists():
            self.stdout.write(
                "Demo data already loaded; keeping it (delete data/masip.sqlite3 to start again)."
            )
            return
        verbosity = options.get("verbosity", 1)
        report = generator.seed(
            scale=scale,
            seed_value=seed,
            today=today,
            batch_size=batch_size,
            progress=(lambda msg: self.stdout.write(f"  {msg}")) if verbosity > 1 else None,
        )
        self.stdout.write(
            f"Loaded {report.referrals:,} referrals, {report.cases:,} cases, {report.rows:,} rows "
            f"in {report.seconds:.1f} s ({report.rows_per_second:,.0f} rows/s)."
        )
