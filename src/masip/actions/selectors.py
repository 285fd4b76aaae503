"""Reads of actions: only what the user may see, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Case as DbCase
from django.db.models import IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from masip.access import policy
from masip.actions.action_rules import OnTimeFigures, completion_outcome, on_time_figures
from masip.actions.models import ActionNote, ActionStatus, CaseAction
from masip.cases.models import Case
from masip.cases.selectors import casework_staff
from masip.partnerships.models import CHAIR_ROLES, Agency, Partnership

if TYPE_CHECKING:
    from masip.accounts.models import User


def partnership_staff(partnership: Partnership):
    """Staff doing case work in the partnership (the people an action may be given to)."""
    return casework_staff(partnership)


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
    "status": ("status_order", "due_on", "id"),  # open first, then done, then cancelled
    "-created": ("-created_at", "-id"),
}
_STATUS_ORDER = DbCase(
    When(status=ActionStatus.OPEN, then=Value(0)),
    When(status=ActionStatus.DONE, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def actions_visible_to(user: User) -> QuerySet[CaseAction]:
    return CaseAction.objects.filter(partnership_id__in=policy.casework_partnership_ids(user))


def action_list(
    user: User,
    partnership: Partnership,
    *,
    view: str = "agency",
    status: str = "",
    agency_id: int | None = None,
    case_reference: str = "",
    sort: str = "status",
) -> QuerySet[CaseAction]:
    """Actions of the partnership, for one of the named views, filtered and sorted."""
    if not policy.does_casework_in(user, partnership):
        return CaseAction.objects.none()
    qs = (
        CaseAction.objects.filter(partnership=partnership)
        .select_related("case__suspect", "owner_agency", "owner_user", "meeting")
        .annotate(status_order=_STATUS_ORDER)
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


def action_get(user: User, pk: int) -> CaseAction:
    return get_object_or_404(
        actions_visible_to(user).select_related(
            "partnership", "case__suspect", "owner_agency", "owner_user", "meeting", "created_by", "closed_by"
        ),
        pk=pk,
    )


def may_update_action(user: User, action: CaseAction) -> bool:
    """The owning agency's staff, the named owner, whoever agreed it, and those who chair."""
    if not policy.does_casework_in(user, action.partnership_id):
        return False
    return (
        user.agency_id == action.owner_agency_id
        or user.pk in (action.owner_user_id, action.created_by_id)
        or policy.role_in(user, action.partnership_id) in CHAIR_ROLES
    )


def action_notes(action: CaseAction) -> list:
    """The action's story: progress notes, due date changes and handovers, newest first."""
    return list(ActionNote.objects.filter(action=action).select_related("recorded_by").order_by("-recorded_at", "-id"))


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
