"""The evaluation workbench: evaluations, extracts (logged disclosures), locked analysis plans,
their deviations, and the results of running them over an extract.

Pre-registration (DOMAIN.md, "The evaluation (EMMIE)"): a hypothesis and its
analysis plan are fixed, with a timestamp, before any result is computed.
Locking stores the plan's canonical text and its SHA-256; after that the plan
row refuses edits (here in `save`, and in the services), and a change is a
`Deviation` with its reason. Each result names the plan hash, the extract it
ran over (content hash and date) and the code version.
"""

from __future__ import annotations

import hashlib
import json
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from masip.core.models import Recorded


class Hypothesis(models.TextChoices):
    H1 = "H1", "H1 Training raises referrals, especially from non-police agencies"
    H2 = "H2", "H2 LAP investigative support raises arrests, orders, charges and the s.4A share"
    H3 = "H3", "H3 Criminal justice outcomes lower re-offending"
    H4 = "H4", "H4 Criminal justice outcomes raise victim satisfaction with CJ agencies"
    H5 = "H5", "H5 Direct needs-based interventions lower re-offending"
    H6 = "H6", "H6 Advocate support lets victims support prosecution"
    H7 = "H7", "H7 Advocate support raises victim satisfaction"
    H8 = "H8", "H8 Less re-offending raises victim satisfaction"
    H9 = "H9", "H9 Interventions work better for some stalker types"
    H10 = "H10", "H10 Higher caseload per staff member, smaller reductions in re-offending"
    H11 = "H11", "H11 Co-located teams achieve better outcomes"


class Method(models.TextChoices):
    COX = "cox", "Kaplan-Meier and Cox proportional hazards (time to re-offence, net of custody)"
    ITS = "its", "Interrupted time series: segmented regression with Newey-West errors"
    PAIRED = "paired", "Paired before/after change (Wilcoxon signed-rank)"


class Evaluation(models.Model):
    """One evaluation: its pseudonyms are stable within it and unrelated to any other's."""

    audit_type = "evaluation"

    name = models.CharField(max_length=200, unique=True)
    # Mixed into every pseudonym with the deployment's key. Random, so that two
    # evaluations' pseudonyms cannot be linked even by someone who knows both names.
    pseudonym_scope = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ExtractFormat(models.TextChoices):
    CSV = "csv", "CSV (zipped)"
    PARQUET = "parquet", "Parquet (zipped)"


class Extract(models.Model):
    """A released pseudonymised extract: the snapshot results are computed over."""

    audit_type = "evaluation_extract"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="extracts")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    purpose = models.TextField(help_text="Why the extract is needed (logged with the disclosure).")
    file_format = models.CharField(max_length=8, choices=ExtractFormat.choices, default=ExtractFormat.CSV)
    partnerships = models.JSONField(default=list, help_text="Slugs of the partnerships covered.")
    content_sha256 = models.CharField(max_length=64, help_text="SHA-256 of the tables' canonical CSV.")
    file_sha256 = models.CharField(max_length=64)
    row_counts = models.JSONField(default=dict)
    k_anonymity = models.TextField(blank=True, help_text="What the k-anonymity check did.")
    coarsened = models.JSONField(default=dict, blank=True)
    payload = models.BinaryField()

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Extract {self.pk} of {self.evaluation} ({self.requested_at:%d %b %Y %H:%M})"

    @property
    def reference(self) -> str:
        return f"EXT-{self.pk:05d}"

    @property
    def filename(self) -> str:
        return f"masip-extract-{self.pk:05d}-{self.file_format}.zip"


class PlanLocked(ValidationError):
    """A locked plan was about to change. Record a Deviation instead."""


# The plan's content: what its canonical text and hash cover.
PLAN_CONTENT_FIELDS = (
    "hypothesis", "title", "outcome", "outcome_definition", "population", "comparison", "method",
    "covariates", "alpha", "minimum_sample", "below_minimum", "subgroups", "parameters",
)


