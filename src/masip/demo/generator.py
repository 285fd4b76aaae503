"""Deterministic synthetic data for the demo and the benchmarks.

`seed(scale=1)` creates the referral volumes of the report's first seven
months (3 September 2018 to 25 March 2019): Cheshire 246, Hampshire 83 and
London 1,120 referrals, placed in the seven months before `today` so the demo
looks current. Proportions follow the report: referrals mostly from the
police; rejected (ex-intimate) stalkers 78.9% in Cheshire, 67.7% in Hampshire;
about a third of London's harassment records corrected to stalking at triage.

It streams: each batch of referrals is built in memory and written with
bulk_create, so the same code fills a benchmark database at --scale 10 or 100.
The same seed gives the same data.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from masip.access.models import Category
from masip.accounts.models import User
from masip.audit.models import AuditEvent, AuditSubject, Operation
from masip.audit.services import ChainEntry, append_events
from masip.cases.models import (
    Case,
    CaseAllocation,
    CaseParty,
    CasePartyRole,
    CaseStatus,
    ReviewTrigger,
    TriggerKind,
)
from masip.demo import names
from masip.demo.clock import check_today, moment
from masip.demo.meetings import seed_meetings
from masip.demo.reference import ensure_reference_data
from masip.partnerships.models import Agency, AgencyKind, Membership, Partnership, Role
from masip.people.models import (
    AgeRange,
    ContactDetail,
    ContactKind,
    IdentifierScheme,
    Person,
    PersonAlias,
    PersonIdentifier,
    Sex,
)
from masip.referrals.choices import (
    Behaviour,
    Channel,
    Offence,
    PartyRole,
    Relationship,
    StalkingView,
    TriageOutcome,
)
from masip.referrals.models import Referral, ReferralParty, ReportedIncident, TriageDecision
from masip.referrals.urgency import urgency_score
from masip.sharing.models import HealthSummaryShare, InformationEntry

WINDOW_DAYS = 204  # 3 Sep 2018 to 25 Mar 2019

# Referrals per partnership at scale 1 (Table 2 of the report).
VOLUMES = {"cheshire": 246, "hampshire": 83, "london": 1120}

# Share of cases where the suspect is an ex-intimate partner ("rejected" stalkers):
# 78.9% in Cheshire, 67.7% in Hampshire; London's is not given, so between the two.
EX_INTIMATE_SHARE = {"cheshire": 0.789, "hampshire": 0.677, "london": 0.73}

CHANNELS = {
    "cheshire": [
        (Channel.POLICE_FORM, AgencyKind.POLICE, 70),
        (Channel.IDVA, AgencyKind.IDVA, 8),
        (Channel.MARAC, AgencyKind.MARAC, 7),
        (Channel.HELPLINE, AgencyKind.HELPLINE, 5),
        (Channel.NHS, AgencyKind.HEALTH, 4),
        (Channel.SOCIAL_SERVICES, AgencyKind.SOCIAL_SERVICES, 3),
        (Channel.PROBATION, AgencyKind.PROBATION, 3),
    ],
    "hampshire": [
        (Channel.POLICE_FORM, AgencyKind.POLICE, 76),
        (Channel.NHS, AgencyKind.HEALTH, 10),
        (Channel.SOCIAL_SERVICES, AgencyKind.SOCIAL_SERVICES, 6),
        (Channel.HELPLINE, AgencyKind.HELPLINE, 5),
        (Channel.PROBATION, AgencyKind.PROBATION, 3),
    ],
    "london": [
        (Channel.POLICE_SCAN, AgencyKind.POLICE, 68),
        (Channel.POLICE_FORM, AgencyKind.POLICE, 8),
        (Channel.NHS, AgencyKind.HEALTH, 10),
        (Channel.PROBATION, AgencyKind.PROBATION, 8),
        (Channel.HELPLINE, AgencyKind.HELPLINE, 6),
    ],
}
SOURCE_NAMES = {
    AgencyKind.POLICE: ["Response team", "Public protection unit", "CID", "Neighbourhood policing team"],
    AgencyKind.HEALTH: ["Community mental health team", "Liaison and diversion", "GP practice"],
    AgencyKind.PROBATION: ["Offender manager", "Court team"],
    AgencyKind.IDVA: ["IDVA service"],
    AgencyKind.MARAC: ["MARAC co-ordinator"],
    AgencyKind.HELPLINE: ["National Stalking Helpline"],
    AgencyKind.SOCIAL_SERVICES: ["Adult safeguarding team", "Children's services"],
}

RECORDED_OFFENCE = {
    "cheshire": [
        (Offence.STALKING_S2A, 34),
        (Offence.STALKING_S4A, 22),
        (Offence.HARASSMENT_S2, 30),
        (Offence.HARASSMENT_S4, 6),
        (Offence.OTHER, 5),
        (Offence.NONE, 3),
    ],
    "hampshire": [
        (Offence.STALKING_S2A, 36),
        (Offence.STALKING_S4A, 24),
        (Offence.HARASSMENT_S2, 28),
        (Offence.HARASSMENT_S4, 6),
        (Offence.OTHER, 4),
        (Offence.NONE, 2),
    ],
    "london": [
        (Offence.HARASSMENT_S2, 46),
        (Offence.HARASSMENT_S4, 6),
        (Offence.STALKING_S2A, 28),
        (Offence.STALKING_S4A, 15),
        (Offence.OTHER, 5),
    ],
}
OTHER_RELATIONSHIPS = [
    (Relationship.ACQUAINTANCE, 30),
    (Relationship.STRANGER, 18),
    (Relationship.WORK, 14),
    (Relationship.NEIGHBOUR, 12),
    (Relationship.FAMILY, 8),
    (Relationship.PROFESSIONAL, 8),
    (Relationship.PUBLIC_FIGURE, 3),
    (Relationship.UNKNOWN, 7),
]
BEHAVIOUR_RATES = {
    Behaviour.MESSAGES: 0.72,
    Behaviour.PHONE: 0.55,
    Behaviour.SOCIAL_MEDIA: 0.42,
    Behaviour.TURNING_UP: 0.48,
    Behaviour.FOLLOWING: 0.30,
    Behaviour.LOITERING: 0.25,
    Behaviour.THREATS: 0.33,
    Behaviour.THIRD_PARTY: 0.22,
    Behaviour.MONITORING: 0.15,
    Behaviour.GIFTS: 0.10,
    Behaviour.PROPERTY_DAMAGE: 0.12,
    Behaviour.VIOLENCE: 0.09,
}
# Triage outcome shares: London is mainly advisory; Cheshire and Hampshire take more cases in.
OUTCOMES = {
    "cheshire": [
        (TriageOutcome.ACCEPT, 55),
        (TriageOutcome.ADVICE, 22),
        (TriageOutcome.SIGNPOST, 10),
        (TriageOutcome.CLOSE, 13),
    ],
    "hampshire": [
        (TriageOutcome.ACCEPT, 52),
        (TriageOutcome.ADVICE, 30),
        (TriageOutcome.SIGNPOST, 8),
        (TriageOutcome.CLOSE, 10),
    ],
    "london": [
        (TriageOutcome.ACCEPT, 32),
        (TriageOutcome.ADVICE, 45),
        (TriageOutcome.SIGNPOST, 9),
        (TriageOutcome.CLOSE, 14),
    ],
}
# How long referrals wait before triage (days): London screens every weekday,
# Cheshire daily, Hampshire's co-ordinator daily with weekly triage meetings.
TRIAGE_LAG = {"cheshire": (0, 3), "hampshire": (1, 8), "london": (0, 2)}
SIGNPOSTS = [
    "NHS mental health trust",
    "Local domestic abuse service",
    "Victim Support",
    "Adult social care",
    "Substance misuse service",
    "National Stalking Helpline",
    "Housing options team",
]
REPEAT_SUSPECT_SHARE = 0.10

# What partner agencies typically bring to a case (category, agency kind, title, text).
INFORMATION_TEMPLATES = [
    (Category.POLICE_INTELLIGENCE, "police", "Previous harassment warning",
     "Police information notice issued two years ago for contact with a previous partner. Two breaches recorded."),
    (Category.POLICE_INTELLIGENCE, "police", "Intelligence on access to the victim's workplace",
     "Suspect's car seen twice in the staff car park this month (ANPR)."),
    (Category.HEALTH_CLINICAL, "health", "Known to community mental health services",
     "Seen by the community team since 2017 for depression; missed the last two appointments. No history of psychosis."),
    (Category.HEALTH_CLINICAL, "health", "Substance misuse",
     "Alcohol use escalates after contact is refused; previously declined referral to the alcohol service."),
    (Category.PROBATION, "probation", "Licence conditions",
     "On licence until next spring; non-contact condition with a previous victim. Engages with the offender manager."),
    (Category.ADVOCACY_NOTES, "victim_advocacy", "Victim's wishes",
     "Wants the contact to stop more than a prosecution; worried about giving evidence in court."),
    (Category.VICTIM_CONTACT, "victim_advocacy", "Victim has moved",
     "Victim moved to a new address this week; it is held by the advocate only. Safe contact by mobile after 6pm."),
    (Category.SAFEGUARDING_CHILDREN, "victim_advocacy", "Children in the household",
     "Two children under ten live with the victim; the suspect has waited outside their school. Referral to children's services made."),
    (Category.CASE_MANAGEMENT, "police", "Investigation update",
     "Officer in charge has taken a statement and seized the victim's phone for download."),
]


def _weighted(rng: random.Random, pairs):
    values = [p[:-1] if len(p) > 2 else p[0] for p in pairs]
    weights = [p[-1] for p in pairs]
    return rng.choices(values, weights=weights, k=1)[0]


@dataclass
class SeedReport:
    rows: int = 0
    referrals: int = 0
    cases: int = 0
    seconds: float = 0.0
    per_partnership: dict[str, int] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class _Suspect:
    person_id: int
    case: Case | None = None  # the suspect's latest case, open or closed


class PartnershipGenerator:
    """Generates one partnership's referrals, people, triage decisions and cases."""

    def __init__(self, partnership: Partnership, *, rng: random.Random, today: date, count: int):
        self.p = partnership
        self.slug = partnership.slug
        self.rng = rng
        self.today = today
        self.count = count
        self.start = today - timedelta(days=WINDOW_DAYS)
        self.referral_no = partnership.next_referral_number
        self.case_no = partnership.next_case_number
        self.suspects: list[_Suspect] = []
        members = list(Membership.objects.filter(partnership=partnership).select_related("user__agency"))
        model = partnership.operating_model_on(today)
        self.model = model
        self.triagers = [
            m.user
            for m in members
            if m.role in (model.triage_roles if model else [Role.UNIT_MANAGER])
            or (model and m.user.agency and m.user.agency.kind in model.triage_agency_kinds)
        ] or [m.user for m in members if m.role == Role.UNIT_MANAGER]
        self.creators = [m.user for m in members if m.role not in (Role.PMO, Role.EVALUATOR)]
        self.roles = {m.user_id: m.role for m in members}
        self.staff_by_kind: dict[str, list[User]] = {}
        for m in members:
            if m.role not in (Role.PMO, Role.EVALUATOR) and m.user.agency:
                self.staff_by_kind.setdefault(m.user.agency.kind, []).append(m.user)
        self.health_recipients = [
            a for a in Agency.objects.filter(partner_roles__partnership=partnership, kind__in=["police", "probation"])
        ]
        self.areas = partnership.areas or [""]
        # Received dates in order, so references run with time and a repeat
        # referral always comes after the one that opened the suspect's case.
        self.received_dates = iter(
            sorted(self.start + timedelta(days=rng.randint(0, WINDOW_DAYS)) for _ in range(count))
        )

    def _review_date(self, closed_on: date) -> date:
        from masip.cases.retention import retention_review_date

        model = self.model
        assert model is not None, "every demo partnership has an operating model"
        return retention_review_date(
            closed_on=closed_on, tracking_months=model.tracking_months_after_closure,
            retention_months=model.retention_months_after_tracking,
        )

    def _maybe_close(self, case: Case) -> None:
        """Older cases are closed, some after a few weeks (tracked on where the model says so)."""
        rng = self.rng
        age = (self.today - case.opened_on).days
        if age > 60 and rng.random() < min(0.7, age / 300):
            case.status = CaseStatus.CLOSED
            case.closed_on = case.opened_on + timedelta(days=rng.randint(30, max(31, age - 1)))
            case.close_reason = rng.choice(
                [
                    "Risk reduced: no contact for three months and victim feels safer.",
                    "Criminal justice outcome reached; victim support continues through the advocate.",
                    "Suspect engaged with mental-health service; risk managed by the treating team.",
                    "Victim moved away and no further contact reported.",
                ]
            )

    # -- people ---------------------------------------------------------------
    def _person(
        self, *, sex: str, age_low: int, age_high: int
    ) -> tuple[Person, list[str], list[tuple[str, str]], list[tuple[str, str]]]:
        rng = self.rng
        first = rng.choice(names.FEMALE_FIRST if sex == Sex.FEMALE else names.MALE_FIRST)
        last = rng.choice(names.SURNAMES)
        full = f"{first} {last}"
        dob = None
        age_range = ""
        if rng.random() < 0.82:
            age = rng.randint(age_low, age_high)
            dob = self.today - timedelta(days=age * 365 + rng.randint(0, 364))
        else:
            age_range = rng.choice([AgeRange.A18_24, AgeRange.A25_34, AgeRange.A35_44, AgeRange.A45_54])
        person = Person(
            partnership=self.p,
            full_name=full,
            date_of_birth=dob,
            age_range=age_range,
            sex=sex,
        )
        person.refresh_keys()
        aliases: list[str] = []
        identifiers: list[tuple[str, str]] = []
        contacts: list[tuple[str, str]] = []
        if rng.random() < 0.12:
            alias = f"{first.lower()}{last.lower()}{rng.choice(names.ONLINE_HANDLES)}"
            aliases.append(alias)
        if rng.random() < 0.5:
            town = rng.choice(self.areas)
            contacts.append(
                (ContactKind.ADDRESS, f"{rng.randint(1, 180)} {rng.choice(names.STREETS)}, {town}")
            )
        if rng.random() < 0.6:
            contacts.append((ContactKind.PHONE, f"07700 900{rng.randint(0, 999):03d}"))
        if rng.random() < 0.2:
            contacts.append(
                (ContactKind.EMAIL, f"{first.lower()}.{last.lower().replace(chr(39), '')}@example.com")
            )
        return person, aliases, identifiers, contacts

    def _suspect_identifiers(self, year: int) -> list[tuple[str, str]]:
        rng = self.rng
        ids: list[tuple[str, str]] = []
        if rng.random() < 0.45:
            ids.append(
                (
                    IdentifierScheme.PNC,
                    f"{year % 100:02d}/{rng.randint(1, 9999999):07d}{rng.choice('ABCDEFGHJKLMNPQRTUVWXYZ')}",
                )
            )
        if rng.random() < 0.2:
            ids.append((IdentifierScheme.NHS, synthetic_nhs_number(rng)))
        if rng.random() < 0.1:
            ids.append((IdentifierScheme.PROBATION_CRN, f"X{rng.randint(100000, 999999)}"))
        return ids

    # -- one batch --------------------------------------------------------------
    def write_batch(self, size: int) -> int:
        rng, p = self.rng, self.p
        specs = []
        for _ in range(size):
            received = next(self.received_dates)
            channel, source_kind = _weighted(rng, CHANNELS[self.slug])
            ex = rng.random() < EX_INTIMATE_SHARE[self.slug]
            relationship = Relationship.EX_INTIMATE if ex else _weighted(rng, OTHER_RELATIONSHIPS)
            repeat = self.suspects and rng.random() < REPEAT_SUSPECT_SHARE
            specs.append(
                {
                    "received": received,
                    "channel": channel,
                    "source_kind": source_kind,
                    "relationship": relationship,
                    "repeat_suspect": rng.choice(self.suspects) if repeat else None,
                    "victims": 2 if rng.random() < 0.06 else 1,
                }
            )

        # People ---------------------------------------------------------------
        new_people: list[Person] = []
        extras: list[tuple[int, list, list, list]] = []
        for spec in specs:
            if spec["repeat_suspect"] is None:
                sex = Sex.MALE if rng.random() < 0.84 else Sex.FEMALE
                person, aliases, _, contacts = self._person(sex=sex, age_low=19, age_high=62)
                if rng.random() < 0.07:  # suspect not identified: described instead
                    person.full_name = ""
                    person.refresh_keys()
                    person.date_of_birth, person.age_range = (
                        None,
                        rng.choice([AgeRange.A25_34, AgeRange.A35_44]),
                    )
                    person.description = rng.choice(
                        [
                            "Man who waits outside the victim's workplace",
                            "Unknown account holder sending messages",
                            "Man seen at the victim's gym",
                            "Woman who phones from a withheld number",
                        ]
                    )
                    aliases, contacts = [], []
                idents = self._suspect_identifiers(spec["received"].year) if person.full_name else []
                spec["suspect_index"] = len(new_people)
                extras.append((len(new_people), aliases, idents, contacts))
                new_people.append(person)
            spec["victim_indices"] = []
            for _ in range(spec["victims"]):
                sex = Sex.FEMALE if rng.random() < 0.8 else Sex.MALE
                person, aliases, _, contacts = self._person(sex=sex, age_low=18, age_high=70)
                spec["victim_indices"].append(len(new_people))
                extras.append((len(new_people), aliases, [], contacts))
                new_people.append(person)
        Person.objects.bulk_create(new_people)
        rows = len(new_people)
        alias_rows, id_rows, contact_rows = [], [], []
        for index, aliases, idents, contacts in extras:
            person = new_people[index]
            alias_rows += [PersonAlias.for_name(person, a) for a in aliases]
            id_rows += [PersonIdentifier(person=person, scheme=s, value=v) for s, v in idents]
            contact_rows += [ContactDetail.for_value(person, k, v) for k, v in contacts]
        PersonAlias.objects.bulk_create(alias_rows)
        PersonIdentifier.objects.bulk_create(id_rows)
        ContactDetail.objects.bulk_create(contact_rows)
        rows += len(alias_rows) + len(id_rows) + len(contact_rows)

        # Triage outcomes and cases -----------------------------------------------
        new_cases: list[Case] = []
        case_parties: list[tuple[Case, int, str, str]] = []  # (case, person id, role, relationship)
        for spec in specs:
            if spec["repeat_suspect"] is not None:
                suspect = spec["repeat_suspect"]
            else:
                suspect = _Suspect(new_people[spec["suspect_index"]].pk)
                self.suspects.append(suspect)
            spec["suspect"] = suspect
            lag_low, lag_high = TRIAGE_LAG[self.slug]
            decided_on = spec["received"] + timedelta(days=rng.randint(lag_low, lag_high))
            if decided_on >= self.today and rng.random() < 0.85:
                spec["outcome"] = None  # still in the triage queue
                continue
            decided_on = min(decided_on, self.today)
            spec["decided_on"] = decided_on
            outcome = _weighted(rng, OUTCOMES[self.slug])
            spec["outcome"] = outcome
            if outcome != TriageOutcome.ACCEPT:
                continue
            current = suspect.case
            if current is not None and (current.closed_on is None or current.closed_on > decided_on):
                spec["case"], spec["joined"] = current, True  # a new referral joins the open case
            else:
                case = Case(
                    partnership=p,
                    reference=f"{p.code}-C{self.case_no:05d}",
                    suspect_id=suspect.person_id,
                    opened_on=decided_on,
                    lead_officer=rng.choice(self.triagers),
                    created_at=_at(decided_on, 16, today=self.today),  # after the decision that opened it
                )
                self.case_no += 1
                self._maybe_close(case)
                new_cases.append(case)
                suspect.case = case
                spec["case"], spec["joined"] = case, False
                case_parties.append((case, suspect.person_id, CasePartyRole.SUSPECT, ""))
            for vi in spec["victim_indices"]:
                case_parties.append(
                    (spec["case"], new_people[vi].pk, CasePartyRole.VICTIM, spec["relationship"])
                )
        Case.objects.bulk_create(new_cases)
        party_rows = [
            CaseParty(case_id=case.pk, person_id=person_id, role=role, relationship_to_suspect=relationship)
            for case, person_id, role, relationship in case_parties
        ]
        CaseParty.objects.bulk_create(party_rows)
        rows += len(new_cases) + len(party_rows)

        # Referrals -------------------------------------------------------------
        referral_rows = []
        for spec in specs:
            behaviours = [b for b, rate in BEHAVIOUR_RATES.items() if rng.random() < rate] or [
                Behaviour.MESSAGES
            ]
            frightened = rng.random() < (0.45 if Behaviour.THREATS in behaviours else 0.22)
            offence = _weighted(rng, RECORDED_OFFENCE[self.slug])
            police = spec["source_kind"] == AgencyKind.POLICE
            crime_ref = self._crime_reference(spec["received"]) if police or rng.random() < 0.3 else ""
            case_id = spec["case"].pk if spec.get("case") is not None else None
            spec["behaviours"] = behaviours
            spec["offence"] = offence
            referral_rows.append(
                Referral(
                    partnership=p,
                    reference=f"{p.code}-R{self.referral_no:05d}",
                    source_agency_kind=spec["source_kind"],
                    source_agency_name=rng.choice(SOURCE_NAMES.get(spec["source_kind"], [""])),
                    channel=spec["channel"],
                    received_on=spec["received"],
                    crime_reference=crime_ref,
                    recorded_offence=offence,
                    current_offence=offence,
                    area=rng.choice(self.areas),
                    behaviours=sorted(behaviours),
                    victim_very_frightened=frightened,
                    summary=self._summary(
                        spec["relationship"],
                        behaviours,
                        frightened,
                        new_people[spec["victim_indices"][0]].sex,
                    ),
                    referrer_name=f"{rng.choice(names.FEMALE_FIRST + names.MALE_FIRST)} {rng.choice(names.SURNAMES)}",
                    referrer_role="Officer in charge" if police else "Referring practitioner",
                    referrer_phone=f"01632 960{rng.randint(0, 999):03d}",
                    urgency=urgency_score(behaviours, victim_very_frightened=frightened),
                    status=spec["outcome"] or "untriaged",
                    case_id=case_id,
                    created_at=_at(spec["received"], 9 + rng.randint(0, 8), today=self.today),
                    created_by=rng.choice(self.creators),
                )
            )
            self.referral_no += 1
        Referral.objects.bulk_create(referral_rows)
        rows += len(referral_rows)
        # A case's area (where its suspect lives) comes from the referral that opened it.
        opened_by = {
            spec["case"].pk: referral.area
            for spec, referral in zip(specs, referral_rows, strict=True)
            if spec.get("case") is not None and not spec["joined"]
        }
        for case in new_cases:
            case.area = opened_by.get(case.pk, "")
        Case.objects.bulk_update(new_cases, ["area"])

        referral_party_rows: list[ReferralParty] = []
        incident_rows, decision_rows, trigger_rows = [], [], []
        for spec, referral in zip(specs, referral_rows, strict=True):
            referral_party_rows.append(
                ReferralParty(referral=referral, person_id=spec["suspect"].person_id, role=PartyRole.SUSPECT)
            )
            for vi in spec["victim_indices"]:
                referral_party_rows.append(
                    ReferralParty(
                        referral=referral,
                        person_id=new_people[vi].pk,
                        role=PartyRole.VICTIM,
                        relationship_to_suspect=spec["relationship"],
                    )
                )
            for _ in range(rng.randint(1, 4)):
                day = spec["received"] - timedelta(days=rng.randint(0, 120))
                incident_rows.append(
                    ReportedIncident(
                        referral=referral, occurred_on=day, description=self._incident(spec["behaviours"])
                    )
                )
            if spec["outcome"]:
                decision_rows.append(self._decision(referral, spec))
            if spec.get("joined"):
                trigger_rows.append(
                    ReviewTrigger(
                        case_id=spec["case"].pk,
                        kind=TriggerKind.NEW_REFERRAL,
                        reason=f"Referral {referral.reference} received {referral.received_on:%d %b %Y} about the same suspect.",
                        raised_at=decision_rows[-1].decided_at,
                        raised_by=decision_rows[-1].decided_by,
                        referral=referral,
                        resolved_at=_at(spec["decided_on"] + timedelta(days=7), 10, today=self.today)
                        if spec["decided_on"] + timedelta(days=7) < self.today
                        else None,
                    )
                )
        ReferralParty.objects.bulk_create(referral_party_rows)
        ReportedIncident.objects.bulk_create(incident_rows)
        TriageDecision.objects.bulk_create(decision_rows)
        ReviewTrigger.objects.bulk_create(trigger_rows)
        Referral.objects.bulk_update(
            [r for r, s in zip(referral_rows, specs, strict=True) if s.get("corrected")], ["current_offence"]
        )
        rows += len(referral_party_rows) + len(incident_rows) + len(decision_rows) + len(trigger_rows)
        rows += self._casework(new_cases, specs, referral_rows, decision_rows)
        return rows

    # -- what partners shared, who works each case, and the audit trail ---------
    def _casework(self, new_cases, specs, referral_rows, decision_rows) -> int:
        rng = self.rng
        allocations, entries, summaries = [], [], []
        for case in new_cases:
            lead = case.lead_officer
            team = {lead.pk}
            for kind in ("victim_advocacy", "health", "probation"):
                people = self.staff_by_kind.get(kind, [])
                if people and rng.random() < {"victim_advocacy": 0.6, "health": 0.35, "probation": 0.25}[kind]:
                    user = rng.choice(people)
                    if user.pk not in team:
                        team.add(user.pk)
                        allocations.append(CaseAllocation(case=case, user=user, allocated_on=case.opened_on))
            if rng.random() < 0.55:
                when = _at(case.opened_on + timedelta(days=rng.randint(0, 10)), 11, today=self.today)
                for category, kind, title, body in rng.sample(INFORMATION_TEMPLATES, k=rng.randint(2, 4)):
                    people = self.staff_by_kind.get(kind, [])
                    if people:
                        author = rng.choice(people)
                        assert author.agency_id is not None, "staff_by_kind holds staff with an agency"
                        entries.append(InformationEntry(
                            partnership=self.p, case=case, category=category, source_agency_id=author.agency_id,
                            title=title, body=body, recorded_by=author, recorded_at=when,
                        ))
                health = self.staff_by_kind.get("health", [])
                if health and self.health_recipients and rng.random() < 0.25 and self.slug != "hampshire":
                    author = rng.choice(health)
                    assert author.agency_id is not None, "staff_by_kind holds staff with an agency"
                    summaries.append(HealthSummaryShare(
                        partnership=self.p, case=case, source_agency_id=author.agency_id,
                        recipient_agency=rng.choice(self.health_recipients), shared_by=author, shared_at=when,
                        purpose="To agree the risk management plan at the partnership meeting.",
                        summary="Known to mental health services; engaging with a community team. No psychosis. "
                        "Rumination about the relationship is the main driver of contact.",
                    ))
        CaseAllocation.objects.bulk_create(allocations)
        InformationEntry.objects.bulk_create(entries)
        HealthSummaryShare.objects.bulk_create(summaries)
        return len(allocations) + len(entries) + len(summaries) + self._audit_trail(specs, referral_rows, decision_rows)

    def _audit_trail(self, specs, referral_rows, decision_rows) -> int:
        """Log entries a real unit's work would have left: referrals recorded, triage
        decisions, and colleagues reading cases (with reasons outside their caseload)."""
        rng = self.rng
        events: list[AuditEvent] = []
        subjects: list[list[tuple[str, int, str]]] = []
        by_referral = {d.referral_id: d for d in decision_rows}
        for spec, referral in zip(specs, referral_rows, strict=True):
            creator = referral.created_by
            events.append(self._event(creator, Operation.COLLECTION, "referral.create", referral.created_at))
            subjects.append([("referral", referral.pk, referral.reference)])
            decision = by_referral.get(referral.pk)
            if decision is not None:
                events.append(self._event(decision.decided_by, Operation.ALTERATION, "triage.decide", decision.decided_at))
                subjects.append([("referral", referral.pk, referral.reference)])
            case = spec.get("case")
            if case is not None and not spec.get("joined"):
                for _ in range(rng.randint(1, 3)):
                    reader = rng.choice(self.creators)
                    outside = reader.pk != case.lead_officer_id
                    when = _at(case.opened_on + timedelta(days=rng.randint(0, 30)), 9 + rng.randint(0, 8), today=self.today)
                    if when.date() > self.today:
                        continue
                    reason = rng.choice(["Preparing for or discussing it at a multi-agency meeting",
                                         "Covering for a colleague"]) if outside else ""
                    events.append(self._event(reader, Operation.CONSULTATION, "case.view", when, reason=reason,
                                              path=f"/cases/{case.pk}/"))
                    subjects.append([("case", case.pk, case.reference)])
        # Through the audit service, so the demo's history is sealed into the hash chain like any other.
        entries: list[ChainEntry] = [
            (event, [AuditSubject(object_type=t, object_id=i, label=label) for t, i, label in items], [])
            for event, items in zip(events, subjects, strict=True)
        ]
        append_events(entries)
        return len(events) + sum(len(rows) for _, rows, _ in entries)

    def _event(self, user, operation, action, at, *, reason="", path=""):
        membership_role = self.roles.get(user.pk, "")
        return AuditEvent(
            at=at, operation=operation, action=action, user_id=user.pk, username=user.username,
            user_name=user.get_full_name(), agency=str(user.agency or ""), agency_kind=user.agency.kind if user.agency else "",
            role=membership_role, partnership_id=self.p.pk, reason=reason, path=path,
            details={"source": "demo generator"},
        )

    def _crime_reference(self, received: date) -> str:
        rng, yy = self.rng, received.year % 100
        if self.slug == "london":
            return f"{rng.randint(1000000, 9999999)}/{yy:02d}"
        if self.slug == "hampshire":
            return f"44{yy:02d}{rng.randint(1000000, 9999999)}/{yy:02d}"
        return f"CC/{rng.randint(1000000, 9999999)}/{yy:02d}"

    def _decision(self, referral: Referral, spec: dict) -> TriageDecision:
        rng = self.rng
        outcome = spec["outcome"]
        stalking = outcome == TriageOutcome.ACCEPT or rng.random() < 0.45
        is_stalking = (
            StalkingView.YES
            if stalking
            else rng.choice([StalkingView.NO, StalkingView.NO, StalkingView.UNSURE])
        )
        corrected = ""
        if stalking and spec["offence"] in (Offence.HARASSMENT_S2, Offence.HARASSMENT_S4):
            # London's audit: about a third of harassment records were really stalking.
            if rng.random() < (0.6 if self.slug == "london" else 0.4):
                corrected = (
                    Offence.STALKING_S4A if spec["offence"] == Offence.HARASSMENT_S4 else Offence.STALKING_S2A
                )
        if corrected:
            referral.current_offence = corrected
            spec["corrected"] = True
        notes = {
            "fixated": "Preoccupied with the victim; contact continues despite requests to stop.",
            "obsessive": "Persistent, escalating contact across several channels.",
            "unwanted": "Victim has told the suspect clearly that contact is unwanted.",
            "repeated": "Multiple incidents over several weeks.",
        }
        ticks = {
            k: (stalking and rng.random() < 0.9) or (not stalking and rng.random() < 0.25) for k in notes
        }
        if stalking and not any(ticks.values()):
            ticks["repeated"] = True  # "yes, stalking" names at least one marker
        case_id = referral.case_id if outcome == TriageOutcome.ACCEPT else None
        return TriageDecision(
            referral=referral,
            decided_by=rng.choice(self.triagers),
            decided_at=_at(spec["decided_on"], 10 + rng.randint(0, 5), today=self.today),
            is_stalking=is_stalking,
            **{k: v for k, v in ticks.items()},
            **{f"{k}_note": notes[k] if ticks[k] else "" for k in notes},
            corrected_offence=corrected,
            outcome=outcome,
            advice_text=rng.choice(
                [
                    "Consider a Stalking Protection Order application; record all contact as a course of conduct.",
                    "Not stalking on the information held, but serious: advise arrest for harassment and victim safety planning.",
                    "Gather phone and social media evidence; ask the victim to keep an evidence diary.",
                ]
            )
            if outcome == TriageOutcome.ADVICE
            else "",
            signpost_agency=rng.choice(SIGNPOSTS) if outcome == TriageOutcome.SIGNPOST else "",
            signpost_reason="Needs are better met there; no stalking behaviour on current information."
            if outcome == TriageOutcome.SIGNPOST
            else "",
            close_reason=rng.choice(
                [
                    "Single incident; not a course of conduct.",
                    "Duplicate of an earlier referral.",
                    "Victim declined involvement and police investigation concluded.",
                ]
            )
            if outcome == TriageOutcome.CLOSE
            else "",
            case_id=case_id,
            joined_existing_case=bool(spec.get("joined")),
        )

    def _summary(self, relationship: str, behaviours: Sequence[str], frightened: bool, victim_sex: str) -> str:
        her, she = ("his", "he") if victim_sex == Sex.MALE else ("her", "she")
        whom: dict[str, str] = {
            Relationship.EX_INTIMATE: f"{her} former partner",
            Relationship.ACQUAINTANCE: "an acquaintance",
            Relationship.STRANGER: f"someone {she} does not know",
            Relationship.WORK: "a former colleague",
            Relationship.NEIGHBOUR: "a neighbour",
            Relationship.FAMILY: "a family member",
            Relationship.PROFESSIONAL: f"a client {she} met through work",
            Relationship.PUBLIC_FIGURE: "a member of the public",
        }
        who = whom.get(relationship, f"someone {she} cannot identify")
        labels = dict(Behaviour.choices)
        acts = ", ".join(str(labels[b]).lower() for b in behaviours[:4])
        text = f"Victim reports unwanted attention from {who}: {acts}."
        if relationship == Relationship.EX_INTIMATE:
            text += " Contact began after the relationship ended."
        if frightened:
            text += f" {she.capitalize()} is very frightened and has changed {her} routine."
        return text

    def _incident(self, behaviours: list[str]) -> str:
        labels = dict(Behaviour.choices)
        return f"{labels[self.rng.choice(behaviours)]} reported by the victim."

    def finish(self) -> None:
        Partnership.objects.filter(pk=self.p.pk).update(
            next_referral_number=self.referral_no, next_case_number=self.case_no
        )


