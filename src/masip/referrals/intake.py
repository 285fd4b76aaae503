"""The one door for referrals: the referral form, the API and the bulk import all come in here.

`referral_intake` normalises what was sent, validates the crime reference and
dates, looks for an earlier referral with the same crime reference, matches
each person named against the people the partnership already knows, and joins
the suspect's open case (a re-review trigger at once; acceptance at triage puts
the referral into that case rather than opening a second one).

Who decides a match depends on the door:

- the form (IntakeMode.FORM): the person entering the referral is shown the
  matches and chooses one or "a new person"; nothing is saved until every
  offer and any possible duplicate is answered;
- a machine (IntakeMode.UNATTENDED: the API, the bulk import): the referral is
  always saved; a person is linked only when exactly one strong match stands
  out (people.matching.unattended_choice); otherwise the person is recorded as
  sent and the referral waits in triage with its candidate matches until the
  triager confirms who it is (`referral_confirm_person`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from masip.access import policy
from masip.audit.actions import AuditAction
from masip.audit.models import Operation
from masip.audit.services import Subject, log_event
from masip.partnerships.models import Partnership
from masip.people.matching import identifier_value, unattended_choice
from masip.people.models import ContactKind, Person
from masip.people.selectors import PersonMatch, person_matches, typed_person
from masip.people.services import PersonDetails, person_add_details
from masip.referrals import services
from masip.referrals.choices import PartyRole
from masip.referrals.models import Referral, ReferralParty
from masip.referrals.selectors import referrals_with_crime_reference


class IntakeMode(StrEnum):
    FORM = "form"  # a person at the referral form answers every offer of a known person
    UNATTENDED = "unattended"  # the API or a bulk import: links only a clear match, else waits in triage


@dataclass
class IntakeResult:
    referral: Referral | None = None
    duplicates: list[Referral] = field(default_factory=list)
    # Per party (index into ReferralInput.parties): the known people it may be.
    matches: dict[int, list[PersonMatch]] = field(default_factory=dict)
    # FORM: the parties whose offer is still unanswered (nothing was saved).
    unanswered: list[int] = field(default_factory=list)
    duplicate_unconfirmed: bool = False
    # The person each party was linked to, and how ("new", "chosen", "matched", "waiting").
    linked: dict[int, str] = field(default_factory=dict)
    open_case: Any = None  # the suspect's open case, which the referral joins

    @property
    def needs_decision(self) -> bool:
        return self.referral is None

    @property
    def waiting(self) -> list[int]:
        return [i for i, how in self.linked.items() if how == "waiting"]


# -- normalisation and validation ---------------------------------------------------


def normalise_crime_reference(partnership: Partnership, value: str) -> str:
    """Upper case without spaces; must fit the partnership's force's format."""
    value = re.sub(r"\s+", "", value or "").upper()
    if value and not re.match(partnership.crime_reference_pattern, value):
        raise ValidationError(
            {
                "crime_reference": (
                    f"Enter the crime reference in the format {partnership.name} uses, "
                    f"like {partnership.crime_reference_example}"
                )
            }
        )
    return value


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _normalise_person(details: PersonDetails) -> PersonDetails:
    return replace(
        details,
        full_name=_clean(details.full_name),
        description=_clean(details.description),
        aliases=[_clean(a) for a in details.aliases if _clean(a)],
        phone=details.phone.strip(),
        email=details.email.strip(),
        address=details.address.strip(),
        identifiers={
            scheme: identifier_value(scheme, value)
            for scheme, value in details.identifiers.items()
            if identifier_value(scheme, value)
        },
    )


def normalise(partnership: Partnership, data: services.ReferralInput) -> services.ReferralInput:
    """What every door does to a referral before anything else: tidy it and check what
    the form and the API both require. Raises ValidationError keyed by field."""
    errors: dict[str, str] = {}
    try:
        crime_reference = normalise_crime_reference(partnership, data.crime_reference)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        crime_reference = data.crime_reference
    today = timezone.localdate()
    if data.received_on > today:
        errors["received_on"] = "Date received must be today or in the past"
    if any(day > data.received_on for day, _ in data.incidents):
        errors["incidents"] = "Incidents must be on or before the date the referral was received"
    area = _clean(data.area)
    if area and area not in partnership.areas:
        errors["area"] = f"Not an area of {partnership.name}"
    parties = [replace(p, details=_normalise_person(p.details)) for p in data.parties]
    for party in parties:
        if not (party.details.full_name or party.details.description):
            errors["parties"] = "Give each person's name, or a description if the name is not known"
        if party.role == PartyRole.VICTIM and not party.relationship_to_suspect:
            errors["parties"] = "Give the suspect's relationship to each victim"
    if errors:
        raise ValidationError(errors)
    return replace(
        data,
        crime_reference=crime_reference,
        area=area,
        source_agency_name=_clean(data.source_agency_name),
        summary=data.summary.strip(),
        referrer_name=_clean(data.referrer_name),
        referrer_role=_clean(data.referrer_role),
        referrer_phone=data.referrer_phone.strip(),
        referrer_email=data.referrer_email.strip(),
        behaviours=sorted(set(data.behaviours)),
        incidents=[(day, text.strip()) for day, text in data.incidents],
        parties=parties,
    )


# -- the door ---------------------------------------------------------------------------


def _worth_matching(details: PersonDetails) -> bool:
    return bool(details.full_name or details.identifiers or details.phone or details.email)


def _candidates_json(matches: list[PersonMatch]) -> list[dict]:
    return [
        {"person_id": m.person.pk, "strength": m.match.strength.name.lower(), "reasons": list(m.match.reasons)}
        for m in matches
    ]


def referral_intake(
    *, partnership: Partnership, acting_user: Any, data: services.ReferralInput, mode: IntakeMode
) -> IntakeResult:
    """Take a referral in through the one door. See the module's docstring for what it does.

    FORM: returns without saving (result.needs_decision) while an offer of a known person
    or a possible duplicate is unanswered. UNATTENDED: always saves.
    """
    if not policy.does_casework_in(acting_user, partnership):
        raise PermissionDenied("You are not a member of this partnership's unit.")
    data = normalise(partnership, data)
    result = IntakeResult(duplicates=list(referrals_with_crime_reference(partnership, data.crime_reference)))
    resolved: list[services.PartyInput] = []
    for index, party in enumerate(data.parties):
        found = (
            person_matches(acting_user, partnership, typed=typed_person(party.details))
            if _worth_matching(party.details)
            else []
        )
        if found:
            result.matches[index] = found
        resolved.append(_resolve(index, party, found, mode, result))
    if mode == IntakeMode.FORM:
        result.duplicate_unconfirmed = bool(result.duplicates) and not data.duplicate_confirmed
        if result.unanswered or result.duplicate_unconfirmed:
            return result
    data = replace(
        data, parties=resolved, possible_duplicate_of_id=result.duplicates[0].pk if result.duplicates else None
    )
    with transaction.atomic():
        referral = services.referral_create(partnership=partnership, acting_user=acting_user, data=data)
        consulted = {m.person.pk for found in result.matches.values() for m in found}
        if consulted and mode == IntakeMode.UNATTENDED:
            # A machine read these people's records to grade them (a person at the form is
            # logged by the page that shows them the matches).
            log_event(
                actor=acting_user, operation=Operation.CONSULTATION, action=AuditAction.PERSON_MATCH, partnership=partnership,
                subjects=[referral, *[Subject("person", pk) for pk in sorted(consulted)]],
                details={"waiting_for_confirmation": len(result.waiting)},
            )
        result.referral = referral
        result.open_case = services.note_open_case(referral=referral, acting_user=acting_user)
    return result


def _resolve(
    index: int, party: services.PartyInput, found: list[PersonMatch], mode: IntakeMode, result: IntakeResult
) -> services.PartyInput:
    ids = {m.person.pk for m in found}
    if mode == IntakeMode.FORM:
        # A choice stands only while it is among the matches for what is typed now (the
        # name may have been edited since, or the id forged).
        if party.existing_person_id in ids:
            chosen = next(m for m in found if m.person.pk == party.existing_person_id)
            result.linked[index] = "chosen"
            note = "Chosen at the referral form: " + ", ".join(chosen.match.reasons)
            return replace(party, match_note=note)
        if found and not party.confirmed_new:
            result.unanswered.append(index)
        result.linked[index] = "new"
        note = "Confirmed as a new person at the referral form" if found else ""
        return replace(party, existing_person_id=None, match_note=note)
    choice = unattended_choice(m.match for m in found)
    if choice is not None:
        chosen = next(m for m in found if m.person.pk == choice)
        result.linked[index] = "matched"
        return replace(
            party, existing_person_id=choice,
            match_note="Matched when the referral arrived: " + ", ".join(chosen.match.reasons),
        )
    if found:
        result.linked[index] = "waiting"
        return replace(party, existing_person_id=None, candidate_matches=_candidates_json(found))
    result.linked[index] = "new"
    return replace(party, existing_person_id=None)


# -- confirming a match the machine could not decide -------------------------------------


def _details_of(person: Person) -> PersonDetails:
    """Everything recorded about a person, as a referral would give it (to add to another record)."""
    contacts = {c.kind: c.value for c in person.contact_details.filter(is_current=True)}
    return PersonDetails(
        full_name=person.full_name,
        description=person.description,
        aliases=[a.name for a in person.aliases.all()],
        date_of_birth=person.date_of_birth,
        age_range=person.age_range,
        sex=person.sex,
        address=contacts.get(ContactKind.ADDRESS, ""),
        phone=contacts.get(ContactKind.PHONE, ""),
        email=contacts.get(ContactKind.EMAIL, ""),
        identifiers={i.scheme: i.value for i in person.identifiers.all()},
    )


@transaction.atomic
def referral_confirm_person(*, party: ReferralParty, acting_user: Any, person_id: int | None) -> ReferralParty:
    """The triager says who a party waiting at triage is: one of its candidate matches
    (`person_id`), or a new person (None). Linking moves what the referral said onto the
    known person's record and removes the record intake made for it; both are logged."""
    referral = Referral.objects.select_for_update().select_related("partnership").get(pk=party.referral_id)
    partnership = referral.partnership
    if not policy.can_triage(acting_user, partnership):
        raise PermissionDenied(policy.triage_refusal_reason(acting_user, partnership))
    party = ReferralParty.objects.select_related("person").get(pk=party.pk)
    if not party.match_pending:
        raise ValidationError("Who this is has already been confirmed.", code="stale")
    candidate_ids = [c["person_id"] for c in party.candidate_matches]
    provisional = party.person
    if person_id is None:
        party.match_pending = False
        party.match_note = f"Confirmed as a new person at triage by {acting_user}"
        party.save(update_fields=["match_pending", "match_note"])
        log_event(
            actor=acting_user, operation=Operation.ALTERATION, action=AuditAction.PERSON_CONFIRM_NEW, partnership=partnership,
            subjects=[referral, provisional],
            details={"role": party.role, "candidates": candidate_ids},
        )
        return party
    if person_id not in candidate_ids:
        raise ValidationError({"person": "Choose one of the people listed, or a new person"})
    known = Person.objects.select_for_update().filter(pk=person_id, partnership=partnership).first()
    if known is None:
        raise ValidationError({"person": "That person is no longer on the system: choose again"})
    if referral.parties.filter(person=known, role=party.role).exists():
        raise ValidationError({"person": f"{known.display_name} is already named in this referral as {party.role}"})
    person_add_details(person=known, details=_details_of(provisional))
    chosen = next(c for c in party.candidate_matches if c["person_id"] == person_id)
    party.person = known
    party.match_pending = False
    party.match_note = f"Confirmed at triage by {acting_user}: " + ", ".join(chosen["reasons"])
    party.save(update_fields=["person", "match_pending", "match_note"])
    provisional_id = provisional.pk
    still_used = provisional.referral_parties.exists() or provisional.case_parties.exists()
    if not still_used:
        # Made by intake for this referral alone; its details now live on the known person.
        provisional.delete()
    log_event(
        actor=acting_user, operation=Operation.COMBINATION, action=AuditAction.PERSON_CONFIRM_MATCH, partnership=partnership,
        subjects=[referral, known, Subject("person", provisional_id)],
        details={
            "role": party.role, "strength": chosen["strength"], "reasons": chosen["reasons"],
            "record_made_at_intake": "merged and removed" if not still_used else "kept (used elsewhere)",
        },
    )
    if party.role == PartyRole.SUSPECT:
        referral = Referral.objects.prefetch_related("parties").get(pk=referral.pk)
        services.note_open_case(referral=referral, acting_user=acting_user)
    return party
