"""Writes to people records. Callers hold the transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from masip.audit.actions import AuditAction
from masip.audit.history import stale_edit
from masip.audit.services import log_changes
from masip.people.matching import contact_key, identifier_value, name_key
from masip.people.models import ContactDetail, ContactKind, Person, PersonAlias, PersonIdentifier

# Field labels for the message refusing an edit based on an older version.
PERSON_FIELD_LABELS = {
    "full_name": "full name",
    "description": "description",
    "date_of_birth": "date of birth",
    "age_range": "age range",
    "sex": "sex",
}


@dataclass
class PersonDetails:
    """What a referral says about a person. Only a name or a description is required."""

    full_name: str = ""
    description: str = ""
    aliases: list[str] = field(default_factory=list)
    date_of_birth: date | None = None
    age_range: str = ""
    sex: str = "unknown"
    address: str = ""
    phone: str = ""
    email: str = ""
    identifiers: dict[str, str] = field(default_factory=dict)  # scheme -> value


def person_create(*, partnership: Any, acting_user: Any, details: PersonDetails) -> Person:
    person = Person(
        partnership=partnership,
        full_name=details.full_name.strip(),
        description=details.description.strip(),
        date_of_birth=details.date_of_birth,
        age_range=details.age_range,
        sex=details.sex or "unknown",
        created_by=acting_user,
    )
    person.refresh_keys()
    person.save()
    _add_known_details(person, details)
    return person


def person_add_details(*, person: Person, details: PersonDetails, acting_user: Any = None) -> Person:
    """Add what a new referral says about someone already known, without overwriting.

    A different spelling of the name becomes an alias; a missing date of birth
    or age range is filled in; new identifiers and contact details are added
    (a changed address replaces the current one).
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = {f: getattr(person, f) for f in PERSON_FIELD_LABELS}
    changed = []
    typed_name = details.full_name.strip()
    if typed_name and name_key(typed_name) != person.name_key:
        if not person.full_name:
            person.full_name = typed_name
            person.refresh_keys()
            changed += ["full_name", *Person.KEY_FIELDS]
        else:
            details = PersonDetails(**{**details.__dict__, "aliases": [typed_name, *details.aliases]})
    if details.date_of_birth and not person.date_of_birth:
        person.date_of_birth = details.date_of_birth
        changed.append("date_of_birth")
    if details.age_range and not person.age_range and not person.date_of_birth:
        person.age_range = details.age_range
        changed.append("age_range")
    if changed:
        # A filled-in name or date of birth is a change an open edit form must not undo.
        person.version += 1
        person.save(update_fields=[*changed, "version"])
        log_changes(
            actor=acting_user, action=AuditAction.PERSON_ADD_DETAILS, record=person, partnership=person.partnership_id,
            before={f: before[f] for f in changed if f in before},
            after={f: getattr(person, f) for f in changed if f in before},
            reason="Added from a new referral", details={"version": person.version},
        )
    _add_known_details(person, details)
    return person


def _add_known_details(person: Person, details: PersonDetails) -> None:
    known_aliases = {name_key(a.name) for a in person.aliases.all()} | {person.name_key}
    new_aliases = []
    for alias in details.aliases:
        key = name_key(alias)
        if alias.strip() and key not in known_aliases:
            known_aliases.add(key)
            new_aliases.append(PersonAlias.for_name(person, alias))
    PersonAlias.objects.bulk_create(new_aliases)

    existing_ids = set(person.identifiers.values_list("scheme", "value"))
    typed_ids = {(scheme, identifier_value(scheme, value)) for scheme, value in details.identifiers.items()}
    PersonIdentifier.objects.bulk_create(
        PersonIdentifier(person=person, scheme=scheme, value=value)
        for scheme, value in sorted(typed_ids)
        if value and (scheme, value) not in existing_ids
    )

    for kind, value in (
        (ContactKind.ADDRESS, details.address),
        (ContactKind.PHONE, details.phone),
        (ContactKind.EMAIL, details.email),
    ):
        value = value.strip()
        if not value:
            continue
        current = person.contact_details.filter(kind=kind, is_current=True)
        key = contact_key(kind, value)
        if current.filter(value=value).exists() or (key and current.filter(match_key=key).exists()):
            continue  # the same number or address, perhaps written differently
        current.update(is_current=False)
        ContactDetail.for_value(person, kind, value).save()


def person_update(
    *, person: Person, acting_user: Any, changes: dict[str, Any], reason: str, expected_version: int
) -> Person:
    """Correct a person's identifying details, with field-level history in the audit trail.

    expected_version is the version the edit form was opened at: a save based on
    an older one is refused with what changed meanwhile, never applied over it.
    """
    from django.db import transaction

    fields = list(PERSON_FIELD_LABELS)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.version != expected_version:
            raise stale_edit(
                locked, expected_version=expected_version, current_version=locked.version,
                what="this person's record", labels=PERSON_FIELD_LABELS,
                actions=("person.update", "person.add_details"),
            )
        before = {f: getattr(locked, f) for f in fields}
        for field_name in fields:
            if field_name in changes:
                value = changes[field_name]
                setattr(locked, field_name, value.strip() if isinstance(value, str) else value)
        after = {f: getattr(locked, f) for f in fields}
        if after == before:
            return locked
        locked.refresh_keys()
        locked.version += 1
        locked.save(update_fields=[*fields, *Person.KEY_FIELDS, "version"])
        log_changes(
            actor=acting_user, action=AuditAction.PERSON_UPDATE, record=locked, partnership=locked.partnership,
            before=before, after=after, reason=reason, details={"version": locked.version},
        )
    return locked
