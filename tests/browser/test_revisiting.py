"""Revisiting a case in a real browser: record a new incident on a case under monitoring, see the
re-review trigger on the case and in the monitoring queue, then see the case on the next meeting's
agenda. axe-core checks every page visited."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def next_weekday(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@pytest.fixture
def monitored_case(demo_partnerships, make_referral, accept, staff):
    """A London case accepted a month ago (so it is not a new case for the meetings), and the
    next daily morning meeting, scheduled before anything new happened."""
    from django.utils import timezone

    from masip.cases.models import Case
    from masip.meetings.services import meeting_schedule
    from masip.referrals.models import TriageDecision

    london = demo_partnerships["london"]
    month_ago = timezone.localdate() - timedelta(days=30)
    referral = make_referral(
        london, suspect="Ryan Cole", victim="Emma Hart", received_on=month_ago - timedelta(days=2)
    )
    accept(referral)  # by london-police, who leads the case
    referral.refresh_from_db()
    case = referral.case
    Case.objects.filter(pk=case.pk).update(opened_on=month_ago)
    TriageDecision.objects.filter(referral=referral).update(decided_at=timezone.now() - timedelta(days=30))
    series = london.operating_model_on().meeting_series.get(name="Daily morning case review")
    meeting = meeting_schedule(
        partnership=london,
        series=series,
        acting_user=staff["london-police"],
        first=next_weekday(date.today()),
        location="STAC, meeting room 2",
    ).created[0]
    assert not meeting.items.filter(case=case).exists()  # nothing calls for it yet
    return case


def test_a_new_incident_brings_the_case_back_to_the_next_meeting(
    signed_in_page, monitored_case, axe, live_server
):
    case = monitored_case
    page = signed_in_page("london-police")

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator("#case-tracking")).to_contain_text("Tracked while the case is open")
    expect(page.locator("#case-reoffending")).to_contain_text("No new episode since the case opened")
    axe(page, context="case page before the incident")

    page.get_by_role("link", name="Record a new incident").click()
    expect(page.get_by_role("heading", name="Record a new incident")).to_be_visible()
    axe(page, context="incident form")

    # A date in the future is refused, with nothing saved.
    tomorrow = date.today() + timedelta(days=1)
    page.locator("#id_occurred_on_0").fill(str(tomorrow.day))
    page.locator("#id_occurred_on_1").fill(str(tomorrow.month))
    page.locator("#id_occurred_on_2").fill(str(tomorrow.year))
    page.get_by_role("button", name="Save incident").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Date of the incident must be today or in the past")
    expect(summary).to_contain_text("Select who reported the incident")
    axe(page, context="incident form with errors")

    yesterday = date.today() - timedelta(days=1)
    page.get_by_label("Emma Hart").check()
    page.locator("#id_occurred_on_0").fill(str(yesterday.day))
    page.locator("#id_occurred_on_1").fill(str(yesterday.month))
    page.locator("#id_occurred_on_2").fill(str(yesterday.year))
    page.get_by_label("Time (optional)").fill("22:15")
    page.get_by_label("The victim", exact=True).check()
    page.get_by_label("Contact method or behaviour").select_option("turning_up")
    page.get_by_label("Threat", exact=True).check()
    page.get_by_label("What happened").fill("Waited outside her new flat and said she would regret moving.")
    page.get_by_role("button", name="Save incident").click()

    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "the case is flagged for re-review"
    )
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        "Re-review needed: new incident. Turning up at home, work or elsewhere"
    )
    expect(page.locator("#case-incidents")).to_contain_text(
        "Turning up at home, work or elsewhere, threat (Emma Hart)"
    )
    expect(page.locator("#case-timeline")).to_contain_text("Incident: turning up at home, work or elsewhere")
    axe(page, context="case page with the re-review trigger")

    page.get_by_role("link", name="Monitoring").click()
    expect(page.get_by_role("heading", name="What needs attention today")).to_be_visible()
    expect(page.get_by_role("region", name="Re-review triggers")).to_contain_text(case.reference)
    # London's revisiting policy: the trigger goes to the meeting, with no automatic reassessment.
    expect(page.locator("#queue-reassessments + p")).to_contain_text("No reassessment is due")
    axe(page, context="monitoring queue")

    # The next daily meeting was scheduled before the incident: its agenda has the case without anyone asking.
    page.get_by_role("link", name="Meetings").click()
    page.locator("#upcoming-meetings").get_by_role(
        "link", name=re.compile("Daily morning case review")
    ).first.click()
    expect(page.get_by_role("button", name="Bring the agenda up to date")).to_have_count(0)
    expect(page.locator("#agenda")).to_contain_text(case.reference)
    expect(page.locator("#agenda")).to_contain_text("Re-review trigger")
    axe(page, context="meeting agenda with the case")


@pytest.fixture
def casework_records(monitored_case, staff):
    """An order, an intervention of each kind and a supported victim on the monitored case."""
    from masip.interventions.reference import shipped_type
    from masip.interventions.services import (
        InterventionInput,
        intervention_record,
        intervention_set_engagement,
    )
    from masip.justice.services import OrderInput, order_record
    from masip.victims.services import support_update

    case, today = monitored_case, date.today()
    health, police, advocate = staff["london-health"], staff["london-police"], staff["london-advocate"]
    order = order_record(
        case=case,
        acting_user=police,
        data=OrderInput(
            kind="spo",
            status="granted",
            applied_on=today - timedelta(days=12),
            decided_on=today - timedelta(days=10),
            until_further_order=True,
            served_on=today - timedelta(days=9),
        ),
    )
    cbt = intervention_record(
        case=case,
        acting_user=health,
        data=InterventionInput(
            intervention_type=shipped_type("cbt"),
            mode="direct",
            delivered_by=health,
            offered_on=today - timedelta(days=20),
        ),
    )
    intervention_set_engagement(
        intervention=cbt, acting_user=health, state="accepted", on=today - timedelta(days=18), expected_version=0
    )
    signposting = intervention_record(
        case=case,
        acting_user=police,
        data=InterventionInput(
            intervention_type=shipped_type("signposting"),
            mode="indirect",
            external_service="Oxleas NHS FT",
            offered_on=today - timedelta(days=20),
            follow_up_on=today,
        ),
    )
    victim = case.parties.get(role="victim").person
    support_update(
        case=case,
        victim=victim,
        acting_user=advocate,
        status="accepted",
        on=today - timedelta(days=25),
        advocate=advocate,
        expected_version=0,  # support not yet recorded
    )
    return {"case": case, "order": order, "cbt": cbt, "signposting": signposting, "victim": victim}


def test_the_casework_pages_are_accessible(signed_in_page, casework_records, axe, live_server):
    r, url = casework_records, live_server.url
    case, victim = r["case"], r["victim"]

    def visit(path, context, *, submit=None, error=None):
        page.goto(url + path)
        axe(page, context=context)
        if submit:
            page.get_by_role("button", name=submit).click()
            expect(page.locator(".govuk-error-summary")).to_contain_text(error)
            axe(page, context=f"{context} with errors")

    def say_why(path, reason):
        """Outside the caseload, every page under the case first asks why, then goes on to the page."""
        page.goto(url + path)
        expect(page.get_by_role("heading", name="Why are you opening this case?")).to_be_visible()
        axe(page, context=f"why are you opening this case? ({path})")
        page.get_by_label(reason).check()
        page.get_by_role("button", name="Open the case").click()
        expect(page).to_have_url(url + path)

    page = signed_in_page("london-police")
    visit(f"/cases/{case.pk}/", "case page with every panel")
    expect(page.locator("#interventions-panel")).to_contain_text("Health intervention held by STAC Health")
    visit(f"/interventions/{r['cbt'].pk}/", "clinical intervention, summary only")
    expect(page.locator("#clinical-withheld")).to_be_visible()
    visit(
        f"/cases/{case.pk}/interventions/new/",
        "intervention form",
        submit="Save intervention",
        error="Select the type of intervention",
    )
    visit(
        f"/interventions/{r['signposting'].pk}/follow-up/",
        "follow-up form",
        submit="Save",
        error="Select where the referral stands",
    )
    visit(
        f"/cases/{case.pk}/criminal-justice/new/",
        "criminal-justice form",
        submit="Save",
        error="Select what happened",
    )
    visit(
        f"/cases/{case.pk}/orders/new/", "order form", submit="Save order", error="Select the kind of order"
    )
    visit(f"/orders/{r['order'].pk}/", "order page")
    expect(page.locator("main")).to_contain_text("Notification overdue")
    visit(
        f"/cases/{case.pk}/re-review/new/",
        "re-review request",
        submit="Ask for a re-review",
        error="Enter why the case needs a re-review",
    )
    visit(
        f"/cases/{case.pk}/close/",
        "close the case",
        submit="Close the case",
        error="Enter why the case is closing",
    )
    visit(f"/cases/{case.pk}/victims/{victim.pk}/", "victim support, police view")
    expect(page.locator("#advocacy-withheld")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    page = signed_in_page("london-advocate")
    say_why(f"/cases/{case.pk}/victims/{victim.pk}/", "Preparing for or discussing it at a multi-agency meeting")
    visit(f"/cases/{case.pk}/victims/{victim.pk}/", "victim support, advocate view")
    visit(
        f"/cases/{case.pk}/victims/{victim.pk}/contacts/new/",
        "contact form",
        submit="Save",
        error="Select how you were in contact",
    )
    visit(
        f"/cases/{case.pk}/victims/{victim.pk}/safety-plan/new/",
        "safety plan form",
        submit="Save",
        error="Select at least one safety measure",
    )
    visit(
        f"/cases/{case.pk}/victims/{victim.pk}/survey/new/",
        "survey form",
        submit="Save",
        error="Select whether the victim consents",
    )
    page.get_by_role("button", name="Sign out").click()

    page = signed_in_page("london-health")
    say_why(f"/interventions/{r['cbt'].pk}/", "Covering for a colleague")
    visit(f"/interventions/{r['cbt'].pk}/", "clinical intervention, health view")
    visit(
        f"/interventions/{r['cbt'].pk}/sessions/new/",
        "session form",
        submit="Save session",
        error="Enter date of the session",
    )
    visit(f"/interventions/{r['cbt'].pk}/engagement/", "engagement form")
    visit(
        f"/interventions/{r['cbt'].pk}/outcome/",
        "outcome form",
        submit="Save outcome",
        error="Select the outcome",
    )
