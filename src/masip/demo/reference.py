"""The three shipped partnerships, configured as the MASIP interim report describes them,
and the demo staff accounts. Idempotent: running it twice changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TypedDict

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from masip.access.models import (
    Category,
    InformationSharingAgreement,
    LawfulBasis,
    ensure_need_to_know_defaults,
)
from masip.accounts.models import User
from masip.partnerships.apps import UNIT_MANAGER_GROUP, ensure_unit_manager_group
from masip.partnerships.models import (
    Agency,
    AgencyKind,
    Cadence,
    MeetingKind,
    MeetingSeries,
    Membership,
    OperatingModel,
    PartnerAgency,
    Partnership,
    PartnerStatus,
    Revisiting,
    Role,
)

DEMO_PASSWORD = "demo-password"
OPERATING_MODELS_FROM = date(2018, 9, 3)  # MASIP became operational on 3 September 2018

# Which cases each meeting series discusses (the schema is in meetings/agenda.py).
# London screens every case accepted since the last morning meeting and discusses
# the high-risk ones (report s.7: "all cases deemed as high risk ... are discussed
# in a daily morning meeting"), bringing unassessed cases to be screened; complex
# cases are referred on to a consultation. Hampshire's weekly triage meeting sees
# every new case and selects the highest-risk 3-4 for the monthly clinic, and
# health cases for Recolo. Cheshire's internal meeting sees new cases and refers
# some to the fortnightly partnership meeting, where any change brings a case back.
AGENDA_RULES = {
    "Daily morning case review": {
        "new_cases": {"min_risk": 3, "include_unassessed": True}, "triggers": True, "overdue_actions": True,
        "kept_on_agenda": True, "plan_reviews": True, "untriaged_referrals": True,
    },
    "Complex case consultation": {"referred": {}, "kept_on_agenda": True},
    "Weekly triage meeting": {
        "new_cases": {}, "triggers": True, "overdue_actions": True, "kept_on_agenda": True, "plan_reviews": True,
        "untriaged_referrals": True,
    },
    "Monthly stalking clinic": {"referred": {"limit": 4}, "kept_on_agenda": True},
    "Recolo mental-health clinic": {"referred": {}, "kept_on_agenda": True},
    "IASU internal meeting": {"new_cases": {}, "overdue_actions": True, "kept_on_agenda": True, "plan_reviews": True},
    "Partnership meeting (clinic)": {"referred": {}, "triggers": True, "kept_on_agenda": True},
}

AGENCIES = [
    # name, short name, kind
    ("Cheshire Constabulary", "Cheshire Police", AgencyKind.POLICE),
    ("Cheshire forensic psychology service (NHS)", "Cheshire Health", AgencyKind.HEALTH),
    ("Cheshire independent stalking advocacy", "Cheshire Advocacy", AgencyKind.VICTIM_ADVOCACY),
    ("National Probation Service - Cheshire", "Cheshire NPS", AgencyKind.PROBATION),
    ("Cheshire Community Rehabilitation Company", "Cheshire CRC", AgencyKind.CRC),
    ("Refuge IDVA Services - Cheshire", "Refuge IDVA", AgencyKind.IDVA),
    ("Cheshire Adult Social Care", "Cheshire Social Care", AgencyKind.SOCIAL_SERVICES),
    ("Hampshire Constabulary", "Hampshire Police", AgencyKind.POLICE),
    ("Recolo mental health service (NHS)", "Recolo", AgencyKind.HEALTH),
    ("Aurora New Dawn", "Aurora New Dawn", AgencyKind.VICTIM_ADVOCACY),
    ("National Probation Service - Hampshire", "Hampshire NPS", AgencyKind.PROBATION),
    ("Crown Prosecution Service - Wessex", "CPS Wessex", AgencyKind.CPS),
    ("Hampshire Children's Services", "Hampshire Social Care", AgencyKind.SOCIAL_SERVICES),
    ("Metropolitan Police Service", "Met Police", AgencyKind.POLICE),
    ("STAC forensic mental health team (NHS)", "STAC Health", AgencyKind.HEALTH),
    ("STAC stalking victim advocacy", "STAC Advocacy", AgencyKind.VICTIM_ADVOCACY),
    ("National Probation Service - London", "London NPS", AgencyKind.PROBATION),
    ("National Stalking Helpline", "Helpline", AgencyKind.HELPLINE),
    ("MASIP Programme Management Office", "PMO", AgencyKind.PMO),
    ("MASIP Evaluation Team", "Evaluation", AgencyKind.EVALUATION),
]

class PartnershipSpec(TypedDict):
    """One demo partnership: its fields, partner agencies (name, status), operating model and meetings."""

    code: str
    name: str
    unit_name: str
    police_force: str
    areas: list[str]
    crime_reference_example: str
    agencies: list[tuple[str, str]]
    model: dict[str, Any]  # OperatingModel fields
    series: list[tuple[str, str, str, list[str]]]  # name, kind, cadence, expected agency kinds


PARTNERSHIPS: dict[str, PartnershipSpec] = {
    "cheshire": {
        "code": "CHE",
        "name": "Cheshire",
        "unit_name": "Integrated Anti-Stalking Unit (IASU)",
        "police_force": "Cheshire Constabulary",
        "areas": ["Warrington", "Halton", "Cheshire East", "Cheshire West and Chester"],
        "crime_reference_example": "CC/0123456/19",
        "agencies": [
            ("Cheshire Constabulary", PartnerStatus.FUNDED_CORE),
            ("Cheshire forensic psychology service (NHS)", PartnerStatus.FUNDED_CORE),
            ("Cheshire independent stalking advocacy", PartnerStatus.FUNDED_CORE),
            ("National Probation Service - Cheshire", PartnerStatus.UNFUNDED_ATTENDING),
            ("Cheshire Community Rehabilitation Company", PartnerStatus.UNFUNDED_ATTENDING),
            ("Refuge IDVA Services - Cheshire", PartnerStatus.UNFUNDED_ATTENDING),
            ("Cheshire Adult Social Care", PartnerStatus.UNFUNDED_ATTENDING),
            ("National Stalking Helpline", PartnerStatus.EXTERNAL),
        ],
        "model": {
            "summary": "Seven full-time core staff, co-located. Piloted as the Anti-Stalking Clinic Initiative since 2015.",
            "first_screen": "The business support officer triages police referrals; unit members screen possible stalking cases daily.",
            "triage_roles": [Role.BUSINESS_SUPPORT, Role.TRIAGE_LEAD, Role.UNIT_MANAGER],
            "triage_agency_kinds": [],
            "referral_screening_tools": ["DASH", "Stalking screening tool", "VPA"],
            "triage_screening_tools": ["SCSQ", "CAS"],
            "case_summary": "Case Analysis Summary (CAS), a new one at each re-review",
            "co_located": True,
            "direct_intervention_areas": ["Warrington", "Halton"],
            "direct_interventions": "Brief therapeutic work by perpetrator outreach practitioners, only in Warrington and Halton.",
            "referral_instruments": ["dash", "scsq"],
            "case_instruments": ["scsq", "cas", "srp", "dash"],
            "required_before_acceptance": [],
            "required_before_acceptance_sources": [],
            "assessment_sign_off_roles": [Role.UNIT_MANAGER, Role.TRIAGE_LEAD, Role.PRACTITIONER],
            "revisiting_policy": Revisiting.LIFE_OF_CASE,
            "tracking_months_after_closure": 6,
            "reassess_on_trigger": True,
            "rereview_instrument": "cas",  # "at the clinic a new CAS form would be created"
            "revisiting": "Every case is tracked for its life and six months after; any change returns it to clinic.",
        },
        "series": [
            (
                "IASU internal meeting",
                MeetingKind.INTERNAL,
                Cadence.WEEKLY,
                ["police", "health", "victim_advocacy"],
            ),
            (
                "Partnership meeting (clinic)",
                MeetingKind.PARTNERSHIP,
                Cadence.FORTNIGHTLY,
                ["police", "health", "victim_advocacy", "probation", "crc", "idva", "social_services"],
            ),
        ],
    },
    "hampshire": {
        "code": "HAM",
        "name": "Hampshire",
        "unit_name": "Hampshire Stalking Clinic and Recolo",
        "police_force": "Hampshire Constabulary",
        "areas": ["Southampton", "Portsmouth", "Basingstoke", "Winchester", "Isle of Wight"],
        "crime_reference_example": "44190012345/19",
        "agencies": [
            ("Hampshire Constabulary", PartnerStatus.FUNDED_CORE),
            ("Recolo mental health service (NHS)", PartnerStatus.FUNDED_CORE),
            ("Aurora New Dawn", PartnerStatus.FUNDED_CORE),
            ("National Probation Service - Hampshire", PartnerStatus.FUNDED_CORE),
            ("Crown Prosecution Service - Wessex", PartnerStatus.UNFUNDED_ATTENDING),
            ("Hampshire Children's Services", PartnerStatus.UNFUNDED_ATTENDING),
            ("National Stalking Helpline", PartnerStatus.EXTERNAL),
        ],
        "model": {
            "summary": "About five full-time staff plus part-time staff, not co-located. Stalking Clinic since 2012.",
            "first_screen": "The force stalking co-ordinator reviews police referrals (form AD344a) daily.",
            "triage_roles": [Role.TRIAGE_LEAD, Role.UNIT_MANAGER],
            "triage_agency_kinds": [],
            "referral_screening_tools": ["S-DASH"],
            "triage_screening_tools": ["DASH", "SASH"],
            "case_summary": "Tailored risk assessment and management plan",
            "co_located": False,
            "direct_intervention_areas": [],
            "direct_interventions": "In-house psychology and occupational therapy (Recolo); MAPPA is considered first.",
            "referral_instruments": ["sdash", "dash", "sash"],
            "case_instruments": ["srp", "dash", "sash", "sdash"],
            # The S-DASH comes with the police referral form (AD344a) and is reviewed at triage:
            # required for police referrals only. Southern Health and social services referrals
            # have no police form; the unit may still complete one (it is offered on referrals).
            "required_before_acceptance": ["sdash"],
            "required_before_acceptance_sources": [AgencyKind.POLICE],
            "assessment_sign_off_roles": [Role.UNIT_MANAGER, Role.TRIAGE_LEAD, Role.PRACTITIONER],
            "revisiting_policy": Revisiting.UNTIL_CONCLUDED,
            "tracking_months_after_closure": 0,
            "reassess_on_trigger": True,
            "revisiting": "Tracked daily; revisited only on significant change; reassessed after an intervention.",
        },
        "series": [
            (
                "Weekly triage meeting",
                MeetingKind.TRIAGE,
                Cadence.WEEKLY,
                ["police", "health", "victim_advocacy", "probation"],
            ),
            (
                "Monthly stalking clinic",
                MeetingKind.CLINIC,
                Cadence.MONTHLY,
                ["police", "health", "victim_advocacy", "probation", "cps"],
            ),
            (
                "Recolo mental-health clinic",
                MeetingKind.MENTAL_HEALTH_CLINIC,
                Cadence.FORTNIGHTLY,
                ["health", "police"],
            ),
        ],
    },
    "london": {
        "code": "LON",
        "name": "London",
        "unit_name": "Stalking Threat Assessment Centre (STAC)",
        "police_force": "Metropolitan Police Service",
        "areas": [
            "Central East",
            "Central North",
            "Central South",
            "Central West",
            "East Area",
            "North Area",
            "North East",
            "North West",
            "South Area",
            "South East",
            "South West",
            "West Area",
        ],
        "crime_reference_example": "4401234/19",
        "agencies": [
            ("Metropolitan Police Service", PartnerStatus.FUNDED_CORE),
            ("STAC forensic mental health team (NHS)", PartnerStatus.FUNDED_CORE),
            ("STAC stalking victim advocacy", PartnerStatus.FUNDED_CORE),
            ("National Probation Service - London", PartnerStatus.FUNDED_CORE),
            ("National Stalking Helpline", PartnerStatus.EXTERNAL),
        ],
        "model": {
            "summary": "Fourteen full-time staff, co-located on police premises; pan-London and mainly advisory.",
            "first_screen": "A police officer scans all crimes recorded as harassment or stalking overnight.",
            "triage_roles": [Role.TRIAGE_LEAD, Role.UNIT_MANAGER],
            "triage_agency_kinds": [AgencyKind.POLICE],
            "referral_screening_tools": [],
            "triage_screening_tools": ["SASH", "DASH", "SRP (condensed)"],
            "case_summary": "Advice to the officer in charge and referral agencies",
            "co_located": True,
            "direct_intervention_areas": [],
            "direct_interventions": "Mostly signposting to the nine NHS mental health trusts.",
            "referral_instruments": ["sash", "dash", "sdash", "srp"],
            "case_instruments": ["srp", "dash", "sdash", "sash"],
            "required_before_acceptance": [],
            "required_before_acceptance_sources": [],
            "assessment_sign_off_roles": [Role.UNIT_MANAGER, Role.TRIAGE_LEAD, Role.PRACTITIONER],
            "revisiting_policy": Revisiting.NO_FORMAL,
            "tracking_months_after_closure": 0,
            "reassess_on_trigger": False,  # a trigger goes to the morning meeting, no automatic reassessment
            "revisiting": "No formal follow-up; the victim advocate can bring a case back.",
        },
        "series": [
            (
                "Daily morning case review",
                MeetingKind.DAILY_REVIEW,
                Cadence.WEEKDAYS,
                ["police", "health", "victim_advocacy", "probation"],
            ),
            (
                "Complex case consultation",
                MeetingKind.COMPLEX_CASE,
                Cadence.AS_NEEDED,
                ["police", "health", "probation"],
            ),
        ],
    },
}

# username, first, last, agency, {partnership slug: role}, job title, staff (admin)
DEMO_STAFF = [
    (
        "cheshire-police",
        "Dana",
        "Whitlock",
        "Cheshire Constabulary",
        {"cheshire": Role.TRIAGE_LEAD},
        "Detective constable",
        False,
    ),
    (
        "cheshire-health",
        "Priya",
        "Anand",
        "Cheshire forensic psychology service (NHS)",
        {"cheshire": Role.PRACTITIONER},
        "Consultant forensic psychologist",
        False,
    ),
    (
        "cheshire-advocate",
        "Rosa",
        "Kemble",
        "Cheshire independent stalking advocacy",
        {"cheshire": Role.PRACTITIONER},
        "Independent stalking advocacy caseworker",
        False,
    ),
    (
        "cheshire-manager",
        "Martin",
        "Oyelaran",
        "Cheshire Constabulary",
        {"cheshire": Role.UNIT_MANAGER},
        "Unit manager",
        True,
    ),
    (
        "cheshire-support",
        "Beth",
        "Carrow",
        "Cheshire Constabulary",
        {"cheshire": Role.BUSINESS_SUPPORT},
        "Business support officer",
        False,
    ),
    (
        "hampshire-police",
        "Tom",
        "Ashdown",
        "Hampshire Constabulary",
        {"hampshire": Role.TRIAGE_LEAD},
        "Force stalking co-ordinator (DC)",
        False,
    ),
    (
        "hampshire-health",
        "Helen",
        "Marsh",
        "Recolo mental health service (NHS)",
        {"hampshire": Role.PRACTITIONER},
        "Psychologist",
        False,
    ),
    (
        "hampshire-advocate",
        "Amira",
        "Stone",
        "Aurora New Dawn",
        {"hampshire": Role.PRACTITIONER},
        "Victim advocate lead",
        False,
    ),
    (
        "hampshire-manager",
        "Colin",
        "Reyes",
        "Hampshire Constabulary",
        {"hampshire": Role.UNIT_MANAGER},
        "Detective inspector",
        True,
    ),
    (
        "london-police",
        "Sam",
        "Okafor",
        "Metropolitan Police Service",
        {"london": Role.TRIAGE_LEAD},
        "Detective sergeant",
        False,
    ),
    (
        "london-health",
        "Nadia",
        "Farrant",
        "STAC forensic mental health team (NHS)",
        {"london": Role.PRACTITIONER},
        "Clinical psychologist",
        False,
    ),
    (
        "london-advocate",
        "Joanne",
        "Pike",
        "STAC stalking victim advocacy",
        {"london": Role.PRACTITIONER},
        "Stalking victim advocate",
        False,
    ),
    (
        "london-probation",
        "Kieran",
        "Doyle",
        "National Probation Service - London",
        {"london": Role.PRACTITIONER},
        "Probation officer",
        False,
    ),
    (
        "london-manager",
        "Grace",
        "Holloway",
        "Metropolitan Police Service",
        {"london": Role.UNIT_MANAGER},
        "Detective inspector",
        True,
    ),
    (
        "pmo",
        "Lena",
        "Marsh-Ito",
        "MASIP Programme Management Office",
        {"cheshire": Role.PMO, "hampshire": Role.PMO, "london": Role.PMO},
        "Programme manager",
        False,
    ),
    (
        "evaluator",
        "Oliver",
        "Brandt",
        "MASIP Evaluation Team",
        {"cheshire": Role.EVALUATOR, "hampshire": Role.EVALUATOR, "london": Role.EVALUATOR},
        "Research fellow",
        False,
    ),
]

# The sign-ins the README and `make demo` list.
DEMO_SIGN_INS = [row[0] for row in DEMO_STAFF]

# A system that sends referrals through the API (docs: "tokens for the systems that send referrals,
# issued in the admin to a dedicated account"): it cannot sign in to the pages, has no password,
# and works in one partnership as business support. username, first, last, agency, partnership.
DEMO_SYSTEM_ACCOUNT = ("london-met-gateway", "Met referral", "gateway", "Metropolitan Police Service", "london")


@transaction.atomic
def ensure_reference_data(today: date | None = None) -> dict[str, Partnership]:
    agencies = {}
    for name, short, kind in AGENCIES:
        agencies[name], _ = Agency.objects.get_or_create(
            name=name, defaults={"short_name": short, "kind": kind}
        )
    partnerships = {}
    for slug, spec in PARTNERSHIPS.items():
        partnership, _ = Partnership.objects.get_or_create(
            slug=slug,
            defaults={
                "code": spec["code"],
                "name": spec["name"],
                "unit_name": spec["unit_name"],
                "police_force": spec["police_force"],
                "areas": spec["areas"],
                "crime_reference_example": spec["crime_reference_example"],
            },
        )
        partnerships[slug] = partnership
        for agency_name, status in spec["agencies"]:
            PartnerAgency.objects.get_or_create(
                partnership=partnership, agency=agencies[agency_name], defaults={"status": status}
            )
        if not partnership.operating_models.exists():
            model = OperatingModel.objects.create(
                partnership=partnership, version=1, effective_from=OPERATING_MODELS_FROM, **spec["model"]
            )
            for series_name, series_kind, cadence, expected in spec["series"]:
                MeetingSeries.objects.create(
                    operating_model=model,
                    name=series_name,
                    kind=series_kind,
                    cadence=cadence,
                    expected_agency_kinds=expected,
                    agenda_rule=AGENDA_RULES.get(series_name, {}),
                )
    for partnership in partnerships.values():
        ensure_need_to_know_defaults(partnership)
        _ensure_agreements(partnership, today or date.today())
    ensure_unit_manager_group()
    managers = Group.objects.get(name=UNIT_MANAGER_GROUP)
    password_hash = None  # hashing is deliberately slow: do it once for all demo accounts
    for username, first, last, agency_name, roles, title, staff in DEMO_STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
                agency=agencies[agency_name],
                is_staff=staff,
                is_demo_account=True,
            )
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user.password = password_hash
            user.save()
            if staff:
                user.groups.add(managers)
        for slug, role in roles.items():
            Membership.objects.get_or_create(
                user=user, partnership=partnerships[slug], defaults={"role": role, "job_title": title}
            )
    return partnerships


def _ensure_agreements(partnership: Partnership, today: date) -> None:
    """Each partnership's ISAs: one among all partners for case work, and one for
    health information. Hampshire's health agreement has lapsed, so the demo
    shows a health summary being refused until it is renewed."""
    if partnership.sharing_agreements.exists():
        return
    partners = [pa.agency for pa in partnership.partner_agencies.select_related("agency") if pa.status != "external"]
    core = InformationSharingAgreement.objects.create(
        partnership=partnership,
        title=f"{partnership.name} stalking partnership information sharing agreement",
        reference=f"ISA-{partnership.code}-001",
        categories=[
            Category.CASE_MANAGEMENT, Category.POLICE_INTELLIGENCE, Category.PROBATION, Category.VICTIM_CONTACT,
            Category.ADVOCACY_NOTES, Category.SAFEGUARDING_CHILDREN,
        ],
        lawful_basis=LawfulBasis.PART3_LAW_ENFORCEMENT,
        lawful_basis_detail=(
            "Police and probation: DPA 2018 Part 3 (law-enforcement purposes). Advocacy and social care: UK GDPR "
            "Art 6(1)(e) and 9(2)(g) with DPA 2018 Schedule 1 para 18 (safeguarding of individuals at risk)."
        ),
        valid_from=date(2018, 9, 1),
        signed_by="Signed for each partner by its Senior Information Risk Owner.",
        signed_on=date(2018, 8, 20),
    )
    core.parties.set(partners)
    health = [a for a in partners if a.kind == "health"]
    recipients = [a for a in partners if a.kind in ("police", "probation", "victim_advocacy")]
    if health and recipients:
        lapsed = partnership.slug == "hampshire"
        agreement = InformationSharingAgreement.objects.create(
            partnership=partnership,
            title=f"{partnership.name} health information sharing agreement",
            reference=f"ISA-{partnership.code}-002",
            categories=[Category.HEALTH_CLINICAL],
            lawful_basis=LawfulBasis.GDPR_6_1_E_9_2_H,
            lawful_basis_detail="Health summaries shared for a stated purpose in managing risk; detailed records stay with health.",
            valid_from=date(2018, 9, 1),
            valid_to=today - timedelta(days=45) if lapsed else None,
            signed_by="Caldicott Guardian of the trust; SIRO of each recipient agency.",
            signed_on=date(2018, 8, 20),
        )
        agreement.parties.set(health + recipients)


def ensure_system_account() -> User:
    """The demo's API system account (see DEMO_SYSTEM_ACCOUNT); its token is issued in the admin.

    Not created by `seed_demo` yet: as a business-support member it would be offered as case
    staff and meeting attendee until the service tells system accounts apart from people.
    The API contract test (api/tests/test_schemathesis.py) uses it."""
    username, first, last, agency_name, slug = DEMO_SYSTEM_ACCOUNT
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "agency": Agency.objects.get(name=agency_name),
            "is_demo_account": True,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(
        user=user,
        partnership=Partnership.objects.get(slug=slug),
        defaults={"role": Role.BUSINESS_SUPPORT, "job_title": "System account: referrals from the force's systems"},
    )
    return user
