"""Perpetrator interventions: what the unit did, or arranged, to change the suspect's behaviour.

Direct interventions are delivered by the unit's own staff (therapy by its
health staff, relocation, help into employment, voluntary electronic
monitoring); indirect ones go through another agency (tactical advice to the
officer in charge, a referral to an external service, consultation to an
agency working with the perpetrator, a MAPPA referral) - report section 7,
"Perpetrator focused interventions". Whether a direct intervention may be
offered follows the partnership's operating model (Cheshire offers them only
in Warrington and Halton).

Engagement is voluntary and often refused, so consent and engagement are
recorded with dates (offered, accepted, declined, disengaged, completed), and
the assessments before and after an intervention are linked so change can be
shown (hypothesis 5: "pre/post SRP change shows behaviour change").

Access: an intervention of a clinical type (therapy, psychiatric
assessment, occupational therapy) is health and clinical information recorded
by a health agency. Its detail - type, sessions and their notes, outcome
notes and the assessments before and after - is seen only by the agencies the
access policy lets see health and clinical information from that agency
(by default: health). Everyone else working the case sees a summary: that a
health intervention exists, who holds it, its engagement state and its
dates, because the unit plans risk management around whether the suspect is
engaging, and the programme counts direct interventions. Other interventions
are case-management information.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from masip.access.models import Category
from masip.core.models import Recorded


class InterventionMode(models.TextChoices):
    DIRECT = "direct", "Direct: delivered by the unit's staff"
    INDIRECT = "indirect", "Indirect: advice, or a referral through another agency"


class InterventionType(models.Model):
    """Reference data: the kinds of intervention a unit records. Extendable in the admin."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    # Clinical: the detail is health and clinical information, recorded by health staff.
    is_clinical = models.BooleanField(default=False)
    # A referral to an external service, followed up until the service takes it up or not.
    is_service_referral = models.BooleanField(default=False)
    # Whether the perpetrator's consent is asked (not for advice to the officer in charge, or a MAPPA referral).
    needs_consent = models.BooleanField(default=True)
    usual_mode = models.CharField(max_length=16, choices=InterventionMode.choices, blank=True)
    is_active = models.BooleanField(default=True)
    display_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["display_order", "name"]

    def __str__(self) -> str:
        return self.name


class Engagement(models.TextChoices):
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    DISENGAGED = "disengaged", "Disengaged"
    COMPLETED = "completed", "Completed"


class ServiceStatus(models.TextChoices):
    """Where a referral to an external service stands."""

    REFERRED = "referred", "Referred"
    ACCEPTED = "accepted", "Accepted by the service"
    STARTED = "started", "Started"
    COMPLETED = "completed", "Completed"
    DECLINED_BY_SERVICE = "declined_by_service", "Declined by the service"
    NOT_TAKEN_UP = "not_taken_up", "Not taken up"


# A follow-up is due until the referral reaches one of these.
SERVICE_STATUS_FINAL = frozenset(
    {ServiceStatus.COMPLETED, ServiceStatus.DECLINED_BY_SERVICE, ServiceStatus.NOT_TAKEN_UP}
)


class InterventionOutcome(models.TextChoices):
    COMPLETED = "completed", "Completed as planned"
    PARTLY = "partly", "Partly completed"
    ENDED_DISENGAGED = "ended_disengaged", "Ended: the suspect disengaged"
    ENDED_OTHER = "ended_other", "Ended for another reason"
    NOT_STARTED = "not_started", "Did not start"


class Intervention(Recorded):
    audit_type = "intervention"

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="interventions")
    subject = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The perpetrator the intervention is with.",
    )
    intervention_type = models.ForeignKey(InterventionType, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=16, choices=InterventionMode.choices)
    area = models.CharField(
        max_length=100, blank=True, help_text="The case's area, which decides if direct work may be offered."
    )
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    external_service = models.CharField(
        max_length=200, blank=True, help_text="Which service, when another agency delivers it."
    )
    category = models.CharField(max_length=32, choices=Category.choices, default=Category.CASE_MANAGEMENT)
    source_agency = models.ForeignKey("partnerships.Agency", on_delete=models.PROTECT, related_name="+")
    start_on = models.DateField(null=True, blank=True)
    end_on = models.DateField(null=True, blank=True)
    planned_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    details = models.TextField(blank=True)
    engagement = models.CharField(max_length=16, choices=Engagement.choices, blank=True)
    engagement_on = models.DateField(null=True, blank=True)
    service_status = models.CharField(max_length=24, choices=ServiceStatus.choices, blank=True)
    follow_up_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=24, choices=InterventionOutcome.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    # The instrument records before and after (for instance SRPs), so change can be shown.
    assessment_before = models.ForeignKey(
        "assessments.Assessment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assessment_after = models.ForeignKey(
        "assessments.Assessment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Moves on with every change of engagement, follow-up or outcome, so a form opened
    # before a colleague's update cannot silently undo it.
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["partnership", "follow_up_on"], name="intervention_follow_up"),
            models.Index(fields=["case", "category", "source_agency"], name="intervention_case_category"),
            models.Index(fields=["partnership", "start_on"], name="intervention_started"),  # the dashboards' period
        ]

    def __str__(self) -> str:
        return f"{self.intervention_type} ({self.get_mode_display().split(':')[0].lower()})"

    @property
    def reference(self) -> str:
        return f"intervention {self.pk}"

    @property
    def mode_short(self) -> str:
        return "Direct" if self.mode == InterventionMode.DIRECT else "Indirect"

    @property
    def is_clinical(self) -> bool:
        return self.category == Category.HEALTH_CLINICAL

    @property
    def was_taken_up(self) -> bool:
        """Sessions and an outcome follow once the suspect accepted (or when no consent is asked)."""
        needs_consent = bool(self.engagement)
        return not needs_consent or self.engagement in (
            Engagement.ACCEPTED,
            Engagement.DISENGAGED,
            Engagement.COMPLETED,
        )

    @property
    def follow_up_open(self) -> bool:
        return bool(self.service_status) and self.service_status not in SERVICE_STATUS_FINAL

    @property
    def delivered_by_text(self) -> str:
        if self.delivered_by_id:
            return str(self.delivered_by)
        return self.external_service


class InterventionEventKind(models.TextChoices):
    ENGAGEMENT = "engagement", "Engagement"
    SERVICE_STATUS = "service_status", "Referral to the service"
    OUTCOME = "outcome", "Outcome"


class InterventionEvent(Recorded):
    """The dated history of an intervention: each engagement state, service status and outcome."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=InterventionEventKind.choices)
    value = models.CharField(max_length=24)
    on = models.DateField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["on", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value} on {self.on:%d %b %Y}"

    @property
    def value_label(self) -> str:
        by_kind: dict[str, type[models.TextChoices]] = {
            InterventionEventKind.ENGAGEMENT: Engagement,
            InterventionEventKind.SERVICE_STATUS: ServiceStatus,
            InterventionEventKind.OUTCOME: InterventionOutcome,
        }
        choices = by_kind[self.kind]
        try:
            return str(choices(self.value).label)
        except ValueError:
            return self.value


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"


class InterventionSession(Recorded):
    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField()
    attendance = models.CharField(max_length=16, choices=Attendance.choices)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"Session on {self.held_on:%d %b %Y}"
