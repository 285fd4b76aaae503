"""Stalking episodes and re-offending for 1,000,000 synthetic incidents, in incidents per second.

Pure computation, no database: the synthetic caseload (timed on its own) goes
straight into `caseload_outcomes`, which computes every pair's episodes and
every perpetrator's re-offending, pragmatic measure, frequency and severity.
Target: under 10 seconds for the computation on a 2-core machine.

`rows_to_columns_seconds` is the cost a caller pays first when the incidents
come as Python rows (what a Django `values_list` query gives), converted with
`IncidentColumns.from_rows`.

With BENCH_EPISODES_FROM_DB=1 it also seeds a fresh database with the demo
generator at scale 10 (BENCH_EPISODES_SCALE) and times reading its Incident
rows and referral contacts (`monitoring.outcomes.caseload_inputs`) and the
same computation on them.
"""

from __future__ import annotations

import os

from benchmarks.harness import report, timed


def run(incidents: int = int(os.environ.get("BENCH_INCIDENTS", 1_000_000))) -> dict:
    from masip.monitoring.episodes import IncidentColumns, Reporter, caseload_outcomes
    from masip.monitoring.synthetic import synthetic_caseload

    with timed() as generation:
        caseload = synthetic_caseload(seed=2019, incidents=incidents)
    with timed() as computation:
        outcomes = caseload_outcomes(caseload.incidents, caseload.index_dates)
    seconds = computation["seconds"]
    columns = caseload.incidents
    reporter_values = [r.value for r in Reporter]  # stored values, in code order
    rows = list(
        zip(
            columns.perpetrator_id.tolist(),
            columns.victim_id.tolist(),
            columns.occurred_on.tolist(),
            columns.severity.tolist(),
            [reporter_values[code] for code in columns.reported_by.tolist()],
            strict=True,
        )
    )
    with timed() as conversion:
        IncidentColumns.from_rows(rows)
    figures = {
        "incidents": len(caseload.incidents),
        "perpetrators": len(outcomes.perpetrators),
        "episodes": len(outcomes.episodes),
        "reoffending_perpetrators": int(outcomes.perpetrators.reoffended.sum()),
        "generation_seconds": round(generation["seconds"], 2),
        "seconds": round(seconds, 2),
        "incidents_per_second": round(len(caseload.incidents) / seconds) if seconds else 0,
        "rows_to_columns_seconds": round(conversion["seconds"], 2),
    }
    report("episodes", **figures)
    return figures


def run_on_seeded_rows(scale: float = float(os.environ.get("BENCH_EPISODES_SCALE", 10))) -> dict:
    """The same computation on Incident rows the demo generator writes at `scale` into a fresh
    database: the time to read them (with the referrals' own contacts) and to compute."""
    from datetime import date

    from benchmarks.harness import fresh_django

    fresh_django("episodes")
    from masip.demo.generator import seed
    from masip.monitoring.episodes import caseload_outcomes
    from masip.monitoring.models import Incident
    from masip.monitoring.outcomes import caseload_inputs

    with timed() as seeding:
        seed(scale=scale, seed_value=2019, today=date(2026, 11, 27), batch_size=1000)
    with timed() as reading:
        inputs = caseload_inputs()
    with timed() as computation:
        outcomes = caseload_outcomes(inputs.columns, inputs.index_dates, original_victims=inputs.original_victims)
    figures = {
        "scale": scale,
        "incident_rows": Incident.objects.count(),
        "contacts": len(inputs.columns),
        "perpetrators": len(outcomes.perpetrators),
        "episodes": len(outcomes.episodes),
        "reoffending_perpetrators": int(outcomes.perpetrators.reoffended.sum()),
        "seed_seconds": round(seeding["seconds"], 2),
        "read_seconds": round(reading["seconds"], 2),
        "seconds": round(computation["seconds"], 3),
    }
    report("episodes_on_seeded_rows", **figures)
    return figures


if __name__ == "__main__":
    run()
    # BENCH_EPISODES_FROM_DB=1: also on the demo generator's rows (scale BENCH_EPISODES_SCALE, default 10).
    if os.environ.get("BENCH_EPISODES_FROM_DB", "") not in ("", "0"):
        run_on_seeded_rows()
