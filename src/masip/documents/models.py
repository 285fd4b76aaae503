"""Documents and evidence attached to a case (or a referral): the file is in the documents
storage under a random name; the database keeps what it is, who gave it, and its category,
which the access policy reads exactly as it reads shared information (access.sharing)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from masip.access.models import Category
from masip.core.models import Recorded


class ScanStatus(models.TextChoices):
    CLEAN = "clean", "Scanned: no malware found"
    NOT_SCANNED = "not_scanned", "Not scanned: no virus scanner is configured"


class Document(Recorded):
    audit_type = "document"

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="documents")
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    category = models.CharField(max_length=32, choices=Category.choices)
    source_agency = models.ForeignKey("partnerships.Agency", on_delete=models.PROTECT, related_name="+")
    description = models.TextField()
    obtained_on = models.DateField()
    provided_by = models.CharField(max_length=200)
    # The name the file had on the uploader's computer: kept here only, never used to store it.
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=100, blank=True)  # random; blank once the file is deleted
    file_type = models.CharField(max_length=100)  # the label of what the content is (documents.filetypes)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    scan_status = models.CharField(max_length=16, choices=ScanStatus.choices)
    # The tombstone: the file is gone, the row says who removed it, when and why.
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deletion_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["case", "category", "source_agency"], name="document_case_category")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False) | models.Q(referral__isnull=False),
                name="document_case_or_referral",
            )
        ]

    def __str__(self) -> str:
        return f"Document {self.pk}"

    @property
    def reference(self) -> str:
        return f"DOC-{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
