from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from masip.access import policy
from masip.access.sharing import can_see_victim_contact
from masip.audit.models import FieldChange
from masip.partnerships.models import Partnership
from masip.people.matching import (
    KnownPerson,
    Match,
    NameAgreement,
    TypedPerson,
    contact_key,
    email_key,
    identifier_value,
    name_agreement,
    name_codes,
    name_tokens,
    parse_date_of_birth,
    phone_key,
    rank,
    transposed,
)
from masip.people.models import (
    ContactDetail,
    ContactKind,
    IdentifierScheme,
    Person,
    PersonAlias,
    PersonIdentifier,
)
from masip.people.records import party_records


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
    """A victim on any referral or case (asked of each registered source in turn, people/records.py)."""
    return any(source.is_victim(person) for source in party_records())


@dataclass(frozen=True)
class ContactView:
    details: list[ContactDetail]
    withheld: bool  # a victim's contact details exist but this user's role does not need them
    protected: bool  # the person is a victim, so their details are protected


def contact_details_visible(user: Any, person: Person) -> ContactView:
    """Current contact details the user may see. A victim's are shown only to the
    agencies that need them (Category.VICTIM_CONTACT)."""
    current = list(ContactDetail.objects.filter(person=person, is_current=True))
    protected = is_victim(person)
    if protected and not can_see_victim_contact(user, person.partnership):
        return ContactView([], withheld=bool(current), protected=True)
    return ContactView(current, withheld=False, protected=protected)


# At most this many candidates are read for one typed person or one search term: the
# keys below are indexed, so a query reads only its few buckets, never everyone.
CANDIDATE_CAP = 200


@dataclass(frozen=True)
class PersonMatch:
    person: Person
    match: Match
    roles: list[str]


def typed_person(details: Any) -> TypedPerson:
    """What a referral says about someone (people.services.PersonDetails), for matching."""
    contacts = frozenset(
        key for key in (contact_key("phone", details.phone), contact_key("email", details.email)) if key
    )
    return TypedPerson(details.full_name, details.date_of_birth, dict(details.identifiers), contacts)


def _capped(values_qs, cap: int) -> tuple[set[int], bool]:
    found = list(values_qs[: cap + 1])
    return set(found[:cap]), len(found) > cap


# Each lookup below is a single indexed condition, so that every database plans it as an
# index search whatever its statistics say. Lookups in the alias, identifier and contact
# tables use those tables' own indexes without joining the person (a join lets a planner
# start from everyone in the partnership); people outside the partnerships asked about are
# dropped when the candidates are read (`known_people`).
CHILD_CAP = 1000


def _name_candidates(partnership_ids, name: str, cap: int, *, first_names: bool) -> tuple[set[int], bool]:
    """People whose surname sounds like one of a typed name's tokens; for a name of two or more
    tokens also those whose first name does (the surname may be misspelt beyond its sound, as
    "Saunder" for "Saunders"), and for a one-word search (`first_names`) anyone with that first name.

    Each lookup reads one indexed bucket, capped; the caller grades what comes back.
    """
    tokens = name_tokens(name)
    codes = sorted(name_codes(name))
    if not codes:
        return set(), False
    people = Person.objects.filter(partnership_id__in=partnership_ids)
    queries = []
    if len(tokens) > 1:
        # First those whose first name sounds alike too, so that a cut-off never drops them.
        queries.append(people.filter(surname_phonetic__in=codes, forename_phonetic__in=codes))
    queries += [people.filter(surname_phonetic__in=codes), people.filter(surname_phonetic_alt__in=codes)]
    if len(tokens) > 1 or first_names:
        queries.append(people.filter(forename_phonetic__in=codes))
    ids: set[int] = set()
    truncated = False
    for query in queries:
        found, cut = _capped(query.values_list("pk", flat=True), cap)
        ids |= found
        truncated |= cut
    for column in ("surname_phonetic", "surname_phonetic_alt"):
        found, cut = _capped(
            PersonAlias.objects.filter(**{f"{column}__in": codes}).values_list("person_id", flat=True), CHILD_CAP
        )
        ids |= found
        truncated |= cut
    return ids, truncated


def _dob_candidates(partnership_ids, day, cap: int) -> tuple[set[int], bool]:
    days = [d for d in (day, transposed(day)) if d is not None]
    if not days:
        return set(), False
    return _capped(
        Person.objects.filter(partnership_id__in=partnership_ids, date_of_birth__in=days).values_list("pk", flat=True),
        cap,
    )


def _identifier_candidates(pairs) -> tuple[set[int], bool]:
    ids: set[int] = set()
    truncated = False
    for scheme, value in pairs:
        found, cut = _capped(
            PersonIdentifier.objects.filter(scheme=scheme, value=value).values_list("person_id", flat=True), CHILD_CAP
        )
        ids |= found
        truncated |= cut
    return ids, truncated


