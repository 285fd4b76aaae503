"""How the production web server is started: pure functions `masip serve` uses."""

from __future__ import annotations

import os

MAX_WORKERS = 17


def workers_for(cpus: int) -> int:
    """Gunicorn's usual sizing, 2 x CPUs + 1, capped so a big host does not exhaust the
    database's connections (each worker keeps one open: DATABASE_CONN_MAX_AGE)."""
    return max(1, min(2 * max(cpus, 1) + 1, MAX_WORKERS))


def gunicorn_argv(*, python: str, bind: str, workers: int, timeout: int) -> list[str]:
    return [
        python, "-m", "gunicorn", "masip.wsgi:application",
        "--bind", bind,
        "--workers", str(workers),
        "--timeout", str(timeout),
        "--graceful-timeout", "30",
        "--max-requests", "2000",  # recycle workers now and then (leaks in any library)
        "--max-requests-jitter", "200",
        "--access-logfile", "-",
        "--error-logfile", "-",
        "--forwarded-allow-ips", "127.0.0.1",  # X-Forwarded-* trusted from the local reverse proxy only
        # Heartbeat files in memory, not on a disk that may stall (where the system has /dev/shm).
        *(["--worker-tmp-dir", "/dev/shm"] if os.path.isdir("/dev/shm") else []),
    ]
