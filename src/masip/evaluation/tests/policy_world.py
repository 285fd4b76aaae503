"""Evaluation records for the declared access policy test (access/tests/test_policy_table.py)."""

from __future__ import annotations

from django.utils import timezone


def evaluation_world(*, staff) -> dict[str, dict[str, int]]:
    from masip.evaluation.models import AnalysisPlan, AnalysisRun, Evaluation, Extract

    evaluator = staff["evaluator"]
    evaluation = Evaluation.objects.create(name="Policy world evaluation", created_by=evaluator)
    plan = AnalysisPlan.objects.create(
        evaluation=evaluation, hypothesis="H5", title="t", outcome="o", outcome_definition="d", population="p",
        comparison="c", method="cox", minimum_sample=10, below_minimum="b", created_by=evaluator,
    )
    extract = Extract.objects.create(
        evaluation=evaluation, requested_by=evaluator, purpose="policy", content_sha256="0" * 64,
        file_sha256="0" * 64, payload=b"PK\x05\x06" + b"\x00" * 18,
    )
    run = AnalysisRun.objects.create(evaluation=evaluation, extract=extract, run_by=evaluator, code_version="test",
                                     run_at=timezone.now())
    return {
        "evaluation": {"pk": evaluation.pk},
        "evaluation_plan": {"plan_id": plan.pk},
        "evaluation_extract": {"extract_id": extract.pk},
        "evaluation_run": {"run_id": run.pk},
    }


ARGS = {
    "evaluation:detail": "evaluation", "evaluation:plan_add": "evaluation", "evaluation:extract_request": "evaluation",
    "evaluation:run_create": "evaluation", "evaluation:plan_detail": "evaluation_plan",
    "evaluation:plan_edit": "evaluation_plan", "evaluation:plan_lock": "evaluation_plan",
    "evaluation:plan_deviate": "evaluation_plan", "evaluation:extract_download": "evaluation_extract",
    "evaluation:run_detail": "evaluation_run",
}


# For tests/test_personal_data_logged.py's walk over the demo data: the record each evaluation URL
# parameter names (by the route segment before it), and the demo's records of each kind.
WALK_SEGMENTS = {
    ("evaluation", "pk"): "evaluation",
    ("plans", "plan_id"): "evaluation_plan",
    ("extracts", "extract_id"): "evaluation_extract",
    ("runs", "run_id"): "evaluation_run",
}


def walk_records() -> dict[str, object]:
    from masip.evaluation.models import AnalysisPlan, AnalysisRun, Evaluation, Extract

    return {
        "evaluation": Evaluation.objects.order_by("pk").first(),
        "evaluation_plan": AnalysisPlan.objects.order_by("pk").first(),
        "evaluation_extract": Extract.objects.order_by("pk").first(),
        "evaluation_run": AnalysisRun.objects.order_by("pk").first(),
    }
