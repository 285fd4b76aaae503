"""The demo generator's write speed at scale 10 (14,490 referrals and their people,
incidents, triage decisions and cases), in rows per second."""

from __future__ import annotations

import os
from datetime import date

from benchmarks.harness import fresh_django, report


def run(scale: float = float(os.environ.get("BENCH_SCALE", 10))) -> dict:
    fresh_django("generator")
    from masip.demo.generator import seed

    result = seed(scale=scale, seed_value=2019, today=date(2026, 11, 27), batch_size=1000)
    figures = {
        "scale": scale,
        "referrals": result.referrals,
        "rows": result.rows,
        "seconds": round(result.seconds, 2),
        "rows_per_second": round(result.rows_per_second),
    }
    report("generator", **figures)
    return figures


if __name__ == "__main__":
    run()
