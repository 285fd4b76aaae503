from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from masip.access import policy
from masip.justice.models import JusticeEvent, ProtectiveOrder


def orders_visible_to(user: Any) -> QuerySet[ProtectiveOrder]:
    return ProtectiveOrder.objects.filter(partnership_id__in=policy.casework_partnership_ids(user))


def order_get(user: Any, pk: int) -> ProtectiveOrder:
    """An order on a case the user may see; otherwise not found."""
    from masip.monitoring.models import Incident

    return get_object_or_404(
        orders_visible_to(user)
        .select_related("case__partnership", "case__suspect", "protected_person", "replaces", "recorded_by")
        .prefetch_related(
            Prefetch("breaches", queryset=Incident.objects.select_related("victim", "recorded_by"))
        ),
        pk=pk,
    )


def events_for_case(case: Any) -> QuerySet[JusticeEvent]:
    return JusticeEvent.objects.filter(case=case).select_related("recorded_by").order_by("occurred_on", "id")


def orders_for_case(case: Any) -> QuerySet[ProtectiveOrder]:
    return (
        ProtectiveOrder.objects.filter(case=case)
        .select_related("protected_person", "recorded_by")
        .order_by("applied_on", "decided_on", "id")
    )
