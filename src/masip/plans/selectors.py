"""Reads of risk management plans: the current version, every version, strategies by area."""

from __future__ import annotations

from django.db.models import Prefetch

from masip.assessments.models import Assessment, AssessmentStatus
from masip.cases.models import Case
from masip.plans.models import PLAN_AREA_ORDER, PlanArea, PlanStrategy, RiskManagementPlan


def current_plan(case: Case) -> RiskManagementPlan | None:
    plan = (
        RiskManagementPlan.objects.filter(case=case, is_current=True)
        .select_related("created_by", "responds_to", "agenda_item__meeting")
        .prefetch_related(
            Prefetch("strategies", queryset=PlanStrategy.objects.select_related("owner_agency"))
        )
        .first()
    )
    return plan


def plan_versions(case: Case) -> list[RiskManagementPlan]:
    return list(
        RiskManagementPlan.objects.filter(case=case)
        .select_related("created_by", "responds_to", "agenda_item__meeting")
        .prefetch_related(
            Prefetch("strategies", queryset=PlanStrategy.objects.select_related("owner_agency"))
        )
        .order_by("-version")
    )


def strategies_by_area(plan: RiskManagementPlan | None) -> list[tuple[str, list[PlanStrategy]]]:
    if plan is None:
        return []
    grouped: dict[str, list[PlanStrategy]] = {area.value: [] for area in PlanArea}
    for strategy in sorted(plan.strategies.all(), key=lambda s: (PLAN_AREA_ORDER[s.area], s.review_on, s.pk)):
        grouped[strategy.area].append(strategy)
    return [(PlanArea(area).label, items) for area, items in grouped.items()]


def assessments_for_plan(case: Case):
    """Signed-off assessments of the case a plan may respond to, newest first."""
    return Assessment.objects.filter(case=case, status=AssessmentStatus.SIGNED_OFF).order_by(
        "-signed_off_at", "-id"
    )
