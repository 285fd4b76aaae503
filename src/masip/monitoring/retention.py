"""Anonymising what issue 6's contexts hold about a case, for retention review.

`cases.retention` anonymises a case by keeping the figures the evaluation
counts (dates, kinds, states, offences, severities) and removing who it was
about and free text. Incidents, interventions, victim support and criminal-
justice records carry free text of their own; this removes it the same way.
Erasure needs nothing here: every one of these records belongs to its case
and is deleted with it.
"""

from __future__ import annotations

from typing import Any

ANONYMISED = "(anonymised)"


def casework_anonymise(case: Any) -> dict[str, int]:
    """Blank the free text of the case's incidents, interventions, victim support and orders. Returns counts."""
    from masip.interventions.models import Intervention, InterventionEvent, InterventionSession
    from masip.justice.models import JusticeEvent, ProtectiveOrder
    from masip.monitoring.models import CaseStatusChange, Incident
    from masip.victims.models import (
        AdvocateContact,
        CourtSupport,
        PerceptionSurvey,
        SafetyMeasure,
        SafetyPlan,
        VictimReferral,
        VictimSupport,
    )

    supports = VictimSupport.objects.filter(case=case)
    interventions = Intervention.objects.filter(case=case)
    counts = {
        "incidents": Incident.objects.filter(case=case).update(description=ANONYMISED, reporter_detail=""),
        "interventions": interventions.update(details="", outcome_notes="", external_service=""),
        "intervention_notes": InterventionEvent.objects.filter(intervention__in=interventions).update(note="")
        + InterventionSession.objects.filter(intervention__in=interventions).update(notes=""),
        "justice": JusticeEvent.objects.filter(case=case).update(notes="", offence_detail="", court="")
        + ProtectiveOrder.objects.filter(case=case).update(
            conditions=ANONYMISED, court="", protected_person=None
        ),
        "victim_support": supports.update(end_reason="")
        + AdvocateContact.objects.filter(support__in=supports).update(notes="")
        + SafetyPlan.objects.filter(support__in=supports).update(notes="")
        + SafetyMeasure.objects.filter(plan__support__in=supports).update(detail="")
        + VictimReferral.objects.filter(support__in=supports).update(notes="", to_service=ANONYMISED)
        + CourtSupport.objects.filter(support__in=supports).update(outcome="")
        + PerceptionSurvey.objects.filter(support__in=supports).update(comments=""),
        "status_changes": CaseStatusChange.objects.filter(case=case).update(reason=ANONYMISED),
    }
    return counts
