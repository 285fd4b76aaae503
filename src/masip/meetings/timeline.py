"""Timeline entries for meetings.

Information shared at a meeting is an InformationEntry of the case, so it is
already on the timeline (sharing.timeline), under the access policy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse

from masip.cases.timeline import TimelineEntry, register
from masip.meetings.minutes import decisions_of
from masip.meetings.models import AgendaItem

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


@register
def meeting_entries(case: Case, user: User) -> list[TimelineEntry]:
    entries = []
    items = AgendaItem.objects.filter(case=case).filter(
        Q(discussed_at__isnull=False) | Q(removed_at__isnull=False)
    )
    for item in items.select_related("meeting", "refer_to", "discussed_by", "removed_by"):
        url = reverse("meetings:detail", args=[item.meeting_id]) + f"?item={item.pk}"
        if item.removed_at:
            entries.append(
                TimelineEntry(
                    when=item.removed_at,
                    kind="meeting",
                    title=f"Taken off the agenda of {item.meeting}",
                    detail=item.removal_reason,
                    actor=str(item.removed_by or ""),
                    url=url,
                )
            )
            continue
        if item.discussed_at is None:  # the query leaves none out: removed or discussed
            continue
        entries.append(
            TimelineEntry(
                when=item.discussed_at,
                kind="meeting",
                title=f"Discussed at {item.meeting}",
                detail=item.discussion,
                actor=str(item.discussed_by or ""),
                url=url,
                lines=tuple(decisions_of(item)),
            )
        )
    return entries
