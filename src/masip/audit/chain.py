"""The audit trail's hash chain: each event seals its own content and the event before it.

An event's `hash` is an HMAC-SHA256 over the previous event's hash and a
canonical form of everything the event records - its fields, the records it
concerned (AuditSubject) and its field-level changes (FieldChange). Changing,
removing, inserting or reordering an event therefore breaks the chain at that
event, and `masip audit_verify` reports the first break.

The HMAC key is held outside the database (MASIP_AUDIT_CHAIN_KEY; derived from
DJANGO_SECRET_KEY when unset), so someone who can write to the database but
not read the application's secrets cannot recompute a consistent chain after
tampering. A plain hash would only detect clumsy tampering.

Pure functions over plain values, so that the migration that chains events
written before the chain existed can use them on historical models.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

# The fields of AuditEvent that the hash covers: all of them but the surrogate
# id and the chain's own columns (a test checks that a new column joins this list).
CHAINED_FIELDS = (
    "at", "operation", "action", "user_id", "username", "user_name", "agency", "agency_kind", "role",
    "partnership_id", "recipient", "reason", "path", "details",
)
GENESIS = "0" * 64  # the "previous hash" of the first event

# PostgreSQL advisory lock key that serialises appends to the chain (any fixed 64-bit number).
ADVISORY_LOCK_KEY = 0x6D61_7369_7061_7564  # "masipaud"


def key() -> bytes:
    configured = getattr(settings, "MASIP_AUDIT_CHAIN_KEY", "")
    if configured:
        return configured.encode()
    # Derived, not the secret key itself, so the HMAC never reveals anything about it.
    return hmac.new(settings.SECRET_KEY.encode(), b"masip.audit.chain", hashlib.sha256).digest()


def normalise_details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    """Details as the database will give them back (JSON round trip), so the hash
    computed before the insert equals the one computed when verifying."""
    return json.loads(json.dumps(dict(details or {}), default=str))


def _at(value: datetime | str) -> str:
    if isinstance(value, str):  # a raw row from SQLite
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(
    fields: Mapping[str, Any],
    subjects: Iterable[tuple[str, int, str]],
    changes: Iterable[tuple[str, int, str, str, str]],
) -> bytes:
    content = {name: fields[name] for name in CHAINED_FIELDS}
    content["at"] = _at(content["at"])
    content["subjects"] = sorted([str(t), int(i), str(label)] for t, i, label in subjects)
    content["changes"] = sorted([str(t), int(i), str(f), str(o), str(n)] for t, i, f, o, n in changes)
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def digest(
    prev_hash: str,
    fields: Mapping[str, Any],
    subjects: Iterable[tuple[str, int, str]] = (),
    changes: Iterable[tuple[str, int, str, str, str]] = (),
    *,
    secret: bytes | None = None,
) -> str:
    message = prev_hash.encode() + b"\n" + canonical(fields, subjects, changes)
    return hmac.new(secret or key(), message, hashlib.sha256).hexdigest()


def fields_of(event: Any) -> dict[str, Any]:
    return {name: getattr(event, name) for name in CHAINED_FIELDS}
