"""The plans context's section of the monitoring queue: risk management plans due for review.

Registered with `masip.monitoring.queue` when the app is ready (plans/apps.py).
"""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse

from masip.cases.models import Case
from masip.monitoring.queue import QueueContext, QueueItem, QueueSection, register
from masip.plans.models import PlanStrategy


@register(order=45, key="plan_reviews")
def plan_reviews_due(ctx: QueueContext) -> QueueSection:
    """Risk management plans with a strategy due for review, earliest review first."""
    due = ctx.take(
        PlanStrategy.objects.filter(
            plan__is_current=True, plan__case__in=ctx.case_ids(), review_on__lte=ctx.today
        )
        .values("plan__case_id")
        .annotate(first=Min("review_on"), strategies=Count("id"))
        .order_by("first", "plan__case_id")
    )
    cases = Case.objects.select_related("suspect").in_bulk([row["plan__case_id"] for row in due])
    items = [
        QueueItem(
            cases[row["plan__case_id"]],
            f"Risk management plan: {row['strategies']} strateg{'y' if row['strategies'] == 1 else 'ies'} due for review",
            row["first"],
            reverse("meetings:plan", args=[row["plan__case_id"]]),
            overdue=row["first"] < ctx.today,
        )
        for row in due
    ]
    return QueueSection(
        "plan_reviews", "Risk management plans to review", items, "No plan is due for review.",
        total=due.total, page=due.page,
    )
