"""People as records the audit screens report on (registered with audit/registry.py in
PeopleConfig.ready()): the export of a person's log entries."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from masip.access import policy
from masip.audit.registry import register_audited_kind
from masip.people.models import Person
from masip.people.selectors import people_visible_to


def person_for_audit(user: Any, pk: int) -> Person:
    """A person in a partnership the user manages; otherwise not found."""
    return get_object_or_404(
        people_visible_to(user).filter(partnership_id__in=policy.managed_partnership_ids(user)).select_related("partnership"),
        pk=pk,
    )


def person_covers(person: Person) -> list[tuple[str, list[int]]]:
    return [("person", [person.pk])]


def person_name(person: Person) -> str:
    return f"person-{person.pk}"


def register() -> None:
    register_audited_kind("person", find=person_for_audit, covers=person_covers, name=person_name)
