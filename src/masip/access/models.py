"""The data the access policy reads: information categories, each partnership's
need-to-know rules, and information sharing agreements (ISAs)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from masip.partnerships.models import Agency, AgencyKind, Partnership


class Category(models.TextChoices):
    """What kind of information a record holds; the access policy reads it."""

    CASE_MANAGEMENT = "case_management", "Case management"
    POLICE_INTELLIGENCE = "police_intelligence", "Police intelligence"
    HEALTH_CLINICAL = "health_clinical", "Health and clinical"
    PROBATION = "probation", "Probation"
    VICTIM_CONTACT = "victim_contact", "Victim contact details"
    ADVOCACY_NOTES = "advocacy_notes", "Advocacy notes"
    SAFEGUARDING_CHILDREN = "safeguarding_children", "Safeguarding (children)"


# Shipped need-to-know defaults: which agency kinds a category is for. A
# partnership's unit manager can change its own rules in the admin.
# Health and clinical detail is for health staff only; anyone else sees a
# summary a health user shares for a stated purpose (sharing.HealthSummaryShare).
DEFAULT_NEED_TO_KNOW: dict[str, list[str]] = {
    Category.CASE_MANAGEMENT: [k for k in AgencyKind.values if k not in (AgencyKind.PMO, AgencyKind.EVALUATION)],
    Category.POLICE_INTELLIGENCE: [AgencyKind.POLICE, AgencyKind.PROBATION, AgencyKind.CRC, AgencyKind.CPS],
    Category.HEALTH_CLINICAL: [AgencyKind.HEALTH],
    Category.PROBATION: [AgencyKind.PROBATION, AgencyKind.CRC, AgencyKind.POLICE],
    Category.VICTIM_CONTACT: [AgencyKind.VICTIM_ADVOCACY, AgencyKind.IDVA, AgencyKind.POLICE],
    Category.ADVOCACY_NOTES: [AgencyKind.VICTIM_ADVOCACY, AgencyKind.IDVA],
    Category.SAFEGUARDING_CHILDREN: [
        AgencyKind.SOCIAL_SERVICES, AgencyKind.POLICE, AgencyKind.VICTIM_ADVOCACY, AgencyKind.HEALTH,
    ],
}


class NeedToKnowRule(models.Model):
    """In this partnership, staff of this kind of agency need to know this category."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="need_to_know_rules")
    category = models.CharField(max_length=32, choices=Category.choices)
    agency_kind = models.CharField(max_length=32, choices=AgencyKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "category", "agency_kind"], name="uniq_need_to_know")
        ]
        ordering = ["partnership", "category", "agency_kind"]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.get_category_display()} - {self.get_agency_kind_display()}"


class LawfulBasis(models.TextChoices):
    PART3_LAW_ENFORCEMENT = "dpa_part3", "DPA 2018 Part 3 (law-enforcement processing)"
    GDPR_6_1_C_9_2_G = "gdpr_6c_9g", "UK GDPR Art 6(1)(c) and 9(2)(g), DPA 2018 Sch 1 para 6 (statutory purposes)"
    GDPR_6_1_E_9_2_G = "gdpr_6e_9g", "UK GDPR Art 6(1)(e) and 9(2)(g), DPA 2018 Sch 1 para 18 (safeguarding)"
    GDPR_6_1_E_9_2_H = "gdpr_6e_9h", "UK GDPR Art 6(1)(e) and 9(2)(h), DPA 2018 Sch 1 para 2 (health or social care)"
    OTHER = "other", "Other (described in the agreement)"


class InformationSharingAgreement(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="sharing_agreements")
    title = models.CharField(max_length=200)
    reference = models.CharField(max_length=60, blank=True)
    parties = models.ManyToManyField(Agency, related_name="sharing_agreements")
    categories = models.JSONField(default=list, help_text="Information categories the agreement covers.")
    lawful_basis = models.CharField(max_length=16, choices=LawfulBasis.choices)
    lawful_basis_detail = models.TextField(blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="Leave blank if it runs until replaced.")
    signed_by = models.TextField(help_text="Who signed for each party.")
    signed_on = models.DateField()

    class Meta:
        ordering = ["partnership", "-valid_from"]
        verbose_name = "information sharing agreement"

    def __str__(self) -> str:
        return self.title

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not isinstance(self.categories, list) or not self.categories or not all(
            c in Category.values for c in self.categories
        ):
            errors["categories"] = f"Enter a list of categories from: {', '.join(Category.values)}."
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            errors["valid_to"] = "The end date must be on or after the start date."
        if self.signed_on and self.valid_from and self.signed_on > self.valid_from:
            errors["signed_on"] = "An agreement must be signed before it takes effect."
        if errors:
            raise ValidationError(errors)


def validate_agreement_parties(agreement: InformationSharingAgreement, parties: list[Agency]) -> None:
    """Parties are checked once the many-to-many is known (the admin form calls this)."""
    if len(parties) < 2:
        raise ValidationError({"parties": "An agreement needs at least two parties."})
    members = set(agreement.partnership.partner_agencies.values_list("agency_id", flat=True))
    outsiders = [str(a) for a in parties if a.pk not in members]
    if outsiders:
        raise ValidationError({"parties": f"Not partners of {agreement.partnership}: {', '.join(outsiders)}."})
    overlapping = (
        InformationSharingAgreement.objects.filter(partnership=agreement.partnership)
        .exclude(pk=agreement.pk)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=agreement.valid_from))
    )
    if agreement.valid_to:
        overlapping = overlapping.filter(valid_from__lte=agreement.valid_to)
    party_ids = {a.pk for a in parties}
    for other in overlapping.prefetch_related("parties"):
        shared_parties = party_ids & {a.pk for a in other.parties.all()}
        shared_categories = set(agreement.categories) & set(other.categories)
        if len(shared_parties) >= 2 and shared_categories:
            labels = ", ".join(Category(c).label.lower() for c in sorted(shared_categories))
            until = f"{other.valid_to:%d %b %Y}" if other.valid_to else "open-ended"
            raise ValidationError(
                f"Overlaps '{other}' (from {other.valid_from:%d %b %Y}, until {until}) for {labels} "
                "between the same parties. End the earlier agreement before this one starts."
            )


def ensure_need_to_know_defaults(partnership: Partnership) -> None:
    """Give a partnership the shipped need-to-know rules if it has none yet."""
    if partnership.need_to_know_rules.exists():
        return
    NeedToKnowRule.objects.bulk_create(
        NeedToKnowRule(partnership=partnership, category=category, agency_kind=kind)
        for category, kinds in DEFAULT_NEED_TO_KNOW.items()
        for kind in kinds
    )
