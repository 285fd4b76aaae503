"""Every change to referrals and triage goes through these functions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from masip.access import policy
from masip.audit.actions import AuditAction
from masip.audit.models import Operation
from masip.audit.services import Subject, log_changes, log_event
from masip.partnerships.models import Partnership
from masip.people.models import Person
from masip.people.services import PersonDetails, person_add_details, person_create
from masip.referrals.choices import PartyRole, StalkingView, TriageOutcome
from masip.referrals.models import Referral, ReferralParty, ReportedIncident, TriageDecision
from masip.referrals.registry import case_handler
from masip.referrals.triage_context import acceptance_refusals
from masip.referrals.urgency import urgency_score


@dataclass
class PartyInput:
    role: str
    details: PersonDetails
    existing_person_id: int | None = None  # chosen in search-before-create, or matched by intake
    relationship_to_suspect: str = ""
    confirmed_new: bool = False  # the person entering it said "none of these: a new person"
    # Set by intake (referrals.intake), stored on the party:
    candidate_matches: list[dict] = field(default_factory=list)  # waiting for a person to confirm
    match_note: str = ""


@dataclass
class ReferralInput:
    source_agency_kind: str
    channel: str
    received_on: date
    recorded_offence: str
    summary: str
    source_agency_name: str = ""
    crime_reference: str = ""
    area: str = ""
    behaviours: list[str] = field(default_factory=list)
    victim_very_frightened: bool = False
    referrer_name: str = ""
    referrer_role: str = ""
    referrer_phone: str = ""
    referrer_email: str = ""
    parties: list[PartyInput] = field(default_factory=list)
    incidents: list[tuple[date, str]] = field(default_factory=list)
    possible_duplicate_of_id: int | None = None
    duplicate_confirmed: bool = False  # "a separate referral with the same crime reference"


def _next_reference(partnership: Partnership, counter: str, letter: str) -> str:
    """Allocate the partnership's next number under a row lock (no two referrals share one)."""
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    number = getattr(locked, counter)
    setattr(locked, counter, number + 1)
    locked.save(update_fields=[counter])
    return f"{locked.code}-{letter}{number:05d}"


@transaction.atomic
def referral_create(*, partnership: Partnership, acting_user: Any, data: ReferralInput) -> Referral:
    """Record a referral exactly as given: each party is the existing person named, or a new one.

    This is intake's last step. Referrals from people and machines come in through
    `referrals.intake.referral_intake`, which normalises, validates, looks for duplicates
    and known people, and then calls this; seeding and tests call it directly.
    """
    if not policy.does_casework_in(acting_user, partnership):
        raise PermissionDenied("You are not a member of this partnership's unit.")
    suspects = [p for p in data.parties if p.role == PartyRole.SUSPECT]
    victims = [p for p in data.parties if p.role == PartyRole.VICTIM]
    if len(suspects) != 1:
        raise ValidationError(
            "A referral names exactly one suspect (a description will do if the name is unknown)."
        )
    if not victims:
        raise ValidationError("A referral names at least one victim.")

    referral = Referral.objects.create(
        partnership=partnership,
        reference=_next_reference(partnership, "next_referral_number", "R"),
        source_agency_kind=data.source_agency_kind,
        source_agency_name=data.source_agency_name,
        channel=data.channel,
        received_on=data.received_on,
        crime_reference=data.crime_reference,
        recorded_offence=data.recorded_offence,
        current_offence=data.recorded_offence,
        area=data.area,
        behaviours=sorted(set(data.behaviours)),
        victim_very_frightened=data.victim_very_frightened,
        summary=data.summary,
        referrer_name=data.referrer_name,
        referrer_role=data.referrer_role,
        referrer_phone=data.referrer_phone,
        referrer_email=data.referrer_email,
        urgency=urgency_score(data.behaviours, victim_very_frightened=data.victim_very_frightened),
        possible_duplicate_of_id=data.possible_duplicate_of_id,
        created_by=acting_user,
    )
    seen: set[int] = set()
    for party in data.parties:
        person = _resolve_person(partnership, acting_user, party)
        if person.pk in seen:
            raise ValidationError(f"{person.display_name} is named twice in this referral.")
        seen.add(person.pk)
        ReferralParty.objects.create(
            referral=referral,
            person=person,
            role=party.role,
            relationship_to_suspect=party.relationship_to_suspect if party.role == PartyRole.VICTIM else "",
            match_pending=bool(party.candidate_matches),
            candidate_matches=party.candidate_matches,
            match_note=party.match_note[:500],
        )
    ReportedIncident.objects.bulk_create(
        ReportedIncident(referral=referral, occurred_on=day, description=text) for day, text in data.incidents
    )
    people = [p.person for p in referral.parties.select_related("person")]
    log_event(
        actor=acting_user, operation=Operation.COLLECTION, action=AuditAction.REFERRAL_CREATE, partnership=partnership,
        subjects=[referral, *people], details={"parties": len(people), "incidents": len(data.incidents)},
    )
    linked = [p for p in data.parties if p.existing_person_id is not None]
    if linked:
        # Linking a new referral to people already known combines records (DPA s.62 "combination").
        log_event(
            actor=acting_user, operation=Operation.COMBINATION, action=AuditAction.PERSON_LINK_EXISTING, partnership=partnership,
            subjects=[
                referral,
                *[Subject("person", p.existing_person_id) for p in linked if p.existing_person_id is not None],
            ],
            details={"how": sorted({p.match_note or "chosen by the person entering the referral" for p in linked})},
        )
    return referral


