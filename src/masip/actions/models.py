"""The actions agencies agree to take on a case, their story (notes) and the reminders sent.

An action agreed at a meeting points at the meeting and the agenda item
(meetings.Meeting, meetings.AgendaItem: foreign keys by name, as this app sits
below meetings and imports nothing of it). The tables keep the names they had
in the meetings app (Meta.db_table).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from masip.actions.action_rules import ReminderKind, is_overdue
from masip.core.models import Recorded


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class CaseAction(models.Model):
    """Something an agency has agreed to do on a case, by a date.

    Named CaseAction because `Action` is the access policy's list of what a
    user may do (access.policy.Action).
    """

    audit_type = "action"

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    description = models.TextField()
    owner_agency = models.ForeignKey("partnerships.Agency", on_delete=models.PROTECT, related_name="+")
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_actions",
    )
    due_on = models.DateField()
    status = models.CharField(max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    completion_note = models.TextField(blank=True)
    cancel_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # Optimistic lock: a change saved from an older copy of the action page is refused.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "meetings_caseaction"  # the table of the meetings app it came from
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["partnership", "status", "due_on"], name="action_lap_status_due"),
            models.Index(fields=["owner_agency", "status", "due_on"], name="action_agency_status_due"),
            models.Index(fields=["case", "status"], name="action_case_status"),
            # The dashboards' "actions completed on time" reads a period's actions whatever their status.
            models.Index(fields=["partnership", "due_on"], name="action_lap_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False), name="action_done_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="action_cancel_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"Action {self.pk} on case {self.case_id}"

    @property
    def reference(self) -> str:
        return f"ACT-{self.pk}"

    @property
    def owner_label(self) -> str:
        return f"{self.owner_agency} ({self.owner_user})" if self.owner_user_id else str(self.owner_agency)

    def is_overdue_on(self, day) -> bool:
        return is_overdue(self.status, self.due_on, today=day)


class ActionNoteKind(models.TextChoices):
    PROGRESS = "progress", "Progress"
    DUE_DATE = "due_date", "New due date"
    REASSIGNED = "reassigned", "Reassigned"


class ActionNote(Recorded):
    """What happened on an open action: a progress note, a new due date (with why), or a
    handover to another agency or person. The action keeps its current values; these rows
    keep the story, for the owner and for "actions completed on time"."""

    action = models.ForeignKey(CaseAction, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=16, choices=ActionNoteKind.choices)
    text = models.TextField(help_text="The note, or why the date or owner changed.")
    due_on_before = models.DateField(null=True, blank=True)
    due_on_after = models.DateField(null=True, blank=True)
    owner_before = models.CharField(max_length=300, blank=True)
    owner_after = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "meetings_actionnote"
        ordering = ["action", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on action {self.action_id}"


class ActionReminder(models.Model):
    """A reminder sent: at most one of each kind per action and due date, so the sender is safe to rerun."""

    action = models.ForeignKey(CaseAction, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=[(k.value, k.value) for k in ReminderKind])
    due_on = models.DateField(help_text="The due date the reminder was about.")
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.TextField(blank=True)

    class Meta:
        db_table = "meetings_actionreminder"
        constraints = [
            models.UniqueConstraint(fields=["action", "kind", "due_on"], name="uniq_action_reminder"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder for action {self.action_id}"
