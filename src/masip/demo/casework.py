"""Demo interventions, victim support, criminal-justice outcomes, incidents and
tracking, shaped as the interim report describes each partnership (sections 3 and 7):

- Perpetrator interventions: Hampshire's Recolo delivers the most direct work
  (psychology and occupational therapy; MAPPA considered first); Cheshire's
  outreach practitioners give brief therapeutic work, only in Warrington and
  Halton (its operating model); London mostly signposts to the NHS mental
  health trusts and advises the officer in charge. Shares of cases follow
  Table 2 (direct interventions 11 / 17 / 4 against their caseloads).
- Victims supported by an advocate (Table 2: Cheshire 53, London 52; Hampshire
  not reported), with contacts, versioned safety plans, referrals, court
  support and consented perception surveys.
- Criminal-justice outcomes: arrests, charges at s.2, s.2A, s.4 and s.4A
  (Cheshire and Hampshire charge more at s.4A than London, where harassment
  recording persists), no further action with reasons, prosecutions,
  verdicts, sentences, bail conditions, restraining orders on conviction and
  on acquittal, and a few Stalking Protection Orders.
- Incidents after referral forming episodes, with some re-offending against
  the same victim after a gap of more than six months and against new
  victims; breaches of orders; the re-review triggers they raised (recent ones
  still open, so the monitoring queue has work); closed cases within their
  tracking period, and a case reopened.

Everything is written with bulk_create from values the services would
accept, so `seed()` at scale 1 stays within seconds, and the same code fills
the episode benchmark's database at scale 10.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any, TypedDict

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from masip.access.models import Category
from masip.cases.models import (
    Case,
    CaseParty,
    CasePartyRole,
    CaseStatus,
    CaseStatusChange,
    ReviewTrigger,
    StatusChange,
    TriggerKind,
)
from masip.demo import names
from masip.demo.clock import moment
from masip.interventions.models import (
    SERVICE_STATUS_FINAL,
    Attendance,
    Engagement,
    Intervention,
    InterventionEvent,
    InterventionEventKind,
    InterventionMode,
    InterventionOutcome,
    InterventionSession,
    InterventionType,
    ServiceStatus,
)
from masip.justice.models import (
    ChargedOffence,
    EventKind,
    JusticeEvent,
    NfaReason,
    OrderBasis,
    OrderKind,
    OrderStatus,
    ProtectiveOrder,
    SentenceKind,
    spo_earliest_end,
)
from masip.monitoring.models import Incident, ReportedBy, SeverityLevel
from masip.monitoring.outcomes import referral_severity
from masip.monitoring.tracking import tracking_end
from masip.partnerships.models import AgencyKind, Membership, Partnership, Role
from masip.people.models import Person, Sex
from masip.referrals.choices import Behaviour, Relationship
from masip.referrals.models import Referral
from masip.victims.models import (
    AdvocateContact,
    ContactMode,
    ContactPurpose,
    CourtSupport,
    CourtSupportKind,
    MeasureKind,
    MeasureStatus,
    PerceptionSurvey,
    ReferralKind,
    ReferralStatus,
    SafetyMeasure,
    SafetyPlan,
    SupportStatus,
    VictimReferral,
    VictimSupport,
)


class Profile(TypedDict):
    """Shares of a partnership's accepted cases that get each kind of work, and what it offers."""

    direct: float
    direct_types: list[tuple[str, int]]  # (intervention type code, weight)
    signposting: float
    tactical_advice: float
    mappa: float
    consultation: float
    substance: float
    advocate: float
    arrest: float
    offences: list[tuple[str, int]]  # (charged offence, weight)
    services: list[str]


