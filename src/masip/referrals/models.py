from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from masip.partnerships.models import AgencyKind
from masip.referrals.choices import (
    Channel,
    Offence,
    PartyRole,
    ReferralStatus,
    Relationship,
    StalkingView,
    TriageOutcome,
)


class Referral(models.Model):
    audit_type = "referral"

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="referrals"
    )
    reference = models.CharField(max_length=20, unique=True)
    source_agency_kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    source_agency_name = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=32, choices=Channel.choices)
    received_on = models.DateField()
    crime_reference = models.CharField(max_length=40, blank=True)
    recorded_offence = models.CharField(max_length=8, choices=Offence.choices)
    area = models.CharField(max_length=100, blank=True)
    behaviours = models.JSONField(default=list, blank=True)
    victim_very_frightened = models.BooleanField(default=False)
    summary = models.TextField(help_text="What was reported.")
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_role = models.CharField(max_length=200, blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)
    referrer_email = models.EmailField(blank=True)
    # Derived at save from behaviours and flags (referrals.urgency); stored so
    # the triage queue can be ordered by the database with an index.
    urgency = models.PositiveSmallIntegerField(default=0)
    # The latest assessed risk at screening (e.g. London's SASH, Hampshire's
    # S-DASH on the police form); orders the triage queue ahead of the flags.
    risk_rank = models.PositiveSmallIntegerField(default=0)
    risk_label = models.CharField(max_length=100, blank=True)
    # Denormalised from the current triage decision, for the queue and lists.
    status = models.CharField(max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.UNTRIAGED)
    current_offence = models.CharField(
        max_length=8, choices=Offence.choices, help_text="Recorded offence, or triage's correction of it."
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    possible_duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="possible_duplicates"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["partnership", "status", "-urgency", "received_on", "id"], name="triage_queue"
            ),
            models.Index(fields=["partnership", "crime_reference"], name="referral_crime_ref"),
            models.Index(fields=["partnership", "received_on"], name="referral_received"),
        ]
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_untriaged(self) -> bool:
        return self.status == ReferralStatus.UNTRIAGED

    @property
    def parties_awaiting_confirmation(self) -> list[ReferralParty]:
        """Parties intake could not match with certainty (reads the prefetched parties)."""
        return [p for p in self.parties.all() if p.match_pending]


class ReferralParty(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referral_parties")
    role = models.CharField(max_length=16, choices=PartyRole.choices)
    relationship_to_suspect = models.CharField(max_length=32, choices=Relationship.choices, blank=True)
    # Intake that could not decide whether this is someone already known (an API or bulk
    # referral with only likely matches) records the person as sent, with the candidates,
    # and the referral waits in triage until a person confirms (referrals.intake).
    match_pending = models.BooleanField(default=False)
    candidate_matches = models.JSONField(
        default=list, blank=True, help_text="[{person_id, strength, reasons}] found at intake."
    )
    match_note = models.CharField(
        max_length=500, blank=True, help_text="How this party was linked to a person, e.g. matched on a PNC ID."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["referral", "person", "role"], name="uniq_referral_party"),
        ]
        indexes = [
            models.Index(
                fields=["referral"], condition=models.Q(match_pending=True), name="referral_party_pending"
            )
        ]
        ordering = ["referral", "role", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} in {self.referral_id}"


class ReportedIncident(models.Model):
    """An incident described in the referral (before the unit was involved)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="reported_incidents")
    occurred_on = models.DateField()
    description = models.CharField(max_length=1000)

    class Meta:
        ordering = ["occurred_on", "id"]

    def __str__(self) -> str:
        return f"Incident on {self.occurred_on:%d %b %Y}"


class TriageDecision(models.Model):
    """One triage decision. The newest stands; earlier ones are history."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="triage_decisions")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    is_stalking = models.CharField(max_length=8, choices=StalkingView.choices)
    # The four markers of stalking (FOUR: fixated, obsessive, unwanted, repeated).
    fixated = models.BooleanField(default=False)
    fixated_note = models.CharField(max_length=1000, blank=True)
    obsessive = models.BooleanField(default=False)
    obsessive_note = models.CharField(max_length=1000, blank=True)
    unwanted = models.BooleanField(default=False)
    unwanted_note = models.CharField(max_length=1000, blank=True)
    repeated = models.BooleanField(default=False)
    repeated_note = models.CharField(max_length=1000, blank=True)
    corrected_offence = models.CharField(max_length=8, choices=Offence.choices, blank=True)
    outcome = models.CharField(max_length=16, choices=TriageOutcome.choices)
    advice_text = models.TextField(blank=True)
    signpost_agency = models.CharField(max_length=200, blank=True)
    signpost_reason = models.TextField(blank=True)
    close_reason = models.TextField(blank=True)
    revises = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="revised_by"
    )
    revision_reason = models.TextField(blank=True)
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    joined_existing_case = models.BooleanField(default=False)

    class Meta:
        ordering = ["referral", "decided_at", "id"]
        indexes = [models.Index(fields=["referral", "-decided_at"], name="triage_latest")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.referral_id})"

    @property
    def markers(self) -> list[tuple[str, bool, str]]:
        return [
            ("Fixated", self.fixated, self.fixated_note),
            ("Obsessive", self.obsessive, self.obsessive_note),
            ("Unwanted", self.unwanted, self.unwanted_note),
            ("Repeated", self.repeated, self.repeated_note),
        ]

    @property
    def outcome_detail(self) -> str:
        details: dict[str, str] = {
            TriageOutcome.ADVICE: self.advice_text,
            TriageOutcome.SIGNPOST: f"{self.signpost_agency}: {self.signpost_reason}",
            TriageOutcome.CLOSE: self.close_reason,
        }
        return details.get(self.outcome, "")