def synthetic_nhs_number(rng: random.Random) -> str:
    """A valid-looking NHS number in the 999 range the NHS reserves for testing."""
    while True:
        digits = [9, 9, 9] + [rng.randint(0, 9) for _ in range(6)]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _at(day: date, hour: int, *, today: date) -> datetime:
    return moment(day, hour, today=today)


def seed(
    *,
    scale: float = 1,
    seed_value: int = 2019,
    today: date | None = None,
    batch_size: int = 500,
    progress: Callable[[str], None] | None = None,
    with_legacy: bool = True,
) -> SeedReport:
    """Create reference data and scale x the report's referral volumes. Returns what was written."""
    today = today or timezone.localdate()
    check_today(today)
    started = time.perf_counter()
    partnerships = ensure_reference_data(today)
    report = SeedReport()
    for _index, (slug, volume) in enumerate(VOLUMES.items()):
        count = max(1, round(volume * scale))
        rng = random.Random(f"{seed_value}:{slug}")
        generator = PartnershipGenerator(partnerships[slug], rng=rng, today=today, count=count)
        written = 0
        while written < count:
            size = min(batch_size, count - written)
            with transaction.atomic():
                report.rows += generator.write_batch(size)
                generator.finish()
            written += size
            if progress:
                progress(f"{partnerships[slug].name}: {written}/{count} referrals")
        report.per_partnership[slug] = count
        report.referrals += count
    report.cases = Case.objects.count()
    if with_legacy:
        seed_legacy_cases(partnerships, rng=random.Random(f"{seed_value}:legacy"), today=today)
    from masip.demo.assessments import seed_assessments

    for slug, partnership in partnerships.items():
        with transaction.atomic():
            report.rows += seed_assessments(partnership, rng=random.Random(f"{seed_value}:{slug}:assess"), today=today)
    from masip.demo.casework import seed_casework

    report.rows += seed_casework(partnerships, rng=random.Random(f"{seed_value}:casework"), today=today)
    report.rows += seed_meetings(partnerships, rng=random.Random(f"{seed_value}:meetings"), today=today)
    from masip.demo.reporting import seed_reporting

    report.rows += seed_reporting(partnerships, rng=random.Random(f"{seed_value}:reporting"), today=today)

    from masip.evaluation.demo import seed_evaluation

    report.rows += seed_evaluation(today)
    report.seconds = time.perf_counter() - started
    return report