def _contact_candidates(user, partnership_ids, keys) -> tuple[set[int], bool]:
    """People with one of these phone numbers or email addresses. A victim's contact details
    are used only for those who may see them (need-to-know): otherwise a match would disclose them."""
    ids: set[int] = set()
    truncated = False
    for kind in (ContactKind.PHONE, ContactKind.EMAIL):
        found, cut = _capped(
            ContactDetail.objects.filter(kind=kind, match_key__in=keys).values_list("person_id", flat=True), CHILD_CAP
        )
        ids |= found
        truncated |= cut
    blind = [p.pk for p in Partnership.objects.filter(pk__in=partnership_ids) if not can_see_victim_contact(user, p)]
    if ids and blind:
        victims = Person.objects.filter(pk__in=ids, partnership_id__in=blind).filter(
            Q(referral_parties__role="victim") | Q(case_parties__role="victim")
        )
        ids -= set(victims.values_list("pk", flat=True))
    return ids, truncated


def known_people(ids: set[int], partnership_ids, *, victim_contacts_visible: bool) -> list[KnownPerson]:
    """What matching needs about each candidate, read as plain values in five queries however
    many there are (the full records are loaded only for the few shown). A victim's phone and
    email are left out for a user who may not see them, so a match cannot disclose them."""
    rows = list(
        Person.objects.filter(pk__in=sorted(ids), partnership_id__in=partnership_ids)
        .order_by("pk")
        .values_list("pk", "full_name", "date_of_birth")
    )
    kept = [pk for pk, _, _ in rows]
    aliases: dict[int, list[str]] = {}
    for person_id, name in PersonAlias.objects.filter(person_id__in=kept).order_by("pk").values_list("person_id", "name"):
        aliases.setdefault(person_id, []).append(name)
    identifiers: dict[int, set[tuple[str, str]]] = {}
    for person_id, scheme, value in PersonIdentifier.objects.filter(person_id__in=kept).values_list(
        "person_id", "scheme", "value"
    ):
        identifiers.setdefault(person_id, set()).add((scheme, value))
    contacts: dict[int, set[str]] = {}
    for person_id, key in ContactDetail.objects.filter(
        person_id__in=kept, is_current=True, kind__in=[ContactKind.PHONE, ContactKind.EMAIL]
    ).exclude(match_key="").values_list("person_id", "match_key"):
        contacts.setdefault(person_id, set()).add(key)
    if contacts and not victim_contacts_visible:
        victims = Person.objects.filter(pk__in=sorted(contacts)).filter(
            Q(referral_parties__role="victim") | Q(case_parties__role="victim")
        )
        for person_id in victims.values_list("pk", flat=True):
            contacts.pop(person_id, None)
    return [
        KnownPerson(
            pk, (full_name, *aliases.get(pk, [])), dob, frozenset(identifiers.get(pk, ())),
            frozenset(contacts.get(pk, ())),
        )
        for pk, full_name, dob in rows
    ]


def _with_details(qs: QuerySet[Person]) -> QuerySet[Person]:
    return qs.select_related("partnership").prefetch_related(
        "aliases", "identifiers", "referral_parties__referral", "case_parties__case",
        Prefetch(
            "contact_details",
            queryset=ContactDetail.objects.filter(is_current=True, kind__in=[ContactKind.PHONE, ContactKind.EMAIL]),
        ),
    )


def candidate_ids(user: Any, partnership: Partnership, typed: TypedPerson, *, cap: int = CANDIDATE_CAP) -> tuple[set[int], bool]:
    """People who might be the one typed in, found through indexed keys only (sound of the
    surname and first name, date of birth or its day-month swap, reference numbers, phone and
    email). Returns their ids and whether any lookup was cut off at `cap`. Ids may include
    people of other partnerships (child-table lookups); readers keep this partnership's."""
    ids: set[int] = set()
    truncated = False
    lookups = [
        _name_candidates([partnership.pk], typed.name, cap, first_names=False) if typed.name else (set(), False),
        _dob_candidates([partnership.pk], typed.date_of_birth, cap),
        _identifier_candidates(sorted(typed.identifier_pairs())),
        _contact_candidates(user, [partnership.pk], sorted(typed.contacts)) if typed.contacts else (set(), False),
    ]
    for found, cut in lookups:
        ids |= found
        truncated |= cut
    return ids, truncated


