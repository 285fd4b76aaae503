"""Completed and draft risk assessments, made with a versioned instrument definition.

The answers are stored as the engine's JSON ({item id: value}); the result of
scoring is stored with them so a signed-off assessment keeps what it said even
if the instrument changes later. Several partners contribute before sign-off;
each contribution records who, which agency and which items.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from masip.cases.models import Case
    from masip.referrals.models import Referral


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED_OFF = "signed_off", "Signed off"
    SUPERSEDED = "superseded", "Superseded by a correction"


class Assessment(models.Model):
    audit_type = "assessment"

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.CASCADE, null=True, blank=True, related_name="assessments"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="assessments"
    )
    instrument_code = models.CharField(max_length=32)
    instrument_version = models.PositiveIntegerField()
    instrument_name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    answers = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    judgement_level = models.CharField(max_length=32, blank=True)
    judgement_reason = models.TextField(blank=True)
    risk_rank = models.PositiveSmallIntegerField(default=0)
    level_label = models.CharField(max_length=100, blank=True)
    stalker_type = models.CharField(max_length=32, blank=True)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reassessments",
        help_text="The assessment this one reassesses (to show change).",
    )
    corrects = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrected_by",
        help_text="A signed-off assessment this one corrects.",
    )
    correction_reason = models.TextField(blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    # Optimistic lock: a save based on an older version of the answers is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["case", "status", "-signed_off_at"], name="assessment_case"),
            models.Index(fields=["referral", "status"], name="assessment_referral"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(referral__isnull=False) | models.Q(case__isnull=False),
                name="assessment_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_name} ({self.get_status_display().lower()})"

    @property
    def reference(self) -> str:
        return f"{self.instrument_code.upper()}-{self.pk}"

    @property
    def is_locked(self) -> bool:
        return self.status != AssessmentStatus.DRAFT

    @property
    def subject(self) -> Case | Referral:
        """The case or referral assessed: the case once there is one (a constraint makes one of them set)."""
        subject = self.case or self.referral
        assert subject is not None, "assessment_has_subject"
        return subject


class Contribution(models.Model):
    """One partner's input: the items they answered, in their agency's name."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="contributions")
    contributed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("partnerships.Agency", on_delete=models.PROTECT, related_name="+")
    contributed_at = models.DateTimeField(default=timezone.now)
    item_ids = models.JSONField(default=list)
    restricted_section_ids = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["contributed_at", "id"]

    def __str__(self) -> str:
        return f"{self.agency} on {self.assessment_id}"