def demo_users() -> list[User]:
    return list(User.objects.filter(is_demo_account=True).order_by("username"))


LEGACY_PER_PARTNERSHIP = 4


def seed_legacy_cases(partnerships: dict[str, Partnership], *, rng: random.Random, today: date) -> int:
    """A few cases from before MASIP (Cheshire's initiative ran from 2015, Hampshire's
    clinic from 2012), closed years ago, so their records are now due for
    retention review; London's manager has proposed anonymising one of them."""
    from masip.cases.retention import retention_propose, set_review_date
    from masip.people.services import PersonDetails
    from masip.referrals.services import (
        PartyInput,
        ReferralInput,
        TriageInput,
        referral_create,
        triage_decide,
    )

    created = 0
    for slug, partnership in partnerships.items():
        manager = Membership.objects.filter(partnership=partnership, role=Role.UNIT_MANAGER).select_related("user").first()
        if manager is None:
            continue
        user = manager.user
        for _ in range(LEGACY_PER_PARTNERSHIP):
            received = date(2018, 1, 1) + timedelta(days=rng.randint(0, 240))
            suspect = f"{rng.choice(names.MALE_FIRST)} {rng.choice(names.SURNAMES)}"
            victim = f"{rng.choice(names.FEMALE_FIRST)} {rng.choice(names.SURNAMES)}"
            referral = referral_create(
                partnership=partnership, acting_user=user,
                data=ReferralInput(
                    source_agency_kind=AgencyKind.POLICE, channel=Channel.POLICE_FORM, received_on=received,
                    recorded_offence=Offence.STALKING_S2A, behaviours=[Behaviour.MESSAGES, Behaviour.TURNING_UP],
                    summary="Referred before MASIP began; managed by the earlier clinic.",
                    parties=[
                        PartyInput(role=PartyRole.SUSPECT, details=PersonDetails(full_name=suspect)),
                        PartyInput(role=PartyRole.VICTIM, details=PersonDetails(full_name=victim, address="(historic address)"),
                                   relationship_to_suspect=Relationship.EX_INTIMATE),
                    ],
                ),
            )
            _sign_off_required(referral, user, rng)
            triage_decide(referral=referral, acting_user=user,
                          decision=TriageInput(is_stalking=StalkingView.YES, outcome=TriageOutcome.ACCEPT,
                                               repeated=True, repeated_note="Contact on many occasions over months."))
            referral.refresh_from_db()
            case = referral.case
            assert case is not None, "accepted at triage: the referral opened a case"
            closed_on = received + timedelta(days=rng.randint(90, 300))
            opened_on = received + timedelta(days=2)
            Case.objects.filter(pk=case.pk).update(
                opened_on=opened_on, status=CaseStatus.CLOSED, closed_on=closed_on,
                close_reason="No contact for six months; victim content for the case to close.",
                created_at=moment(opened_on, 11, 5, today=today),
            )
            _backdate_legacy(referral, case, received=received, opened_on=opened_on, today=today)
            case.refresh_from_db()
            set_review_date(case)
            created += 1
        if slug == "london":
            due = Case.objects.filter(partnership=partnership, status=CaseStatus.CLOSED, closed_on__lt=date(2019, 9, 1))
            first = due.order_by("id").first()
            if first is not None:
                retention_propose(
                    case=first, acting_user=user, action="anonymise",
                    reason="Closed over six years ago with no further contact; keep the figures only.",
                )
    return created


