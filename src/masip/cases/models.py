"""A case: one suspect's stalking as the unit manages it.

A case has one suspect and one or more victims; a case whose suspect is not
identified centres on its victim. A new referral about a suspect who already
has an open case joins that case and raises a re-review trigger instead of
opening a duplicate, so that re-offending stays countable per perpetrator.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from masip.referrals.choices import Relationship


class StalkerType(models.TextChoices):
    """The SRP typology (Mullen, Pathé and Purcell): context and first motive."""

    REJECTED = "rejected", "Rejected"
    RESENTFUL = "resentful", "Resentful"
    INTIMACY_SEEKING = "intimacy_seeking", "Intimacy seeking"
    INCOMPETENT_SUITOR = "incompetent_suitor", "Incompetent suitor"
    PREDATORY = "predatory", "Predatory"


class RiskRank(models.IntegerChoices):
    """One scale across tools (DASH standard/medium/high, SASH and SRP low/moderate/high)."""

    NOT_ASSESSED = 0, "Not assessed"
    LOW = 1, "Low / standard"
    MODERATE = 2, "Moderate / medium"
    HIGH = 3, "High"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Case(models.Model):
    audit_type = "case"

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="cases"
    )
    reference = models.CharField(max_length=20, unique=True)
    suspect = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="cases_as_suspect"
    )
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    # Where the suspect lives: one of the partnership's policing areas. It decides whether
    # the unit may offer direct perpetrator work (Cheshire: only to those "residing in the
    # subset policing areas of Warrington and Halton", report section 3). Taken from the
    # referral that opens the case; changed only through cases.services.case_set_area.
    area = models.CharField(max_length=100, blank=True)
    opened_on = models.DateField(default=timezone.localdate)
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.TextField(blank=True)
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="led_cases"
    )
    created_at = models.DateTimeField(default=timezone.now)
    allocated_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CaseAllocation", related_name="allocated_cases", blank=True
    )
    # Retention: set when the case closes (closing date + the partnership's
    # tracking period + its retention period); the review queue lists cases due.
    retention_review_on = models.DateField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # The current assessed or agreed risk, set only through cases.services.case_set_risk
    # (by a signed-off assessment or a meeting's decision); orders queues and agendas.
    risk_rank = models.PositiveSmallIntegerField(choices=RiskRank.choices, default=RiskRank.NOT_ASSESSED)
    risk_label = models.CharField(max_length=100, blank=True, help_text="As the tool says it, e.g. 'High (DASH 16/27)'.")
    risk_source = models.CharField(max_length=200, blank=True, help_text="Where the current risk comes from.")
    risk_updated_at = models.DateTimeField(null=True, blank=True)
    stalker_type = models.CharField(max_length=32, choices=StalkerType.choices, blank=True)
    # Set by a re-review trigger (or a meeting); cleared when a new assessment is signed off.
    reassessment_due = models.BooleanField(default=False)
    reassessment_reason = models.CharField(max_length=300, blank=True)
    # Moves on with every change to who works the case (lead and allocated staff), so
    # a team form opened before a colleague's change cannot silently revert it.
    team_version = models.PositiveIntegerField(default=0, editable=False)
    # Moves on with every change of the area, so a correction opened before a colleague's is refused.
    area_version = models.PositiveIntegerField(default=0, editable=False)
    # The instrument the reassessment asks for (Cheshire: a new CAS at each re-review); blank = any.
    reassessment_instrument = models.CharField(max_length=40, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["partnership", "retention_review_on"], name="case_retention_review"),
            models.Index(fields=["partnership", "status", "suspect"], name="case_open_suspect"),
            models.Index(fields=["partnership", "status", "-risk_rank"], name="case_risk"),
            models.Index(fields=["partnership", "-opened_on"], name="case_opened"),
            # The case list's filters (cases.selectors.case_list).
            models.Index(fields=["partnership", "lead_officer"], name="case_lead"),
            models.Index(fields=["partnership", "stalker_type"], name="case_stalker_type"),
            models.Index(fields=["partnership", "area"], name="case_area"),
            models.Index(
                fields=["partnership"], condition=models.Q(reassessment_due=True), name="case_reassessment_due"
            ),
        ]
        ordering = ["-opened_on", "-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN


class CaseAllocation(models.Model):
    """A member of staff working the case: with the lead officer, the user's caseload."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="allocations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_allocations")
    allocated_on = models.DateField(default=timezone.localdate)
    # The day the member stopped working the case (taken off its team); None while they work it.
    # Ended allocations are kept so that caseload on any past day can be counted.
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "ended_on"], name="case_allocation_user")]  # "my cases"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"], condition=models.Q(ended_on__isnull=True), name="uniq_current_case_allocation"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("allocated_on")),
                name="case_allocation_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.case_id}"


class CasePartyRole(models.TextChoices):
    SUSPECT = "suspect", "Suspect"
    VICTIM = "victim", "Victim"


class CaseParty(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="case_parties")
    role = models.CharField(max_length=16, choices=CasePartyRole.choices)
    relationship_to_suspect = models.CharField(max_length=32, choices=Relationship.choices, blank=True)
    added_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "person", "role"], name="uniq_case_party")]
        ordering = ["case", "-role", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} in {self.case_id}"


class TriggerKind(models.TextChoices):
    NEW_REFERRAL = "new_referral", "New referral about the same suspect"
    NEW_INCIDENT = "new_incident", "New incident"
    NEW_OFFENCE = "new_offence", "New offence"
    BREACH = "breach", "Breach of an order"
    ADVOCATE_CONCERN = "advocate_concern", "Victim advocate's concern"
    NEW_INFORMATION = "new_information", "New information"


class ReviewTrigger(models.Model):
    """Something that brings a case back for re-review.

    Meetings put open triggers on the next suitable agenda; a trigger is
    resolved when the case has been discussed.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="review_triggers")
    kind = models.CharField(max_length=32, choices=TriggerKind.choices)
    reason = models.TextField()
    raised_at = models.DateTimeField(default=timezone.now)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["case", "resolved_at"], name="trigger_open")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.case_id}"


class RetentionAction(models.TextChoices):
    ANONYMISE = "anonymise", "Anonymise (keep the figures, remove who it was about)"
    ERASE = "erase", "Erase (delete the case and everyone only in it)"
    KEEP = "keep", "Keep for longer"


class RetentionProposal(models.Model):
    """Erasure and anonymisation are two-person actions: one proposes, another approves."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting a second person"
        DONE = "done", "Carried out"
        REJECTED = "rejected", "Rejected"

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    # Kept after erasure (the case row is gone): the reference is not personal data.
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="retention_proposals")
    case_reference = models.CharField(max_length=20)
    action = models.CharField(max_length=16, choices=RetentionAction.choices)
    keep_months = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField()
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    may_decide: bool  # not a field: set by the retention queue for its page

    class Meta:
        ordering = ["-proposed_at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.case_reference}"


class StatusChange(models.TextChoices):
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"


class CaseStatusChange(models.Model):
    """Each closing (which starts the tracking period) and reopening of a case, with its reason."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    change = models.CharField(max_length=16, choices=StatusChange.choices)
    on = models.DateField()
    reason = models.TextField()
    # For a closing: the last day of the tracking period the operating model set.
    tracking_until = models.DateField(null=True, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "monitoring_casestatuschange"  # the table of the monitoring app it came from
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_change_display()} {self.case_id} on {self.on:%d %b %Y}"
