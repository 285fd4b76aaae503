"""Victim support's section of the monitoring queue: safety plans due for review.

Registered with `masip.monitoring.queue` when the app is ready (victims/apps.py).
"""

from __future__ import annotations

from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse

from masip.monitoring.queue import QueueContext, QueueItem, QueueSection, register
from masip.victims.models import SafetyPlan, SupportStatus


@register(order=40, key="safety_plans")
def safety_plan_reviews_due(ctx: QueueContext) -> QueueSection:
    """Victims' safety plans whose latest version is due for review (victim support still open)."""
    latest_version = (
        SafetyPlan.objects.filter(support=OuterRef("support"))
        .values("support")
        .annotate(v=Max("version"))
        .values("v")
    )
    plans = ctx.take(
        SafetyPlan.objects.filter(
            support__case__in=ctx.case_ids(),
            support__status=SupportStatus.ACCEPTED,
            review_on__lte=ctx.today,
            version=Subquery(latest_version),
        )
        .select_related("support__case__suspect", "support__victim")
        .order_by("review_on", "id")
    )
    return QueueSection(
        "safety_plans",
        "Safety plans to review",
        [
            QueueItem(
                p.support.case,
                f"Safety plan v{p.version} for {p.support.victim.display_name}",
                p.review_on,
                reverse("victims:support", args=[p.support.case_id, p.support.victim_id]),
                overdue=p.review_on is not None and p.review_on < ctx.today,  # set: filtered on it
            )
            for p in plans
            if p.support.case is not None  # all of them: the query asks for cases' support
        ],
        "No safety plan is due for review.",
        total=plans.total, page=plans.page,
    )
