"""Each case's risk management (safeguarding) plan, in versions, and its strategies.

A plan may record the meeting discussion that agreed it (meetings.AgendaItem, a
foreign key by name: this app sits below meetings and imports nothing of it).
The tables keep the names they had in the meetings app (Meta.db_table).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class PlanArea(models.TextChoices):
    """The four strands of a stalking risk management plan (as in the SRP's management guidance)."""

    MONITORING = "monitoring", "Monitoring"
    SUPERVISION = "supervision", "Supervision and control"
    TREATMENT = "treatment", "Treatment and intervention"
    VICTIM_SAFETY = "victim_safety", "Victim safety planning"


PLAN_AREA_ORDER = {area.value: index for index, area in enumerate(PlanArea)}


class RiskManagementPlan(models.Model):
    """One version of a case's risk management (safeguarding) plan. The newest is current.

    A new version is a new row: earlier versions stay, each saying why it
    changed. Exactly one version per case is current (database constraint).
    """

    audit_type = "risk_plan"

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="risk_plans")
    version = models.PositiveIntegerField()
    is_current = models.BooleanField(default=True)
    aim = models.TextField(blank=True, help_text="What the plan is for, in a sentence or two.")
    change_reason = models.TextField(help_text="Why this version was made.")
    responds_to = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The risk assessment this plan responds to.",
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The meeting discussion that agreed it, if any.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "meetings_riskmanagementplan"  # the table of the meetings app it came from
        ordering = ["case", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="uniq_plan_version"),
            models.UniqueConstraint(fields=["case"], condition=Q(is_current=True), name="uniq_current_plan"),
        ]

    def __str__(self) -> str:
        return f"Risk management plan v{self.version} for case {self.case_id}"

    @property
    def reference(self) -> str:
        return f"RMP-{self.case_id}-v{self.version}"


class PlanStrategy(models.Model):
    plan = models.ForeignKey(RiskManagementPlan, on_delete=models.CASCADE, related_name="strategies")
    area = models.CharField(max_length=16, choices=PlanArea.choices)
    description = models.TextField()
    owner_agency = models.ForeignKey("partnerships.Agency", on_delete=models.PROTECT, related_name="+")
    review_on = models.DateField()

    class Meta:
        db_table = "meetings_planstrategy"
        ordering = ["plan", "area", "id"]
        indexes = [models.Index(fields=["review_on"], name="strategy_review")]

    def __str__(self) -> str:
        return f"{self.get_area_display()} strategy of plan {self.plan_id}"
