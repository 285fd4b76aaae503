"""Demo data for the evaluation workbench: locked plans for H1, H3 and H5, an extract and a run,
so the evaluator persona sees results on the synthetic demo data."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError

from masip.accounts.models import User

from . import services
from .models import Evaluation

DEMO_EVALUATION = "MASIP interim evaluation (demo data)"


def demo_plans(today: date) -> list[dict]:
    training_month = (today.replace(day=1) - timedelta(days=100)).strftime("%Y-%m")
    common = {"alpha": 0.05, "subgroups": []}
    return [
        {**common, "hypothesis": "H1", "title": "Referrals after the partnership training event",
         "outcome": "Referrals per month", "outcome_definition": "Referrals received per calendar month (true month).",
         "population": "All referrals to the three partnerships.", "comparison": "Months before and after training.",
         "method": "its", "covariates": [], "minimum_sample": 8, "below_minimum": "Report the monthly counts only.",
         "parameters": {"break_month": training_month, "series": "non_police"}},
        {**common, "hypothesis": "H3", "title": "Conviction and time to re-offence",
         "outcome": "Time to re-offence", "outcome_definition": "Days at risk, net of custody, from the index date to "
         "the first new stalking episode; censored at the extract date.",
         "population": "Identified perpetrators with an accepted case.", "comparison": "Convicted or not.",
         "method": "cox", "covariates": ["risk_rank"], "minimum_sample": 30,
         "below_minimum": "Report events and numbers at risk only.", "parameters": {"exposure": "conviction"}},
        {**common, "hypothesis": "H5", "title": "Direct interventions and time to re-offence",
         "outcome": "Time to re-offence", "outcome_definition": "As H3.",
         "population": "Identified perpetrators with an accepted case.",
         "comparison": "A direct intervention with the perpetrator, or none.", "method": "cox",
         "covariates": ["risk_rank"], "minimum_sample": 30, "below_minimum": "Report events and numbers at risk only.",
         "parameters": {"exposure": "direct_intervention"}},
    ]


def seed_evaluation(today: date) -> int:
    """Locked plans, an extract and one run by the demo evaluator. Returns rows written (0 if already there)."""
    evaluator = User.objects.filter(username="evaluator").first()
    if evaluator is None or Evaluation.objects.filter(name=DEMO_EVALUATION).exists():
        return 0
    evaluation = services.evaluation_create(name=DEMO_EVALUATION, acting_user=evaluator)
    rows = 1
    for data in demo_plans(today):
        plan = services.plan_create(evaluation=evaluation, data=data, acting_user=evaluator)
        services.plan_lock(plan=plan, acting_user=evaluator)
        rows += 1
    try:
        extract = services.extract_create(evaluation=evaluation, purpose="Demo: the interim analysis",
                                          file_format="csv", coarsen=True, acting_user=evaluator)
        run = services.analysis_run(evaluation=evaluation, extract=extract, acting_user=evaluator)
    except ValidationError:
        return rows  # too little demo data to release an extract: the plans stay, locked, without results
    return rows + 2 + run.results.count()
