"""The case page's meetings panel: the current risk management plan (plans), open actions
(actions) and the next meeting the case is on (a fixed number of queries, whatever the
number of meetings and cases)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from masip.actions import selectors as action_selectors
from masip.cases.panels import register
from masip.meetings import selectors, services
from masip.plans import selectors as plan_selectors

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


@register(order=20)
def meetings_panel(case: Case, user: User):
    today = timezone.localdate()
    # "Next meeting" reads the agendas, so bring them up to date first (computed on read):
    # it then agrees with what the meeting page shows.
    services.agendas_keep_current(partnership=case.partnership_id, acting_user=user)
    plan = plan_selectors.current_plan(case)
    return "meetings/_case_panel.html", {
        "case": case,
        "plan": plan,
        "plan_areas": plan_selectors.strategies_by_area(plan),
        "open_actions": action_selectors.case_open_actions(case),
        "next_item": selectors.next_meeting_for_case(case, today=today),
        "today": today,
    }
