from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from masip.access import policy
from masip.cases.models import CasePartyRole
from masip.justice.models import (
    INVESTIGATION_CONCLUDED,
    JusticeEvent,
    OrderKind,
    OrderStatus,
    ProtectiveOrder,
)
from masip.monitoring.models import Incident
from masip.people.models import Person

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


def orders_visible_to(user: User) -> QuerySet[ProtectiveOrder]:
    return ProtectiveOrder.objects.filter(partnership_id__in=policy.casework_partnership_ids(user))


def order_get(user: User, pk: int) -> ProtectiveOrder:
    """An order on a case the user may see; otherwise not found."""
    return get_object_or_404(
        orders_visible_to(user)
        .select_related("case__partnership", "case__suspect", "protected_person", "replaces", "recorded_by")
        .prefetch_related(
            Prefetch("breaches", queryset=Incident.objects.select_related("victim", "recorded_by"))
        ),
        pk=pk,
    )


def events_for_case(case: Case) -> QuerySet[JusticeEvent]:
    return JusticeEvent.objects.filter(case=case).select_related("recorded_by").order_by("occurred_on", "id")


def orders_for_case(case: Case) -> QuerySet[ProtectiveOrder]:
    return (
        ProtectiveOrder.objects.filter(case=case)
        .select_related("protected_person", "recorded_by")
        .order_by("applied_on", "decided_on", "id")
    )


# Read by monitoring through its registries (registered in justice/apps.py).


def orders_an_incident_may_breach(case: Case) -> list[ProtectiveOrder]:
    """The orders granted on the case, which the incident form offers as breached, oldest first."""
    return list(ProtectiveOrder.objects.filter(case=case, status=OrderStatus.GRANTED).order_by("decided_on", "id"))


def order_on_case(case: Case, pk: int) -> ProtectiveOrder | None:
    """An order recorded on the case, whatever its state."""
    return ProtectiveOrder.objects.filter(case=case, pk=pk).first()


def investigation_concluded_on(case: Case) -> date | None:
    """The day of the first outcome that concluded the investigation of the case's suspect, if any."""
    return (
        JusticeEvent.objects.filter(case=case, kind__in=INVESTIGATION_CONCLUDED)
        .order_by("occurred_on")
        .values_list("occurred_on", flat=True)
        .first()
    )


def conclusions_before(*, case_id: Any, before: date) -> QuerySet[JusticeEvent]:
    """The outcomes that concluded the investigation of case `case_id` (a value or an expression
    such as OuterRef("pk")) before the day `before`."""
    return JusticeEvent.objects.filter(case_id=case_id, kind__in=INVESTIGATION_CONCLUDED, occurred_on__lt=before)


def victims_of_case(case: Case) -> QuerySet[Person]:
    """The case's victims: whom an order may protect."""
    return Person.objects.filter(case_parties__case=case, case_parties__role=CasePartyRole.VICTIM).order_by("id")


def interim_orders(case: Case) -> QuerySet[ProtectiveOrder]:
    """Interim stalking protection orders on the case, which a full order may follow."""
    return ProtectiveOrder.objects.filter(case=case, kind=OrderKind.SPO, interim=True)
