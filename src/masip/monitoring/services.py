"""Every change to incidents and to a case's tracking goes through these functions.

Each runs in one transaction: the incident, the victim it may add to the
case, the re-review trigger it raises and the audit entries commit together
or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from masip.access import policy
from masip.audit.actions import AuditAction
from masip.audit.models import Operation
from masip.audit.services import log_event
from masip.cases.models import (
    Case,
    CaseParty,
    CasePartyRole,
    TriggerKind,
)
from masip.cases.retention import ANONYMISED
from masip.monitoring.breaches import order_on_case
from masip.monitoring.models import Incident, ReportedBy, SeverityLevel
from masip.monitoring.rereview import review_trigger_raise
from masip.partnerships.models import AgencyKind
from masip.people.services import PersonDetails, person_create
from masip.referrals.choices import Behaviour, Relationship

# Agencies whose staff raise an "advocate's concern" (London: "the victim
# advocate can bring a case back"); anyone else asking for a re-review brings new information.
ADVOCACY_KINDS = frozenset({AgencyKind.VICTIM_ADVOCACY, AgencyKind.IDVA})


@dataclass
class IncidentInput:
    occurred_on: date
    reported_by: str
    behaviour: str
    severity: int
    description: str
    victim_id: int | None = None  # a victim of the case; None with new_victim for someone new
    new_victim: PersonDetails | None = None
    new_victim_relationship: str = Relationship.UNKNOWN
    occurred_at: time | None = None
    reporter_detail: str = ""
    breach_of_id: int | None = None
    confirmed_not_duplicate: bool = False


class PossibleDuplicate(Exception):
    """The incident looks like one already recorded; the recorder must confirm it is a separate contact."""

    def __init__(self, existing: Incident):
        super().__init__(f"Possible duplicate of incident {existing.pk}")
        self.existing = existing


def _casework_only(user: Any, case: Case) -> None:
    if not policy.does_casework_in(user, case.partnership):
        raise PermissionDenied("You are not a member of this partnership's unit.")


def incident_date_refusal(case: Case, occurred_on: date, *, today: date | None = None) -> str | None:
    """Why an incident date cannot be right, or None."""
    today = today or timezone.localdate()
    if occurred_on > today:
        return "Date of the incident must be today or in the past"
    suspect = case.suspect
    if suspect is not None and suspect.date_of_birth and occurred_on < suspect.date_of_birth:
        return (
            f"Date of the incident must be on or after the suspect's date of birth "
            f"({suspect.date_of_birth:%-d %B %Y})"
        )
    return None


def find_duplicate(
    case: Case, *, victim_id: int | None, occurred_on: date, behaviour: str
) -> Incident | None:
    """An incident already recorded on the case for the same victim, day and behaviour.

    One contact is often reported twice (by the victim to their advocate and
    to the police); counted twice it would inflate the pragmatic measure and
    the frequency, so a second record needs a deliberate confirmation.
    """
    if victim_id is None:
        return None
    return (
        Incident.objects.filter(case=case, victim_id=victim_id, occurred_on=occurred_on, behaviour=behaviour)
        .order_by("id")
        .first()
    )


@transaction.atomic
def incident_record(*, case: Case, acting_user: Any, data: IncidentInput) -> Incident:
    """Record an incident, add a new victim to the case if there is one, and raise a re-review trigger.

    A breach of an order raises a "breach" trigger; any other incident a "new incident" one.
    """
    _casework_only(acting_user, case)
    errors: dict[str, str] = {}
    refusal = incident_date_refusal(case, data.occurred_on)
    if refusal:
        errors["occurred_on"] = refusal
    elif (
        data.occurred_at is not None
        and data.occurred_on == timezone.localdate()
        and data.occurred_at > timezone.localtime().time()
    ):
        errors["occurred_at"] = "Time of the incident must be now or in the past"
    if data.reported_by not in ReportedBy.values:
        errors["reported_by"] = "Select who reported the incident"
    if data.behaviour not in Behaviour.values:
        errors["behaviour"] = "Select the contact method or behaviour"
    if data.severity not in SeverityLevel.values:
        errors["severity"] = "Select how severe it was"
    if not data.description.strip():
        errors["description"] = "Enter what happened"
    victim_ids = set(case.parties.filter(role=CasePartyRole.VICTIM).values_list("person_id", flat=True))
    if data.new_victim is None and data.victim_id not in victim_ids:
        errors["victim"] = "Select the victim, or someone new"
    if data.new_victim is not None and not (
        data.new_victim.full_name.strip() or data.new_victim.description.strip()
    ):
        errors["new_victim_name"] = "Enter the new victim's name or a description"
    order = None
    if data.breach_of_id is not None:
        order = order_on_case(case, data.breach_of_id)
        if order is None:
            errors["breach_of"] = "Select an order recorded on this case"
        elif not order.was_in_force_on(data.occurred_on):
            errors["breach_of"] = f"The {order.short_label} was not in force on the date of the incident"
    if errors:
        raise ValidationError(errors)
    duplicate = find_duplicate(
        case, victim_id=data.victim_id, occurred_on=data.occurred_on, behaviour=data.behaviour
    )
    if duplicate is not None and not data.confirmed_not_duplicate:
        raise PossibleDuplicate(duplicate)

    new_victim = data.new_victim is not None
    victim_id: int
    if data.new_victim is not None:
        victim = person_create(partnership=case.partnership, acting_user=acting_user, details=data.new_victim)
        CaseParty.objects.create(
            case=case,
            person=victim,
            role=CasePartyRole.VICTIM,
            relationship_to_suspect=data.new_victim_relationship,
        )
        log_event(
            actor=acting_user,
            operation=Operation.COLLECTION,
            action=AuditAction.CASE_ADD_VICTIM,
            partnership=case.partnership,
            subjects=[case, victim],
            reason="Named as the victim of a new incident",
        )
        victim_id = victim.pk
    else:
        assert data.victim_id is not None  # checked above: one of the case's victims
        victim_id = data.victim_id
    incident = Incident.objects.create(
        partnership=case.partnership,
        case=case,
        suspect_id=case.suspect_id,
        victim_id=victim_id,
        new_victim=new_victim,
        occurred_on=data.occurred_on,
        occurred_at=data.occurred_at,
        reported_by=data.reported_by,
        reporter_detail=data.reporter_detail.strip(),
        behaviour=data.behaviour,
        severity=data.severity,
        description=data.description.strip(),
        breach_of=order,
        possible_duplicate_of=duplicate,
        recorded_by=acting_user,
        recorded_agency_id=acting_user.agency_id,
    )
    log_event(
        actor=acting_user,
        operation=Operation.COLLECTION,
        action=AuditAction.INCIDENT_RECORD,
        partnership=case.partnership,
        subjects=[case, incident],
        details={"severity": data.severity, "breach": order is not None},
    )
    what = f"{Behaviour(data.behaviour).label} on {data.occurred_on:%-d %b %Y}"
    what += f", severity: {SeverityLevel(data.severity).label.lower()}"
    what += f", reported by {ReportedBy(data.reported_by).label.lower()}"
    if new_victim:
        what += ", against a new victim"
    if order is not None:
        review_trigger_raise(
            case=case,
            kind=TriggerKind.BREACH,
            acting_user=acting_user,
            reason=f"Breach of the {order.short_label}: {what}.",
        )
    else:
        review_trigger_raise(
            case=case, kind=TriggerKind.NEW_INCIDENT, acting_user=acting_user, reason=f"{what}."
        )
    return incident


@transaction.atomic
def review_request(*, case: Case, acting_user: Any, reason: str) -> Any:
    """Someone asks for the case to come back for re-review: an advocate's concern, or new information."""
    _casework_only(acting_user, case)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the case needs a re-review"})
    kind = (
        TriggerKind.ADVOCATE_CONCERN
        if acting_user.agency_kind in ADVOCACY_KINDS
        else TriggerKind.NEW_INFORMATION
    )
    return review_trigger_raise(case=case, kind=kind, reason=reason, acting_user=acting_user)


def case_anonymise_monitoring_records(case: Case) -> dict[str, int]:
    """Blank the free text of the case's incidents, keeping the
    figures (dates, behaviours, severities, reporters) - for anonymisation at retention review
    (registered with cases.retention). The caller holds the transaction and logs."""
    return {
        "incidents": Incident.objects.filter(case=case).update(description=ANONYMISED, reporter_detail=""),
    }
