from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from masip.access import policy
from masip.audit import registry
from masip.audit.models import AuditEvent, AuditSubject


def _events_about(pairs: Iterable[tuple[str, list[int]]]) -> QuerySet[AuditEvent]:
    condition = Q(pk__in=[])
    for object_type, ids in pairs:
        if ids:
            condition |= Q(object_type=object_type, object_id__in=ids)
    event_ids = AuditSubject.objects.filter(condition).values("event_id")
    return AuditEvent.objects.filter(pk__in=event_ids).prefetch_related("subjects", "field_changes").order_by("-at", "-id")


def audited(user: Any, kind: str, pk: int) -> Any:
    """A record of a registered kind (a case, a person) in a partnership the user manages;
    otherwise not found (audit/registry.py)."""
    return registry.audited_kind(kind).find(user, pk)


def events_about(kind: str, record: Any, *, operation: str = "") -> QuerySet[AuditEvent]:
    """Everything logged about the record and what it covers (a case: its referrals and people)."""
    qs = _events_about(registry.audited_kind(kind).covers(record))
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
    return (
        get_user_model().objects.filter(memberships__partnership_id__in=policy.managed_partnership_ids(user))
        .select_related("agency")
        .distinct()
        .order_by("last_name", "first_name")
    )


def staff_member_for_review(user: Any, staff_id: int):
    return get_object_or_404(managed_staff(user), pk=staff_id)


def event_count(events: QuerySet[AuditEvent]) -> int:
    return events.count()


def managed_staff_member(user: Any, pk: int) -> Any:
    """A member of staff in a partnership the user manages (404 elsewhere)."""
    return get_object_or_404(managed_staff(user), pk=pk)
