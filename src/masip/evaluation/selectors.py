"""Reads of the evaluation workbench. The evaluation team works across the programme, so every
evaluator sees every evaluation and plan; an extract file is its requester's alone."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.shortcuts import get_object_or_404

from .models import AnalysisPlan, AnalysisRun, Evaluation, Extract

if TYPE_CHECKING:
    from masip.accounts.models import User


def evaluations() -> list[Evaluation]:
    return list(Evaluation.objects.all())


def evaluation(pk: int) -> Evaluation:
    return get_object_or_404(Evaluation, pk=pk)


def plan(pk: int) -> AnalysisPlan:
    return get_object_or_404(AnalysisPlan.objects.select_related("evaluation", "locked_by", "created_by"), pk=pk)


def plans_of(evaluation: Evaluation) -> list[AnalysisPlan]:
    return list(evaluation.plans.all())


def runs_of(evaluation: Evaluation) -> list[AnalysisRun]:
    return list(evaluation.runs.select_related("extract", "run_by"))


def plan_deviations(plan: AnalysisPlan) -> list[Any]:
    return list(plan.deviations.select_related("recorded_by"))


def plan_results(plan: AnalysisPlan, *, latest: int = 10) -> list[Any]:
    """The plan's latest results, newest run first."""
    return list(plan.results.select_related("run").order_by("-run__run_at")[:latest])


def extracts_of(user: User, evaluation: Evaluation) -> list[Extract]:
    return list(Extract.objects.filter(evaluation=evaluation, requested_by=user).defer("payload"))


def own_extract(user: User, pk: int) -> Extract:
    """An extract the user requested; anyone else's is not found (a disclosure is to one person)."""
    return get_object_or_404(Extract.objects.select_related("evaluation"), pk=pk, requested_by=user)


def run(pk: int) -> AnalysisRun:
    return get_object_or_404(AnalysisRun.objects.select_related("evaluation", "extract", "run_by"), pk=pk)


def results_of(run: AnalysisRun) -> Any:
    return run.results.select_related("plan").order_by("plan__hypothesis", "plan_id")
