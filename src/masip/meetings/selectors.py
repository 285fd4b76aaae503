"""Reads for meetings, actions and plans: only what the user may see, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from masip.access import policy
from masip.access.sharing import sharing_view
from masip.cases.models import Case, CaseParty, CaseStatus, ReviewTrigger
from masip.meetings import agenda
from masip.meetings.action_rules import OnTimeFigures, completion_outcome, on_time_figures
from masip.meetings.models import (
    PLAN_AREA_ORDER,
    ActionStatus,
    AgendaItem,
    Attendance,
    CaseAction,
    Meeting,
    MeetingStatus,
    PlanStrategy,
    RiskManagementPlan,
)
from masip.partnerships.models import Agency, MeetingSeries, Partnership, Role
from masip.sharing.models import InformationEntry

# Who may chair: add or take off agenda items, refresh the agenda and close a
# meeting. The meeting's named chair always may.
CHAIR_ROLES = frozenset({Role.UNIT_MANAGER, Role.TRIAGE_LEAD})
SCHEDULE_ROLES = frozenset({Role.UNIT_MANAGER, Role.TRIAGE_LEAD, Role.BUSINESS_SUPPORT})


# -- meetings ------------------------------------------------------------------


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    return Meeting.objects.filter(partnership_id__in=policy.casework_partnership_ids(user))


def meeting_get(user: Any, pk: int) -> Meeting:
    """A meeting of a partnership the user does case work in; otherwise not found."""
    return get_object_or_404(
        meetings_visible_to(user).select_related("partnership", "series", "chair", "closed_by"), pk=pk
    )


def meeting_list(user: Any, partnership: Partnership, *, upcoming: bool, series_id: int | None = None):
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


def may_chair(user: Any, meeting: Meeting) -> bool:
    if not policy.does_casework_in(user, meeting.partnership_id):
        return False
    return meeting.chair_id == user.pk or policy.role_in(user, meeting.partnership_id) in CHAIR_ROLES


def may_schedule(user: Any, partnership: Partnership) -> bool:
    return policy.role_in(user, partnership) in SCHEDULE_ROLES


def earlier_meetings_q(meeting: Meeting, prefix: str = "") -> Q:
    """Meetings held before this one (the same day counts by creation order)."""
    return Q(**{f"{prefix}held_on__lt": meeting.held_on}) | Q(
        **{f"{prefix}held_on": meeting.held_on, f"{prefix}id__lt": meeting.pk}
    )


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(series_id=meeting.series_id)
        .filter(earlier_meetings_q(meeting))
        .order_by("-held_on", "-id")
        .first()
    )


def agenda_items(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's items, in agenda order (removed ones last), with each case and its suspect."""
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("case__suspect", "refer_to")
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
        )
        .prefetch_related(Prefetch("case__parties", queryset=CaseParty.objects.select_related("person"))),
        pk=item_pk,
    )
    item.meeting = meeting
    return item


def item_information(user: Any, item: AgendaItem) -> list[InformationEntry]:
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


def partner_agencies(partnership: Partnership) -> QuerySet[Agency]:
    return Agency.objects.filter(partner_roles__partnership=partnership).order_by("name")


def partnership_staff(partnership: Partnership):
    """Staff doing case work in the partnership (for attendance and action owners)."""
    from masip.cases.selectors import casework_staff

    return casework_staff(partnership)


# -- the facts the agenda rules read -------------------------------------------


@dataclass(frozen=True)
class AgendaInputs:
    facts: list[agenda.CaseFacts]
    window_start: datetime
    until: datetime
    as_of: date
    previous: Meeting | None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def meeting_starts(meeting: Meeting) -> datetime:
    return timezone.make_aware(datetime.combine(meeting.held_on, meeting.starts_at or time(23, 59, 59)))


