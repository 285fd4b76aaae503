"""People known to a partnership.

A person may be a victim in one referral and a suspect in another. What
identifies them (names, date of birth, reference numbers) is kept apart from
their protected contact details (address, phone, email), which the access
policy guards more tightly - a victim's current address must never reach
anything a perpetrator could see.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from masip.people.matching import contact_key, phonetic_columns, surname_codes, surname_key


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"


class AgeRange(models.TextChoices):
    UNDER_18 = "under_18", "Under 18"
    A18_24 = "18_24", "18 to 24"
    A25_34 = "25_34", "25 to 34"
    A35_44 = "35_44", "35 to 44"
    A45_54 = "45_54", "45 to 54"
    A55_64 = "55_64", "55 to 64"
    A65_PLUS = "65_plus", "65 or over"


class Person(models.Model):
    audit_type = "person"

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="people"
    )
    full_name = models.CharField(max_length=200, blank=True)
    description = models.CharField(
        max_length=500,
        blank=True,
        help_text="Who they are when the name is not known, e.g. 'man at the gym'.",
    )
    date_of_birth = models.DateField(null=True, blank=True)
    age_range = models.CharField(max_length=16, choices=AgeRange.choices, blank=True)
    sex = models.CharField(max_length=16, choices=Sex.choices, default=Sex.UNKNOWN)
    # Normalised keys for search-before-create (see people.matching): the order-free
    # name, the surname, and Double Metaphone codes of the surname (primary and
    # alternate) and first name, so that "Sanders" finds "Saunders" by an index.
    name_key = models.CharField(max_length=200, blank=True, editable=False)
    surname_key = models.CharField(max_length=80, blank=True, editable=False)
    surname_phonetic = models.CharField(max_length=16, blank=True, editable=False)
    surname_phonetic_alt = models.CharField(max_length=16, blank=True, editable=False)
    forename_phonetic = models.CharField(max_length=16, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    # Moves on with every change to the identifying details, so that an edit form
    # opened before a colleague's correction cannot silently undo it.
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["partnership", "surname_key"], name="person_lap_surname"),
            models.Index(fields=["partnership", "date_of_birth"], name="person_lap_dob"),
            models.Index(
                fields=["partnership", "surname_phonetic", "forename_phonetic"], name="person_lap_sound"
            ),
            models.Index(fields=["partnership", "surname_phonetic_alt"], name="person_lap_sound_alt"),
            models.Index(fields=["partnership", "forename_phonetic"], name="person_lap_forename_sound"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(full_name="") | ~models.Q(description=""),
                name="person_named_or_described",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or f"Unnamed ({self.description})"

    KEY_FIELDS = ("name_key", "surname_key", "surname_phonetic", "surname_phonetic_alt", "forename_phonetic")

    def refresh_keys(self) -> None:
        """Recompute the search keys from the name (call before saving or bulk-creating)."""
        for name, value in phonetic_columns(self.full_name).items():
            setattr(self, name, value)


class PersonAlias(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    surname_key = models.CharField(max_length=80, blank=True, editable=False)
    surname_phonetic = models.CharField(max_length=16, blank=True, editable=False)
    surname_phonetic_alt = models.CharField(max_length=16, blank=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["surname_key"], name="alias_surname"),
            models.Index(fields=["surname_phonetic"], name="alias_sound"),
            models.Index(fields=["surname_phonetic_alt"], name="alias_sound_alt"),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def for_name(cls, person: Person, name: str) -> PersonAlias:
        """An unsaved alias with its search keys (for create or bulk_create)."""
        name = name.strip()
        primary, alternate = surname_codes(name)
        return cls(
            person=person, name=name, surname_key=surname_key(name), surname_phonetic=primary,
            surname_phonetic_alt=alternate,
        )


class IdentifierScheme(models.TextChoices):
    PNC = "pnc", "Police National Computer ID"
    POLICE_LOCAL = "police_local", "Local police record number"
    NHS = "nhs", "NHS number"
    PROBATION_CRN = "probation_crn", "Probation case reference (CRN)"
    OTHER = "other", "Other reference"


class PersonIdentifier(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=32, choices=IdentifierScheme.choices)
    value = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["scheme", "value"], name="identifier_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["person", "scheme", "value"], name="uniq_person_identifier")
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()}: {self.value}"


class ContactKind(models.TextChoices):
    ADDRESS = "address", "Address"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"


class ContactDetail(models.Model):
    """Protected: where a person can be found or reached."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contact_details")
    kind = models.CharField(max_length=16, choices=ContactKind.choices)
    value = models.CharField(max_length=500)
    # A phone number's digits or an email address in lower case (people.matching.contact_key),
    # so that search and matching find a person by either through an index. Blank for addresses.
    match_key = models.CharField(max_length=254, blank=True, editable=False)
    is_current = models.BooleanField(default=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "-recorded_at"]
        indexes = [models.Index(fields=["kind", "match_key"], name="contact_match")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.person_id}"

    @classmethod
    def for_value(cls, person: Person, kind: str, value: str, **extra) -> ContactDetail:
        """An unsaved contact detail with its match key (for create or bulk_create)."""
        return cls(person=person, kind=kind, value=value, match_key=contact_key(kind, value)[:254], **extra)
