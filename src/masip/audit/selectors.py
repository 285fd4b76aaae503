from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from masip.access import policy
from masip.audit.models import AuditEvent, AuditSubject
from masip.cases.models import Case
from masip.cases.selectors import cases_visible_to
from masip.people.models import Person
from masip.people.selectors import people_visible_to


def _events_about(pairs: Iterable[tuple[str, list[int]]]) -> QuerySet[AuditEvent]:
    condition = Q(pk__in=[])
    for object_type, ids in pairs:
        if ids:
            condition |= Q(object_type=object_type, object_id__in=ids)
    event_ids = AuditSubject.objects.filter(condition).values("event_id")
    return AuditEvent.objects.filter(pk__in=event_ids).prefetch_related("subjects", "field_changes").order_by("-at", "-id")


def case_for_audit(user: Any, pk: int) -> Case:
    """A case in a partnership the user manages; otherwise not found."""
    return get_object_or_404(
        cases_visible_to(user).filter(partnership_id__in=policy.managed_partnership_ids(user)).select_related("partnership"),
        pk=pk,
    )


def person_for_audit(user: Any, pk: int) -> Person:
    return get_object_or_404(
        people_visible_to(user).filter(partnership_id__in=policy.managed_partnership_ids(user)).select_related("partnership"),
        pk=pk,
    )


def case_events(case: Case, *, operation: str = "") -> QuerySet[AuditEvent]:
    """Everything logged about the case, its referrals and its people."""
    referral_ids = list(case.referrals.values_list("pk", flat=True))
    person_ids = list(case.parties.values_list("person_id", flat=True))
    qs = _events_about([("case", [case.pk]), ("referral", referral_ids), ("person", person_ids)])
    return qs.filter(operation=operation) if operation else qs


def person_events(person: Person, *, operation: str = "") -> QuerySet[AuditEvent]:
    qs = _events_about([("person", [person.pk])])
    return qs.filter(operation=operation) if operation else qs


def staff_activity(
    user: Any, staff_id: int, *, since: date | None = None, until: date | None = None, operation: str = ""
) -> QuerySet[AuditEvent]:
    """A staff member's logged activity within the partnerships the viewer manages."""
    qs = AuditEvent.objects.filter(
        user_id=staff_id, partnership_id__in=policy.managed_partnership_ids(user)
    ).prefetch_related("subjects", "field_changes")
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    if operation:
        qs = qs.filter(operation=operation)
    return qs.order_by("-at", "-id")


def managed_staff(user: Any) -> QuerySet:
    from masip.accounts.models import User

    return (
        User.objects.filter(memberships__partnership_id__in=policy.managed_partnership_ids(user))
        .select_related("agency")
        .distinct()
        .order_by("last_name", "first_name")
    )


def staff_member_for_review(user: Any, staff_id: int):
    return get_object_or_404(managed_staff(user), pk=staff_id)
