"""Programme records beside the casework, and the quarterly returns made from them.

Training and consultancy registers, staff posts and who held them, and the
Home Office quarterly return (DOMAIN.md, "What the programme reports"; the
report's Table 2). A filed return keeps its figures as they were computed, so
later corrections never change what was sent; re-running it lists the
differences.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from masip.core.models import Recorded
from masip.partnerships.models import AgencyKind


class TrainingDirection(models.TextChoices):
    OUTWARD = "outward", "Delivered by the unit (outward)"
    INWARD = "inward", "Received by the unit's staff (inward)"


class TrainingEvent(Recorded):
    audit_type = "training_event"

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=16, choices=TrainingDirection.choices)
    held_on = models.DateField()
    topic = models.CharField(max_length=200)
    trainer = models.CharField(max_length=200)
    place = models.CharField(max_length=200, blank=True)
    # Agency kinds of the audience (AgencyKind values): police, probation, courts (CPS), health, ...
    audience_kinds = models.JSONField(default=list, blank=True)
    number_trained = models.PositiveIntegerField()
    # "More than 930": the partnership counted approximately, and the number is a lower bound.
    number_is_lower_bound = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["partnership", "held_on"], name="training_lap_held")]

    def __str__(self) -> str:
        return f"{self.topic} ({self.held_on:%-d %b %Y})"

    @property
    def reference(self) -> str:
        return f"training {self.pk}"

    @property
    def number_display(self) -> str:
        return f"{'>' if self.number_is_lower_bound else ''}{self.number_trained:,}"

    @property
    def audience_display(self) -> str:
        labels = dict(AgencyKind.choices)
        return ", ".join(labels.get(k, k) for k in self.audience_kinds)


class ConsultancyKind(models.TextChoices):
    OIC_ADVICE = "oic_advice", "Advice to an officer in charge"
    PSR_ADVICE = "psr_advice", "Pre-sentence report advice"
    COMPLEX_CASE = "complex_case", "Complex case consultation"
    PROBATION_CLINIC = "probation_clinic", "Probation consultancy clinic at referral"
    OTHER = "other", "Other consultancy"


class Consultancy(Recorded):
    """Advice given outside a case the unit manages."""

    audit_type = "consultancy"

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24, choices=ConsultancyKind.choices)
    agency_kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    agency_name = models.CharField(max_length=200, blank=True)
    given_on = models.DateField()
    notes = models.TextField(blank=True, help_text="No names: this register is not case information.")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name_plural = "consultancy"
        indexes = [models.Index(fields=["partnership", "given_on"], name="consultancy_lap_given")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.given_on:%-d %b %Y})"

    @property
    def reference(self) -> str:
        return f"consultancy {self.pk}"


class Post(models.Model):
    """A staff post in the partnership: its agency, role, funding and hours."""

    audit_type = "staff_post"

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("partnerships.Agency", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=200)
    programme_funded = models.BooleanField(help_text="Funded by the programme (not by the agency itself).")
    fte = models.DecimalField(max_digits=4, decimal_places=2, help_text="Full-time equivalent, e.g. 0.5.")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["agency__name", "role", "id"]

    def __str__(self) -> str:
        return f"{self.role} ({self.agency})"

    @property
    def reference(self) -> str:
        return f"post {self.pk}"

    def exists_on(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)

    @property
    def vacant_today(self) -> bool:
        """Open today with nobody in it (reads prefetched holdings)."""
        today = timezone.localdate()
        return self.exists_on(today) and not any(h.holds_on(today) for h in self.holdings.all())


class PostHolding(models.Model):
    """Someone in a post from one date to another; a post with nobody in it on a day is vacant."""

    audit_type = "post_holding"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="holdings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    holder_name = models.CharField(max_length=200, blank=True, help_text="For staff without an account.")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["post", "-starts_on", "-id"]

    def __str__(self) -> str:
        return f"{self.holder} in {self.post}"

    @property
    def reference(self) -> str:
        return f"holding {self.pk}"

    @property
    def holder(self) -> str:
        if self.user is not None:
            return self.user.get_full_name() or self.user.username
        return self.holder_name

    def holds_on(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


class ReturnFigure(models.TextChoices):
    """The four figures of the Home Office quarterly return (Table 2 of the report)."""

    REFERRALS = "referrals", "Referrals"
    VICTIMS_SUPPORTED = "victims_supported", "Victims supported by an advocate"
    DIRECT_INTERVENTIONS = "direct_interventions", "Direct interventions with perpetrators"
    PEOPLE_TRAINED = "people_trained", "People trained"


class CollectionBasis(models.Model):
    """How a partnership collects a return figure, or that it does not.

    Kept by the unit manager (reporting:collection). The report's first return shows the
    figures were compiled differently:
    Cheshire precise, Hampshire approximate (">930") with no victims-supported
    figure, London from probation only. A figure not collected is "not
    reported", never zero; a basis note travels with the figure.
    """

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE, related_name="+")
    figure = models.CharField(max_length=32, choices=ReturnFigure.choices)
    collected = models.BooleanField(default=True)
    note = models.CharField(max_length=300, blank=True, help_text="e.g. 'Approximate counts', 'Probation only'.")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership", "figure"], name="uniq_collection_basis")]
        verbose_name_plural = "collection bases"

    def __str__(self) -> str:
        return f"{self.partnership}: {self.get_figure_display()}"


class QuarterlyReturn(models.Model):
    """A filed return: the figures as computed at filing, signed off by the unit manager.

    partnership is empty for the programme's return (all partnerships). Filing
    the same quarter again stores a new revision; the earlier one stays.
    """

    audit_type = "quarterly_return"

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    revision = models.PositiveSmallIntegerField(default=1)
    figures = models.JSONField()
    for_publication = models.BooleanField(default=False)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-year", "-quarter", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "year", "quarter", "revision"], name="uniq_return_revision"
            ),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="return_quarter_1_4"),
        ]

    def __str__(self) -> str:
        return f"Return {self.year} Q{self.quarter} r{self.revision}"

    @property
    def reference(self) -> str:
        return f"{self.year}-Q{self.quarter} r{self.revision}"