def agenda_inputs(meeting: Meeting, rule: agenda.AgendaRule, *, now: datetime | None = None) -> AgendaInputs:
    """Gather what the rules need about every case that might belong on this meeting's agenda.

    A bounded number of queries whatever the number of cases: one per kind of
    reason the rule uses, then the cases themselves and their history.
    """
    now = now or timezone.now()
    partnership_id = meeting.partnership_id
    until = min(now, meeting_starts(meeting))
    as_of = timezone.localdate(until)  # the meeting's date, or today for a meeting still to come
    previous = previous_meeting(meeting)
    window_start = _day_start(
        agenda.window_start_for(
            meeting.series.cadence,
            previous_meeting_on=previous.held_on if previous else None,
            meeting_date=meeting.held_on,
        )
    )
    open_cases = Q(case__partnership_id=partnership_id, case__status=CaseStatus.OPEN)
    candidates: set[int] = set()

    accepted: dict[int, datetime] = {}
    if rule.new_cases:
        from masip.referrals.choices import TriageOutcome
        from masip.referrals.models import TriageDecision

        rows = (
            TriageDecision.objects.filter(
                open_cases, outcome=TriageOutcome.ACCEPT, referral__case_id=F("case_id")
            )
            .filter(decided_at__gte=window_start, decided_at__lte=until)
            .values_list("case_id", "decided_at")
        )
        for case_id, decided_at in rows:
            accepted[case_id] = max(decided_at, accepted.get(case_id, decided_at))
        candidates |= set(accepted)

    referrals: dict[int, list[tuple[int, datetime, str, date]]] = defaultdict(list)
    if rule.referred:
        rows = (
            AgendaItem.objects.filter(open_cases, refer_to=meeting.series, removed_at__isnull=True)
            .filter(earlier_meetings_q(meeting, "meeting__"))
            .values_list("pk", "case_id", "discussed_at", "meeting__title", "meeting__held_on")
        )
        for pk, case_id, discussed_at, title, held_on in rows:
            referrals[case_id].append(
                (pk, discussed_at or _day_start(held_on), f"{title}, {held_on:%-d %b %Y}", held_on)
            )
        candidates |= set(referrals)

    triggers: dict[int, list[agenda.TriggerFact]] = defaultdict(list)
    if rule.triggers:
        # A closed case is still tracked for the partnership's period after closure
        # (Cheshire: six months), and a trigger then brings it back to the agenda.
        for trigger in ReviewTrigger.objects.filter(_open_or_tracked(meeting, as_of), resolved_at__isnull=True).only(
            "pk", "case_id", "kind", "reason", "raised_at"
        ):
            triggers[trigger.case_id].append(
                agenda.TriggerFact(trigger.pk, trigger.get_kind_display(), trigger.reason, trigger.raised_at)
            )
        candidates |= set(triggers)

    overdue: dict[int, list[agenda.ActionFact]] = defaultdict(list)
    if rule.overdue_actions:
        rows = CaseAction.objects.filter(open_cases, status=ActionStatus.OPEN, due_on__lt=as_of).values_list(
            "pk", "case_id", "description", "owner_agency__short_name", "owner_agency__name", "due_on"
        )
        for pk, case_id, description, short, name, due_on in rows:
            overdue[case_id].append(
                agenda.ActionFact(
                    pk, _shorten(description), short or name, due_on, _day_start(due_on + timedelta(days=1))
                )
            )
        candidates |= set(overdue)

    reviews: dict[int, date] = {}
    if rule.plan_reviews:
        rows = (
            PlanStrategy.objects.filter(
                plan__is_current=True,
                plan__case__partnership_id=partnership_id,
                plan__case__status=CaseStatus.OPEN,
            )
            .values("plan__case_id")
            .annotate(first_review=Min("review_on"))
            .filter(first_review__lte=as_of)
            .values_list("plan__case_id", "first_review")
        )
        reviews = dict(rows)
        candidates |= set(reviews)

    kept: dict[int, str] = {}
    carried: dict[int, str] = {}
    if previous is not None:
        label = f"{previous.title}, {previous.held_on:%-d %b %Y}"
        for case_id, keep, discussed_at in AgendaItem.objects.filter(
            meeting=previous, removed_at__isnull=True, case__status=CaseStatus.OPEN
        ).values_list("case_id", "keep_on_agenda", "discussed_at"):
            if rule.kept_on_agenda and keep:
                kept[case_id] = label
            if discussed_at is None and previous.status == MeetingStatus.CLOSED:
                carried[case_id] = label
        candidates |= set(kept) | set(carried)

    if not candidates:
        return AgendaInputs([], window_start, until, as_of, previous)

    # Each candidate's history at earlier meetings of this series, and anywhere.
    listed: set[int] = set()
    handled_in_series: dict[int, list[date]] = defaultdict(list)
    for case_id, held_on in (
        AgendaItem.objects.filter(case_id__in=candidates, meeting__series_id=meeting.series_id)
        .filter(earlier_meetings_q(meeting, "meeting__"))
        .filter(Q(discussed_at__isnull=False) | Q(removed_at__isnull=False))
        .values_list("case_id", "meeting__held_on")
    ):
        listed.add(case_id)
        handled_in_series[case_id].append(held_on)
    last_discussed = dict(
        AgendaItem.objects.filter(case_id__in=candidates, discussed_at__isnull=False)
        .filter(earlier_meetings_q(meeting, "meeting__"))
        .values("case_id")
        .annotate(last=Max("meeting__held_on"))
        .values_list("case_id", "last")
    )
    facts = []
    for case_id, risk_rank, created_at in (
        Case.objects.filter(pk__in=candidates, partnership_id=partnership_id)
        .filter(Q(status=CaseStatus.OPEN) | Q(pk__in=set(triggers)))
        .values_list("pk", "risk_rank", "created_at")
    ):
        pending = tuple(
            agenda.PendingReferral(item_id, referred_at, label)
            for item_id, referred_at, label, referred_on in referrals.get(case_id, [])
            # Still waiting: no meeting of this series has handled the case since it was referred.
            if not any(held_on >= referred_on for held_on in handled_in_series.get(case_id, []))
        )
        facts.append(
            agenda.CaseFacts(
                case_id=case_id,
                risk_rank=risk_rank,
                opened_at=created_at,
                accepted_at=accepted.get(case_id),
                listed_in_series=case_id in listed,
                pending_referrals=pending,
                open_triggers=tuple(triggers.get(case_id, ())),
                overdue_actions=tuple(overdue.get(case_id, ())),
                kept_from=kept.get(case_id),
                carried_from=carried.get(case_id),
                last_discussed_on=last_discussed.get(case_id),
                plan_review_on=reviews.get(case_id),
            )
        )
    return AgendaInputs(facts, window_start, until, as_of, previous)


