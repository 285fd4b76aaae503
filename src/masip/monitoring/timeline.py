"""Timeline entries for incidents after referral, and for closing and reopening a case."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from masip.cases.models import CaseStatusChange, StatusChange
from masip.cases.timeline import TimelineEntry, at_start_of, register
from masip.monitoring.models import Incident


@register
def incident_entries(case: Any, user: Any) -> list[TimelineEntry]:
    entries = []
    for incident in Incident.objects.filter(case=case).select_related("victim", "recorded_by", "breach_of"):
        if incident.occurred_at:
            when = timezone.make_aware(datetime.combine(incident.occurred_on, incident.occurred_at))
        else:
            when = at_start_of(incident.occurred_on)
        title = f"Incident: {incident.get_behaviour_display().lower()}"
        if incident.breach_of is not None:  # selected with the incident: no query
            title = (
                f"Breach of the {incident.breach_of.short_label}: {incident.get_behaviour_display().lower()}"
            )
        lines = [
            f"Victim: {incident.victim.display_name}{' (new victim)' if incident.new_victim else ''}",
            f"Severity: {incident.get_severity_display().lower()}",
            f"Reported by {incident.get_reported_by_display().lower()}"
            + (f" ({incident.reporter_detail})" if incident.reporter_detail else ""),
        ]
        if incident.possible_duplicate_of_id:
            lines.append("Confirmed as a separate contact from one recorded the same day")
        entries.append(
            TimelineEntry(
                when=when,
                kind="incident",
                title=title,
                detail=incident.description,
                actor=str(incident.recorded_by),
                lines=tuple(lines),
                date_only=incident.occurred_at is None,
            )
        )
    return entries


@register
def status_change_entries(case: Any, user: Any) -> list[TimelineEntry]:
    """Reopenings, and closings other than the current one (the case's own entry shows that)."""
    entries = []
    for change in CaseStatusChange.objects.filter(case=case).select_related("changed_by"):
        if change.change == StatusChange.CLOSED and case.closed_on == change.on and not case.is_open:
            if change.tracking_until and change.tracking_until > change.on:
                entries.append(
                    TimelineEntry(
                        when=change.changed_at,
                        kind="case",
                        actor=str(change.changed_by),
                        title=f"Tracking after closure runs until {change.tracking_until:%-d %b %Y}",
                    )
                )
            continue
        title = "Case reopened" if change.change == StatusChange.REOPENED else "Case closed"
        entries.append(
            TimelineEntry(
                when=at_start_of(change.on) if change.change == StatusChange.CLOSED else change.changed_at,
                kind="case",
                title=title,
                detail=change.reason,
                actor=str(change.changed_by),
                date_only=change.change == StatusChange.CLOSED,
            )
        )
    return entries
