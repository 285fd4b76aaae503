"""Support for each victim: an advocate, contacts, a versioned safety plan,
referrals to other services, support through court, and the victim
perception survey (report section 7, "Victim focused interventions";
docs/domain.md, "Victim satisfaction").

Access: that a victim is supported by an advocate (who, since when, the
state of their support) and that a safety plan is in place (its version
and review date) is case-management information, seen by everyone working
the case - the quarterly return counts victims supported. What the advocate
learns - contacts and their notes, the plan's measures, court support and
survey answers - is advocacy notes (by default: victim advocacy and IDVA
services only). A referral to children's social care is safeguarding
information (social services, police, advocacy, health).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from masip.access.models import Category
from masip.core.models import Recorded

if TYPE_CHECKING:
    from masip.cases.models import Case
    from masip.referrals.models import Referral


class SupportStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    ENDED = "ended", "Ended"


class VictimSupport(models.Model):
    """One victim's support: in a case, or from a referral the unit did not take on as a case
    (advice only, signposted, or not yet triaged) - advocates support those victims too, and the
    quarterly return counts each victim once. When the referral becomes a case, its support
    follows it there (victims.registrations)."""

    audit_type = "victim_support"

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="victim_supports"
    )
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.CASCADE, null=True, blank=True, related_name="victim_supports",
        help_text="The referral support began from, when it began before (or without) a case.",
    )
    victim = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=SupportStatus.choices)
    offered_on = models.DateField()
    accepted_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    advocate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_agency = models.ForeignKey("partnerships.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # Moves on with every change to where support stands (1 when first recorded), so a
    # form opened before a colleague's update cannot silently undo it.
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "victim"], name="uniq_victim_support"),
            models.UniqueConstraint(
                fields=["referral", "victim"], condition=models.Q(case__isnull=True),
                name="uniq_referral_victim_support",
            ),
            models.CheckConstraint(
                condition=models.Q(case__isnull=False) | models.Q(referral__isnull=False),
                name="victim_support_in_case_or_referral",
            ),
        ]
        # By the column, not the case: a join to the nullable case would make SELECT ... FOR UPDATE
        # fail on PostgreSQL ("cannot be applied to the nullable side of an outer join").
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return f"Support for {self.victim_id} in {self.case_id or f'referral {self.referral_id}'}"

    @property
    def reference(self) -> str:
        return f"support {self.pk}"

    @property
    def holder(self) -> Case | Referral:
        """The case the support is recorded in, else the referral it began from (a constraint sets one)."""
        holder = self.case or self.referral
        assert holder is not None, "victim_support_in_case_or_referral"
        return holder


class ContactMode(models.TextChoices):
    PHONE = "phone", "Phone call"
    IN_PERSON = "in_person", "In person"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    VIDEO = "video", "Video call"
    LETTER = "letter", "Letter"


class ContactPurpose(models.TextChoices):
    WELFARE = "welfare", "Welfare check"
    SAFETY_PLANNING = "safety_planning", "Safety planning"
    CJ_UPDATE = "cj_update", "Criminal justice update"
    COURT = "court", "Court preparation or support"
    CRISIS = "crisis", "Crisis support"
    REFERRAL = "referral", "Referral to another service"
    NEW_INCIDENT = "new_incident", "Reporting a new incident"
    OTHER = "other", "Other"


class AdvocateContact(Recorded):
    support = models.ForeignKey(VictimSupport, on_delete=models.CASCADE, related_name="contacts")
    contact_on = models.DateField()
    mode = models.CharField(max_length=16, choices=ContactMode.choices)
    purpose = models.CharField(max_length=24, choices=ContactPurpose.choices)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-contact_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} on {self.contact_on:%d %b %Y}"


class SafetyPlan(Recorded):
    """A version of a victim's safety plan. A change is a new version; earlier ones are kept."""

    audit_type = "safety_plan"

    support = models.ForeignKey(VictimSupport, on_delete=models.CASCADE, related_name="safety_plans")
    version = models.PositiveSmallIntegerField()
    agreed_on = models.DateField()
    review_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["support", "version"], name="uniq_safety_plan_version")
        ]
        ordering = ["support", "-version"]

    def __str__(self) -> str:
        return f"Safety plan v{self.version}"

    @property
    def reference(self) -> str:
        return f"safety plan v{self.version}"


