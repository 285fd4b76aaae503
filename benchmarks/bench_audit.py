"""What logging costs: a case page served with and without the audit trail.

Seeds scale-1 demo data, then serves the same case page to its lead officer
alternately with logging on and off, and reports the median server time of
each and their ratio (target: under 1.2x).
"""

from __future__ import annotations

import statistics
import time
from datetime import date

from benchmarks.harness import fresh_django, report

ROUNDS = 150


def run() -> dict:
    fresh_django("audit")
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    from masip.cases.models import Case
    from masip.demo.generator import seed

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    seed(scale=1, seed_value=2019, today=date(2026, 11, 27))
    case = (
        Case.objects.filter(partnership__slug="london", status="open", lead_officer__isnull=False)
        .order_by("-id")
        .first()
    )
    client = Client()
    client.force_login(case.lead_officer)
    url = f"/cases/{case.pk}/"
    for _ in range(10):  # warm caches and connections
        assert client.get(url).status_code == 200
    timings = {True: [], False: []}
    for _ in range(ROUNDS):
        for enabled in (True, False):
            settings.MASIP_AUDIT_ENABLED = enabled
            start = time.perf_counter()
            response = client.get(url)
            timings[enabled].append(time.perf_counter() - start)
            assert response.status_code == 200
    settings.MASIP_AUDIT_ENABLED = True
    with_log = statistics.median(timings[True]) * 1000
    without = statistics.median(timings[False]) * 1000
    figures = {
        "case": case.reference,
        "rounds": ROUNDS,
        "median_ms_with_logging": round(with_log, 2),
        "median_ms_without_logging": round(without, 2),
        "ratio": round(with_log / without, 3),
    }
    report("audit", **figures)
    return figures


if __name__ == "__main__":
    run()
