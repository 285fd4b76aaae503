"""Reads of interventions, filtered by the access policy.

Every intervention on a case is listed to everyone doing case work there;
`detail_visible` says whether the user may see its clinical detail (type,
sessions, notes, outcome, assessments) or only the summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from masip.access import policy
from masip.access.sharing import sharing_view
from masip.interventions.models import Intervention, InterventionEvent, InterventionSession

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


@dataclass(frozen=True)
class InterventionView:
    intervention: Intervention
    detail_visible: bool

    @property
    def title(self) -> str:
        i = self.intervention
        if self.detail_visible:
            return str(i.intervention_type)
        return f"Health intervention held by {i.source_agency}"


def interventions_visible_to(user: User) -> QuerySet[Intervention]:
    return Intervention.objects.filter(partnership_id__in=policy.casework_partnership_ids(user))


def interventions_for_case(user: User, case: Case) -> list[InterventionView]:
    """The case's interventions, each with whether its detail is visible to the user (two queries)."""
    view = sharing_view(user, case.partnership)
    rows = (
        Intervention.objects.filter(case=case)
        .select_related("intervention_type", "source_agency", "delivered_by", "recorded_by")
        .prefetch_related(
            Prefetch("events", queryset=InterventionEvent.objects.select_related("recorded_by")),
            Prefetch("sessions", queryset=InterventionSession.objects.select_related("recorded_by")),
        )
        .order_by("recorded_at", "id")
    )
    return [InterventionView(i, view.can_see(i.category, i.source_agency_id)) for i in rows]


def intervention_get(user: User, pk: int) -> InterventionView:
    """An intervention on a case the user may see (otherwise not found), with what they may see of it."""
    intervention = get_object_or_404(
        interventions_visible_to(user).select_related(
            "intervention_type",
            "source_agency",
            "delivered_by",
            "recorded_by",
            "case__partnership",
            "case__suspect",
            "assessment_before",
            "assessment_after",
        ),
        pk=pk,
    )
    view = sharing_view(user, intervention.case.partnership)
    return InterventionView(intervention, view.can_see(intervention.category, intervention.source_agency_id))


def intervention_detail_get(user: User, pk: int) -> Intervention:
    """An intervention whose detail the user may see; clinical detail the user may not see is not found."""
    found = intervention_get(user, pk)
    if not found.detail_visible:
        from django.http import Http404

        raise Http404("No such intervention")
    return found.intervention


def intervention_events(intervention: Intervention) -> list[InterventionEvent]:
    return list(intervention.events.select_related("recorded_by"))


def intervention_sessions(intervention: Intervention) -> list[InterventionSession]:
    return list(intervention.sessions.select_related("recorded_by"))
