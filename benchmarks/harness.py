"""Shared set-up: a fresh database configured before Django starts."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def fresh_django(label: str) -> Path:
    """Point Django at a new empty database for this benchmark, migrate it, and return its folder."""
    folder = Path(tempfile.mkdtemp(prefix=f"masip-bench-{label}-"))
    os.environ["MASIP_DATA_DIR"] = str(folder)
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masip.settings")
    os.environ.setdefault("MASIP_DEMO", "1")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return folder


@contextmanager
def timed():
    box = {}
    start = time.perf_counter()
    yield box
    box["seconds"] = time.perf_counter() - start


def report(name: str, **figures) -> None:
    parts = ", ".join(
        f"{k}={v:,.2f}" if isinstance(v, float) else f"{k}={v:,}" if isinstance(v, int) else f"{k}={v}"
        for k, v in figures.items()
    )
    print(f"{name}: {parts}", flush=True)