def _backdate_legacy(referral, case, *, received: date, opened_on: date, today: date) -> None:
    """A legacy case went through today's services: date what they recorded on the days it happened
    (the triage decision on the day the case opened, not the day the demo was seeded). The audit
    log keeps the truth - that the demo wrote these records now."""
    from masip.assessments.models import Assessment, Contribution

    Referral.objects.filter(pk=referral.pk).update(created_at=moment(received, 9, today=today))
    TriageDecision.objects.filter(referral=referral).update(decided_at=moment(opened_on, 11, today=today))
    CaseParty.objects.filter(case=case).update(added_on=opened_on)
    Case.objects.filter(pk=case.pk, risk_updated_at__isnull=False).update(
        risk_updated_at=moment(opened_on, 11, today=today)
    )
    CaseAllocation.objects.filter(case=case).update(allocated_on=opened_on)
    assessments = Assessment.objects.filter(referral=referral)
    assessments.update(started_at=moment(received, 10, today=today), signed_off_at=moment(received, 10, 40, today=today))
    Contribution.objects.filter(assessment__in=assessments).update(contributed_at=moment(received, 10, 20, today=today))


def _sign_off_required(referral, user, rng: random.Random) -> None:
    """Complete what the operating model requires before acceptance (Hampshire: the S-DASH)."""
    from masip.assessments.instruments import definition
    from masip.assessments.services import (
        assessment_contribute,
        assessment_sign_off,
        assessment_start,
        missing_before_acceptance,
    )
    from masip.demo.assessments import random_answers

    for code in missing_before_acceptance(referral):
        assessment = assessment_start(acting_user=user, instrument_code=code, referral=referral)
        assessment = assessment_contribute(
            assessment=assessment, acting_user=user, answers=random_answers(definition(code), rng),
            expected_version=assessment.version,
        )
        assessment_sign_off(assessment=assessment, acting_user=user)