# Shares of each partnership's accepted cases (Table 2 against the cases each LAP takes in).
PROFILES: dict[str, Profile] = {
    "cheshire": {
        "direct": 0.09,
        "direct_types": [
            ("brief_therapeutic", 85),
            ("occupational_therapy", 5),
            ("relocation", 5),
            ("employment_support", 5),
        ],
        "signposting": 0.30,
        "tactical_advice": 0.20,
        "mappa": 0.02,
        "consultation": 0.05,
        "substance": 0.06,
        "advocate": 0.40,
        "arrest": 0.60,
        "offences": [
            (ChargedOffence.STALKING_S4A, 36),
            (ChargedOffence.STALKING_S2A, 38),
            (ChargedOffence.HARASSMENT_S2, 16),
            (ChargedOffence.HARASSMENT_S4, 10),
        ],
        "services": [
            "Cheshire and Wirral Partnership NHS FT community mental health team",
            "GP practice",
            "Change Grow Live (drug and alcohol service)",
        ],
    },
    "hampshire": {
        "direct": 0.40,
        "direct_types": [
            ("cbt", 28),
            ("ipt", 12),
            ("schema_therapy", 8),
            ("occupational_therapy", 24),
            ("psychiatric_assessment", 18),
            ("electronic_monitoring", 4),
            ("relocation", 3),
            ("employment_support", 3),
        ],
        "signposting": 0.20,
        "tactical_advice": 0.30,
        "mappa": 0.12,
        "consultation": 0.10,
        "substance": 0.06,
        "advocate": 0.45,
        "arrest": 0.62,
        "offences": [
            (ChargedOffence.STALKING_S4A, 34),
            (ChargedOffence.STALKING_S2A, 40),
            (ChargedOffence.HARASSMENT_S2, 16),
            (ChargedOffence.HARASSMENT_S4, 10),
        ],
        "services": [
            "Southern Health NHS FT community mental health team",
            "Solent NHS Trust",
            "Inclusion Hampshire (substance misuse)",
            "GP practice",
        ],
    },
    "london": {
        "direct": 0.012,
        "direct_types": [("cbt", 50), ("psychiatric_assessment", 50)],
        "signposting": 0.58,
        "tactical_advice": 0.45,
        "mappa": 0.02,
        "consultation": 0.12,
        "substance": 0.04,
        "advocate": 0.15,
        "arrest": 0.50,
        "offences": [
            (ChargedOffence.HARASSMENT_S2, 32),
            (ChargedOffence.STALKING_S2A, 30),
            (ChargedOffence.STALKING_S4A, 22),
            (ChargedOffence.HARASSMENT_S4, 16),
        ],
        # The nine NHS mental health trusts London's STAC signposts to.
        "services": [
            "South London and Maudsley NHS FT",
            "Oxleas NHS FT",
            "South West London and St George's MH NHS Trust",
            "West London NHS Trust",
            "Central and North West London NHS FT",
            "Camden and Islington NHS FT",
            "Barnet, Enfield and Haringey MH NHS Trust",
            "East London NHS FT",
            "North East London NHS FT",
        ],
    },
}
SESSION_NOTES = [
    "Explored rumination about the end of the relationship; agreed a no-contact plan and distraction strategies.",
    "Reviewed urges to check the victim's social media; identified triggers at night and after drinking.",
    "Worked on perspective-taking: the effect of contact on the victim. Some shift in language.",
    "Low mood this week; safety plan for self-harm reviewed with the GP informed.",
    "Practised alternative responses to rejection; homework set for the coming week.",
]
CONTACT_NOTES = [
    "Victim reports feeling a little safer; no contact this week.",
    "Discussed the evidence diary and how to log each contact with times.",
    "Victim anxious about the court date; explained special measures.",
    "Went through the safety plan; new locks fitted at the front door.",
    "Victim reports the suspect drove past twice; advised to report to police.",
]
INCIDENT_TEXT = {
    Behaviour.MESSAGES: "Sent a string of messages through the night despite being told to stop.",
    Behaviour.PHONE: "Called repeatedly from a withheld number.",
    Behaviour.SOCIAL_MEDIA: "Created a new account to follow and message the victim.",
    Behaviour.TURNING_UP: "Waited outside the victim's workplace at the end of her shift.",
    Behaviour.FOLLOWING: "Followed the victim from the station to her road.",
    Behaviour.LOITERING: "Seen sitting in a car opposite the victim's home for an hour.",
    Behaviour.GIFTS: "Left flowers and a card on the doorstep.",
    Behaviour.PROPERTY_DAMAGE: "Tyres of the victim's car slashed overnight.",
    Behaviour.THREATS: "Said in a voicemail that she would regret ignoring him.",
    Behaviour.VIOLENCE: "Grabbed the victim's arm in the street and would not let go.",
    Behaviour.THIRD_PARTY: "Asked a mutual friend where the victim is living now.",
    Behaviour.MONITORING: "A tracking device was found under the victim's car.",
    Behaviour.OTHER: "Unwanted contact reported.",
}
CONCERNS = [
    "The victim says the suspect has found out where she now works; she is very frightened.",
    "Victim reports contact through the children's school; not yet reported to the police.",
    "The victim has stopped answering my calls after the suspect's release; I am worried for her safety.",
]


def _at(day: date, hour: int, *, today: date) -> datetime:
    return moment(day, hour, today=today)


def _time_of_day(day: date, at: dtime | None) -> dtime | None:
    """A time on `day` that has already come: today's later hours are dropped (the time is optional)."""
    if at is None or day < timezone.localdate():
        return at
    return at if at <= timezone.localtime().time() else None


def _pick(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs], k=1)[0]


@dataclass
class _CaseFacts:
    case: Case
    victims: list[int]
    area: str = ""
    behaviours: list[str] = field(default_factory=list)
    severity: int = 1
    last_contact: date | None = None  # latest contact the referrals reported
    charged_on: date | None = None
    charge_offence: str = ""
    supported: bool = False
    orders: list[ProtectiveOrder] = field(default_factory=list)


