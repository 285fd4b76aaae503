"""Local Area Partnerships, their agencies, staff membership and operating models.

How a partnership works - who triages, which meetings it holds, where direct
interventions are offered, how long closed cases are tracked - is data here,
editable by its unit manager in the admin. Workflow code reads it; there is
no per-partnership code path.
"""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from masip.partnerships import registry


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    PROBATION = "probation", "Probation (NPS)"
    CRC = "crc", "Community Rehabilitation Company"
    VICTIM_ADVOCACY = "victim_advocacy", "Victim advocacy"
    IDVA = "idva", "IDVA service"
    SOCIAL_SERVICES = "social_services", "Social services"
    CPS = "cps", "Crown Prosecution Service"
    HELPLINE = "helpline", "Stalking helpline"
    MARAC = "marac", "MARAC"
    PMO = "pmo", "Programme management office"
    EVALUATION = "evaluation", "Evaluation team"
    OTHER = "other", "Other"


class PartnerStatus(models.TextChoices):
    FUNDED_CORE = "funded_core", "Funded core partner"
    UNFUNDED_ATTENDING = "unfunded_attending", "Unfunded, attends meetings"
    EXTERNAL = "external", "External"


class Role(models.TextChoices):
    UNIT_MANAGER = "unit_manager", "Unit manager"
    TRIAGE_LEAD = "triage_lead", "Triage lead"
    PRACTITIONER = "practitioner", "Practitioner"
    BUSINESS_SUPPORT = "business_support", "Business support"
    PMO = "pmo", "Programme management office"
    EVALUATOR = "evaluator", "Evaluator"


# Roles that work on cases and therefore see personal data at all. PMO and
# evaluators see aggregates and pseudonymised data only (issue: need-to-know).
CASEWORK_ROLES = frozenset({Role.UNIT_MANAGER, Role.TRIAGE_LEAD, Role.PRACTITIONER, Role.BUSINESS_SUPPORT})

# Who may chair a meeting (add or take off agenda items, refresh the agenda, close it) and so
# also update any action of the partnership. The meeting's named chair always may.
CHAIR_ROLES = frozenset({Role.UNIT_MANAGER, Role.TRIAGE_LEAD})


class Agency(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.short_name or self.name


class Partnership(models.Model):
    """A Local Area Partnership (LAP): one multi-agency stalking unit."""

    code = models.CharField(
        max_length=3, unique=True, help_text="Three letters used in references, e.g. CHE."
    )
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100, help_text="Area name, e.g. Cheshire.")
    unit_name = models.CharField(max_length=200, help_text="e.g. Integrated Anti-Stalking Unit (IASU).")
    police_force = models.CharField(max_length=200)
    areas = models.JSONField(
        default=list,
        blank=True,
        help_text="Policing areas or boroughs the partnership covers (a list of names).",
    )
    crime_reference_pattern = models.CharField(
        max_length=200,
        default=r"^[A-Z0-9]{1,12}(?:[/-][A-Z0-9]{1,12}){1,4}$",
        help_text="Regular expression a crime reference must match (after upper-casing).",
    )
    crime_reference_example = models.CharField(max_length=40, default="01/123456/19")
    agencies = models.ManyToManyField(Agency, through="PartnerAgency", related_name="partnerships")
    # Per-partnership counters for human-readable references; incremented under
    # select_for_update so two referrals saved at once never share a number.
    next_referral_number = models.PositiveIntegerField(default=1)
    next_case_number = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            re.compile(self.crime_reference_pattern)
        except re.error as exc:
            raise ValidationError(
                {"crime_reference_pattern": f"Not a valid regular expression: {exc}"}
            ) from exc
        if not isinstance(self.areas, list) or not all(isinstance(a, str) and a.strip() for a in self.areas):
            raise ValidationError({"areas": "Enter a list of area names."})

    def operating_model_on(self, day: date | None = None) -> OperatingModel | None:
        day = day or timezone.localdate()
        return (
            self.operating_models.filter(effective_from__lte=day)
            .prefetch_related("meeting_series")
            .order_by("-effective_from", "-version")
            .first()
        )


