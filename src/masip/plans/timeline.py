"""Timeline entries for risk management plan versions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from masip.cases.timeline import TimelineEntry, register
from masip.plans.models import RiskManagementPlan

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


@register
def plan_entries(case: Case, user: User) -> list[TimelineEntry]:
    url = reverse("meetings:plan", args=[case.pk])
    return [
        TimelineEntry(
            when=plan.created_at,
            kind="plan",
            title=f"Risk management plan version {plan.version}",
            detail=plan.change_reason,
            actor=str(plan.created_by),
            url=url,
        )
        for plan in RiskManagementPlan.objects.filter(case=case).select_related("created_by")
    ]
