"""The case timeline: everything that has happened on a case, in order.

Each context contributes its own entries by registering a source function;
the case page merges them. A source runs a fixed number of queries whatever
the size of the case, so the page's query count stays constant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

TimelineSource = Callable[[Any, Any], Iterable["TimelineEntry"]]
_SOURCES: list[TimelineSource] = []


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    kind: str  # a short tag: referral, triage, case, trigger, ...
    title: str
    detail: str = ""
    actor: str = ""
    url: str = ""
    lines: tuple[str, ...] = field(default_factory=tuple)
    date_only: bool = False


def at_start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def register(source: TimelineSource) -> TimelineSource:
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def case_timeline(case: Any, user: Any) -> list[TimelineEntry]:
    """All entries for a case, newest first.

    A date-only entry (a referral received, an incident without a time, an order made) is
    placed at the start of its day: it happened on that day before anything recorded about
    it later that day. Entries at the same moment - several date-only entries of one day -
    are newest first in the order they happened, which is the order each source gives and
    the order sources are registered (the workflow's order); a plain stable sort would put
    them oldest first.
    """
    entries: list[TimelineEntry] = []
    for source in _SOURCES:
        entries.extend(source(case, user))
    positions = {id(entry): index for index, entry in enumerate(entries)}
    entries.sort(key=lambda e: (e.when, positions[id(e)]), reverse=True)
    return entries
