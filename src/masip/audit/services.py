"""Writing to the audit trail. Call inside the transaction of the change it records.

Views record consultations (`log_consultation`); services record collection,
alteration, combination, disclosure and erasure (`log_event`) in the same
transaction as the change, so a change and its log entry commit or fail together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from masip.access import policy
from masip.audit import chain
from masip.audit.actions import ACTIONS, AuditAction
from masip.audit.models import AuditEvent, AuditSubject, FieldChange, Operation
from masip.core.spreadsheets import csv_text

logger = logging.getLogger(__name__)

FileContent = TypeVar("FileContent", bytes, str)

# Values never copied into the log: where someone lives or can be reached.
SENSITIVE_KEYS = frozenset({"address", "phone", "email", "contact", "value", "password", "secret"})
MASKED = "(withheld)"


# What a request has logged, for the strict check that a page showing personal data
# logged a look at it (people.checks). A list, so that appends made in another
# context (a sync view run from ASGI) are still seen by whoever started watching.
_WATCHED: ContextVar[list[str] | None] = ContextVar("masip_audit_watched", default=None)


@contextmanager
def watch_logging() -> Iterator[list[str]]:
    """Collect the operations of the events logged inside the block."""
    logged: list[str] = []
    token = _WATCHED.set(logged)
    try:
        yield logged
    finally:
        _WATCHED.reset(token)


@dataclass(frozen=True)
class Subject:
    object_type: str
    object_id: int
    label: str = ""


def subject(obj: models.Model) -> Subject:
    """The audit subject for a record: its type, id and human reference (never a name)."""
    object_type = getattr(obj, "audit_type", None) or obj._meta.model_name
    assert object_type is not None  # model_name is only None on a model class not yet set up
    label = getattr(obj, "reference", "") or ""
    return Subject(object_type, int(obj.pk), str(label)[:64])


def mask(details: Mapping[str, Any] | None) -> dict[str, Any]:
    """Copy of details with sensitive values withheld."""
    if not details:
        return {}
    clean: dict[str, Any] = {}
    for key, value in details.items():
        if key.lower() in SENSITIVE_KEYS:
            clean[key] = MASKED
        elif isinstance(value, Mapping):
            clean[key] = mask(value)
        else:
            clean[key] = value
    return clean


def diff(before: Mapping[str, Any], after: Mapping[str, Any], *, protected: Iterable[str] = ()) -> list[tuple[str, str, str]]:
    """(field, old, new) for each field whose value changed; protected fields show as withheld."""
    protected = set(protected)
    changes = []
    for field_name in sorted(set(before) | set(after)):
        old, new = before.get(field_name), after.get(field_name)
        if old == new:
            continue
        if field_name in protected:
            changes.append((field_name, MASKED if old not in (None, "") else "", MASKED))
        else:
            changes.append((field_name, _text(old), _text(new)))
    return changes


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _actor_snapshot(actor: Any, partnership_id: int | None) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"user_id": None, "username": "", "user_name": "", "agency": "", "agency_kind": "", "role": ""}
    membership = policy.memberships(actor).get(partnership_id) if partnership_id else None
    agency = getattr(actor, "agency", None)
    return {
        "user_id": actor.pk,
        "username": actor.get_username(),
        "user_name": actor.get_full_name(),
        "agency": str(agency) if agency else "",
        "agency_kind": agency.kind if agency else "",
        "role": membership.role if membership else "",
    }


def log_event(
    *,
    actor: Any,
    operation: str,
    action: str,
    partnership: Any = None,
    subjects: Iterable[Subject | models.Model] = (),
    reason: str = "",
    recipient: str = "",
    details: Mapping[str, Any] | None = None,
    changes: Iterable[tuple[Subject | models.Model, str, str, str]] = (),
    path: str = "",
) -> AuditEvent | None:
    """Append one event with its subjects and field changes."""
    watched = _WATCHED.get()
    if watched is not None:
        watched.append(str(operation))
    if not settings.MASIP_AUDIT_ENABLED:
        return None
    assert operation in Operation.values, operation
    if action not in ACTIONS:
        # A misspelt action would start a new kind of entry no report or filter knows.
        message = f"Unknown audit action {action!r}: add it to masip.audit.actions.AuditAction"
        if getattr(settings, "MASIP_AUDIT_STRICT", False):
            raise ValueError(message)
        logger.error(message)  # in production the entry is still written: an unlogged look is worse
    partnership_id = partnership if isinstance(partnership, int) or partnership is None else partnership.pk
    event = AuditEvent(
        at=timezone.now(),
        operation=operation,
        action=action,
        partnership_id=partnership_id,
        recipient=recipient[:300],
        reason=reason,
        path=path[:500],
        details=mask(details),
        **_actor_snapshot(actor, partnership_id),
    )
    rows = []
    seen = set()
    for item in subjects:
        s = item if isinstance(item, Subject) else subject(item)
        if (s.object_type, s.object_id) not in seen:
            seen.add((s.object_type, s.object_id))
            rows.append(AuditSubject(object_type=s.object_type, object_id=s.object_id, label=s.label))
    change_rows = []
    for item, field_name, old, new in changes:
        s = item if isinstance(item, Subject) else subject(item)
        change_rows.append(
            FieldChange(object_type=s.object_type, object_id=s.object_id, field=field_name, old_value=old, new_value=new)
        )
    append_events([(event, rows, change_rows)])
    return event


ChainEntry = tuple[AuditEvent, list[AuditSubject], list[FieldChange]]


def append_events(entries: list[ChainEntry]) -> None:
    """Append events (with their subjects and field changes) to the hash chain, in order.

    The one way events are written. Appends are serialised so that each event
    links to the one committed before it: on PostgreSQL by a transaction-level
    advisory lock held until the surrounding transaction commits (so a second
    writer reads the head only once the first has committed, and ids follow
    chain order); on SQLite by the database's single writer lock, which every
    transaction takes at BEGIN (transaction_mode IMMEDIATE). Keeping the lock
    until commit serialises audited writes from their first log entry on, which
    is why services log at the end of their work (benchmarks/bench_audit_chain.py
    measures what the chain adds to each event).
    """
    if not entries:
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [chain.ADVISORY_LOCK_KEY])
        head = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        prev = head if head is not None else chain.GENESIS
        secret = chain.key()
        for event, subject_rows, change_rows in entries:
            event.details = chain.normalise_details(event.details)
            event.prev_hash = prev
            event.hash = chain.digest(
                prev,
                chain.fields_of(event),
                [(s.object_type, s.object_id, s.label) for s in subject_rows],
                [(c.object_type, c.object_id, c.field, c.old_value, c.new_value) for c in change_rows],
                secret=secret,
            )
            prev = event.hash
        AuditEvent.objects.bulk_create([event for event, _, _ in entries])
        subjects, changes = [], []
        for event, subject_rows, change_rows in entries:
            for row in subject_rows:
                row.event = event
                subjects.append(row)
            for change in change_rows:
                change.event = event
                changes.append(change)
        AuditSubject.objects.bulk_create(subjects)
        FieldChange.objects.bulk_create(changes)


def log_consultation(
    request: Any,
    *,
    action: str,
    subjects: Iterable[Subject | models.Model],
    partnership: Any = None,
    reason: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent | None:
    """A read of personal data on a page or API response.

    Without a reason of its own, the reason the user gave for opening the case the page is
    under (set on the request by cases.access.case_page) is logged.
    """
    request.audit_logged = True
    reason = reason or getattr(request, "access_reason", "") or ""
    return log_event(
        actor=request.user,
        operation=Operation.CONSULTATION,
        action=action,
        partnership=partnership,
        subjects=subjects,
        reason=reason,
        details=details,
        path=request.get_full_path(),
    )


def log_changes(
    *,
    actor: Any,
    action: str,
    record: models.Model,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    partnership: Any = None,
    protected: Iterable[str] = (),
    reason: str = "",
    operation: str = Operation.ALTERATION,
    extra_subjects: Iterable[Subject | models.Model] = (),
    details: Mapping[str, Any] | None = None,
) -> AuditEvent | None:
    """An alteration with its field-level changes (nothing is logged when nothing changed).

    An edit of a versioned record passes details={"version": new version}, so a
    save refused as stale can say what changed since the version the form had.
    """
    changes = diff(before, after, protected=protected)
    if not changes:
        return None
    target = subject(record)
    return log_event(
        actor=actor,
        operation=operation,
        action=action,
        partnership=partnership,
        subjects=[target, *extra_subjects],
        reason=reason,
        details=details,
        changes=[(target, f, old, new) for f, old, new in changes],
    )


def events_as_rows(events: Iterable[AuditEvent]) -> list[dict[str, Any]]:
    """Plain rows for an export: what was done, by whom, to which records, and why."""
    rows = []
    for event in events:
        rows.append(
            {
                "id": event.pk,
                "at": event.at.isoformat(),
                "operation": event.operation,
                "action": event.action,
                "username": event.username,
                "name": event.user_name,
                "agency": event.agency,
                "role": event.role,
                "recipient": event.recipient,
                "reason": event.reason,
                "records": "; ".join(f"{s.object_type}:{s.label or s.object_id}" for s in event.subjects.all()),
                "changes": "; ".join(
                    f"{c.object_type}:{c.object_id}.{c.field}: {c.old_value!r} -> {c.new_value!r}"
                    for c in event.field_changes.all()
                ),
            }
        )
    return rows


def disclosed_file(
    *, actor: Any, action: str, partnership: Any, subjects: Iterable[Subject | models.Model], recipient: str,
    render: Callable[[], FileContent], reason: str = "", details: Mapping[str, Any] | None = None,
) -> FileContent:
    """The one door for a file that leaves the unit: render it, then log the disclosure.

    Rendering (slow, and it may fail) happens before the log entry and outside its
    transaction; the file is returned only once its disclosure is written, so nothing
    is handed over unlogged and a failed rendering leaves no entry claiming it was.
    """
    content = render()
    with transaction.atomic():
        log_event(
            actor=actor, operation=Operation.DISCLOSURE, action=action, partnership=partnership,
            subjects=subjects, recipient=recipient, reason=reason, details=details,
        )
    return content


def audit_export(
    *, actor: Any, events: Iterable[AuditEvent], about: models.Model, partnership: Any, recipient: str, reason: str,
    fmt: str,
) -> tuple[str, str]:
    """Render log entries about a person or case for a regulator or a complaint.

    The export is itself a disclosure, logged before the file is handed over.
    Returns (content, content type).
    """
    import json

    rows = events_as_rows(events)

    def render() -> str:
        if fmt == "json":
            return json.dumps({"about": subject(about).__dict__, "entries": rows}, indent=2)
        return csv_text(rows, list(rows[0].keys()) if rows else ["id"])

    content = disclosed_file(
        actor=actor, action=AuditAction.AUDIT_EXPORT, partnership=partnership, subjects=[about], recipient=recipient,
        reason=reason, details={"entries": len(rows), "format": fmt}, render=render,
    )
    return content, "application/json" if fmt == "json" else "text/csv"
