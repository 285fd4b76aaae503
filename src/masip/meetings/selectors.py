"""Reads for meetings: only what the user may see, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from masip.access import policy
from masip.access.sharing import sharing_view
from masip.actions.models import ActionStatus, CaseAction
from masip.cases.models import Case, CaseParty, CaseStatus, ReviewTrigger, TriggerKind
from masip.cases.selectors import casework_staff
from masip.meetings import agenda
from masip.meetings.models import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingStatus,
)
from masip.monitoring.tracking import tracked_cases_q
from masip.partnerships.models import CHAIR_ROLES, MeetingSeries, Partnership, Role
from masip.plans.models import PlanStrategy
from masip.referrals.choices import ReferralStatus, TriageOutcome
from masip.referrals.models import Referral, ReferralParty, TriageDecision
from masip.sharing.models import InformationEntry

if TYPE_CHECKING:
    from masip.accounts.models import User

# Who may chair: CHAIR_ROLES (partnerships.models). Who may schedule meetings:
SCHEDULE_ROLES = frozenset({Role.UNIT_MANAGER, Role.TRIAGE_LEAD, Role.BUSINESS_SUPPORT})


# -- meetings ------------------------------------------------------------------


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    return Meeting.objects.filter(partnership_id__in=policy.casework_partnership_ids(user))


def meeting_get(user: User, pk: int) -> Meeting:
    """A meeting of a partnership the user does case work in; otherwise not found."""
    return get_object_or_404(
        meetings_visible_to(user).select_related("partnership", "series", "chair", "closed_by"), pk=pk
    )


def meeting_list(user: User, partnership: Partnership, *, upcoming: bool, series_id: int | None = None):
    if not policy.does_casework_in(user, partnership):
        return Meeting.objects.none()
    today = timezone.localdate()
    qs = (
        Meeting.objects.filter(partnership=partnership)
        .select_related("series", "chair")
        .annotate(
            item_count=Count("items", filter=Q(items__removed_at__isnull=True), distinct=True),
            discussed_count=Count("items", filter=Q(items__discussed_at__isnull=False), distinct=True),
        )
    )
    if series_id:
        qs = qs.filter(series_id=series_id)
    if upcoming:
        return qs.filter(Q(held_on__gte=today) | ~Q(status=MeetingStatus.CLOSED)).order_by(
            "held_on", "starts_at", "id"
        )
    return qs.filter(held_on__lt=today, status=MeetingStatus.CLOSED).order_by("-held_on", "-starts_at", "-id")


def current_series(partnership: Partnership, *, on: date | None = None) -> list[MeetingSeries]:
    model = partnership.operating_model_on(on)
    return list(model.meeting_series.all()) if model else []


def may_chair(user: User, meeting: Meeting) -> bool:
    if not policy.does_casework_in(user, meeting.partnership_id):
        return False
    return meeting.chair_id == user.pk or policy.role_in(user, meeting.partnership_id) in CHAIR_ROLES


def may_schedule(user: User, partnership: Partnership) -> bool:
    return policy.role_in(user, partnership) in SCHEDULE_ROLES


_REFERRAL_PARTIES = Prefetch(
    "referral__parties", queryset=ReferralParty.objects.select_related("person").order_by("-role", "id")
)


def agenda_items(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's items, in agenda order (removed ones last), with each case and its suspect,
    or each referral, its people and the triage decision the meeting recorded."""
    items: list[AgendaItem] = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("case__suspect", "refer_to", "referral", "triage_decision__case")
        .prefetch_related(_REFERRAL_PARTIES)
        .annotate(action_count=Count("actions", distinct=True))
        .order_by(F("removed_at").asc(nulls_first=True), "position", "id")
    )
    return items


def item_get(meeting: Meeting, item_pk: int) -> AgendaItem:
    """An item of a meeting the caller already may see; otherwise not found."""
    item = get_object_or_404(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related(
            "case__suspect",
            "case__partnership",
            "case__lead_officer",
            "refer_to",
            "discussed_by",
            "added_by",
            "removed_by",
            "referral__possible_duplicate_of",
            "triage_decision__case",
            "triage_decision__decided_by",
        )
        .prefetch_related(
            Prefetch("case__parties", queryset=CaseParty.objects.select_related("person")),
            _REFERRAL_PARTIES,
            "referral__reported_incidents",
        ),
        pk=item_pk,
    )
    item.meeting = meeting
    return item


