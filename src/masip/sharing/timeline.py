"""Timeline entries for information partners shared (only what the viewer may see)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from masip.cases.timeline import TimelineEntry, register
from masip.sharing.selectors import health_summaries_for_case, information_for_case

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


@register
def information_entries(case: Case, user: User) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(
            when=e.recorded_at,
            kind="information",
            title=f"{e.source_agency} shared: {e.title}",
            actor=str(e.recorded_by),
            lines=(f"Category: {e.get_category_display()}",),
        )
        for e in information_for_case(user, case)
    ]
    entries += [
        TimelineEntry(
            when=s.shared_at,
            kind="information",
            title=f"Health summary shared by {s.source_agency} with {s.recipient_agency}",
            actor=str(s.shared_by),
            lines=(f"Purpose: {s.purpose}",),
        )
        for s in health_summaries_for_case(user, case)
    ]
    return entries
