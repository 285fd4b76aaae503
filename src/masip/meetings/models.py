"""Multi-agency meetings, the actions they share out, and each case's risk management plan.

A meeting belongs to one of the partnership's meeting series (its operating
model says which series it holds, how often and who is expected). Its agenda
is built from the series' rule (meetings.agenda); the record of each case's
discussion - what each agency shared, the decisions, the actions - hangs off
the agenda item. A closed meeting's record no longer changes.

Information shared at a meeting is stored as sharing.InformationEntry rows
pointing at the agenda item, each with its category and source agency, so the
same access policy governs who sees it here, on the case page and in minutes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from masip.cases.models import Case, RiskRank, StalkerType
from masip.core.models import Recorded

if TYPE_CHECKING:
    from masip.referrals.models import Referral


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    CLOSED = "closed", "Closed"


class Meeting(models.Model):
    audit_type = "meeting"

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="meetings"
    )
    series = models.ForeignKey(
        "partnerships.MeetingSeries", on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(max_length=200)
    held_on = models.DateField()
    starts_at = models.TimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    purpose = models.TextField(blank=True, help_text="For a one-off meeting: why it is called.")
    status = models.CharField(max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    agenda_built_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Moves on with every change to who attended, so an attendance form opened
    # before a colleague's save cannot silently overwrite their statuses.
    attendance_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-held_on", "-starts_at", "-id"]
        indexes = [
            models.Index(fields=["partnership", "held_on"], name="meeting_lap_date"),
            models.Index(fields=["series", "held_on"], name="meeting_series_date"),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {self.held_on:%-d %b %Y}"

    @property
    def reference(self) -> str:
        return f"MTG-{self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.status == MeetingStatus.CLOSED


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"


class Attendance(Recorded):
    """Who came, and from where: a member of staff (their agency), a guest from a partner agency
    (an officer in charge), or a guest from an organisation outside the partnership (a CPS
    lawyer, a MARAC chair), recorded with that organisation and not under a partner agency."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    agency = models.ForeignKey(
        "partnerships.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="A partner agency of the partnership. Empty for a guest from outside it.",
    )
    organisation = models.CharField(
        max_length=200, blank=True, help_text="For a guest from outside the partnership: their organisation."
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200, blank=True, help_text="For someone without an account.")
    role_title = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=AttendanceStatus.choices)

    class Meta:
        ordering = ["meeting", "agency__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="uniq_attendance_user"
            ),
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(name=""), name="attendance_named"),
            # Staff come from their agency; a guest from a partner agency or from a named organisation.
            models.CheckConstraint(
                condition=Q(agency__isnull=False, organisation="")
                | Q(agency__isnull=True, user__isnull=True) & ~Q(organisation=""),
                name="attendance_affiliated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.affiliation}) - {self.get_status_display()}"

    @property
    def display_name(self) -> str:
        return str(self.user) if self.user_id else self.name

    @property
    def is_outside_guest(self) -> bool:
        """A guest from an organisation outside the partnership."""
        return self.agency_id is None

    @property
    def affiliation(self) -> str:
        return str(self.agency) if self.agency_id else self.organisation


class ItemSource(models.TextChoices):
    AUTOMATIC = "auto", "Listed by the series' agenda rule"
    ADDED = "added", "Added by the chair"


class AgendaItem(models.Model):
    """A case on a meeting's agenda, and the record of its discussion - or a referral awaiting
    triage, on which partners share what their systems hold and the meeting records the
    triage decision (through referrals.services.triage_decide)."""

    audit_type = "agenda_item"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="agenda_items"
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="agenda_items",
        help_text="A referral for the meeting to triage (instead of a case).",
    )
    triage_decision = models.ForeignKey(
        "referrals.TriageDecision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The triage decision the meeting recorded on the referral.",
    )
    position = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=8, choices=ItemSource.choices, default=ItemSource.AUTOMATIC)
    reasons = models.JSONField(
        default=list, blank=True, help_text="Why the case is on the agenda (agenda.Reason)."
    )
    risk_rank_at_listing = models.PositiveSmallIntegerField(
        choices=RiskRank.choices, default=RiskRank.NOT_ASSESSED
    )
    waiting_since = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_reason = models.TextField(blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = models.TextField(blank=True)
    # The record of the discussion and the decisions.
    discussion = models.TextField(blank=True)
    agreed_risk_rank = models.PositiveSmallIntegerField(choices=RiskRank.choices, null=True, blank=True)
    agreed_stalker_type = models.CharField(max_length=32, choices=StalkerType.choices, blank=True)
    next_steps = models.TextField(blank=True)
    keep_on_agenda = models.BooleanField(default=False)
    refer_to = models.ForeignKey(
        "partnerships.MeetingSeries",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Take the case to another of the partnership's meetings (e.g. the clinic).",
    )
    discussed_at = models.DateTimeField(null=True, blank=True)
    discussed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Optimistic lock: a record saved from an older copy of the form is refused.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="uniq_agenda_case"),
            models.UniqueConstraint(
                fields=["meeting", "referral"], condition=Q(referral__isnull=False), name="uniq_agenda_referral"
            ),
            models.CheckConstraint(
                condition=Q(case__isnull=False, referral__isnull=True) | Q(case__isnull=True, referral__isnull=False),
                name="agenda_item_case_or_referral",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "discussed_at"], name="agenda_case_discussed"),
            models.Index(fields=["refer_to", "meeting"], name="agenda_referrals"),
        ]

    def __str__(self) -> str:
        if self.referral_id:
            return f"Referral {self.referral_id} at meeting {self.meeting_id}"
        return f"Case {self.case_id} at meeting {self.meeting_id}"

    @property
    def is_referral(self) -> bool:
        return self.referral_id is not None

    @property
    def subject_reference(self) -> str:
        """The case or referral reference, as the agenda shows it."""
        return self.subject.reference

    @property
    def subject_name(self) -> str:
        """The suspect's name (a referral's parties are prefetched by the selectors)."""
        subject = self.subject
        if isinstance(subject, Case):
            return subject.suspect.display_name if subject.suspect is not None else ""
        return next((p.person.display_name for p in subject.parties.all() if p.role == "suspect"), "")

    @property
    def subject(self) -> Case | Referral:
        """The case or the referral (a constraint makes it one of them), for the agenda and the audit log."""
        subject = self.referral if self.referral_id else self.case
        assert subject is not None, "agenda_item_case_or_referral"
        return subject

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def is_discussed(self) -> bool:
        return self.discussed_at is not None

    @property
    def reason_labels(self) -> list[str]:
        """Why the case is on the agenda, in short words (one of each kind)."""
        from masip.meetings.agenda import REASON_LABELS

        labels: list[str] = []
        for reason in self.reasons:
            label = REASON_LABELS.get(reason.get("kind"), "")
            if label and label not in labels:
                labels.append(label)
        return labels