class _Seeder:
    def __init__(self, partnership: Partnership, *, rng: random.Random, today: date):
        self.p, self.rng, self.today = partnership, rng, today
        self.profile = PROFILES.get(partnership.slug, PROFILES["london"])
        self.model = partnership.operating_model_on(today)
        members = list(
            Membership.objects.filter(partnership=partnership, is_active=True)
            .exclude(role__in=[Role.PMO, Role.EVALUATOR])
            .select_related("user__agency")
        )
        self.staff: dict[str, list[Any]] = defaultdict(list)
        for m in members:
            if m.user.agency:
                self.staff[m.user.agency.kind].append(m.user)
        self.anyone = [m.user for m in members]
        self.types = {t.code: t for t in InterventionType.objects.all()}
        self.rows = 0

    def user(self, kind: str):
        people = self.staff.get(kind) or self.anyone
        return self.rng.choice(people)

    def day(self, start: date, low: int, high: int) -> date | None:
        """A day between start+low and start+high, or None if that is after today."""
        day = start + timedelta(days=self.rng.randint(low, high))
        return day if day <= self.today else None

    # -- facts about each case ------------------------------------------------------
    def facts(self) -> list[_CaseFacts]:
        cases = list(
            Case.objects.filter(
                partnership=self.p, anonymised_at__isnull=True, opened_on__gte=date(2018, 9, 1)
            ).order_by("opened_on", "id")
        )
        victims: dict[int, list[int]] = defaultdict(list)
        for case_id, person_id in (
            CaseParty.objects.filter(case__in=cases, role=CasePartyRole.VICTIM)
            .values_list("case_id", "person_id")
            .order_by("id")
        ):
            victims[case_id].append(person_id)
        referrals: dict[int | None, list[Referral]] = defaultdict(list)  # by case (all set: filtered on it)
        for referral in (
            Referral.objects.filter(case__in=cases)
            .prefetch_related("reported_incidents")
            .order_by("received_on")
        ):
            referrals[referral.case_id].append(referral)
        result = []
        for case in cases:
            if not victims.get(case.pk) or not case.suspect_id:
                continue
            refs = referrals.get(case.pk, [])
            facts = _CaseFacts(case, victims[case.pk])
            if refs:
                facts.area = case.area
                facts.behaviours = sorted({b for r in refs for b in r.behaviours}) or [Behaviour.MESSAGES]
                facts.severity = int(referral_severity(refs[0]))
                days = [i.occurred_on for r in refs for i in r.reported_incidents.all()]
                facts.last_contact = max(days) if days else None
            else:
                facts.behaviours = [Behaviour.MESSAGES]
            result.append(facts)
        return result

    # -- perpetrator interventions ------------------------------------------------------
    def interventions(self, all_facts: list[_CaseFacts]) -> None:
        from masip.assessments.models import Assessment, AssessmentStatus

        rng, profile = self.rng, self.profile
        pairs = {
            a.case_id: (a.previous_id, a)
            for a in Assessment.objects.filter(
                partnership=self.p,
                status=AssessmentStatus.SIGNED_OFF,
                previous__isnull=False,
                case__isnull=False,
            ).select_related("previous")
        }
        rows: list[tuple[Intervention, list[InterventionEvent], list[InterventionSession]]] = []
        # Direct work first goes to cases reassessed after an intervention (Hampshire's practice).
        ordered = sorted(all_facts, key=lambda f: (f.case.pk not in pairs, rng.random()))
        wanted_direct = round(profile["direct"] * len(all_facts))
        direct_done = 0
        for facts in ordered:
            case = facts.case
            if direct_done < wanted_direct and (
                self.model is None or self.model.offers_direct_interventions_in(facts.area)
            ):
                code = _pick(rng, profile["direct_types"])
                rows.append(self._direct(facts, self.types[code], pairs.get(case.pk)))
                direct_done += 1
            for share, code in (
                (profile["signposting"], "signposting"),
                (profile["tactical_advice"], "tactical_advice"),
                (profile["mappa"], "mappa_referral"),
                (profile["consultation"], "external_consultation"),
                (profile["substance"], "substance_misuse_referral"),
            ):
                if rng.random() < share:
                    rows.append(self._indirect(facts, self.types[code]))
        interventions = [r[0] for r in rows]
        Intervention.objects.bulk_create(interventions, batch_size=500)
        events: list[InterventionEvent] = []
        sessions: list[InterventionSession] = []
        for intervention, its_events, its_sessions in rows:
            for event in its_events:
                event.intervention = intervention
            for session in its_sessions:
                session.intervention = intervention
            events += its_events
            sessions += its_sessions
        InterventionEvent.objects.bulk_create(events, batch_size=1000)
        InterventionSession.objects.bulk_create(sessions, batch_size=1000)
        self.rows += len(interventions) + len(events) + len(sessions)

    def _engagement(
        self, offered: date, events: list, recorder
    ) -> tuple[str, date, date | None, date | None]:
        """(state, its date, start, end) after a realistic run of consent and engagement."""
        rng = self.rng
        events.append(
            InterventionEvent(
                kind=InterventionEventKind.ENGAGEMENT,
                value=Engagement.OFFERED,
                on=offered,
                recorded_by=recorder,
            )
        )
        answered = self.day(offered, 1, 14)
        if answered is None:
            return Engagement.OFFERED, offered, None, None
        if rng.random() < 0.32:  # engagement is voluntary and often refused (report section 5)
            events.append(
                InterventionEvent(
                    kind=InterventionEventKind.ENGAGEMENT,
                    value=Engagement.DECLINED,
                    on=answered,
                    recorded_by=recorder,
                )
            )
            return Engagement.DECLINED, answered, None, None
        events.append(
            InterventionEvent(
                kind=InterventionEventKind.ENGAGEMENT,
                value=Engagement.ACCEPTED,
                on=answered,
                recorded_by=recorder,
            )
        )
        roll = rng.random()
        if roll < 0.45 and (finished := self.day(answered, 40, 120)) is not None:
            events.append(
                InterventionEvent(
                    kind=InterventionEventKind.ENGAGEMENT,
                    value=Engagement.COMPLETED,
                    on=finished,
                    recorded_by=recorder,
                )
            )
            return Engagement.COMPLETED, finished, answered, finished
        if roll < 0.65 and (stopped := self.day(answered, 15, 60)) is not None:
            events.append(
                InterventionEvent(
                    kind=InterventionEventKind.ENGAGEMENT,
                    value=Engagement.DISENGAGED,
                    on=stopped,
                    recorded_by=recorder,
                )
            )
            return Engagement.DISENGAGED, stopped, answered, stopped
        return Engagement.ACCEPTED, answered, answered, None

    def _direct(self, facts: _CaseFacts, kind: InterventionType, pair):
        rng, case = self.rng, facts.case
        clinical = kind.is_clinical
        deliverer = self.user(AgencyKind.HEALTH if clinical else AgencyKind.POLICE)
        recorder = deliverer if clinical else self.user(AgencyKind.POLICE)
        before = after = None
        offered = min(case.opened_on + timedelta(days=rng.randint(5, 30)), self.today)
        if pair is not None:
            before_id, later = pair
            offered = min(later.previous.signed_off_at.date() + timedelta(days=rng.randint(1, 7)), self.today)
            before = before_id
        events: list[InterventionEvent] = []
        state, state_on, start, end = self._engagement(offered, events, recorder)
        sessions: list[InterventionSession] = []
        outcome = ""
        if start:
            if pair is not None and state == Engagement.ACCEPTED:
                # Reassessed after the intervention: it ended before the later SRP.
                finished = max(start, pair[1].signed_off_at.date() - timedelta(days=rng.randint(1, 10)))
                if finished <= self.today:
                    events.append(
                        InterventionEvent(
                            kind=InterventionEventKind.ENGAGEMENT,
                            value=Engagement.COMPLETED,
                            on=finished,
                            recorded_by=recorder,
                        )
                    )
                    state, state_on, end = Engagement.COMPLETED, finished, finished
            last = end or self.today
            day = start
            while day <= last and len(sessions) < 16:
                sessions.append(
                    InterventionSession(
                        held_on=day,
                        attendance=_pick(
                            rng,
                            [
                                (Attendance.ATTENDED, 82),
                                (Attendance.DID_NOT_ATTEND, 12),
                                (Attendance.CANCELLED, 6),
                            ],
                        ),
                        notes=rng.choice(SESSION_NOTES) if clinical else "",
                        recorded_by=deliverer,
                    )
                )
                day += timedelta(days=rng.choice([7, 7, 14]))
            if state == Engagement.COMPLETED:
                outcome = InterventionOutcome.COMPLETED
            elif state == Engagement.DISENGAGED:
                outcome = InterventionOutcome.ENDED_DISENGAGED
            if outcome and end is not None:  # a completed or disengaged run has ended
                events.append(
                    InterventionEvent(
                        kind=InterventionEventKind.OUTCOME, value=outcome, on=end, recorded_by=recorder
                    )
                )
        if pair is not None and outcome == InterventionOutcome.COMPLETED:
            after = pair[1]
        intervention = Intervention(
            partnership=self.p,
            case=case,
            subject_id=case.suspect_id,
            intervention_type=kind,
            mode=InterventionMode.DIRECT,
            area=facts.area,
            delivered_by=deliverer,
            category=Category.HEALTH_CLINICAL if clinical else Category.CASE_MANAGEMENT,
            source_agency_id=recorder.agency_id,
            start_on=start,
            end_on=end,
            planned_sessions=rng.choice([6, 8, 10, 12]) if clinical else None,
            engagement=state,
            engagement_on=state_on,
            outcome=outcome,
            outcome_notes="Engaged well; reports fewer urges to make contact."
            if outcome == InterventionOutcome.COMPLETED and clinical
            else "",
            assessment_before_id=before,
            assessment_after=after,
            recorded_by=recorder,
            recorded_at=_at(offered, 15, today=self.today),
        )
        return intervention, events, sessions

    def _indirect(self, facts: _CaseFacts, kind: InterventionType):
        rng, case = self.rng, facts.case
        recorder = self.user(
            AgencyKind.HEALTH
            if kind.code in ("signposting", "substance_misuse_referral") and rng.random() < 0.6
            else AgencyKind.POLICE
        )
        on = min(case.opened_on + timedelta(days=rng.randint(0, 25)), self.today)
        events: list[InterventionEvent] = []
        state = state_on = None
        service = ""
        status = ""
        follow_up = None
        if kind.needs_consent:
            state, state_on, _start, _end = self._engagement(on, events, recorder)
        if kind.is_service_referral:
            service = rng.choice(self.profile["services"])
            status = ServiceStatus.REFERRED
            events.append(
                InterventionEvent(
                    kind=InterventionEventKind.SERVICE_STATUS, value=status, on=on, recorded_by=recorder
                )
            )
            day = on
            for nxt in (ServiceStatus.ACCEPTED, ServiceStatus.STARTED, ServiceStatus.COMPLETED):
                later = self.day(day, 14, 45)
                if later is None or rng.random() < 0.3:
                    break
                if nxt == ServiceStatus.ACCEPTED and rng.random() < 0.2:
                    nxt = rng.choice([ServiceStatus.DECLINED_BY_SERVICE, ServiceStatus.NOT_TAKEN_UP])
                status, day = nxt, later
                events.append(
                    InterventionEvent(
                        kind=InterventionEventKind.SERVICE_STATUS, value=status, on=day, recorded_by=recorder
                    )
                )
                if status in SERVICE_STATUS_FINAL:
                    break
            if state == Engagement.DECLINED and state_on is not None and status not in SERVICE_STATUS_FINAL:
                status = ServiceStatus.NOT_TAKEN_UP
                events.append(
                    InterventionEvent(
                        kind=InterventionEventKind.SERVICE_STATUS,
                        value=status,
                        on=state_on,
                        recorded_by=recorder,
                    )
                )
            if status not in SERVICE_STATUS_FINAL:
                # Follow-ups every few weeks: some fall due today or are overdue (the monitoring queue).
                follow_up = day + timedelta(days=rng.choice([14, 21, 28, 42]))
        elif kind.code == "tactical_advice":
            service = "Officer in charge"
        elif kind.code == "external_consultation":
            service = rng.choice(
                [
                    "Probation: pre-sentence report advice",
                    "Community mental health team",
                    "Complex case consultation with the OIC",
                ]
            )
        elif kind.code == "mappa_referral":
            service = "MAPPA co-ordinator"
        intervention = Intervention(
            partnership=self.p,
            case=case,
            subject_id=case.suspect_id,
            intervention_type=kind,
            mode=InterventionMode.INDIRECT,
            area=facts.area,
            external_service=service,
            category=Category.CASE_MANAGEMENT,
            source_agency_id=recorder.agency_id,
            start_on=on,
            engagement=state or "",
            engagement_on=state_on,
            service_status=status,
            follow_up_on=follow_up,
            recorded_by=recorder,
            recorded_at=_at(on, 14, today=self.today),
            details="Advice on evidence gathering, a course of conduct and a Stalking Protection Order."
            if kind.code == "tactical_advice"
            else "",
        )
        return intervention, events, []

    # -- criminal justice ------------------------------------------------------------
    def justice(self, all_facts: list[_CaseFacts]) -> None:
        rng, profile = self.rng, self.profile
        events: list[JusticeEvent] = []
        orders: list[tuple[_CaseFacts, ProtectiveOrder]] = []
        for facts in all_facts:
            case = facts.case
            recorder = self.user(AgencyKind.POLICE)

            def event(kind, on, case=case, recorder=recorder, **extra):
                events.append(
                    JusticeEvent(
                        partnership=self.p,
                        case=case,
                        suspect_id=case.suspect_id,
                        kind=kind,
                        occurred_on=on,
                        recorded_by=recorder,
                        recorded_agency_id=recorder.agency_id,
                        recorded_at=_at(on, 17, today=self.today),
                        **extra,
                    )
                )

            if rng.random() >= profile["arrest"]:
                continue
            arrested = min(case.opened_on + timedelta(days=rng.randint(-10, 20)), self.today)
            offence = _pick(rng, profile["offences"])
            event(EventKind.ARREST, arrested, offence=offence)
            if rng.random() < 0.42:
                nfa = self.day(arrested, 14, 60)
                if nfa:
                    event(
                        EventKind.NFA,
                        nfa,
                        offence=offence,
                        nfa_reason=_pick(
                            rng,
                            [
                                (NfaReason.EVIDENTIAL, 45),
                                (NfaReason.VICTIM_NOT_SUPPORTING, 35),
                                (NfaReason.PUBLIC_INTEREST, 10),
                                (NfaReason.OTHER, 10),
                            ],
                        ),
                    )
                continue
            charged = self.day(arrested, 0, 30)
            if charged is None:
                continue
            event(EventKind.CHARGE, charged, offence=offence)
            facts.charged_on, facts.charge_offence = charged, offence
            bail_end = charged + timedelta(days=rng.randint(28, 90))
            orders.append(
                (
                    facts,
                    ProtectiveOrder(
                        kind=OrderKind.BAIL,
                        status=OrderStatus.GRANTED,
                        decided_on=charged,
                        ends_on=bail_end,
                        conditions="Not to contact the victim directly or indirectly; not to enter the road where she lives.",
                    ),
                )
            )
            hearing = self.day(charged, 14, 40)
            if hearing is None:
                continue
            event(EventKind.PROSECUTION, hearing, offence=offence, court="Magistrates' court")
            verdict = self.day(hearing, 30, 120)
            if verdict is None:
                continue
            convicted = rng.random() < 0.72
            event(
                EventKind.CONVICTION if convicted else EventKind.ACQUITTAL,
                verdict,
                offence=offence,
                court="Crown Court"
                if offence in (ChargedOffence.STALKING_S4A, ChargedOffence.HARASSMENT_S4)
                else "Magistrates' court",
            )
            if convicted:
                sentence = _pick(
                    rng,
                    [
                        (SentenceKind.CUSTODY, 22),
                        (SentenceKind.COMMUNITY, 42),
                        (SentenceKind.SUSPENDED, 20),
                        (SentenceKind.FINE, 10),
                        (SentenceKind.DISCHARGE, 6),
                    ],
                )
                event(
                    EventKind.SENTENCE,
                    verdict,
                    offence=offence,
                    sentence_kind=sentence,
                    custody_months=rng.randint(4, 30) if sentence == SentenceKind.CUSTODY else None,
                )
            if rng.random() < (0.6 if convicted else 0.2):
                forever = rng.random() < 0.2
                orders.append(
                    (
                        facts,
                        ProtectiveOrder(
                            kind=OrderKind.RESTRAINING_ORDER,
                            basis=OrderBasis.ON_CONVICTION if convicted else OrderBasis.ON_ACQUITTAL,
                            status=OrderStatus.GRANTED,
                            decided_on=verdict,
                            until_further_order=forever,
                            ends_on=None if forever else verdict + relativedelta(years=rng.randint(1, 5)),
                            conditions="Not to contact the victim by any means, directly or through others; not to go to her workplace.",
                            court="Crown Court"
                            if offence == ChargedOffence.STALKING_S4A
                            else "Magistrates' court",
                        ),
                    )
                )
        # A few Stalking Protection Orders, applied for by the police where a prosecution is not enough.
        candidates = [f for f in all_facts if f.case.opened_on <= self.today - timedelta(days=30)]
        rng.shuffle(candidates)
        for n, facts in enumerate(candidates[: max(1, round(len(all_facts) * 0.015))]):
            applied = facts.case.opened_on + timedelta(days=rng.randint(5, 25))
            served = min(applied + timedelta(days=3), self.today)
            interim = ProtectiveOrder(
                kind=OrderKind.SPO,
                interim=True,
                status=OrderStatus.GRANTED,
                applied_on=applied,
                decided_on=min(applied + timedelta(days=2), self.today),
                ends_on=None,
                conditions="Not to contact the victim or go within 200 metres of her home or workplace.",
                served_on=served,
                court="Magistrates' court",
            )
            interim.notified_on = min(served + timedelta(days=rng.randint(0, 2)), self.today)
            orders.append((facts, interim))
            hearing = self.day(applied, 28, 56)
            if n % 4 == 3 or hearing is None:
                continue  # the full order is still to be decided
            refused = n % 5 == 4
            full = ProtectiveOrder(
                kind=OrderKind.SPO,
                status=OrderStatus.REFUSED if refused else OrderStatus.GRANTED,
                applied_on=applied,
                decided_on=hearing,
                court="Magistrates' court",
                conditions=""
                if refused
                else "Not to contact the victim; to attend an assessment with the mental health service.",
            )
            if not refused:
                full.until_further_order = n % 3 == 0
                full.ends_on = (
                    None
                    if full.until_further_order
                    else spo_earliest_end(hearing) + timedelta(days=rng.choice([0, 365]))
                )
                full.served_on = min(hearing + timedelta(days=rng.randint(0, 3)), self.today)
                full.replaces = interim  # the subject has notified under the interim order already
            orders.append((facts, full))
        JusticeEvent.objects.bulk_create(events, batch_size=1000)
        recorder = self.user(AgencyKind.POLICE)
        rows = []
        for facts, order in orders:
            order.partnership, order.case, order.suspect_id = self.p, facts.case, facts.case.suspect_id
            order.protected_person_id = facts.victims[0]
            order.recorded_by, order.recorded_agency_id = recorder, recorder.agency_id
            order.recorded_at = _at(order.decided_on or order.applied_on or self.today, 18, today=self.today)
            rows.append(order)
            facts.orders.append(order)
        interims = [o for o in rows if o.interim]
        ProtectiveOrder.objects.bulk_create(interims)
        for order in rows:
            if order.replaces is not None:
                order.replaces_id = order.replaces.pk
        ProtectiveOrder.objects.bulk_create([o for o in rows if not o.interim])
        self.rows += len(events) + len(rows)

    # -- victim support --------------------------------------------------------------
    def victims(self, all_facts: list[_CaseFacts]) -> None:
        rng = self.rng
        advocates = self.staff.get(AgencyKind.VICTIM_ADVOCACY) or self.staff.get(AgencyKind.IDVA) or []
        if not advocates:
            return
        supports, contacts, plans, measures, referrals, court, surveys = [], [], [], [], [], [], []
        for facts in all_facts:
            if rng.random() >= self.profile["advocate"]:
                continue
            case = facts.case
            advocate = rng.choice(advocates)
            offered = min(case.opened_on + timedelta(days=rng.randint(0, 5)), self.today)
            support = VictimSupport(
                partnership=self.p,
                case=case,
                victim_id=facts.victims[0],
                status=SupportStatus.OFFERED,
                offered_on=offered,
                source_agency_id=advocate.agency_id,
                recorded_at=_at(offered, 12, today=self.today),
            )
            supports.append(support)
            if rng.random() < 0.1:
                support.status = SupportStatus.DECLINED
                continue
            accepted = self.day(offered, 0, 3)
            if accepted is None:
                continue
            support.status, support.accepted_on, support.advocate = SupportStatus.ACCEPTED, accepted, advocate
            facts.supported = True
            until = min(self.today, (case.closed_on or self.today) + timedelta(days=30))
            if case.closed_on and case.closed_on + timedelta(days=30) < self.today and rng.random() < 0.6:
                support.status, support.ended_on = (
                    SupportStatus.ENDED,
                    case.closed_on + timedelta(days=rng.randint(0, 30)),
                )
                support.end_reason = (
                    "Victim feels safer and agreed support can end; she can come back at any time."
                )
                until = support.ended_on
            day, count = accepted, 0
            while day <= until and count < 12:
                count += 1
                contacts.append(
                    AdvocateContact(
                        support=support,
                        contact_on=day,
                        mode=_pick(
                            rng,
                            [
                                (ContactMode.PHONE, 55),
                                (ContactMode.IN_PERSON, 20),
                                (ContactMode.TEXT, 15),
                                (ContactMode.EMAIL, 10),
                            ],
                        ),
                        purpose=_pick(
                            rng,
                            [
                                (ContactPurpose.WELFARE, 40),
                                (ContactPurpose.SAFETY_PLANNING, 20),
                                (ContactPurpose.CJ_UPDATE, 20),
                                (ContactPurpose.COURT, 10),
                                (ContactPurpose.CRISIS, 5),
                                (ContactPurpose.REFERRAL, 5),
                            ],
                        ),
                        notes=rng.choice(CONTACT_NOTES),
                        recorded_by=advocate,
                        recorded_at=_at(day, 16, today=self.today),
                    )
                )
                day += timedelta(days=rng.randint(7, 21))
            agreed = self.day(accepted, 0, 7)
            if agreed:
                kinds = rng.sample(
                    [
                        MeasureKind.TARGET_HARDENING,
                        MeasureKind.CHANGE_NUMBERS,
                        MeasureKind.EVIDENCE_DIARY,
                        MeasureKind.ESCAPE_PLAN,
                        MeasureKind.LIMIT_CONTACT,
                    ],
                    k=rng.randint(2, 4),
                )
                if rng.random() < 0.25:
                    kinds.append(MeasureKind.CHILDREN)
                version = 1
                while agreed is not None and version <= 3:
                    plan = SafetyPlan(
                        support=support,
                        version=version,
                        agreed_on=agreed,
                        review_on=agreed + timedelta(days=rng.choice([28, 42, 56])),
                        notes="Agreed with the victim; copy kept by the advocate.",
                        recorded_by=advocate,
                        recorded_at=_at(agreed, 15, today=self.today),
                    )
                    plans.append(plan)
                    measures += [
                        SafetyMeasure(
                            plan=plan,
                            kind=k,
                            status=rng.choice([MeasureStatus.AGREED, MeasureStatus.IN_PLACE]),
                        )
                        for k in kinds
                    ]
                    if rng.random() < 0.4:
                        kinds = (
                            [*kinds, MeasureKind.MOVING] if MeasureKind.MOVING not in kinds else kinds[:-1]
                        )
                        agreed = self.day(agreed, 30, 70)
                    else:
                        agreed = None
                    version += 1
            for kind, share, service in (
                (ReferralKind.CHILDREN_SOCIAL_CARE, 0.15, "Children's social care"),
                (ReferralKind.MENTAL_HEALTH, 0.2, "Talking therapies service"),
                (ReferralKind.HOUSING, 0.1, "Local authority housing options"),
            ):
                if rng.random() < share and (made := self.day(accepted, 1, 40)):
                    referrals.append(
                        VictimReferral(
                            support=support,
                            kind=kind,
                            made_on=made,
                            to_service=service,
                            status=rng.choice([ReferralStatus.MADE, ReferralStatus.ACCEPTED]),
                            recorded_by=advocate,
                            category=Category.SAFEGUARDING_CHILDREN
                            if kind == ReferralKind.CHILDREN_SOCIAL_CARE
                            else Category.ADVOCACY_NOTES,
                            recorded_at=_at(made, 11, today=self.today),
                        )
                    )
            if facts.charged_on:
                for court_kind in rng.sample(
                    [
                        CourtSupportKind.SPECIAL_MEASURES,
                        CourtSupportKind.PERSONAL_STATEMENT,
                        CourtSupportKind.RO_REPRESENTATIONS,
                        CourtSupportKind.ACCOMPANIMENT,
                    ],
                    k=rng.randint(1, 3),
                ):
                    if on := self.day(facts.charged_on, 3, 40):
                        court.append(
                            CourtSupport(
                                support=support,
                                kind=court_kind,
                                on=on,
                                hearing_on=on + timedelta(days=rng.randint(7, 60)),
                                recorded_by=advocate,
                                recorded_at=_at(on, 13, today=self.today),
                            )
                        )
            if accepted <= self.today - timedelta(days=60) and rng.random() < 0.35:
                on = accepted + timedelta(days=rng.randint(50, 60))
                consent = rng.random() < 0.8
                answers = {}
                if consent:
                    answers = {
                        "taken_seriously": rng.choice([3, 4, 4, 5, 5]),
                        "police_response": rng.choice([2, 3, 4, 4, 5]),
                        "advocate_support": rng.choice([4, 5, 5, 5]),
                        "agency_support": rng.choice([None, 3, 4]),
                        "feels_safer": rng.choice([2, 3, 3, 4, 5]),
                    }
                surveys.append(
                    PerceptionSurvey(
                        support=support,
                        on=on,
                        mode=rng.choice(["phone", "in_person", "online"]),
                        consent_given=consent,
                        recorded_by=advocate,
                        recorded_at=_at(on, 14, today=self.today),
                        comments="The advocate was the one person who kept me updated."
                        if consent and rng.random() < 0.3
                        else "",
                        **answers,
                    )
                )
        VictimSupport.objects.bulk_create(supports, batch_size=500)
        for group in (contacts, plans, referrals, court, surveys):
            for row in group:
                row.support_id = row.support.pk
        AdvocateContact.objects.bulk_create(contacts, batch_size=1000)
        SafetyPlan.objects.bulk_create(plans, batch_size=500)
        for m in measures:
            m.plan_id = m.plan.pk
        SafetyMeasure.objects.bulk_create(measures, batch_size=1000)
        VictimReferral.objects.bulk_create(referrals)
        CourtSupport.objects.bulk_create(court)
        PerceptionSurvey.objects.bulk_create(surveys)
        self.rows += sum(len(rows) for rows in (supports, contacts, plans, measures, referrals, court, surveys))

    # -- incidents, episodes and re-review ------------------------------------------------
    def incidents(self, all_facts: list[_CaseFacts]) -> None:
        rng = self.rng
        rows: list[Incident] = []
        new_people: list[Person] = []
        new_parties: list[tuple[Case, Person]] = []
        new_victim_incidents: list[tuple[Incident, Person]] = []
        charges: list[_CaseFacts] = []

        def incident(facts, victim_id, day, *, breach=None, new=False):
            behaviour = rng.choice(facts.behaviours)
            severity = max(0, min(4, facts.severity + rng.choice([-1, 0, 0, 0, 1])))
            reporters = [(ReportedBy.VICTIM, 45), (ReportedBy.POLICE, 30), (ReportedBy.OTHER_AGENCY, 10)]
            if facts.supported:
                reporters.append((ReportedBy.ADVOCATE, 15))
            reporter = _pick(rng, reporters)
            recorder = self.user(
                AgencyKind.VICTIM_ADVOCACY if reporter == ReportedBy.ADVOCATE else AgencyKind.POLICE
            )
            row = Incident(
                partnership=self.p,
                case=facts.case,
                suspect_id=facts.case.suspect_id,
                victim_id=victim_id,
                new_victim=new,
                occurred_on=day,
                occurred_at=_time_of_day(
                    day,
                    dtime(rng.randint(7, 23), rng.choice([0, 15, 30, 45])) if rng.random() < 0.6 else None,
                ),
                reported_by=reporter,
                reporter_detail="Children's school" if reporter == ReportedBy.OTHER_AGENCY else "",
                behaviour=behaviour,
                severity=severity,
                description=INCIDENT_TEXT.get(behaviour, "Unwanted contact reported."),
                breach_of=breach,
                recorded_by=recorder,
                recorded_agency_id=recorder.agency_id,
                recorded_at=_at(
                    min(day + timedelta(days=rng.randint(0, 2)), self.today), 10 + rng.randint(0, 8), today=self.today),
            )
            rows.append(row)
            return row

        for facts in all_facts:
            case = facts.case
            end = min(self.today, (case.closed_on or self.today) + timedelta(days=31 * 6))
            victim = facts.victims[0]
            last = facts.last_contact or case.opened_on
            # The stalking the unit took on often carries on for a while after acceptance.
            if rng.random() < 0.5:
                day = case.opened_on
                for _ in range(rng.randint(1, 6)):
                    day += timedelta(days=rng.randint(1, 45))
                    if day > end:
                        break
                    incident(facts, victim, day)
                    last = day
            # Re-offending against the same victim: a new episode after more than six months' silence.
            restart = last + timedelta(days=rng.randint(183, 200))
            if restart <= end and rng.random() < 0.35:
                day = restart
                for _ in range(rng.randint(1, 4)):
                    if day > end:
                        break
                    incident(facts, victim, day)
                    day += timedelta(days=rng.randint(2, 30))
            # Re-offending against a new victim (often the victim's new partner or a new partner of his own).
            if rng.random() < 0.07:
                first = case.opened_on + timedelta(days=rng.randint(10, 150))
                if first <= end:
                    full_name = f"{rng.choice(names.FEMALE_FIRST)} {rng.choice(names.SURNAMES)}"
                    person = Person(
                        partnership=self.p,
                        full_name=full_name,
                        sex=Sex.FEMALE,
                    )
                    person.refresh_keys()
                    new_people.append(person)
                    new_parties.append((case, person))
                    day = first
                    for _ in range(rng.randint(1, 4)):
                        if day > end:
                            break
                        new_victim_incidents.append((incident(facts, None, day, new=True), person))
                        day += timedelta(days=rng.randint(1, 20))
            # Breaches of orders in force.
            for order in facts.orders:
                if order.status == OrderStatus.GRANTED and order.decided_on and rng.random() < 0.22:
                    day = order.decided_on + timedelta(days=rng.randint(3, 60))
                    if day <= end and order.was_in_force_on(day):
                        incident(facts, victim, day, breach=order)
            if facts.charged_on:
                charges.append(facts)
        Person.objects.bulk_create(new_people)
        CaseParty.objects.bulk_create(
            CaseParty(
                case=case,
                person=person,
                role=CasePartyRole.VICTIM,
                relationship_to_suspect=Relationship.ACQUAINTANCE,
            )
            for case, person in new_parties
        )
        for row, person in new_victim_incidents:
            row.victim_id = person.pk
        Incident.objects.bulk_create(rows, batch_size=2000)
        self.rows += len(rows) + 2 * len(new_people)
        self._triggers(rows, charges, all_facts)

    def _triggers(
        self, incidents: list[Incident], charges: list[_CaseFacts], all_facts: list[_CaseFacts]
    ) -> None:
        """The re-review triggers the incidents, charges and advocates' concerns raised; the
        next meeting resolved those more than a week old."""
        rng = self.rng
        triggers = []
        for row in incidents:
            what = f"{row.get_behaviour_display()} on {row.occurred_on:%-d %b %Y}, severity: {SeverityLevel(row.severity).label.lower()}"
            kind = TriggerKind.BREACH if row.breach_of_id else TriggerKind.NEW_INCIDENT
            reason = f"Breach of the {row.breach_of.short_label}: {what}." if row.breach_of is not None else f"{what}."
            triggers.append(
                ReviewTrigger(
                    case=row.case,
                    kind=kind,
                    reason=reason,
                    raised_at=row.recorded_at,
                    raised_by=row.recorded_by,
                )
            )
        for facts in charges:
            if facts.charged_on is None:  # charges holds the charged cases only
                continue
            label = ChargedOffence(facts.charge_offence).label
            triggers.append(
                ReviewTrigger(
                    case=facts.case,
                    kind=TriggerKind.NEW_OFFENCE,
                    reason=f"Charged on {facts.charged_on:%-d %b %Y}: {label}.",
                    raised_at=_at(facts.charged_on, 18, today=self.today),
                    raised_by=self.user(AgencyKind.POLICE),
                )
            )
        for facts in all_facts:
            if facts.supported and facts.case.is_open and rng.random() < 0.04:
                on = self.today - timedelta(days=rng.randint(0, 10))
                triggers.append(
                    ReviewTrigger(
                        case=facts.case,
                        kind=TriggerKind.ADVOCATE_CONCERN,
                        reason=rng.choice(CONCERNS),
                        raised_at=_at(on, 15, today=self.today),
                        raised_by=self.user(AgencyKind.VICTIM_ADVOCACY),
                    )
                )
        week_ago = _at(self.today - timedelta(days=7), 0, today=self.today)
        due: dict[int, ReviewTrigger] = {}
        for t in triggers:
            if t.raised_at < week_ago:
                t.resolved_at = t.raised_at + timedelta(days=rng.randint(1, 7))
            else:
                due[t.case.pk] = t
        ReviewTrigger.objects.bulk_create(triggers, batch_size=2000)
        cases = []
        for t in due.values():
            case = t.case
            case.reassessment_due = True
            case.reassessment_reason = f"{TriggerKind(t.kind).label}: {t.reason}"[:300]
            cases.append(case)
        Case.objects.bulk_update(cases, ["reassessment_due", "reassessment_reason"], batch_size=500)
        self.rows += len(triggers)

    # -- closing, tracking and reopening ----------------------------------------------
    def tracking(self, all_facts: list[_CaseFacts]) -> None:
        rng = self.rng
        months = self.model.tracking_months_after_closure if self.model else 0
        changes = []
        reopened = 0
        for facts in all_facts:
            case = facts.case
            if case.status == CaseStatus.CLOSED and case.closed_on:
                changes.append(
                    CaseStatusChange(
                        case=case,
                        change=StatusChange.CLOSED,
                        on=case.closed_on,
                        reason=case.close_reason or "Closed.",
                        tracking_until=tracking_end(closed_on=case.closed_on, tracking_months=months),
                        changed_by=case.lead_officer or self.anyone[0],
                        changed_at=_at(case.closed_on, 17, today=self.today),
                    )
                )
            elif reopened < 2 and case.opened_on < self.today - timedelta(days=150) and rng.random() < 0.1:
                closed = case.opened_on + timedelta(days=rng.randint(40, 80))
                back = closed + timedelta(days=rng.randint(20, 60))
                if back < self.today:
                    who = case.lead_officer or self.anyone[0]
                    changes += [
                        CaseStatusChange(
                            case=case,
                            change=StatusChange.CLOSED,
                            on=closed,
                            reason="Victim reports no contact for two months; risk reduced.",
                            tracking_until=tracking_end(closed_on=closed, tracking_months=months),
                            changed_by=who,
                            changed_at=_at(closed, 17, today=self.today),
                        ),
                        CaseStatusChange(
                            case=case,
                            change=StatusChange.REOPENED,
                            on=back,
                            reason="New incident during the tracking period: contact resumed at the victim's new workplace.",
                            changed_by=who,
                            changed_at=_at(back, 10, today=self.today),
                        ),
                    ]
                    reopened += 1
        CaseStatusChange.objects.bulk_create(changes, batch_size=1000)
        self.rows += len(changes)


def seed_casework(partnerships: dict[str, Partnership], *, rng: random.Random, today: date) -> int:
    """Interventions, victim support, criminal justice, incidents and tracking for every
    partnership's cases. Returns the number of rows written."""
    if (
        not InterventionType.objects.exists()
    ):  # the data migration ships them; a flushed test database may not
        from masip.interventions.reference import load_shipped_types

        load_shipped_types(InterventionType)
    written = 0
    for slug, partnership in partnerships.items():
        seeder = _Seeder(partnership, rng=random.Random(f"{rng.random()}:{slug}"), today=today)
        with transaction.atomic():
            facts = seeder.facts()
            seeder.interventions(facts)
            seeder.justice(facts)
            seeder.victims(facts)
            seeder.incidents(facts)
            seeder.tracking(facts)
        written += seeder.rows
    return written