class PartnerAgency(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="partner_agencies")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="partner_roles")
    status = models.CharField(max_length=32, choices=PartnerStatus.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership", "agency"], name="uniq_partner_agency")]
        ordering = ["partnership", "agency__name"]

    def __str__(self) -> str:
        return f"{self.agency} in {self.partnership} ({self.get_status_display()})"


class Membership(models.Model):
    """A member of staff's place in a partnership: which one, and in what role."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    job_title = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    joined_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "partnership"], name="uniq_membership")]
        ordering = ["partnership", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()}, {self.partnership}"

    @property
    def is_casework(self) -> bool:
        return self.role in CASEWORK_ROLES


class Revisiting(models.TextChoices):
    """How a partnership brings cases back once it has dealt with them (report section 7,
    "Revisiting cases"); read by the monitoring rules through partnerships.revisiting."""

    NO_FORMAL = "no_formal", "No formal revisiting: a trigger is recorded and goes to the next meeting"
    UNTIL_CONCLUDED = (
        "until_concluded",
        "Tracked until a charge or another outcome concludes the investigation",
    )
    LIFE_OF_CASE = "life_of_case", "Tracked for the life of the case and a period after it closes"


class OperatingModel(models.Model):
    """How a partnership works, as versioned data.

    A new version takes effect from its `effective_from` date; earlier versions
    stay so that past decisions can be read against the rules of their day.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="operating_models")
    version = models.PositiveIntegerField(default=1)
    effective_from = models.DateField()
    summary = models.TextField(blank=True)
    first_screen = models.TextField(help_text="Who first screens referrals, and how.")
    triage_roles = models.JSONField(
        default=list, blank=True, help_text="Roles that may record a triage decision (role codes)."
    )
    triage_agency_kinds = models.JSONField(
        default=list,
        blank=True,
        help_text="Agencies whose staff may record a triage decision whatever their role (agency kinds).",
    )
    referral_screening_tools = models.JSONField(
        default=list, blank=True, help_text="Screening tools expected with a referral, e.g. ['S-DASH']."
    )
    triage_screening_tools = models.JSONField(
        default=list, blank=True, help_text="Tools used at screening and triage, e.g. ['SASH', 'DASH']."
    )
    case_summary = models.CharField(
        max_length=200, blank=True, help_text="The case summary the unit produces."
    )
    co_located = models.BooleanField(help_text="Whether core staff work in one place.")
    direct_intervention_areas = models.JSONField(
        default=list,
        blank=True,
        help_text="Areas in which direct perpetrator interventions are offered; empty means the whole partnership.",
    )
    direct_interventions = models.TextField(
        blank=True, help_text="What direct perpetrator work the unit offers."
    )
    revisiting_policy = models.CharField(
        max_length=20,
        choices=Revisiting.choices,
        default=Revisiting.LIFE_OF_CASE,
        help_text="How long a case is tracked, which decides whether new incidents still bring it back.",
    )
    tracking_months_after_closure = models.PositiveSmallIntegerField(
        default=0,
        help_text="For tracking over the life of the case: how many months a closed case stays under tracking.",
    )
    reassess_on_trigger = models.BooleanField(
        default=True,
        help_text="Whether a re-review trigger (a new incident, offence, referral or concern) asks for a "
        "reassessment. Without it the trigger is recorded and goes to the next meeting.",
    )
    rereview_instrument = models.CharField(
        max_length=40,
        blank=True,
        help_text="The instrument each re-review asks for (e.g. 'cas': a new Case Analysis Summary); blank "
        "means any signed-off assessment answers the reassessment.",
    )
    revisiting = models.TextField(
        blank=True, help_text="Notes for staff on how cases come back; the rules read the fields above."
    )
    referral_instruments = models.JSONField(
        default=list, blank=True,
        help_text="Instrument codes offered on a referral, at screening and triage (e.g. ['sdash', 'sash']).",
    )
    case_instruments = models.JSONField(
        default=list, blank=True, help_text="Instrument codes offered on an accepted case (e.g. ['srp', 'dash'])."
    )
    required_before_acceptance = models.JSONField(
        default=list, blank=True,
        help_text="Instruments that must be signed off on a referral before it can be accepted into the unit.",
    )
    required_before_acceptance_sources = models.JSONField(
        default=list, blank=True,
        help_text=(
            "Referral sources (agency kinds) the instruments above are required for, e.g. ['police'] where the "
            "tool comes on the police referral form; empty means referrals from every source."
        ),
    )
    assessment_sign_off_roles = models.JSONField(
        default=list, blank=True,
        help_text="Roles that may sign off an assessment (role codes); empty means unit manager and triage lead.",
    )
    retention_months_after_tracking = models.PositiveSmallIntegerField(
        default=72,
        help_text="How long a closed case's records are kept after its tracking period ends, before review.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "version"], name="uniq_operating_model_version")
        ]
        ordering = ["partnership", "-version"]

    def __str__(self) -> str:
        return f"{self.partnership} operating model v{self.version} (from {self.effective_from:%d %b %Y})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        roles = set(Role.values)
        if not _is_list_of(self.triage_roles, roles):
            errors["triage_roles"] = f"Enter a list of role codes from: {', '.join(sorted(roles))}."
        kinds = set(AgencyKind.values)
        if not _is_list_of(self.triage_agency_kinds, kinds):
            errors["triage_agency_kinds"] = f"Enter a list of agency kinds from: {', '.join(sorted(kinds))}."
        if not (self.triage_roles or self.triage_agency_kinds):
            errors["triage_roles"] = "Name at least one role or agency that may triage."
        for name in ("referral_screening_tools", "triage_screening_tools", "direct_intervention_areas"):
            if not _is_list_of(getattr(self, name), None):
                errors[name] = "Enter a list of names."
        if not _is_list_of(self.assessment_sign_off_roles, roles):
            errors["assessment_sign_off_roles"] = f"Enter a list of role codes from: {', '.join(sorted(roles))}."
        known = set(registry.instrument_codes())
        for name in ("referral_instruments", "case_instruments", "required_before_acceptance"):
            if not _is_list_of(getattr(self, name), known):
                errors[name] = f"Enter a list of instrument codes from: {', '.join(sorted(known))}."
        if not _is_list_of(self.required_before_acceptance_sources, kinds):
            errors["required_before_acceptance_sources"] = (
                f"Enter a list of agency kinds from: {', '.join(sorted(kinds))}."
            )
        if not errors.get("required_before_acceptance") and not set(self.required_before_acceptance) <= set(
            self.referral_instruments
        ):
            errors["required_before_acceptance"] = "An instrument required before acceptance must be offered on referrals."
        if self.tracking_months_after_closure and self.revisiting_policy != Revisiting.LIFE_OF_CASE:
            errors["tracking_months_after_closure"] = (
                "Only tracking over the life of the case continues for months after closure; set it to 0"
            )
        if self.rereview_instrument and self.rereview_instrument not in (self.case_instruments or []):
            errors["rereview_instrument"] = "The instrument a re-review asks for must be offered on cases"
        if self.rereview_instrument and not self.reassess_on_trigger:
            errors["rereview_instrument"] = "A re-review asks for an instrument only where triggers ask for a reassessment"
        if self.partnership_id and self.direct_intervention_areas:
            unknown = set(self.direct_intervention_areas) - set(self.partnership.areas)
            if unknown:
                errors["direct_intervention_areas"] = (
                    f"Not areas of {self.partnership}: {', '.join(sorted(unknown))}."
                )
        if errors:
            raise ValidationError(errors)

    def required_before_accepting(self, source_agency_kind: str) -> list[str]:
        """Instrument codes to be signed off before accepting a referral from this source."""
        sources = self.required_before_acceptance_sources
        if sources and source_agency_kind not in sources:
            return []
        return list(self.required_before_acceptance)

    def offers_direct_interventions_in(self, area: str) -> bool:
        return not self.direct_intervention_areas or area in self.direct_intervention_areas


