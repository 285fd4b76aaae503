"""The legal audit trail (Data Protection Act 2018 s.62).

Every collection, alteration, consultation, disclosure, combination and
erasure of personal data leaves an AuditEvent, with who (a snapshot of their
name, agency and role, so the log survives staff changes), when, what, the
recipient of a disclosure and the reason given.

The log is append-only. The application has no code path that updates or
deletes it, and the database refuses both: triggers on SQLite and PostgreSQL
(audit/triggers.py) abort any UPDATE or DELETE, an INSERT that reuses an
existing id (SQLite's INSERT OR REPLACE would otherwise delete the old row
without firing a delete trigger), and TRUNCATE on PostgreSQL. The audit
migrations cannot be reversed, so `migrate audit zero` cannot drop them.
Events are chained by hash (audit/chain.py): `masip audit_verify` detects a
change made by someone who got past all of that with direct database access. Events reference records by type and id, not by foreign key, so
erasing a record never cascades into its history.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Operation(models.TextChoices):
    COLLECTION = "collection", "Collection"
    ALTERATION = "alteration", "Alteration"
    CONSULTATION = "consultation", "Consultation"
    DISCLOSURE = "disclosure", "Disclosure"
    COMBINATION = "combination", "Combination"
    ERASURE = "erasure", "Erasure"


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    operation = models.CharField(max_length=16, choices=Operation.choices)
    action = models.CharField(max_length=64, help_text="What the user did, e.g. case.view, referral.create.")
    user_id = models.BigIntegerField(null=True, blank=True)
    username = models.CharField(max_length=150, blank=True)
    user_name = models.CharField(max_length=300, blank=True)
    agency = models.CharField(max_length=200, blank=True)
    agency_kind = models.CharField(max_length=32, blank=True)
    role = models.CharField(max_length=32, blank=True)
    partnership_id = models.BigIntegerField(null=True, blank=True)
    recipient = models.CharField(max_length=300, blank=True, help_text="For a disclosure: who received it.")
    reason = models.TextField(blank=True)
    path = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)
    # The hash chain (audit/chain.py): the previous event's hash, and this event's
    # HMAC over that and its own content. Neither is unique: a UNIQUE column would
    # let SQLite's INSERT OR REPLACE delete a row without firing delete triggers.
    prev_hash = models.CharField(max_length=64, default="", editable=False)
    hash = models.CharField(max_length=64, default="", editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user_id", "-at"], name="audit_user_at"),
            models.Index(fields=["partnership_id", "-at"], name="audit_lap_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.operation} {self.action}"


class AuditSubject(models.Model):
    """A record an event concerned (one event may concern many, e.g. a list page)."""

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="subjects")
    object_type = models.CharField(max_length=32)
    object_id = models.BigIntegerField()
    label = models.CharField(max_length=64, blank=True, help_text="A reference, e.g. LON-C00012; never a name.")

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_subject_lookup")]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id}"


class FieldChange(models.Model):
    """Field-level history: who changed what from what to what (with the event's who and when)."""

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="field_changes")
    object_type = models.CharField(max_length=32)
    object_id = models.BigIntegerField()
    field = models.CharField(max_length=64)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_change_lookup")]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id}.{self.field}"


APPEND_ONLY_TABLES = ("audit_auditevent", "audit_auditsubject", "audit_fieldchange")
