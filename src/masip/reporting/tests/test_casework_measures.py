"""The dashboards' casework measures on hand-counted rows, and through the pages."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from masip.reporting import dashboard as measures

START, END, TODAY = date(2026, 7, 1), date(2026, 9, 30), date(2026, 9, 30)


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_actions_by_agency_count_only_those_that_fell_due():
    rows = [
        {"agency": "Police", "outcome": "on_time", "due_on": date(2026, 7, 3)},
        {"agency": "Police", "outcome": "late", "due_on": date(2026, 8, 1)},
        {"agency": "Police", "outcome": "overdue", "due_on": date(2026, 9, 1)},
        {"agency": "NPS", "outcome": "on_time", "due_on": date(2026, 9, 2)},
        {"agency": "NPS", "outcome": "not_yet_due", "due_on": date(2026, 9, 29)},  # not fallen due
        {"agency": "NPS", "outcome": "cancelled", "due_on": date(2026, 9, 2)},  # cancelled: left out
        {"agency": "NPS", "outcome": "on_time", "due_on": date(2026, 6, 30)},  # before the period
    ]
    table = measures.actions_on_time(rows, start=START, end=END, today=TODAY)
    assert table.columns == ["On time", "Late", "Overdue (still open)"]
    assert table.rows == [("NPS", [1, 0, 0]), ("Police", [1, 1, 1])]
    assert table.notes == ["50% of the 4 actions that fell due were done on time."]


def test_attendance_counts_present_and_apologies_by_agency():
    rows = [{"agency": "Police", "status": "present"}, {"agency": "Police", "status": "present"},
            {"agency": "Health", "status": "apologies"}]
    table = measures.attendance_by_agency(rows, meetings_held=2)
    assert table.rows == [("Health", [0, 1]), ("Police", [2, 0])]
    assert table.notes == ["2 meetings held in the period."]


def test_interventions_by_type_and_engagement_with_not_recorded():
    labels = {"offered": "Offered", "accepted": "Accepted", "completed": "Completed"}
    rows = [
        {"type": "SRP clinic (direct)", "engagement": "accepted", "started_on": date(2026, 7, 10)},
        {"type": "SRP clinic (direct)", "engagement": "", "started_on": date(2026, 7, 11)},
        {"type": "Advice (indirect)", "engagement": "completed", "started_on": date(2026, 8, 1)},
        {"type": "Advice (indirect)", "engagement": "completed", "started_on": date(2026, 10, 1)},  # after
    ]
    table = measures.interventions_by_engagement(rows, start=START, end=END, engagement_labels=labels)
    assert table.columns == ["Offered", "Accepted", "Completed", "Not recorded"]
    assert table.rows == [("Advice (indirect)", [0, 0, 1, 0]), ("SRP clinic (direct)", [0, 1, 0, 1])]


def test_justice_outcomes_by_section_and_the_s4a_share_of_stalking_charges():
    kinds = {"charge": "Charge", "conviction": "Conviction"}
    rows = [
        {"kind": "charge", "offence": "s2a", "occurred_on": date(2026, 7, 1)},
        {"kind": "charge", "offence": "s4a", "occurred_on": date(2026, 7, 2)},
        {"kind": "charge", "offence": "s4a", "occurred_on": date(2026, 7, 3)},
        {"kind": "charge", "offence": "s4a", "occurred_on": date(2026, 7, 4)},
        {"kind": "charge", "offence": "s2", "occurred_on": date(2026, 7, 5)},  # harassment: not in the share
        {"kind": "conviction", "offence": "s4a", "occurred_on": date(2026, 9, 30)},
    ]
    table = measures.justice_outcomes(rows, start=START, end=END, kind_labels=kinds)
    assert table.columns == ["s.2", "s.2A", "s.4", "s.4A", "Other"]
    assert table.rows == [("Charge", [1, 1, 0, 3, 0]), ("Conviction", [0, 0, 0, 1, 0])]
    assert table.notes == ["Stalking charges: 3 of 4 (75%) under s.4A, 1 under s.2A."]


def test_orders_by_kind_basis_and_decision():
    rows = [
        {"row": measures.order_row("spo", interim=True), "status": "granted", "decided_on": date(2026, 7, 1)},
        {"row": measures.order_row("spo"), "status": "refused", "decided_on": date(2026, 7, 2)},
        {"row": measures.order_row("restraining_order", basis="acquittal"), "status": "granted",
         "decided_on": date(2026, 8, 2)},
        {"row": measures.order_row("bail"), "status": "granted", "decided_on": None},  # undecided: out
    ]
    table = measures.orders_decided(rows, start=START, end=END)
    assert table.rows == [("Restraining order on acquittal (s.5A)", [1, 0]),
                          ("Interim Stalking Protection Order", [1, 0]), ("Stalking Protection Order", [0, 1])]


def test_rereview_backlog_by_trigger_and_wait():
    kinds = {"new_incident": "New incident", "breach": "Breach of an order"}
    rows = [{"kind": "new_incident", "raised_on": TODAY}, {"kind": "new_incident", "raised_on": TODAY - timedelta(days=7)},
            {"kind": "breach", "raised_on": TODAY - timedelta(days=40)}]
    table = measures.rereview_backlog(rows, today=TODAY, kind_labels=kinds)
    assert table.columns == ["under 7 days", "7 to 28 days", "over 28 days"]
    assert table.rows == [("New incident", [1, 1, 0]), ("Breach of an order", [0, 0, 1])]
    assert table.notes == ["Longest wait: 40 days."]


def test_the_unit_dashboard_shows_the_casework_measures(london, as_user, make_referral, accept, staff):
    from masip.actions.models import ActionStatus, CaseAction
    from masip.partnerships.models import Agency

    today = timezone.localdate()
    case = accept(make_referral(london, received_on=today - timedelta(days=3))).case
    police = Agency.objects.get(pk=staff["london-police"].agency_id)
    CaseAction.objects.create(partnership=london, case=case, description="Visit the victim", owner_agency=police,
                              due_on=today - timedelta(days=1), status=ActionStatus.DONE,
                              completed_on=today - timedelta(days=2), created_by=staff["london-police"])
    CaseAction.objects.create(partnership=london, case=case, description="Check the address", owner_agency=police,
                              due_on=today - timedelta(days=1), created_by=staff["london-police"])
    shown = text(as_user("london-manager").get(reverse("reporting:dashboard", args=["london"])))
    actions = shown.split("Meeting actions that fell due, by owning agency")[-1]
    assert re.search(rf"{re.escape(police.short_name or police.name)} 1 0 1 2", actions)
    assert "50% of the 2 actions that fell due were done on time." in shown
    for title in ("Meeting attendance by agency", "Interventions started, by type and engagement",
                  "Criminal-justice outcomes by offence", "Protective orders decided",
                  "Re-review backlog today, by trigger and time waiting"):
        assert title in shown


def test_the_programme_dashboard_compares_casework_without_small_numbers(london, as_user, make_referral, accept,
                                                                          staff):
    from masip.actions.models import CaseAction
    from masip.partnerships.models import Agency
    from masip.reporting.periods import Quarter

    today = timezone.localdate()
    case = accept(make_referral(london, received_on=today)).case
    police = Agency.objects.get(pk=staff["london-police"].agency_id)
    for n in range(3):  # three overdue actions: fewer than 5, never shown as a number
        CaseAction.objects.create(partnership=london, case=case, description=f"Task {n}", owner_agency=police,
                                  due_on=max(Quarter.containing(today).start, today - timedelta(days=1)),
                                  created_by=staff["london-police"])
    page = as_user("pmo").get(reverse("reporting:programme_dashboard"), {"quarter": Quarter.containing(today).code})
    shown = text(page)
    assert "Meeting actions that fell due" in shown and "Charges by offence" in shown
    assert "Protective orders granted" in shown
    actions = shown.split("Meeting actions that fell due")[1].split("Charges by offence")[0]
    assert "London" in actions and " 3 " not in f" {actions} "