def _shorten(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- actions -------------------------------------------------------------------

ACTION_VIEWS = {
    "mine": "My actions",
    "agency": "My agency's actions",
    "open": "All open actions",
    "overdue": "Overdue actions",
    "all": "All actions",
}
ACTION_SORTS = {
    "due": ("due_on", "id"),
    "-due": ("-due_on", "-id"),
    "case": ("case__reference", "due_on", "id"),
    "agency": ("owner_agency__name", "due_on", "id"),
    "status": ("status", "due_on", "id"),
    "-created": ("-created_at", "-id"),
}


def actions_visible_to(user: Any) -> QuerySet[CaseAction]:
    return CaseAction.objects.filter(partnership_id__in=policy.casework_partnership_ids(user))


def action_list(
    user: Any,
    partnership: Partnership,
    *,
    view: str = "agency",
    status: str = "",
    agency_id: int | None = None,
    case_reference: str = "",
    sort: str = "due",
) -> QuerySet[CaseAction]:
    """Actions of the partnership, for one of the named views, filtered and sorted."""
    if not policy.does_casework_in(user, partnership):
        return CaseAction.objects.none()
    qs = CaseAction.objects.filter(partnership=partnership).select_related(
        "case__suspect", "owner_agency", "owner_user", "meeting"
    )
    today = timezone.localdate()
    if view == "mine":
        qs = qs.filter(owner_user=user)
    elif view == "agency":
        qs = qs.filter(owner_agency_id=user.agency_id)
    elif view == "open":
        qs = qs.filter(status=ActionStatus.OPEN)
    elif view == "overdue":
        qs = qs.filter(status=ActionStatus.OPEN, due_on__lt=today)
    if status in ActionStatus.values:
        qs = qs.filter(status=status)
    if agency_id:
        qs = qs.filter(owner_agency_id=agency_id)
    if case_reference:
        qs = qs.filter(case__reference__icontains=case_reference.strip())
    return qs.order_by(*ACTION_SORTS.get(sort, ACTION_SORTS["due"]))


def action_get(user: Any, pk: int) -> CaseAction:
    return get_object_or_404(
        actions_visible_to(user).select_related(
            "partnership", "case__suspect", "owner_agency", "owner_user", "meeting", "created_by", "closed_by"
        ),
        pk=pk,
    )


def may_update_action(user: Any, action: CaseAction) -> bool:
    """The owning agency's staff, the named owner, whoever agreed it, and those who chair."""
    if not policy.does_casework_in(user, action.partnership_id):
        return False
    return (
        user.agency_id == action.owner_agency_id
        or user.pk in (action.owner_user_id, action.created_by_id)
        or policy.role_in(user, action.partnership_id) in CHAIR_ROLES
    )


def case_open_actions(case: Case) -> list[CaseAction]:
    return list(
        CaseAction.objects.filter(case=case, status=ActionStatus.OPEN)
        .select_related("owner_agency", "owner_user")
        .order_by("due_on", "id")
    )


def action_completion_by_agency(
    partnership: Partnership, *, start: date, end: date, today: date | None = None
) -> list[tuple[Agency, OnTimeFigures]]:
    """Actions completed on time per owning agency, for actions due between start and end.

    For the programme's reporting ("actions completed on time"): counts only,
    no case or person. See action_rules.OnTimeFigures for what counts.
    """
    today = today or timezone.localdate()
    outcomes: dict[int, list] = defaultdict(list)
    rows = CaseAction.objects.filter(partnership=partnership, due_on__gte=start, due_on__lte=end).values_list(
        "owner_agency_id", "status", "due_on", "completed_on"
    )
    for agency_id, status, due_on, completed_on in rows:
        outcomes[agency_id].append(completion_outcome(status, due_on, completed_on, today=today))
    agencies = Agency.objects.in_bulk(list(outcomes))
    return sorted(
        ((agencies[a], on_time_figures(o)) for a, o in outcomes.items()), key=lambda pair: pair[0].name
    )


# -- risk management plans -----------------------------------------------------


def current_plan(case: Case) -> RiskManagementPlan | None:
    plan = (
        RiskManagementPlan.objects.filter(case=case, is_current=True)
        .select_related("created_by", "responds_to", "agenda_item__meeting")
        .prefetch_related(
            Prefetch("strategies", queryset=PlanStrategy.objects.select_related("owner_agency"))
        )
        .first()
    )
    return plan


def plan_versions(case: Case) -> list[RiskManagementPlan]:
    return list(
        RiskManagementPlan.objects.filter(case=case)
        .select_related("created_by", "responds_to", "agenda_item__meeting")
        .prefetch_related(
            Prefetch("strategies", queryset=PlanStrategy.objects.select_related("owner_agency"))
        )
        .order_by("-version")
    )


def strategies_by_area(plan: RiskManagementPlan | None) -> list[tuple[str, list[PlanStrategy]]]:
    from masip.meetings.models import PlanArea

    if plan is None:
        return []
    grouped: dict[str, list[PlanStrategy]] = {area.value: [] for area in PlanArea}
    for strategy in sorted(plan.strategies.all(), key=lambda s: (PLAN_AREA_ORDER[s.area], s.review_on, s.pk)):
        grouped[strategy.area].append(strategy)
    return [(PlanArea(area).label, items) for area, items in grouped.items()]


def assessments_for_plan(case: Case):
    """Signed-off assessments of the case a plan may respond to, newest first."""
    from masip.assessments.models import Assessment, AssessmentStatus

    return Assessment.objects.filter(case=case, status=AssessmentStatus.SIGNED_OFF).order_by(
        "-signed_off_at", "-id"
    )


def next_meeting_for_case(case: Case, *, today: date | None = None) -> AgendaItem | None:
    today = today or timezone.localdate()
    return (
        AgendaItem.objects.filter(case=case, removed_at__isnull=True, meeting__held_on__gte=today)
        .exclude(meeting__status=MeetingStatus.CLOSED)
        .select_related("meeting")
        .order_by("meeting__held_on", "meeting__starts_at", "meeting_id")
        .first()
    )


def _open_or_tracked(meeting: Meeting, as_of: date) -> Q:
    """Open cases of the meeting's partnership, and closed ones still inside their tracking period."""
    from dateutil.relativedelta import relativedelta

    model = meeting.partnership.operating_model_on(as_of)
    months = model.tracking_months_after_closure if model else 0
    condition = Q(case__partnership_id=meeting.partnership_id, case__status=CaseStatus.OPEN)
    if months:
        condition |= Q(
            case__partnership_id=meeting.partnership_id,
            case__status=CaseStatus.CLOSED,
            case__closed_on__gte=as_of - relativedelta(months=months),
        )
    return condition
