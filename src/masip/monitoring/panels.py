"""The monitoring panel on the case page: tracking, episodes and re-offending computed from
incidents, the latest incidents, and the ways to bring the case back (or close and reopen it)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from masip.cases.panels import register
from masip.monitoring.models import Incident
from masip.monitoring.outcomes import case_outcome
from masip.monitoring.tracking import case_tracking
from masip.partnerships.revisiting import RevisitingPolicy, describe

LATEST_INCIDENTS = 5


@register(order=20)
def monitoring_panel(case: Any, user: Any):
    today = timezone.localdate()
    tracking = case_tracking(case)
    incidents = list(
        Incident.objects.filter(case=case)
        .select_related("victim", "breach_of")
        .order_by("-occurred_on", "-id")[: LATEST_INCIDENTS + 1]
    )
    return "monitoring/panel.html", {
        "case": case,
        "tracking": tracking,
        "tracking_text": tracking.describe(today),
        "revisiting": describe(RevisitingPolicy.of(case.partnership.operating_model_on(today))),
        "tracked_today": tracking.tracked_on(today),
        "outcome": case_outcome(case),
        "incidents": incidents[:LATEST_INCIDENTS],
        "more_incidents": len(incidents) > LATEST_INCIDENTS,
    }
