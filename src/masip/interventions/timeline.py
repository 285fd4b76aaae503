"""Timeline entries for interventions: recorded, each engagement and referral status, sessions, outcome.

Someone who may not see an intervention's clinical detail sees its summary
entries only (recorded, engagement, ended), under "Health intervention held by ...".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from masip.cases.timeline import TimelineEntry, at_start_of, register
from masip.interventions.models import InterventionEventKind
from masip.interventions.selectors import interventions_for_case

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


@register
def intervention_entries(case: Case, user: User) -> list[TimelineEntry]:
    entries = []
    for item in interventions_for_case(user, case):
        i = item.intervention
        url = reverse("interventions:detail", args=[i.pk])
        lines = [i.get_mode_display()] if item.detail_visible else [i.mode_short]
        if item.detail_visible and i.delivered_by_text:
            lines.append(f"Delivered by: {i.delivered_by_text}")
        # Placed on the day it began (offered, referred or started), not the day it was typed in.
        events = list(i.events.all())
        began = min([d for d in (i.start_on, *(e.on for e in events)) if d is not None], default=None)
        entries.append(
            TimelineEntry(
                when=at_start_of(began) if began else i.recorded_at,
                kind="intervention",
                title=f"Intervention: {item.title}",
                actor=str(i.recorded_by),
                url=url,
                lines=tuple(lines),
                date_only=began is not None,
            )
        )
        for event in events:
            if event.kind == InterventionEventKind.SERVICE_STATUS and not item.detail_visible:
                continue
            if event.kind == InterventionEventKind.ENGAGEMENT:
                title = f"{item.title}: {event.value_label.lower()}"
            elif event.kind == InterventionEventKind.SERVICE_STATUS:
                title = f"{item.title}: referral {event.value_label.lower()}"
            else:
                title = f"{item.title} ended" + (
                    f": {event.value_label.lower()}" if item.detail_visible else ""
                )
            detail = event.note if item.detail_visible else ""
            entries.append(
                TimelineEntry(
                    when=at_start_of(event.on),
                    kind="intervention",
                    title=title,
                    detail=detail,
                    actor=str(event.recorded_by),
                    url=url,
                    date_only=True,
                )
            )
        if item.detail_visible:
            for session in i.sessions.all():
                entries.append(
                    TimelineEntry(
                        when=at_start_of(session.held_on),
                        kind="intervention",
                        title=f"{item.title} session: {session.get_attendance_display().lower()}",
                        actor=str(session.recorded_by),
                        url=url,
                        date_only=True,
                    )
                )
    return entries
