"""Synthetic meetings, actions and risk management plans for the demo.

For each partnership's meeting series: the past few weeks of meetings (closed,
with attendance, what each agency shared, the discussion, the decisions and
the actions agreed) and the ones to come (agenda built, nothing recorded yet),
including today's. Every open case gets a risk management plan, some in a
second version. Actions are a mix of done on time, done late, cancelled, open
and overdue, so the action lists and the on-time figures have something to show.

Agendas are built by the real service (meetings.services.meeting_build_agenda),
meeting by meeting in date order, so referrals from one meeting reach the next
series' agenda exactly as they would in use. What is recorded at each meeting is
written in bulk; agreed risk levels go through cases.services.case_set_risk.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from masip.access.models import Category
from masip.actions.models import CaseAction
from masip.cases.models import Case, CaseStatus, ReviewTrigger, RiskRank, StalkerType
from masip.demo.clock import moment
from masip.meetings.agenda import ReasonKind, next_meeting_dates, nth_weekday
from masip.meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting, MeetingStatus
from masip.meetings.services import meeting_build_agenda
from masip.partnerships.models import Agency, Membership, Partnership, Role
from masip.plans.models import PlanArea, PlanStrategy, RiskManagementPlan
from masip.sharing.models import InformationEntry

# When each series meets (weekday 0 = Monday, start time) and how far back the demo goes.
SCHEDULE = {
    "Daily morning case review": (None, time(9, 30), 21),
    "Complex case consultation": (None, time(14, 0), 21),
    "Weekly triage meeting": (1, time(10, 0), 42),
    "Monthly stalking clinic": (3, time(13, 30), 70),
    "Recolo mental-health clinic": (2, time(14, 0), 42),
    "IASU internal meeting": (0, time(10, 0), 42),
    "Partnership meeting (clinic)": (3, time(13, 0), 56),
}
LOCATIONS = {
    "london": "STAC, meeting room 2 (and Teams)",
    "hampshire": "Hampshire Constabulary HQ, Winchester (and Teams)",
    "cheshire": "IASU, Warrington",
}
# Where a meeting sends a case on (series name -> [(series name, chance)]).
REFERRALS = {
    "Daily morning case review": [("Complex case consultation", 0.06)],
    "Weekly triage meeting": [("Monthly stalking clinic", 0.0), ("Recolo mental-health clinic", 0.2)],
    "IASU internal meeting": [("Partnership meeting (clinic)", 0.35)],
}

# What an agency typically says at a meeting, by the kind of agency.
SHARED = {
    "police": [
        (
            Category.POLICE_INTELLIGENCE,
            "PNC and intelligence check",
            "Two previous harassment reports involving a former partner; one police information notice. No firearms licence.",
        ),
        (
            Category.POLICE_INTELLIGENCE,
            "Recent calls to the address",
            "Three calls from the victim's address in the last month; the suspect was seen nearby on two occasions.",
        ),
        (
            Category.CASE_MANAGEMENT,
            "Investigation update",
            "Statement taken; the officer in charge is awaiting the phone download before arrest.",
        ),
    ],
    "health": [
        (
            Category.HEALTH_CLINICAL,
            "Mental health history",
            "Known to the community mental health team for depression since 2017; no psychosis; missed the last two appointments.",
        ),
        (
            Category.HEALTH_CLINICAL,
            "Formulation",
            "Rumination about the end of the relationship drives the contact; alcohol use escalates it. Likely to respond to brief therapy.",
        ),
    ],
    "probation": [
        (
            Category.PROBATION,
            "On licence",
            "Subject to licence until next spring with a non-contact condition for a previous victim. Reports as required.",
        ),
        (
            Category.PROBATION,
            "Previous orders",
            "Community order for harassment in 2016 completed; engaged poorly with the programme requirement.",
        ),
    ],
    "victim_advocacy": [
        (
            Category.ADVOCACY_NOTES,
            "Victim's view",
            "Wants the contact to stop more than a prosecution; anxious about court. Has agreed to keep an evidence diary.",
        ),
        (
            Category.VICTIM_CONTACT,
            "Safe contact",
            "Victim has moved; the new address is held by the advocate only. Safe to call on her mobile after 6pm.",
        ),
    ],
    "social_services": [
        (
            Category.SAFEGUARDING_CHILDREN,
            "Children in the household",
            "Two children under ten live with the victim; a child and family assessment is under way.",
        ),
    ],
    "cps": [
        (
            Category.CASE_MANAGEMENT,
            "Charging advice",
            "Evidence supports s.4A if the victim's statement covers the change to her routine; ask for a fuller statement.",
        ),
    ],
}
DISCUSSIONS = [
    "Escalation over the last fortnight; contact now at the victim's workplace. Agreed the risk has increased.",
    "Contact has reduced since the warning. Victim feels safer but remains hypervigilant.",
    "Fixation appears longstanding. Treatment options discussed; the suspect has agreed to see the psychologist.",
    "Behaviour consistent with a rejected stalker. Partners agreed investigative advice and a safety plan for the victim.",
    "Breach of bail conditions reported yesterday. Arrest strategy agreed with the officer in charge.",
]
NEXT_STEPS = [
    "Investigative advice to the officer in charge; review after the arrest.",
    "Consider a Stalking Protection Order application.",
    "Advocate to review the safety plan with the victim this week.",
    "Psychology to offer an assessment appointment; probation to raise at supervision.",
]
ACTIONS = {
    "police": [
        "Send investigative advice to the officer in charge",
        "Apply for an interim Stalking Protection Order",
        "Add a warning marker to the victim's address",
    ],
    "health": [
        "Offer the suspect a psychology assessment",
        "Share a health summary with probation for the risk plan",
    ],
    "probation": [
        "Raise the new incidents at the next supervision appointment",
        "Provide pre-sentence report advice on stalking to the court team",
    ],
    "victim_advocacy": [
        "Review the safety plan with the victim",
        "Refer the victim for a target-hardening visit",
    ],
    "social_services": ["Complete the child and family assessment"],
    "cps": ["Give charging advice on s.4A once the statement is received"],
}
STRATEGIES = {
    PlanArea.MONITORING: (
        "police",
        [
            "Flag the suspect on police systems and review incidents weekly",
            "Victim to keep an evidence diary; advocate to collect it fortnightly",
        ],
    ),
    PlanArea.SUPERVISION: (
        "probation",
        [
            "Licence condition: no contact with the victim, direct or indirect",
            "Seek a restraining order on conviction",
            "Bail conditions: not to enter the victim's street",
        ],
    ),
    PlanArea.TREATMENT: (
        "health",
        [
            "Brief therapeutic work on rumination and rejection (six sessions)",
            "Refer to the alcohol service; review engagement at each meeting",
        ],
    ),
    PlanArea.VICTIM_SAFETY: (
        "victim_advocacy",
        [
            "Safety plan reviewed with the victim; personal alarm issued",
            "Target-hardening visit to the victim's home",
        ],
    ),
}
STALKER_SHARE = [
    (StalkerType.REJECTED, 72),
    (StalkerType.RESENTFUL, 10),
    (StalkerType.INTIMACY_SEEKING, 8),
    (StalkerType.INCOMPETENT_SUITOR, 6),
    (StalkerType.PREDATORY, 4),
]


def _weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs], k=1)[0]


def _at(day: date, at: time, minutes: int = 0, *, today: date) -> datetime:
    return moment(day, at.hour, at.minute + minutes, today=today)


def _working_day(day: date) -> date:
    """The day itself, or the nearest working day (Saturday goes back to Friday, Sunday on to Monday)."""
    return (
        day - timedelta(days=1)
        if day.weekday() == 5
        else day + timedelta(days=1)
        if day.weekday() == 6
        else day
    )


def seed_meetings(partnerships: dict[str, Partnership], *, rng: random.Random, today: date) -> int:
    """Past and upcoming meetings for every series, plans for every open case. Returns rows written."""
    rows = 0
    for partnership in partnerships.values():
        with transaction.atomic():
            rows += _Seeder(partnership, rng=rng, today=today).run()
    return rows


class _Seeder:
    def __init__(self, partnership: Partnership, *, rng: random.Random, today: date):
        self.p, self.rng, self.today = partnership, rng, today
        members = Membership.objects.filter(partnership=partnership, is_active=True).select_related(
            "user__agency"
        )
        self.staff = [m.user for m in members if m.is_casework and m.user.agency_id]
        self.by_kind: dict[str, list] = defaultdict(list)
        for user in self.staff:
            if user.agency is not None:  # all of them: casework staff with an agency
                self.by_kind[user.agency.kind].append(user)
        chairs = [m.user for m in members if m.role in (Role.TRIAGE_LEAD, Role.UNIT_MANAGER)]
        self.chair = chairs[0] if chairs else self.staff[0]
        self.agencies = {
            a.kind: a for a in Agency.objects.filter(partner_roles__partnership=partnership).order_by("pk")
        }
        model = partnership.operating_model_on(today)
        self.series = {s.name: s for s in model.meeting_series.all()} if model else {}
        self.rows = 0

    def run(self) -> int:
        if not self.series or not self.staff:
            return 0
        self._plans()
        meetings = sorted(self._meeting_dates(), key=lambda m: (m[1], m[2], m[0].name))
        for series, day, starts in meetings:
            self._meeting(series, day, starts)
        return self.rows

    # -- when --------------------------------------------------------------------
    def _meeting_dates(self):
        out = []
        for name, series in self.series.items():
            weekday, starts, back = SCHEDULE.get(name, (None, time(10, 0), 28))
            start = self.today - timedelta(days=back)
            if series.cadence == "weekdays":
                days = next_meeting_dates("weekdays", first=start, count=back + 10)
                days = [d for d in days if d <= self.today + timedelta(days=6)]
            elif series.cadence == "as_needed":
                # One-off consultations on working days: two in the last fortnight, one to come.
                days = [_working_day(self.today + timedelta(days=offset)) for offset in (-12, -5, 3)]
            elif series.cadence == "monthly":
                first = nth_weekday(start.year, start.month, weekday, 0)
                days = [
                    d
                    for d in next_meeting_dates("monthly", first=first, count=5)
                    if d <= self.today + timedelta(days=35)
                ]
            else:
                first = start + timedelta(days=(weekday - start.weekday()) % 7)
                days = next_meeting_dates(series.cadence, first=first, count=20)
                days = [d for d in days if d <= self.today + timedelta(days=15)]
            out += [(series, d, starts) for d in days if d >= start]
        return out

    # -- one meeting ------------------------------------------------------------
    def _meeting(self, series, day: date, starts: time) -> None:
        rng = self.rng
        past = day < self.today
        meeting = Meeting.objects.create(
            partnership=self.p,
            series=series,
            title=series.name,
            held_on=day,
            starts_at=starts,
            location=LOCATIONS.get(self.p.slug, ""),
            chair=self.chair,
            created_by=self.chair,
            created_at=_at(day - timedelta(days=7), time(9, 0), today=self.today),
            purpose="Consultation with the officer in charge and probation on a complex case."
            if series.cadence == "as_needed"
            else "",
        )
        self.rows += 1
        now = min(timezone.now(), _at(day, starts, today=self.today)) if not past else _at(day, starts, today=self.today)
        meeting_build_agenda(meeting=meeting, acting_user=self.chair, now=now)
        if not past:
            return
        items = list(AgendaItem.objects.filter(meeting=meeting).select_related("case"))
        present_kinds = self._attendance(meeting, series)
        entries, actions, trigger_ids, risk_decisions = [], [], [], []
        referral_targets = REFERRALS.get(series.name, [])
        for index, item in enumerate(items):
            if item.referral_id:
                continue  # still awaiting triage today, so not triaged at a past meeting
            if rng.random() < 0.08 and index > 0:
                continue  # not reached: carried forward to the next meeting of the series
            when = _at(day, starts, 5 + 6 * index, today=self.today)
            for kind in rng.sample(sorted(present_kinds), k=min(len(present_kinds), rng.randint(1, 3))):
                category, title, body = rng.choice(SHARED.get(kind, SHARED["police"]))
                authors = self.by_kind.get(kind) or [self.chair]
                entries.append(
                    InformationEntry(
                        partnership=self.p,
                        case_id=item.case_id,
                        category=category,
                        source_agency=self.agencies[kind] if kind in self.agencies else authors[0].agency,
                        title=title,
                        body=body,
                        recorded_by=rng.choice(authors),
                        recorded_at=when,
                        agenda_item=item,
                    )
                )
            rank = _weighted(rng, [(3, 30), (2, 45), (1, 25)])
            item.discussion = rng.choice(DISCUSSIONS)
            item.next_steps = rng.choice(NEXT_STEPS)
            item.agreed_risk_rank = rank
            item.agreed_stalker_type = _weighted(rng, STALKER_SHARE) if rng.random() < 0.7 else ""
            item.keep_on_agenda = rng.random() < 0.08
            for target, chance in referral_targets:
                wanted = rank == 3 if target == "Monthly stalking clinic" else rng.random() < chance
                if wanted and target in self.series:
                    item.refer_to = self.series[target]
                    break
            item.discussed_at, item.discussed_by, item.version = when, self.chair, 1
            risk_decisions.append(item)
            trigger_ids += [
                r.get("ref") for r in item.reasons if r.get("kind") == ReasonKind.TRIGGER and r.get("ref")
            ]
            for _ in range(rng.choice([0, 1, 1, 2])):
                actions.append(self._action(item, day, when, present_kinds))
        AgendaItem.objects.bulk_update(
            risk_decisions,
            [
                "discussion",
                "next_steps",
                "agreed_risk_rank",
                "agreed_stalker_type",
                "keep_on_agenda",
                "refer_to",
                "discussed_at",
                "discussed_by",
                "version",
            ],
        )
        InformationEntry.objects.bulk_create(entries)
        CaseAction.objects.bulk_create(actions)
        if trigger_ids:
            ReviewTrigger.objects.filter(pk__in=trigger_ids, resolved_at__isnull=True).update(
                resolved_at=_at(day, starts, 60, today=self.today)
            )
        self._agree_risk(meeting, risk_decisions)
        meeting.status, meeting.started_at = MeetingStatus.CLOSED, _at(day, starts, today=self.today)
        meeting.closed_at, meeting.closed_by = _at(day, starts, 20 + 6 * len(items), today=self.today), self.chair
        meeting.save(update_fields=["status", "started_at", "closed_at", "closed_by"])
        self.rows += len(risk_decisions) + len(entries) + len(actions)

    def _attendance(self, meeting, series) -> set[str]:
        rng = self.rng
        rows, kinds = [], set()
        for kind in series.expected_agency_kinds:
            for user in self.by_kind.get(kind, []):
                status = AttendanceStatus.APOLOGIES if rng.random() < 0.12 else AttendanceStatus.PRESENT
                rows.append(
                    Attendance(
                        meeting=meeting,
                        user=user,
                        agency_id=user.agency_id,
                        status=status,
                        recorded_by=self.chair,
                        recorded_at=_at(meeting.held_on, meeting.starts_at, today=self.today),
                    )
                )
                if status == AttendanceStatus.PRESENT:
                    kinds.add(kind)
            if not self.by_kind.get(kind) and kind in self.agencies and rng.random() < 0.7:
                # A partner without an account in the demo (CPS, CRC, social care) attends by name.
                rows.append(
                    Attendance(
                        meeting=meeting,
                        agency=self.agencies[kind],
                        name=f"{rng.choice(['Sam', 'Alex', 'Jo', 'Chris'])} "
                        f"{rng.choice(['Patel', 'Murray', 'Okoro', 'Lewis'])}",
                        role_title="Partner representative",
                        status=AttendanceStatus.PRESENT,
                        recorded_by=self.chair,
                        recorded_at=_at(meeting.held_on, meeting.starts_at, today=self.today),
                    )
                )
                kinds.add(kind)
        Attendance.objects.bulk_create(rows)
        self.rows += len(rows)
        return kinds or {"police"}

    def _action(self, item, day: date, when: datetime, present_kinds: set[str]) -> CaseAction:
        rng = self.rng
        kinds = [k for k in sorted(present_kinds) if k in ACTIONS and k in self.agencies] or ["police"]
        kind = rng.choice(kinds)
        owners = self.by_kind.get(kind, [])
        due = day + timedelta(days=rng.randint(3, 21))
        action = CaseAction(
            partnership=self.p,
            case_id=item.case_id,
            meeting_id=item.meeting_id,
            agenda_item=item,
            description=rng.choice(ACTIONS[kind]),
            owner_agency=self.agencies.get(kind) or self.chair.agency,
            owner_user=rng.choice(owners) if owners and rng.random() < 0.6 else None,
            due_on=due,
            created_by=self.chair,
            created_at=when,
        )
        roll = rng.random()
        if due < self.today:
            if roll < 0.6:
                self._done(action, day + timedelta(days=rng.randint(1, (due - day).days)))
            elif roll < 0.75:
                self._done(action, min(self.today, due + timedelta(days=rng.randint(1, 7))))
            elif roll < 0.8:
                action.status, action.cancel_reason = (
                    "cancelled",
                    "Overtaken by the arrest; no longer needed.",
                )
                action.closed_by, action.closed_at = self.chair, _at(due, time(12, 0), today=self.today)
        elif roll < 0.15:
            self._done(action, min(self.today, day + timedelta(days=rng.randint(1, 3))))
        return action

    def _done(self, action: CaseAction, on: date) -> None:
        action.status, action.completed_on = "done", on
        action.completion_note = self.rng.choice(
            ["Done as agreed.", "Completed; outcome shared at the meeting.", ""]
        )
        action.closed_by, action.closed_at = action.owner_user or self.chair, _at(on, time(15, 0), today=self.today)

    def _agree_risk(self, meeting, items) -> None:
        """The meeting's agreed levels become each case's current risk, through the one service for it."""
        from masip.cases.services import case_set_risk

        cases = Case.objects.in_bulk([i.case_id for i in items])
        for item in items:
            case = cases[item.case_id]
            changed_type = item.agreed_stalker_type and item.agreed_stalker_type != case.stalker_type
            if item.agreed_risk_rank != case.risk_rank or changed_type:
                case_set_risk(
                    case=case,
                    acting_user=self.chair,
                    rank=item.agreed_risk_rank,
                    label=f"{RiskRank(item.agreed_risk_rank).label} (agreed at meeting)",
                    source=f"Agreed at {meeting}",
                    stalker_type=item.agreed_stalker_type or None,
                )

    # -- plans --------------------------------------------------------------------
    def _plans(self) -> None:
        rng = self.rng
        from masip.assessments.models import Assessment, AssessmentStatus

        latest_assessment = dict(
            Assessment.objects.filter(
                partnership=self.p, status=AssessmentStatus.SIGNED_OFF, case__isnull=False
            )
            .order_by("case_id", "signed_off_at", "id")
            .values_list("case_id", "pk")
        )
        cases = list(
            Case.objects.filter(partnership=self.p, status=CaseStatus.OPEN).values_list(
                "pk", "opened_on", "lead_officer_id"
            )
        )
        plans, plan_strategies = [], []
        for case_id, opened_on, lead_id in cases:
            created = _at(min(self.today, opened_on + timedelta(days=rng.randint(1, 6))), time(16, 0), today=self.today)
            versions = 2 if rng.random() < 0.2 and (self.today - opened_on).days > 20 else 1
            for version in range(1, versions + 1):
                current = version == versions
                when = (
                    created
                    if version == 1
                    else _at(self.today - timedelta(days=rng.randint(1, 10)), time(16, 0), today=self.today)
                )
                plan = RiskManagementPlan(
                    partnership=self.p,
                    case_id=case_id,
                    version=version,
                    is_current=current,
                    aim="Stop the contact and keep the victim safe while the investigation proceeds.",
                    change_reason="First plan for the case"
                    if version == 1
                    else rng.choice(
                        [
                            "New incident at the victim's workplace: monitoring increased.",
                            "Suspect engaged with psychology: treatment strategy updated.",
                            "Restraining order granted: supervision strategy updated.",
                        ]
                    ),
                    responds_to_id=latest_assessment.get(case_id),
                    created_by_id=lead_id or self.chair.pk,
                    created_at=when,
                )
                plans.append(plan)
                for area, (kind, texts) in STRATEGIES.items():
                    if kind not in self.agencies and area != PlanArea.MONITORING:
                        kind = "police"
                    if current:
                        # A few reviews fall due now, so meetings that review plans list them.
                        review = (
                            self.today - timedelta(days=rng.randint(0, 4))
                            if rng.random() < 0.01
                            else self.today + timedelta(days=rng.randint(5, 70))
                        )
                    else:
                        review = when.date() + timedelta(days=rng.randint(14, 42))
                    plan_strategies.append(
                        (
                            plan,
                            PlanStrategy(
                                area=area,
                                description=rng.choice(texts),
                                owner_agency=self.agencies.get(kind) or self.chair.agency,
                                review_on=review,
                            ),
                        )
                    )
        RiskManagementPlan.objects.bulk_create(plans)
        for plan, strategy in plan_strategies:
            strategy.plan = plan
        PlanStrategy.objects.bulk_create([s for _, s in plan_strategies])
        self.rows += len(plans) + len(plan_strategies)