def suspect_open_case(referral: Referral) -> Any:
    """The open case of this referral's suspect in its partnership, if there is one."""
    suspect = next((p for p in referral.parties.all() if p.role == PartyRole.SUSPECT), None)
    if suspect is None or suspect.match_pending:
        return None  # who the suspect is has not been confirmed yet
    return case_handler().open_case_of_suspect(referral.partnership, suspect.person_id)


def note_open_case(*, referral: Referral, acting_user: Any) -> Any:
    """A referral about the suspect of an open case joins it: the case is brought back for
    re-review at once, and acceptance at triage puts the referral into it (no second case)."""
    case = suspect_open_case(referral)
    if case is not None:
        case_handler().note_new_referral(case=case, referral=referral, acting_user=acting_user)
    return case


def _resolve_person(partnership: Partnership, acting_user: Any, party: PartyInput) -> Person:
    if party.existing_person_id is None:
        return person_create(partnership=partnership, acting_user=acting_user, details=party.details)
    # A forged id for someone in another partnership is refused as unknown.
    try:
        person = Person.objects.get(pk=party.existing_person_id, partnership=partnership)
    except Person.DoesNotExist as exc:
        raise ValidationError("The person chosen as an existing match was not found.") from exc
    return person_add_details(person=person, details=party.details, acting_user=acting_user)


@dataclass
class TriageInput:
    is_stalking: str
    outcome: str
    fixated: bool = False
    fixated_note: str = ""
    obsessive: bool = False
    obsessive_note: str = ""
    unwanted: bool = False
    unwanted_note: str = ""
    repeated: bool = False
    repeated_note: str = ""
    corrected_offence: str = ""
    advice_text: str = ""
    signpost_agency: str = ""
    signpost_reason: str = ""
    close_reason: str = ""
    revision_reason: str = ""
    based_on_decision_id: int | None = None  # the current decision the user saw, if any