class MeasureKind(models.TextChoices):
    TARGET_HARDENING = "target_hardening", "Target hardening (locks, alarms, cameras)"
    CHANGE_NUMBERS = "change_numbers", "Changing phone numbers and accounts"
    EVIDENCE_DIARY = "evidence_diary", "Evidence diary"
    ESCAPE_PLAN = "escape_plan", "Escape plan"
    CHILDREN = "children", "Children's safety"
    LIMIT_CONTACT = "limit_contact", "Advice on limiting contact"
    MOVING = "moving", "Help to move"
    OTHER = "other", "Other"


class MeasureStatus(models.TextChoices):
    AGREED = "agreed", "Agreed"
    IN_PLACE = "in_place", "In place"
    DECLINED = "declined", "Declined"


class SafetyMeasure(models.Model):
    plan = models.ForeignKey(SafetyPlan, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(max_length=24, choices=MeasureKind.choices)
    status = models.CharField(max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.AGREED)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class ReferralKind(models.TextChoices):
    CHILDREN_SOCIAL_CARE = "children_social_care", "Children's social care (children at risk)"
    MENTAL_HEALTH = "mental_health", "Mental-health support"
    HOUSING = "housing", "Housing"
    OTHER = "other", "Another service"


class ReferralStatus(models.TextChoices):
    MADE = "made", "Made"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class VictimReferral(Recorded):
    support = models.ForeignKey(VictimSupport, on_delete=models.CASCADE, related_name="referrals")
    kind = models.CharField(max_length=24, choices=ReferralKind.choices)
    made_on = models.DateField()
    to_service = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.MADE)
    notes = models.TextField(blank=True)
    category = models.CharField(max_length=32, choices=Category.choices, default=Category.ADVOCACY_NOTES)

    class Meta:
        ordering = ["-made_on", "-id"]

    def __str__(self) -> str:
        return f"Referral to {self.to_service}"


class CourtSupportKind(models.TextChoices):
    SPECIAL_MEASURES = "special_measures", "Special measures"
    PERSONAL_STATEMENT = "personal_statement", "Victim personal statement"
    RO_REPRESENTATIONS = "ro_representations", "Representations for a restraining order"
    ACCOMPANIMENT = "accompaniment", "Pre-trial visit or accompaniment to court"
    OTHER = "other", "Other"


class CourtSupport(Recorded):
    support = models.ForeignKey(VictimSupport, on_delete=models.CASCADE, related_name="court_support")
    kind = models.CharField(max_length=24, choices=CourtSupportKind.choices)
    on = models.DateField()
    hearing_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class SurveyMode(models.TextChoices):
    PHONE = "phone", "By phone"
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    PAPER = "paper", "On paper"


class Agreement(models.IntegerChoices):
    """A five-point agreement scale; an unanswered question is stored as blank (null)."""

    STRONGLY_DISAGREE = 1, "Strongly disagree"
    DISAGREE = 2, "Disagree"
    NEITHER = 3, "Neither agree nor disagree"
    AGREE = 4, "Agree"
    STRONGLY_AGREE = 5, "Strongly agree"


# The perception survey's statements: the aspects of victim satisfaction the
# evaluation measures (report section 4: complaint taken seriously; police
# response; support from advocates and other agencies; less fear).
SURVEY_QUESTIONS = [
    ("taken_seriously", "My complaint was taken seriously"),
    ("police_response", "The police responded appropriately"),
    ("advocate_support", "My advocate supported me well"),
    ("agency_support", "Other agencies supported me well"),
    ("feels_safer", "I feel safer than when I was first referred"),
]


class PerceptionSurvey(Recorded):
    """A victim perception survey: optional, and recorded only with the victim's consent."""

    audit_type = "perception_survey"

    support = models.ForeignKey(VictimSupport, on_delete=models.CASCADE, related_name="surveys")
    on = models.DateField()
    mode = models.CharField(max_length=16, choices=SurveyMode.choices)
    consent_given = models.BooleanField()
    taken_seriously = models.PositiveSmallIntegerField(choices=Agreement.choices, null=True, blank=True)
    police_response = models.PositiveSmallIntegerField(choices=Agreement.choices, null=True, blank=True)
    advocate_support = models.PositiveSmallIntegerField(choices=Agreement.choices, null=True, blank=True)
    agency_support = models.PositiveSmallIntegerField(choices=Agreement.choices, null=True, blank=True)
    feels_safer = models.PositiveSmallIntegerField(choices=Agreement.choices, null=True, blank=True)
    comments = models.TextField(blank=True)

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"Survey on {self.on:%d %b %Y}"

    @property
    def answers(self) -> list[tuple[str, str]]:
        return [
            (text, Agreement(getattr(self, name)).label if getattr(self, name) else "Not answered")
            for name, text in SURVEY_QUESTIONS
        ]
