"""What changed in a record since a version: the words of a refused stale save.

Every edit form carries the version of the record it was opened at. When the
record has moved on, the save is refused (core.forms.StaleEdit) with who
changed what meanwhile, read from the audit trail: a versioned edit logs its
new version in the event's details, with its field-level changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from django.db import models
from django.utils import timezone

from masip.audit.models import AuditEvent
from masip.audit.services import MASKED, subject
from masip.core.forms import StaleEdit


def changes_since(
    record: models.Model, *, version: int, actions: Iterable[str] = ()
) -> list[AuditEvent]:
    """Events about the record that made a version after `version`, oldest first."""
    target = subject(record)
    events = AuditEvent.objects.filter(
        subjects__object_type=target.object_type,
        subjects__object_id=target.object_id,
        details__version__gt=version,
    )
    actions = list(actions)
    if actions:
        events = events.filter(action__in=actions)
    return list(events.order_by("at", "id").prefetch_related("field_changes").distinct())


def _when(event: AuditEvent) -> str:
    at = timezone.localtime(event.at)
    if at.date() == timezone.localdate():
        return f"at {at:%H:%M}"
    return f"on {at:%-d %B %Y} at {at:%H:%M}"


def describe(
    events: Iterable[AuditEvent],
    *,
    labels: Mapping[str, str] | None = None,
    summary: Callable[[AuditEvent], str] | None = None,
) -> list[str]:
    """One line per save: who, when, and what it changed (new values where the log holds them)."""
    labels = labels or {}
    lines = []
    for event in events:
        who = event.user_name or event.username or "Someone"
        if event.agency:
            who += f" ({event.agency})"
        changed = []
        for change in event.field_changes.all():
            label = labels.get(change.field, change.field.replace("_", " "))
            label = label[:1].upper() + label[1:]
            if change.new_value in ("", MASKED):
                changed.append(f"{label} {'cleared' if change.new_value == '' else 'changed'}")
            else:
                changed.append(f"{label} is now “{change.new_value}”")
        what = "; ".join(changed) or (summary(event) if summary else event.reason) or "saved a change"
        lines.append(f"{who} {_when(event)}: {what}")
    return lines


def stale_edit(
    record: models.Model | None,
    *,
    expected_version: int,
    current_version: int,
    what: str,
    labels: Mapping[str, str] | None = None,
    actions: Iterable[str] = (),
    summary: Callable[[AuditEvent], str] | None = None,
) -> StaleEdit:
    """The refusal of a save based on an older version of `what` (e.g. "this person's record")."""
    events = [] if record is None else changes_since(record, version=expected_version, actions=actions)
    lines = describe(events, labels=labels, summary=summary)
    if lines:
        meanwhile = f"{what[:1].upper()}{what[1:]} changed while you were editing it. " + ". ".join(lines) + "."
    else:
        meanwhile = f"Someone else saved {what} while you were editing it."
    return StaleEdit(
        f"{meanwhile} Your changes have not been saved: they are below. Check them against what changed, "
        "then save again.",
        current_version=current_version,
    )
