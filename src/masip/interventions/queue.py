"""The interventions' section of the monitoring queue: referrals to external services to follow up.

Registered with `masip.monitoring.queue` when the app is ready (interventions/apps.py).
"""

from __future__ import annotations

from django.urls import reverse

from masip.interventions.models import SERVICE_STATUS_FINAL, Intervention
from masip.monitoring.queue import QueueContext, QueueItem, QueueSection, register


@register(order=30, key="follow_ups")
def follow_ups_due(ctx: QueueContext) -> QueueSection:
    due = ctx.take(
        Intervention.objects.filter(case__in=ctx.case_ids(), follow_up_on__lte=ctx.today)
        .exclude(service_status__in=[*SERVICE_STATUS_FINAL, ""])
        .select_related("case__suspect", "intervention_type")
        .order_by("follow_up_on", "id")
    )
    return QueueSection(
        "follow_ups",
        "Referrals to follow up",
        [
            QueueItem(
                i.case,
                f"{i.intervention_type}: {i.external_service or 'external service'} - {i.get_service_status_display().lower()}",
                i.follow_up_on,
                reverse("interventions:follow_up", args=[i.pk]),
                overdue=i.follow_up_on is not None and i.follow_up_on < ctx.today,  # set: filtered on it
            )
            for i in due
        ],
        "No referral needs following up today.",
        total=due.total, page=due.page,
    )