def person_matches(
    user: Any,
    partnership: Partnership,
    *,
    name: str = "",
    date_of_birth: date | None = None,
    typed: TypedPerson | None = None,
    limit: int = 5,
) -> list[PersonMatch]:
    """People already known in this partnership who may be the one being typed in, strongest first.

    Candidates come from indexed keys (see `candidate_ids`); `people.matching` grades them.
    """
    if not policy.does_casework_in(user, partnership):
        return []
    typed = typed or TypedPerson(name, date_of_birth)
    if not (name_tokens(typed.name) or typed.date_of_birth or typed.identifiers or typed.contacts):
        return []
    ids, _ = candidate_ids(user, partnership, typed)
    if not ids:
        return []
    known = known_people(ids, [partnership.pk], victim_contacts_visible=can_see_victim_contact(user, partnership))
    matches = rank(typed, known, limit=limit)
    shown = {p.pk: p for p in _with_details(Person.objects.filter(pk__in=[m.person_id for m in matches]))}
    return [PersonMatch(shown[m.person_id], m, _roles(shown[m.person_id])) for m in matches]


def _roles(person: Person) -> list[str]:
    return sorted(
        {f"{cp.get_role_display()} in case {cp.case.reference}" for cp in person.case_parties.all()}
        | {f"{rp.get_role_display()} in referral {rp.referral.reference}" for rp in person.referral_parties.all()}
    )


@dataclass(frozen=True)
class PeopleSearch:
    people: list[Person]
    truncated: bool  # more people matched than are shown


def people_search(user: Any, query: str, *, limit: int = 50) -> PeopleSearch:
    """People the user may see, found by name or alias (sounds alike), date of birth,
    PNC ID, probation CRN, NHS number or other reference, phone number or email address.

    Every lookup goes through an index and reads at most CANDIDATE_CAP rows; the people
    found are ordered by how closely their name agrees with the query.
    """
    partnership_ids = list(policy.casework_partnership_ids(user))
    query = query.strip()
    if not partnership_ids or not query:
        return PeopleSearch([], False)
    ids: set[int] = set()
    truncated = False
    lookups = []
    day = parse_date_of_birth(query)
    if day is not None:
        lookups.append(_dob_candidates(partnership_ids, day, CANDIDATE_CAP))
    else:
        compact = re.sub(r"\s+", "", query).upper()
        pairs = [(scheme, identifier_value(scheme, compact)) for scheme in IdentifierScheme.values]
        lookups.append(_identifier_candidates([(s, v) for s, v in pairs if v]))
        keys = []
        if "@" in query:
            keys.append(email_key(query))
        elif len(phone_key(query)) >= 7 and not re.search(r"[A-Za-z]", query):
            keys.append(phone_key(query))
        if keys:
            lookups.append(_contact_candidates(user, partnership_ids, keys))
    for found, cut in lookups:
        ids |= found
        truncated |= cut
    by_name: set[int] = set()
    looks_like_a_name = re.search(r"[A-Za-z]", query) and not re.search(r"[\d@]", query)  # not "2019/12X"
    if day is None and looks_like_a_name:
        by_name, cut = _name_candidates(partnership_ids, query, CANDIDATE_CAP, first_names=True)
        truncated |= cut
    if not (ids or by_name):
        return PeopleSearch([], truncated)
    # Search orders by the name only (phone and email found people above, with the victim rule).
    known = known_people(ids | by_name, partnership_ids, victim_contacts_visible=True)
    several_words = len(name_tokens(query)) > 1

    def agreement(person: KnownPerson) -> NameAgreement:
        return max((name_agreement(query, n) for n in person.names if n), default=NameAgreement.NONE)

    graded = [(agreement(k), k) for k in known]
    # A found name of several words must agree beyond the surname ("Harry Saunders" is not
    # "Mark Saunders"); one word finds everyone with that surname or first name.
    kept = [
        (a, k) for a, k in graded
        if k.id in ids or not several_words or a >= NameAgreement.INITIAL_LAST
    ]
    kept.sort(key=lambda item: (-item[0], item[1].names[0], item[1].id))
    order = [k.id for _, k in kept[:limit]]
    loaded = {p.pk: p for p in _with_details(Person.objects.filter(pk__in=order))}
    people = [loaded[pk] for pk in order]
    truncated |= len(kept) > limit
    return PeopleSearch(people, truncated)


def case_parties_of(person: Person) -> list[Any]:
    """The cases the person is a party to, newest first (the relation belongs to cases)."""
    return list(person.case_parties.select_related("case").order_by("-case__opened_on"))


def referral_parties_of(person: Person) -> list[Any]:
    """The referrals the person is a party to, newest first (the relation belongs to referrals)."""
    return list(person.referral_parties.select_related("referral").order_by("-referral__received_on"))


def changes_to(person: Person, *, latest: int = 50) -> list[FieldChange]:
    """The latest field changes to the person's record, from the audit trail."""
    return list(
        FieldChange.objects.filter(object_type="person", object_id=person.pk)
        .select_related("event")
        .order_by("-event__at", "-id")[:latest]
    )


def person_for_subject_access(user: Any, pk: int) -> Person:
    """A person in a partnership the user manages: only a unit manager answers a subject access request."""
    return get_object_or_404(
        people_visible_to(user).filter(partnership_id__in=policy.managed_partnership_ids(user)), pk=pk
    )