def item_information(user: User, item: AgendaItem) -> list[InformationEntry]:
    """What agencies shared about the case at this meeting, as far as the user may see it."""
    view = sharing_view(user, item.meeting.partnership)
    return list(
        InformationEntry.objects.filter(agenda_item=item)
        .filter(view.visible_q())
        .select_related("source_agency", "recorded_by")
        .order_by("recorded_at", "id")
    )


def item_actions(item: AgendaItem) -> list[CaseAction]:
    return list(
        CaseAction.objects.filter(agenda_item=item)
        .select_related("owner_agency", "owner_user")
        .order_by("id")
    )


def attendance(meeting: Meeting) -> list[Attendance]:
    return list(meeting.attendance.select_related("agency", "user").order_by("agency__name", "id"))


def latest_triage_decision(referral: Referral):
    """The referral's latest triage decision, wherever it was made (queue or meeting)."""
    return referral.triage_decisions.select_related("decided_by", "case").order_by("-decided_at", "-id").first()


def series_of_model(partnership: Partnership) -> QuerySet[MeetingSeries]:
    """The meeting series of the partnership's operating model today (none without a model)."""
    model = partnership.operating_model_on()
    return model.meeting_series.all() if model else MeetingSeries.objects.none()


def attendance_recorded(meeting: Meeting) -> bool:
    return meeting.attendance.exists()


def series_by_name(series_list) -> QuerySet[MeetingSeries]:
    return MeetingSeries.objects.filter(pk__in=[s.pk for s in series_list]).order_by("name")


def partnership_staff(partnership: Partnership):
    """Staff doing case work in the partnership (for attendance and action owners)."""
    return casework_staff(partnership)


# -- the facts the agenda rules read -------------------------------------------


@dataclass(frozen=True)
class PreviousMeeting:
    pk: int
    held_on: date
    title: str
    status: str

    @property
    def label(self) -> str:
        return f"{self.title}, {self.held_on:%-d %b %Y}"


@dataclass(frozen=True)
class AgendaInputs:
    facts: list[agenda.CaseFacts]
    window_start: datetime
    until: datetime
    as_of: date
    previous: PreviousMeeting | None
    referrals: list[agenda.ReferralFacts]


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def meeting_starts(meeting: Meeting) -> datetime:
    return timezone.make_aware(datetime.combine(meeting.held_on, meeting.starts_at or time(23, 59, 59)))


def _earlier(held_on: date, meeting_id: int, than: Meeting) -> bool:
    """Held before `than` (the same day counts by creation order)."""
    return held_on < than.held_on or (held_on == than.held_on and meeting_id < than.pk)


def _previous_meetings(meetings: list[Meeting]) -> dict[int, PreviousMeeting]:
    """Each meeting's previous meeting of its series, in one query."""
    earlier = (
        Meeting.objects.filter(series_id=OuterRef("series_id"))
        .filter(Q(held_on__lt=OuterRef("held_on")) | Q(held_on=OuterRef("held_on"), id__lt=OuterRef("id")))
        .order_by("-held_on", "-id")
    )
    rows = (
        Meeting.objects.filter(pk__in=[m.pk for m in meetings])
        .annotate(
            prev_id=Subquery(earlier.values("id")[:1]),
            prev_held_on=Subquery(earlier.values("held_on")[:1]),
            prev_title=Subquery(earlier.values("title")[:1]),
            prev_status=Subquery(earlier.values("status")[:1]),
        )
        .values_list("pk", "prev_id", "prev_held_on", "prev_title", "prev_status")
    )
    return {pk: PreviousMeeting(pid, held, title, status) for pk, pid, held, title, status in rows if pid}


def agenda_inputs(meeting: Meeting, rule: agenda.AgendaRule, *, now: datetime | None = None) -> AgendaInputs:
    """What the rules need about every case (and referral) that might belong on this meeting's agenda."""
    return agenda_inputs_for([meeting], {meeting.pk: rule}, now=now)[meeting.pk]