def _is_list_of(value: object, allowed: set[str] | None) -> bool:
    if not isinstance(value, list):
        return False
    return all(isinstance(v, str) and v and (allowed is None or v in allowed) for v in value)


class MeetingKind(models.TextChoices):
    DAILY_REVIEW = "daily_review", "Daily case review"
    TRIAGE = "triage", "Triage meeting"
    CLINIC = "clinic", "Stalking clinic"
    MENTAL_HEALTH_CLINIC = "mental_health_clinic", "Mental-health clinic"
    PARTNERSHIP = "partnership", "Partnership meeting"
    INTERNAL = "internal", "Internal unit meeting"
    COMPLEX_CASE = "complex_case", "Complex case consultation"


class Cadence(models.TextChoices):
    WEEKDAYS = "weekdays", "Every weekday"
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"
    AS_NEEDED = "as_needed", "As needed"


class MeetingSeries(models.Model):
    operating_model = models.ForeignKey(
        OperatingModel, on_delete=models.CASCADE, related_name="meeting_series"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=MeetingKind.choices)
    cadence = models.CharField(max_length=16, choices=Cadence.choices)
    expected_agency_kinds = models.JSONField(default=list, blank=True)
    purpose = models.TextField(blank=True)
    agenda_rule = models.JSONField(
        default=dict,
        blank=True,
        help_text="Which cases this meeting discusses, read by the agenda builder.",
    )

    class Meta:
        ordering = ["operating_model", "name"]
        verbose_name_plural = "meeting series"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_cadence_display().lower()})"

    def clean(self) -> None:
        errors = {}
        if not _is_list_of(self.expected_agency_kinds, set(AgencyKind.values)):
            errors["expected_agency_kinds"] = "Enter a list of agency kinds."
        agenda_error = registry.agenda_rule_error(self.agenda_rule)
        if agenda_error:
            errors["agenda_rule"] = agenda_error
        if errors:
            raise ValidationError(errors)
