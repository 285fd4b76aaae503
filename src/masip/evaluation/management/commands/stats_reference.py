"""`masip stats_reference`: the statistics core run on public reference datasets, as one JSON object.

The evaluation's analyses call the functions in `masip.evaluation.stats`; this
command calls the same functions on datasets with published results, so anyone
can compare the numbers with R (src/masip/evaluation/tests/test_stats_reference.py
does, and docs/evaluation.md lists the sources). The data ship inside installed
packages, so nothing is fetched:

- lifelines' Rossi recidivism data (432 released prisoners, 52 weeks): Cox
  proportional hazards with Efron ties, Kaplan-Meier, and the log-rank test by
  financial aid (`fin`);
- statsmodels' Nile data (annual flow at Aswan, 1871-1970): segmented regression
  with a step and a slope change from 1899, time t = 0..99 (the year's index),
  level change = 1 from 1899 on, slope change = years since 1899 from 1899 on
  (0 in 1899 and before);
- statsmodels' Spector and Mazzeo data (32 students): logistic regression of
  GRADE on GPA, TUCE, PSI and a constant.

It reads no personal data and writes nothing, so it is not audited.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from masip.evaluation import stats

ROSSI_COVARIATES = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]
NILE_BREAK_YEAR = 1899


def rossi_results() -> dict[str, Any]:
    from lifelines.datasets import load_rossi

    rossi = load_rossi()
    cox = stats.cox_ph(rossi, duration="week", event="arrest", covariates=ROSSI_COVARIATES)
    km = stats.kaplan_meier(rossi, duration="week", event="arrest")
    test = stats.logrank(rossi, duration="week", event="arrest", group="fin")
    return {
        "rossi_cox": {
            "coef": {name: float(cox.coef[name]) for name in ROSSI_COVARIATES},
            "concordance": cox.concordance,
        },
        "rossi_km": {"survival_at_52": stats.survival_at(km, 52)},
        "rossi_logrank_fin": {"chi2": test.chi2, "p": test.p},
    }


def nile_results() -> dict[str, Any]:
    from statsmodels.datasets import nile

    data = nile.load_pandas().data.sort_values("year").reset_index(drop=True)
    years = [int(y) for y in data["year"]]
    result = stats.segmented_regression(data["volume"], break_at=years.index(NILE_BREAK_YEAR),
                                        periods=[str(y) for y in years])
    return {"nile_its": {"step_1899": result.step, "slope_change_1899": result.slope_change}}


def spector_results() -> dict[str, Any]:
    from statsmodels.datasets import spector

    data = spector.load_pandas().data
    result = stats.logistic_regression(data, outcome="GRADE", covariates=["GPA", "TUCE", "PSI"])
    return {"spector_logit": {"coef": {str(k): float(v) for k, v in result.coef.items()}}}


def reference_results() -> dict[str, Any]:
    return {**rossi_results(), **nile_results(), **spector_results()}


class Command(BaseCommand):
    help = "Run the evaluation's statistics on public reference datasets and print the results as JSON."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(reference_results(), indent=2, sort_keys=True))
