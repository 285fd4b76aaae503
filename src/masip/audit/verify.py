"""Check the audit trail's hash chain from the first event to the last."""

from __future__ import annotations

from dataclasses import dataclass

from masip.audit import chain
from masip.audit.models import AuditEvent, AuditSubject, FieldChange

BATCH = 2000


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_event_id: int | None = None
    problem: str = ""
    head_id: int | None = None
    head_hash: str = ""
    anchor_found: bool | None = None  # None when no anchor was asked for

    @property
    def ok(self) -> bool:
        return self.broken_event_id is None and self.anchor_found is not False


def verify_chain(*, anchor: str = "", batch: int = BATCH) -> ChainReport:
    """Walk the events in id order; stop at the first that does not verify.

    Detects an event whose content (fields, subjects or field changes) no longer
    matches its hash, and an event that does not follow the one before it (an
    event removed, inserted or moved). Removing the newest events leaves a shorter
    chain that still verifies: record the head this reports somewhere outside the
    database and pass it back as `anchor` to detect that too.
    """
    secret = chain.key()
    prev, last_id, checked = chain.GENESIS, 0, 0
    head_id, anchor_found = None, (False if anchor else None)
    while True:
        events = list(
            AuditEvent.objects.filter(id__gt=last_id).order_by("id").values("id", "hash", "prev_hash", *chain.CHAINED_FIELDS)[
                :batch
            ]
        )
        if not events:
            break
        ids = [e["id"] for e in events]
        subjects: dict[int, list] = {}
        for event_id, *row in AuditSubject.objects.filter(event_id__in=ids).values_list(
            "event_id", "object_type", "object_id", "label"
        ):
            subjects.setdefault(event_id, []).append(row)
        changes: dict[int, list] = {}
        for event_id, *row in FieldChange.objects.filter(event_id__in=ids).values_list(
            "event_id", "object_type", "object_id", "field", "old_value", "new_value"
        ):
            changes.setdefault(event_id, []).append(row)
        for event in events:
            if event["prev_hash"] != prev:
                return ChainReport(
                    checked, event["id"], "it does not follow the event before it: an event was removed, "
                    "inserted or reordered, or an earlier event's hash was changed", head_id, prev, anchor_found,
                )
            expected = chain.digest(
                prev, event, subjects.get(event["id"], ()), changes.get(event["id"], ()), secret=secret
            )
            if event["hash"] != expected:
                return ChainReport(
                    checked, event["id"], "its content (fields, records or field changes) does not match its hash",
                    head_id, prev, anchor_found,
                )
            prev, head_id, checked = event["hash"], event["id"], checked + 1
            if anchor and prev == anchor:
                anchor_found = True
        last_id = ids[-1]
    if anchor_found is False:
        return ChainReport(checked, None, f"the anchor {anchor} is not in the chain: events at or before it were "
                           "removed or changed", head_id, prev, False)
    return ChainReport(checked, None, "", head_id, prev if head_id else "", anchor_found)
