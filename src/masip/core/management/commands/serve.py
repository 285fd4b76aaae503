"""`masip serve`: the production web server (gunicorn) with this project's settings.

The demo uses Django's development server (`make demo`); a deployment runs this, behind a
reverse proxy that terminates TLS (docs/operations.md has systemd units and an nginx site).
Before starting, the deploy checks run (`check --deploy`): a server with the demo's secret key
or with the audit trail switched off does not start.
"""

from __future__ import annotations

import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from masip.core.serving import gunicorn_argv, workers_for


class Command(BaseCommand):
    help = "Serve the application with gunicorn (production); checks the deployment settings first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", default=os.environ.get("MASIP_BIND", "127.0.0.1:8000"),
            help="host:port or unix:/path to listen on (env MASIP_BIND; default 127.0.0.1:8000)",
        )
        parser.add_argument(
            "--workers", type=int, default=None,
            help="worker processes (env MASIP_WEB_WORKERS; default 2 x CPUs + 1, at most 17)",
        )
        parser.add_argument("--timeout", type=int, default=60, help="seconds before a silent worker is restarted")
        parser.add_argument("--dry-run", action="store_true", help="print the gunicorn command and stop")

    def handle(self, *args, bind: str, workers: int | None, timeout: int, dry_run: bool, **options) -> None:
        if workers is None:
            raw = os.environ.get("MASIP_WEB_WORKERS", "")
            try:
                workers = int(raw) if raw else workers_for(os.cpu_count() or 1)
            except ValueError as exc:
                raise CommandError(f"MASIP_WEB_WORKERS must be a whole number, not {raw!r}") from exc
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        argv = gunicorn_argv(python=sys.executable, bind=bind, workers=workers, timeout=timeout)
        if dry_run:
            self.stdout.write(" ".join(argv))
            return
        # Refuses the demo's secret key, the audit trail turned off, etc. (masip.core.checks).
        call_command("check", deploy=True, fail_level="ERROR")
        self.stdout.write(f"Serving on {bind} with {workers} workers (gunicorn)")
        self.stdout.flush()
        os.execv(argv[0], argv)  # gunicorn replaces this process, so signals reach it directly
