"""The plans context's section of the monitoring queue: risk management plans due for review.

Registered with `masip.monitoring.queue` when the app is ready (plans/apps.py).
"""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse

from masip.cases.models import Case
from masip.monitoring.queue import QueueContext, QueueItem, QueueSection, register
from masip.plans.models import PlanStrategy


@register(order=45)
def plan_reviews_due(ctx: QueueContext) -> QueueSection:
    """Risk management plans with a strategy due for review."""
    due = (
        PlanStrategy.objects.filter(
            plan__is_current=True, plan__case__in=ctx.case_ids(), review_on__lte=ctx.today
        )
        .values("plan__case_id")
        .annotate(first=Min("review_on"), strategies=Count("id"))
    )
    first = {row["plan__case_id"]: (row["first"], row["strategies"]) for row in due}
    cases = Case.objects.filter(pk__in=first).select_related("suspect")
    items = [
        QueueItem(
            case,
            f"Risk management plan: {first[case.pk][1]} strateg{'y' if first[case.pk][1] == 1 else 'ies'} due for review",
            first[case.pk][0],
            reverse("meetings:plan", args=[case.pk]),
            overdue=first[case.pk][0] < ctx.today,
        )
        for case in cases
    ]
    items.sort(key=lambda i: (i.due, i.case.pk))
    return QueueSection(
        "plan_reviews", "Risk management plans to review", items, "No plan is due for review."
    )