def agenda_inputs_for(
    meetings: list[Meeting], rules: dict[int, agenda.AgendaRule], *, now: datetime | None = None
) -> dict[int, AgendaInputs]:
    """Gather what the rules need for several meetings of one partnership at once.

    A fixed number of queries whatever the number of meetings and cases: one per
    kind of reason any of the rules uses, then the candidate cases and their
    history; each meeting's facts are then picked out in Python. Keeping every
    open meeting's agenda current on each read relies on this.
    """
    now = now or timezone.now()
    meetings = [m for m in meetings if m.pk in rules]
    if not meetings:
        return {}
    partnership_id = meetings[0].partnership_id
    assert all(m.partnership_id == partnership_id for m in meetings), "one partnership at a time"
    previous = _previous_meetings(meetings)
    timing: dict[int, tuple[datetime, datetime, date]] = {}
    for m in meetings:
        until = min(now, meeting_starts(m))
        prev = previous.get(m.pk)
        window_start = _day_start(
            agenda.window_start_for(
                m.series.cadence, previous_meeting_on=prev.held_on if prev else None, meeting_date=m.held_on
            )
        )
        timing[m.pk] = (window_start, until, timezone.localdate(until))
    earliest_window = min(t[0] for t in timing.values())
    latest_until = max(t[1] for t in timing.values())
    latest_as_of = max(t[2] for t in timing.values())
    earliest_as_of = min(t[2] for t in timing.values())
    latest_held_on = max(m.held_on for m in meetings)

    def wanted(flag: str) -> bool:
        return any(getattr(rules[m.pk], flag) for m in meetings)

    open_cases = Q(case__partnership_id=partnership_id, case__status=CaseStatus.OPEN)

    accepted: dict[int, list[datetime]] = defaultdict(list)
    if wanted("new_cases"):
        for case_id, decided_at in (
            TriageDecision.objects.filter(open_cases, outcome=TriageOutcome.ACCEPT, referral__case_id=F("case_id"))
            .filter(decided_at__gte=earliest_window, decided_at__lte=latest_until)
            .values_list("case_id", "decided_at")
        ):
            accepted[case_id].append(decided_at)

    # (item id, case, referred at, label, referring meeting's date and id, series referred to)
    referred_rows: list[tuple[int, int, datetime, str, date, int, int]] = []
    if wanted("referred"):
        series_ids = {m.series_id for m in meetings if rules[m.pk].referred}
        for pk, case_id, discussed_at, title, held_on, meeting_id, series_id in (
            AgendaItem.objects.filter(open_cases, refer_to_id__in=series_ids, removed_at__isnull=True)
            .filter(meeting__held_on__lte=latest_held_on)
            .values_list(
                "pk", "case_id", "discussed_at", "meeting__title", "meeting__held_on", "meeting_id", "refer_to_id"
            )
        ):
            referred_rows.append(
                (pk, case_id, discussed_at or _day_start(held_on), f"{title}, {held_on:%-d %b %Y}", held_on,
                 meeting_id, series_id)
            )

    # Open triggers, with each case's status and closing date: a closed case is still tracked
    # for the partnership's period after closure (Cheshire: six months), and a trigger then
    # brings it back to the agenda.
    trigger_rows: list[tuple[agenda.TriggerFact, int, str, date | None]] = []
    partnership = meetings[0].partnership
    if wanted("triggers"):
        # Tracked on the earliest day is a superset of tracked on any later one (tracking only ends).
        for pk, case_id, kind, reason, raised_at, status, closed_on in ReviewTrigger.objects.filter(
            tracked_cases_q(partnership, earliest_as_of, prefix="case__"), resolved_at__isnull=True
        ).values_list("pk", "case_id", "kind", "reason", "raised_at", "case__status", "case__closed_on"):
            fact = agenda.TriggerFact(pk, _trigger_label(kind), reason, raised_at)
            trigger_rows.append((fact, case_id, status, closed_on))

    closed_with_triggers = {case_id for _, case_id, status, _ in trigger_rows if status != CaseStatus.OPEN}
    tracked_by_day: dict[date, set[int]] = {}

    def tracked_on(day: date) -> set[int]:
        """Closed cases with an open trigger still tracked on `day` under the revisiting policy then
        in force (one query per distinct day, and only when such cases exist)."""
        if not closed_with_triggers:
            return set()
        if day not in tracked_by_day:
            tracked_by_day[day] = set(
                Case.objects.filter(tracked_cases_q(partnership, day), pk__in=closed_with_triggers)
                .values_list("pk", flat=True)
            )
        return tracked_by_day[day]

    overdue_rows: list[tuple[int, agenda.ActionFact]] = []
    if wanted("overdue_actions"):
        for pk, case_id, description, short, name, due_on in CaseAction.objects.filter(
            open_cases, status=ActionStatus.OPEN, due_on__lt=latest_as_of
        ).values_list("pk", "case_id", "description", "owner_agency__short_name", "owner_agency__name", "due_on"):
            overdue_rows.append(
                (
                    case_id,
                    agenda.ActionFact(
                        pk, _shorten(description), short or name, due_on, _day_start(due_on + timedelta(days=1))
                    ),
                )
            )

    reviews: dict[int, date] = {}
    if wanted("plan_reviews"):
        reviews = dict(
            PlanStrategy.objects.filter(
                plan__is_current=True,
                plan__case__partnership_id=partnership_id,
                plan__case__status=CaseStatus.OPEN,
            )
            .values("plan__case_id")
            .annotate(first_review=Min("review_on"))
            .filter(first_review__lte=latest_as_of)
            .values_list("plan__case_id", "first_review")
        )

    # What the previous meeting of each series decided (kept on the agenda) or did not reach.
    previous_items: dict[int, list[tuple[int, bool, datetime | None]]] = defaultdict(list)
    previous_ids = {p.pk for p in previous.values()}
    if previous_ids:
        for meeting_id, case_id, keep, discussed_at in AgendaItem.objects.filter(
            meeting_id__in=previous_ids, removed_at__isnull=True, case__status=CaseStatus.OPEN
        ).values_list("meeting_id", "case_id", "keep_on_agenda", "discussed_at"):
            previous_items[meeting_id].append((case_id, keep, discussed_at))

    untriaged: list[agenda.ReferralFacts] = []
    if wanted("untriaged_referrals"):
        untriaged = [
            agenda.ReferralFacts(pk, risk_rank, created_at)
            for pk, risk_rank, created_at in Referral.objects.filter(
                partnership_id=partnership_id, status=ReferralStatus.UNTRIAGED, created_at__lte=latest_until
            ).values_list("pk", "risk_rank", "created_at")
        ]

    candidates = (
        set(accepted)
        | {r[1] for r in referred_rows}
        | {r[1] for r in trigger_rows}
        | {case_id for case_id, _ in overdue_rows}
        | set(reviews)
        | {case_id for rows in previous_items.values() for case_id, _, _ in rows}
    )
    history: list[tuple[int, int, int, date, bool, bool]] = []  # case, meeting, series, date, discussed, via triage
    cases: dict[int, tuple[int, datetime]] = {}
    if candidates:
        # Each candidate's history: discussed or taken off at a meeting, or accepted at a meeting
        # that triaged its referral (which counts as the case having been listed there).
        for case_id, decided_case_id, meeting_id, series_id, held_on, discussed_at in (
            AgendaItem.objects.filter(Q(case_id__in=candidates) | Q(triage_decision__case_id__in=candidates))
            .filter(
                Q(discussed_at__isnull=False) | Q(removed_at__isnull=False) | Q(triage_decision__isnull=False)
            )
            .values_list(
                "case_id",
                "triage_decision__case_id",
                "meeting_id",
                "meeting__series_id",
                "meeting__held_on",
                "discussed_at",
            )
        ):
            if case_id is not None:
                history.append((case_id, meeting_id, series_id, held_on, discussed_at is not None, False))
            elif decided_case_id is not None:
                history.append((decided_case_id, meeting_id, series_id, held_on, False, True))
        cases = {
            pk: (risk_rank, created_at)
            for pk, risk_rank, created_at in Case.objects.filter(pk__in=candidates, partnership_id=partnership_id)
            .filter(Q(status=CaseStatus.OPEN) | Q(pk__in={r[1] for r in trigger_rows}))
            .values_list("pk", "risk_rank", "created_at")
        }

    result: dict[int, AgendaInputs] = {}
    for m in meetings:
        rule = rules[m.pk]
        window_start, until, as_of = timing[m.pk]
        prev = previous.get(m.pk)
        listed: set[int] = set()
        handled_in_series: dict[int, list[date]] = defaultdict(list)
        last_discussed: dict[int, date] = {}
        for case_id, meeting_id, series_id, held_on, discussed, via_triage in history:
            if via_triage:
                # Accepted by triage at this meeting or an earlier one of the series: not "new" here.
                if series_id == m.series_id and (meeting_id == m.pk or _earlier(held_on, meeting_id, m)):
                    listed.add(case_id)
                continue
            if not _earlier(held_on, meeting_id, m):
                continue
            if series_id == m.series_id:
                listed.add(case_id)
                handled_in_series[case_id].append(held_on)
            if discussed and (case_id not in last_discussed or held_on > last_discussed[case_id]):
                last_discussed[case_id] = held_on
        accepted_here = {
            case_id: max(inside)
            for case_id, times in accepted.items()
            if (inside := [t for t in times if window_start <= t <= until])
        }
        pending: dict[int, list[agenda.PendingReferral]] = defaultdict(list)
        if rule.referred:
            for item_id, case_id, referred_at, label, referred_on, meeting_id, series_id in referred_rows:
                if series_id != m.series_id or not _earlier(referred_on, meeting_id, m):
                    continue
                # Still waiting: no meeting of this series has handled the case since it was referred.
                if not any(held_on >= referred_on for held_on in handled_in_series.get(case_id, [])):
                    pending[case_id].append(agenda.PendingReferral(item_id, referred_at, label))
        triggers: dict[int, list[agenda.TriggerFact]] = defaultdict(list)
        if rule.triggers:
            for fact, case_id, status, _closed_on in trigger_rows:
                if status == CaseStatus.OPEN or case_id in tracked_on(as_of):
                    triggers[case_id].append(fact)
        overdue: dict[int, list[agenda.ActionFact]] = defaultdict(list)
        if rule.overdue_actions:
            for case_id, action_fact in overdue_rows:
                if action_fact.due_on < as_of:
                    overdue[case_id].append(action_fact)
        due_reviews = (
            {c: d for c, d in reviews.items() if d <= as_of} if rule.plan_reviews else {}
        )
        kept: dict[int, str] = {}
        carried: dict[int, str] = {}
        if prev is not None:
            for case_id, keep, discussed_at in previous_items.get(prev.pk, []):
                if rule.kept_on_agenda and keep:
                    kept[case_id] = prev.label
                if discussed_at is None and prev.status == MeetingStatus.CLOSED:
                    carried[case_id] = prev.label
        here = (
            (set(accepted_here) if rule.new_cases else set())
            | set(pending) | set(triggers) | set(overdue) | set(due_reviews) | set(kept) | set(carried)
        )
        facts = [
            agenda.CaseFacts(
                case_id=case_id,
                risk_rank=cases[case_id][0],
                opened_at=cases[case_id][1],
                accepted_at=accepted_here.get(case_id),
                listed_in_series=case_id in listed,
                pending_referrals=tuple(pending.get(case_id, ())),
                open_triggers=tuple(triggers.get(case_id, ())),
                overdue_actions=tuple(overdue.get(case_id, ())),
                kept_from=kept.get(case_id),
                carried_from=carried.get(case_id),
                last_discussed_on=last_discussed.get(case_id),
                plan_review_on=due_reviews.get(case_id),
            )
            for case_id in sorted(here)
            if case_id in cases
        ]
        result[m.pk] = AgendaInputs(facts, window_start, until, as_of, prev, untriaged)
    return result


def _trigger_label(kind: str) -> str:
    try:
        return str(TriggerKind(kind).label)
    except ValueError:
        return kind


def _shorten(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def next_meeting_for_case(case: Case, *, today: date | None = None) -> AgendaItem | None:
    today = today or timezone.localdate()
    return (
        AgendaItem.objects.filter(case=case, removed_at__isnull=True, meeting__held_on__gte=today)
        .exclude(meeting__status=MeetingStatus.CLOSED)
        .select_related("meeting")
        .order_by("meeting__held_on", "meeting__starts_at", "meeting_id")
        .first()
    )
