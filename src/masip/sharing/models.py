"""What each partner agency brings to a case from its own systems.

Every entry carries an information category and the agency it came from; the
access policy (access.sharing) decides who else may read it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from masip.access.models import Category
from masip.core.models import Recorded


class InformationEntry(Recorded):
    audit_type = "information"

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    # About a case - or about a referral a meeting is triaging, before any case exists. An entry
    # on a referral is shown with the case the referral joins (sharing.selectors).
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="information_entries"
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="information_entries",
    )
    category = models.CharField(max_length=32, choices=Category.choices)
    source_agency = models.ForeignKey("partnerships.Agency", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    body = models.TextField()
    # Set when the agency shared it at a multi-agency meeting (meetings app).
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="information_entries"
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["case", "category", "source_agency"], name="info_case_category")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False) | models.Q(referral__isnull=False), name="info_case_or_referral"
            )
        ]
        verbose_name_plural = "information entries"

    def __str__(self) -> str:
        return self.title


class HealthSummaryShare(models.Model):
    """A health user's summary of clinical information, shared with one agency for a stated purpose."""

    audit_type = "health_summary"

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="health_summaries")
    summary = models.TextField()
    purpose = models.TextField()
    source_agency = models.ForeignKey("partnerships.Agency", on_delete=models.PROTECT, related_name="+")
    recipient_agency = models.ForeignKey("partnerships.Agency", on_delete=models.PROTECT, related_name="+")
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-shared_at", "-id"]

    def __str__(self) -> str:
        return f"Health summary for {self.recipient_agency}"
