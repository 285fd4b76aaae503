"""Incidents after referral. (The history of a case's closing and reopening is cases.CaseStatusChange.)

Episodes, re-offending, frequency and severity are never stored: they are
computed from these rows by `masip.monitoring.episodes` (see `outcomes.py`),
so a corrected incident changes every figure at once.

Incidents are case-management information: everyone doing case work on the
case sees them (the unit needs them to judge risk, and the evaluation counts
them). What a victim told their advocate in confidence belongs in the
advocate's contact notes (advocacy notes), not in an incident's description.
"""

from __future__ import annotations

from django.db import models

from masip.core.models import Recorded
from masip.monitoring.episodes import Reporter, Severity
from masip.referrals.choices import Behaviour


class SeverityLevel(models.IntegerChoices):
    """The stored values are `episodes.Severity`'s (a test checks they agree)."""

    NONE = int(Severity.NONE), "None"
    DISTRESS = int(Severity.DISTRESS), "Distress"
    SERIOUS_ALARM_OR_DISTRESS = int(Severity.SERIOUS_ALARM_OR_DISTRESS), "Serious alarm or distress"
    THREAT = int(Severity.THREAT), "Threat"
    PHYSICAL_HARM = int(Severity.PHYSICAL_HARM), "Physical harm"


class ReportedBy(models.TextChoices):
    """The stored values are `episodes.Reporter`'s (a test checks they agree)."""

    VICTIM = Reporter.VICTIM.value, "The victim"
    POLICE = Reporter.POLICE.value, "Police"
    ADVOCATE = Reporter.ADVOCATE.value, "The victim's advocate"
    OTHER_AGENCY = Reporter.OTHER_AGENCY.value, "Another agency"


class Incident(Recorded):
    """One contact by the suspect with a victim, reported after the referral."""

    audit_type = "incident"

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="incidents")
    # The case's suspect when the incident was recorded: episodes are per perpetrator,
    # across all of their cases in the partnership.
    suspect = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="incidents_as_suspect"
    )
    victim = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="incidents_as_victim")
    # True when the victim was not a victim of the case when the incident was
    # recorded (they are added to the case as a victim then).
    new_victim = models.BooleanField(default=False)
    occurred_on = models.DateField()
    occurred_at = models.TimeField(null=True, blank=True, help_text="Time of day, when known.")
    reported_by = models.CharField(max_length=16, choices=ReportedBy.choices)
    reporter_detail = models.CharField(
        max_length=200, blank=True, help_text="Which agency, when another agency."
    )
    behaviour = models.CharField(max_length=32, choices=Behaviour.choices)
    severity = models.PositiveSmallIntegerField(choices=SeverityLevel.choices)
    description = models.TextField()
    # A breach of bail conditions, a restraining order or a Stalking Protection Order. RESTRICT:
    # an order with breaches is not deleted on its own, but goes with its case (retention erasure).
    breach_of = models.ForeignKey(
        "justice.ProtectiveOrder", on_delete=models.RESTRICT, null=True, blank=True, related_name="breaches"
    )
    # Set when the recorder was warned of a likely duplicate and confirmed a separate contact.
    possible_duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_agency = models.ForeignKey(
        "partnerships.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_on", "-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["partnership", "suspect", "occurred_on"], name="incident_suspect"),
            models.Index(fields=["case", "victim", "occurred_on"], name="incident_case_victim"),
        ]

    def __str__(self) -> str:
        return f"{self.get_behaviour_display()} on {self.occurred_on:%d %b %Y}"

    @property
    def reference(self) -> str:
        return f"incident {self.pk}"


