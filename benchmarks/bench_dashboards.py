"""The unit manager's dashboard and the programme office's, at two demo scales: server time
(the first request, then the median and 95th percentile of ROUNDS more: small-number suppression is worked out
once per table per process) and the query count, which must not grow with the data.

Target (issue 12): under 1 s at demo scale 30 on the embedded database, and the same query
count at both scales. Each scale runs in its own process (its own fresh database).
Scales: BENCH_DASHBOARD_SCALES (default "3,30").
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date

from benchmarks.harness import ROOT, fresh_django, report, timed

ROUNDS = 20
TODAY = date(2026, 11, 25)


def measure(scale: float) -> dict:
    fresh_django(f"dashboards-{scale:g}")
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from masip.accounts.models import User
    from masip.demo.generator import seed
    from masip.referrals.models import Referral

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    with timed() as seeding:
        seed(scale=scale, seed_value=2019, today=TODAY, batch_size=1000)
    figures: dict = {"scale": scale, "seed_seconds": round(seeding["seconds"], 1),
                     "referrals": Referral.objects.count()}
    pages = {"unit": ("london-manager", "/partnerships/london/dashboard/"),
             "programme": ("pmo", "/programme/dashboard/")}
    import time_machine

    with time_machine.travel(TODAY, tick=True):
        for name, (username, url) in pages.items():
            client = Client()
            client.force_login(User.objects.get(username=username))
            start = time.perf_counter()
            assert client.get(url).status_code == 200, url
            figures[f"{name}_first_ms"] = round((time.perf_counter() - start) * 1000, 1)
            assert client.get(url).status_code == 200, url
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            figures[f"{name}_queries"] = len(queries.captured_queries)
            timings = []
            for _ in range(ROUNDS):
                start = time.perf_counter()
                assert client.get(url).status_code == 200
                timings.append(time.perf_counter() - start)
            figures[f"{name}_median_ms"] = round(statistics.median(timings) * 1000, 1)
            figures[f"{name}_p95_ms"] = round(statistics.quantiles(timings, n=20, method="inclusive")[18] * 1000, 1)
    return figures


def run() -> list[dict]:
    scales = [float(s) for s in os.environ.get("BENCH_DASHBOARD_SCALES", "3,30").split(",")]
    results = []
    for scale in scales:
        out = subprocess.run([sys.executable, "-m", "benchmarks.bench_dashboards", "--one", str(scale)], cwd=ROOT,
                             capture_output=True, text=True, check=True)
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        report("dashboards", **figures, target_ms=1000)
        results.append(figures)
    if len(results) > 1:
        flat = all(results[0][f"{k}_queries"] == r[f"{k}_queries"] for r in results for k in ("unit", "programme"))
        report("dashboards", queries_constant_in_data_size=flat)
    return results


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(measure(float(sys.argv[2]))))
    else:
        run()