class AnalysisPlan(models.Model):
    audit_type = "analysis_plan"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="plans")
    hypothesis = models.CharField(max_length=4, choices=Hypothesis.choices)
    title = models.CharField(max_length=200)
    outcome = models.CharField(max_length=200, help_text="The outcome measured, e.g. 'time to re-offence'.")
    outcome_definition = models.TextField(help_text="Exactly how the outcome is computed from the extract.")
    population = models.TextField(help_text="Who is included and excluded.")
    comparison = models.TextField(help_text="What is compared with what.")
    method = models.CharField(max_length=16, choices=Method.choices)
    covariates = models.JSONField(default=list, blank=True)
    alpha = models.FloatField(default=0.05, help_text="Significance level before multiplicity adjustment.")
    minimum_sample = models.PositiveIntegerField(help_text="Below this, no estimate is reported.")
    below_minimum = models.TextField(help_text="What is reported when the sample is below the minimum.")
    subgroups = models.JSONField(default=list, blank=True)
    parameters = models.JSONField(default=dict, blank=True, help_text="Method settings (e.g. the ITS break).")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    locked_text = models.TextField(blank=True)
    locked_sha256 = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["hypothesis", "id"]

    def __str__(self) -> str:
        return f"{self.hypothesis}: {self.title}"

    def save(self, *args, **kwargs):
        # The last line of defence: a locked plan's content never changes, whoever calls save().
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values(
                "locked_at", "locked_sha256", "locked_text", *PLAN_CONTENT_FIELDS
            ).first()
            if stored and stored["locked_at"] is not None:
                changed = [n for n in (*PLAN_CONTENT_FIELDS, "locked_sha256", "locked_text")
                           if stored[n] != getattr(self, n)]
                if changed or self.locked_at != stored["locked_at"]:
                    raise PlanLocked(
                        f"{self.reference} is locked; record a deviation instead of changing {', '.join(changed)}."
                    )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_locked:
            raise PlanLocked(f"{self.reference} is locked and cannot be deleted.")
        return super().delete(*args, **kwargs)

    def content(self) -> dict:
        return {name: getattr(self, name) for name in PLAN_CONTENT_FIELDS}

    @property
    def reference(self) -> str:
        return f"PLAN-{self.pk:04d}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


def canonical_plan_text(content: dict, *, evaluation_scope: str) -> str:
    """The text a lock fixes: the plan's content as sorted, compact JSON (stable across runs and databases)."""
    return json.dumps({"evaluation": evaluation_scope, **content}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class Deviation(Recorded):
    """A change to a locked plan, with its reason. The locked text stays as it was."""

    audit_type = "plan_deviation"

    plan = models.ForeignKey(AnalysisPlan, on_delete=models.PROTECT, related_name="deviations")
    field = models.CharField(max_length=32)
    was = models.JSONField(null=True)
    now = models.JSONField(null=True)
    reason = models.TextField()

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"Deviation from {self.plan.reference}: {self.field}"


class AnalysisRun(models.Model):
    """All locked plans of an evaluation, run once over one extract."""

    audit_type = "analysis_run"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="runs")
    extract = models.ForeignKey(Extract, on_delete=models.PROTECT, related_name="runs")
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    run_at = models.DateTimeField(default=timezone.now)
    code_version = models.CharField(max_length=100)

    class Meta:
        ordering = ["-run_at", "-id"]

    def __str__(self) -> str:
        return f"Run {self.pk} over {self.extract.reference}"

    @property
    def reference(self) -> str:
        return f"RUN-{self.pk:05d}"


class ResultStatus(models.TextChoices):
    COMPUTED = "computed", "Computed"
    BELOW_MINIMUM = "below_minimum", "Sample below the plan's minimum"
    FAILED = "failed", "Could not be computed"


class AnalysisResult(models.Model):
    run = models.ForeignKey(AnalysisRun, on_delete=models.PROTECT, related_name="results")
    plan = models.ForeignKey(AnalysisPlan, on_delete=models.PROTECT, related_name="results")
    plan_sha256 = models.CharField(max_length=64)
    deviation_ids = models.JSONField(default=list, blank=True)
    extract_sha256 = models.CharField(max_length=64)
    extract_at = models.DateTimeField()
    code_version = models.CharField(max_length=100)
    status = models.CharField(max_length=16, choices=ResultStatus.choices)
    sample_size = models.PositiveIntegerField(default=0)
    estimate_name = models.CharField(max_length=100, blank=True)
    estimate = models.FloatField(null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    p_value = models.FloatField(null=True, blank=True)
    p_holm = models.FloatField(null=True, blank=True)
    minimum_detectable_effect = models.FloatField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)  # further estimates and diagnostics
    figure_table = models.JSONField(default=list, blank=True)  # the data behind the figure
    caveats = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["plan__hypothesis", "plan_id"]

    def __str__(self) -> str:
        return f"{self.plan.reference} in {self.run.reference}"
