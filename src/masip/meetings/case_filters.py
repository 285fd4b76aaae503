"""The case list's "on a coming agenda" filter, registered with cases (cases/registry.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from masip.cases.registry import CaseFilter, register_case_filter
from masip.meetings.models import AgendaItem, MeetingStatus


def on_coming_agenda(cases: QuerySet, partnership: Any) -> QuerySet:
    """On the agenda of a meeting today or later that has not been closed."""
    coming = AgendaItem.objects.filter(
        case=OuterRef("pk"), meeting__partnership=partnership, meeting__held_on__gte=timezone.localdate()
    ).exclude(meeting__status=MeetingStatus.CLOSED)
    return cases.filter(Exists(coming))


register_case_filter(CaseFilter("on_agenda", "On a coming meeting's agenda", on_coming_agenda))
