"""Running London's daily morning meeting in a real browser: attendance, the first case's
discussion, an action for probation, closing the meeting - and probation then finds the
action among its agency's actions. axe-core checks every page visited."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def todays_meeting(demo_partnerships, make_referral, accept, staff, request):
    """A case accepted this morning and the next daily meeting, its agenda built by the rules - today's,
    or at the weekend Monday's, with the clock moved to that Monday (a meeting is run on its day)."""
    import time_machine
    from django.utils import timezone

    from masip.meetings.services import meeting_schedule

    london = demo_partnerships["london"]
    referral = make_referral(london, suspect="Ryan Cole", victim="Emma Hart", received_on=date.today())
    accept(referral)
    referral.refresh_from_db()
    series = london.operating_model_on().meeting_series.get(name="Daily morning case review")
    meeting = meeting_schedule(
        partnership=london,
        series=series,
        acting_user=staff["london-police"],
        first=date.today(),
        location="STAC, meeting room 2",
    ).created[0]
    assert meeting.items.filter(case=referral.case).exists()
    days = (meeting.held_on - date.today()).days
    if days:
        traveller = time_machine.travel(timezone.localtime() + timedelta(days=days), tick=True)
        traveller.start()
        request.addfinalizer(traveller.stop)
    return meeting, referral.case


def test_run_the_daily_meeting_and_probation_sees_its_action(
    signed_in_page, todays_meeting, axe, live_server
):
    meeting, case = todays_meeting
    page = signed_in_page("london-police")

    page.get_by_role("link", name="Meetings").click()
    expect(page.get_by_role("heading", name="Meetings", exact=True)).to_be_visible()
    axe(page, context="meetings list")
    page.locator("#upcoming-meetings").get_by_role(
        "link", name=re.compile("Daily morning case review")
    ).first.click()
    expect(page.get_by_role("heading", name=re.compile("Daily morning case review"))).to_be_visible()
    expect(page.locator("#agenda")).to_contain_text(case.reference)
    axe(page, context="meeting page")

    # Attendance by person and agency: the expected agencies are ticked present; the advocate sends apologies.
    page.get_by_role("link", name=re.compile("Attendance")).click()
    axe(page, context="attendance")
    page.get_by_role("group", name=re.compile("Joanne Pike")).get_by_label("Apologies").check()
    page.get_by_role("group", name=re.compile("Kieran Doyle")).get_by_label("Present").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Attendance recorded")
    expect(page.get_by_role("link", name=re.compile("Attendance: 4 present, 1 apologies"))).to_be_visible()

    # The first case: what probation shared, the discussion and the decisions - saved without a reload.
    panel = page.locator("#current-item")
    expect(panel.get_by_role("heading", level=2)).to_contain_text(case.reference)
    panel.get_by_text("Record what an agency shared", exact=True).click()
    panel.get_by_label("Shared by").select_option(label="London NPS")
    panel.get_by_label("Category").select_option("probation")
    panel.get_by_label("Summary line").fill("On licence until next spring")
    panel.get_by_label("What the agency shared").fill("Non-contact condition for a previous victim.")
    panel.get_by_role("button", name="Record what was shared").click()
    expect(panel.locator("[data-saved]")).to_contain_text("Recorded what London NPS shared")
    expect(panel).to_contain_text("On licence until next spring")
    axe(page, context="case panel after sharing")

    panel.get_by_label("Discussion").fill(
        "Contact escalating since the arrest; partners agree the risk is high."
    )
    panel.get_by_label("Agreed risk level").select_option(label="High")
    panel.get_by_label("Agreed stalker type").select_option("rejected")
    panel.get_by_label("Next steps").fill("Probation to raise at supervision.")
    panel.get_by_role("button", name="Save the discussion").click()
    expect(panel.locator("[data-saved]")).to_contain_text(f"Discussion of {case.reference} saved")
    expect(panel.locator("#item-risk")).to_contain_text("High")
    expect(page.locator("#agenda")).to_contain_text("(discussed)")
    axe(page, context="case panel after the discussion")

    # An action for probation. A due date in the past is refused first, with nothing saved.
    panel.get_by_text("Add an action", exact=True).click()
    panel.get_by_label("What needs to be done").fill(
        "Raise the new incidents at the next supervision appointment"
    )
    panel.get_by_label("Agency responsible").select_option(label="London NPS")
    yesterday = date.today() - timedelta(days=1)
    panel.locator("#id_action-due_on_0").fill(str(yesterday.day))
    panel.locator("#id_action-due_on_1").fill(str(yesterday.month))
    panel.locator("#id_action-due_on_2").fill(str(yesterday.year))
    panel.get_by_role("button", name="Add the action").click()
    expect(panel.locator(".govuk-error-summary")).to_contain_text(
        "The due date must be today or in the future"
    )
    axe(page, context="action form with an error")
    due = date.today() + timedelta(days=7)
    panel.locator("#id_action-due_on_0").fill(str(due.day))
    panel.locator("#id_action-due_on_1").fill(str(due.month))
    panel.locator("#id_action-due_on_2").fill(str(due.year))
    panel.get_by_role("button", name="Add the action").click()
    expect(panel.locator("[data-saved]")).to_contain_text("Action added for London NPS")
    expect(panel.locator("#item-actions")).to_contain_text("Raise the new incidents")

    # Close the meeting: the minutes follow, and the record can no longer change.
    page.get_by_role("link", name="Close the meeting").click()
    axe(page, context="close the meeting")
    page.get_by_role("button", name="Close the meeting").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Meeting closed")
    expect(page.get_by_role("heading", name="Minutes", exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text("London NPS: Raise the new incidents")
    axe(page, context="minutes")

    page.get_by_role("button", name="Sign out").click()
    page = signed_in_page("london-probation")
    page.get_by_role("link", name="Actions").click()
    expect(page.get_by_role("heading", name="My agency's actions")).to_be_visible()
    expect(page.locator("#action-list")).to_contain_text(
        "Raise the new incidents at the next supervision appointment"
    )
    expect(page.locator("#action-list")).to_contain_text(case.reference)
    axe(page, context="probation's actions")
