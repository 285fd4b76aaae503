from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from masip.access import policy
from masip.partnerships.models import Partnership
from masip.people.matching import KnownPerson, Match, rank_matches, surname_key
from masip.people.models import ContactDetail, Person, PersonAlias


def people_visible_to(user: Any) -> QuerySet[Person]:
    return Person.objects.filter(partnership_id__in=policy.casework_partnership_ids(user))


def person_get(user: Any, pk: int) -> Person:
    """A person the user may see, with names and identifiers; otherwise not found.

    Contact details are not loaded here: use `contact_details_visible`.
    """
    return get_object_or_404(
        people_visible_to(user).select_related("partnership").prefetch_related("aliases", "identifiers"),
        pk=pk,
    )


def is_victim(person: Person) -> bool:
    from masip.cases.models import CaseParty
    from masip.referrals.models import ReferralParty

    return (
        ReferralParty.objects.filter(person=person, role="victim").exists()
        or CaseParty.objects.filter(person=person, role="victim").exists()
    )


@dataclass(frozen=True)
class ContactView:
    details: list[ContactDetail]
    withheld: bool  # a victim's contact details exist but this user's role does not need them
    protected: bool  # the person is a victim, so their details are protected


def contact_details_visible(user: Any, person: Person) -> ContactView:
    """Current contact details the user may see. A victim's are shown only to the
    agencies that need them (Category.VICTIM_CONTACT)."""
    from masip.access.sharing import can_see_victim_contact

    current = list(ContactDetail.objects.filter(person=person, is_current=True))
    protected = is_victim(person)
    if protected and not can_see_victim_contact(user, person.partnership):
        return ContactView([], withheld=bool(current), protected=True)
    return ContactView(current, withheld=False, protected=protected)


@dataclass(frozen=True)
class PersonMatch:
    person: Person
    match: Match
    roles: list[str]


def person_matches(
    user: Any, partnership: Partnership, *, name: str, date_of_birth: date | None, limit: int = 5
) -> list[PersonMatch]:
    """People already known in this partnership who may be the one being typed in.

    Candidates come from indexed keys (surname on the person or an alias, or
    the same date of birth); `people.matching` grades them.
    """
    if not policy.does_casework_in(user, partnership):
        return []
    key = surname_key(name)
    if not key and date_of_birth is None:
        return []
    condition = Q()
    if key:
        alias_people = PersonAlias.objects.filter(surname_key=key, person__partnership=partnership).values(
            "person_id"
        )
        condition |= Q(surname_key=key) | Q(pk__in=alias_people)
    if date_of_birth is not None:
        condition |= Q(date_of_birth=date_of_birth)
    candidates = list(
        Person.objects.filter(condition, partnership=partnership).prefetch_related(
            "aliases", "referral_parties__referral", "case_parties__case"
        )[:200]
    )
    known = [
        KnownPerson(p.pk, (p.full_name, *(a.name for a in p.aliases.all())), p.date_of_birth)
        for p in candidates
    ]
    by_id = {p.pk: p for p in candidates}
    result = []
    for match in rank_matches(name, date_of_birth, known, limit=limit):
        person = by_id[match.person_id]
        roles = sorted(
            {f"{cp.get_role_display()} in case {cp.case.reference}" for cp in person.case_parties.all()}
            | {
                f"{rp.get_role_display()} in referral {rp.referral.reference}"
                for rp in person.referral_parties.all()
            }
        )
        result.append(PersonMatch(person, match, roles))
    return result