@transaction.atomic
def triage_decide(*, referral: Referral, acting_user: Any, decision: TriageInput) -> TriageDecision:
    """Record a triage decision (or a revision of the current one).

    Accepting opens a case, or joins the suspect's open case in this
    partnership and raises a re-review trigger there.
    """
    partnership = referral.partnership
    if not policy.can_triage(acting_user, partnership):
        raise PermissionDenied(policy.triage_refusal_reason(acting_user, partnership))
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    before = {"status": referral.status, "current_offence": referral.current_offence, "case": str(referral.case or "")}
    previous = referral.triage_decisions.select_related("decided_by").order_by("-decided_at", "-id").first()
    if previous is not None and previous.pk != decision.based_on_decision_id:
        raise ValidationError(stale_decision_message(previous), code="stale_decision")
    if previous and not decision.revision_reason.strip():
        raise ValidationError({"revision_reason": "Enter why the earlier triage decision is being revised"})
    waiting = list(referral.parties.filter(match_pending=True))
    if waiting:
        roles = " and ".join(sorted({p.get_role_display().lower() for p in waiting}))
        raise ValidationError(
            f"Confirm who the {roles} named in this referral {'are' if len(waiting) > 1 else 'is'} before triage: "
            "the system found people already known who may be the same.",
            code="match_pending",
        )
    _check_outcome_detail(decision)

    row = TriageDecision(
        referral=referral,
        decided_by=acting_user,
        decided_at=timezone.now(),
        is_stalking=decision.is_stalking,
        fixated=decision.fixated,
        fixated_note=decision.fixated_note if decision.fixated else "",
        obsessive=decision.obsessive,
        obsessive_note=decision.obsessive_note if decision.obsessive else "",
        unwanted=decision.unwanted,
        unwanted_note=decision.unwanted_note if decision.unwanted else "",
        repeated=decision.repeated,
        repeated_note=decision.repeated_note if decision.repeated else "",
        corrected_offence=(
            decision.corrected_offence if decision.corrected_offence != referral.recorded_offence else ""
        ),
        outcome=decision.outcome,
        advice_text=decision.advice_text if decision.outcome == TriageOutcome.ADVICE else "",
        signpost_agency=decision.signpost_agency if decision.outcome == TriageOutcome.SIGNPOST else "",
        signpost_reason=decision.signpost_reason if decision.outcome == TriageOutcome.SIGNPOST else "",
        close_reason=decision.close_reason if decision.outcome == TriageOutcome.CLOSE else "",
        revises=previous,
        revision_reason=decision.revision_reason.strip() if previous else "",
    )

    if decision.outcome == TriageOutcome.ACCEPT:
        # What other contexts require first, e.g. a signed-off S-DASH (assessments registers it).
        refusals = acceptance_refusals(referral)
        if refusals:
            raise ValidationError({"outcome": " ".join(refusals)})
        if referral.case_id is None:
            case, joined = case_handler().take_referral(referral=referral, acting_user=acting_user)
        else:
            case, joined = referral.case, False  # accepted before; stays where it is
        row.case, row.joined_existing_case = case, joined
        referral.case = case
    elif referral.case_id is not None:
        case_handler().release_referral(
            referral=referral, acting_user=acting_user, reason=decision.revision_reason
        )
        referral.case = None

    row.save()
    referral.status = decision.outcome
    referral.current_offence = row.corrected_offence or referral.recorded_offence
    referral.save(update_fields=["status", "current_offence", "case"])
    after = {"status": referral.status, "current_offence": referral.current_offence, "case": str(referral.case or "")}
    # A revision that changes no field is still an alteration of the triage record.
    logged = log_changes(
        actor=acting_user, action=AuditAction.TRIAGE_DECIDE, record=referral, partnership=partnership, before=before,
        after=after, reason=row.revision_reason, extra_subjects=[referral.case] if referral.case else [],
    )
    if logged is None:
        log_event(
            actor=acting_user, operation=Operation.ALTERATION, action=AuditAction.TRIAGE_DECIDE, partnership=partnership,
            subjects=[referral], reason=row.revision_reason,
        )
    return row


def stale_decision_message(current: TriageDecision) -> str:
    return (
        f"{current.decided_by} recorded a triage decision on {current.referral.reference} "
        f"({current.get_outcome_display().lower()}) while you were deciding. "
        "Read it above, and revise it if you need to."
    )


MARKERS_MESSAGE = (
    "Select at least one marker of stalking (fixated, obsessive, unwanted, repeated), "
    "or choose another answer to whether this is stalking"
)


def _check_outcome_detail(decision: TriageInput) -> None:
    # Stalking is fixated, obsessive, unwanted and repeated behaviour (FOUR): calling it
    # stalking names at least one of them.
    if decision.is_stalking == StalkingView.YES and not (
        decision.fixated or decision.obsessive or decision.unwanted or decision.repeated
    ):
        raise ValidationError({"fixated": MARKERS_MESSAGE})
    required: dict[str, tuple[str, str]] = {
        TriageOutcome.ADVICE: ("advice_text", "Enter the advice given to the officer in charge"),
        TriageOutcome.SIGNPOST: ("signpost_agency", "Enter the agency the referral is signposted to"),
        TriageOutcome.CLOSE: ("close_reason", "Enter why the referral is closed"),
    }
    if decision.outcome not in TriageOutcome.values:
        raise ValidationError({"outcome": "Select what happens next"})
    if decision.outcome in required:
        name, message = required[decision.outcome]
        if not getattr(decision, name).strip():
            raise ValidationError({name: message})
    if decision.outcome == TriageOutcome.SIGNPOST and not decision.signpost_reason.strip():
        raise ValidationError({"signpost_reason": "Enter why the referral is signposted there"})
