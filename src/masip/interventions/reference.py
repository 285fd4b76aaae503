"""The intervention types the programme ships with (report section 7, "Perpetrator focused
interventions"), loaded by a data migration. Programme administration adds more in the admin."""

from __future__ import annotations

# code, name, usual mode, clinical, referral to a service, needs consent
SHIPPED_TYPES = [
    ("brief_therapeutic", "Brief therapeutic work", "direct", True, False, True),
    ("cbt", "Cognitive behavioural therapy (CBT)", "direct", True, False, True),
    ("ipt", "Interpersonal therapy (IPT)", "direct", True, False, True),
    ("schema_therapy", "Schema-based therapy", "direct", True, False, True),
    ("occupational_therapy", "Occupational therapy", "direct", True, False, True),
    ("psychiatric_assessment", "Psychiatric assessment", "direct", True, False, True),
    ("substance_misuse_referral", "Substance misuse referral", "indirect", False, True, True),
    ("relocation", "Relocation or housing away from the victim", "direct", False, False, True),
    ("employment_support", "Employment support", "direct", False, False, True),
    ("electronic_monitoring", "Voluntary electronic monitoring", "direct", False, False, True),
    ("mappa_referral", "MAPPA referral", "indirect", False, False, False),
    ("tactical_advice", "Tactical advice to the officer in charge", "indirect", False, False, False),
    (
        "external_consultation",
        "Consultation to an external agency (e.g. pre-sentence report advice)",
        "indirect",
        False,
        False,
        False,
    ),
    ("signposting", "Signposting to an external service", "indirect", False, True, True),
]


def shipped_type(code: str):
    """A shipped intervention type, loading the shipped list first if a flushed database lost it."""
    from masip.interventions.models import InterventionType

    found = InterventionType.objects.filter(code=code).first()
    if found is None:
        load_shipped_types(InterventionType)
        found = InterventionType.objects.get(code=code)
    return found


def load_shipped_types(InterventionType) -> None:  # noqa: N803 - the historical model from a migration
    for order, (code, name, mode, clinical, referral, consent) in enumerate(SHIPPED_TYPES, start=1):
        InterventionType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "usual_mode": mode,
                "is_clinical": clinical,
                "is_service_referral": referral,
                "needs_consent": consent,
                "display_order": order * 10,
            },
        )
