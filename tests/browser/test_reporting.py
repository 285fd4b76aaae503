"""Programme reporting in a real browser: the unit manager records training, keeps a post and files
the quarterly return; the programme office reads the programme's return and dashboard. axe-core
checks every page visited."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_manager_files_a_return_and_the_programme_office_reads_it(
    signed_in_page, demo_partnerships, axe, live_server, browser, make_referral
):
    from django.utils import timezone

    from masip.reporting.models import QuarterlyReturn
    from masip.reporting.periods import Quarter

    quarter = Quarter.containing(timezone.localdate()).previous()
    page = signed_in_page("london-manager")

    page.get_by_role("link", name="Quarterly returns, training, consultancy and staffing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quarterly returns")
    axe(page, context="returns")

    page.get_by_role("link", name="Training", exact=True).click()
    page.get_by_role("link", name="Record training").click()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter topic")
    axe(page, context="training form with errors")
    held = timezone.localdate() - timedelta(days=1)
    page.get_by_label("Day").fill(str(held.day))
    page.get_by_label("Month").fill(str(held.month))
    page.get_by_label("Year").fill(str(held.year))
    page.get_by_label("Topic").fill("Recognising stalking")
    page.get_by_label("Trainer").fill("DS Okafor")
    page.get_by_label("Police", exact=True).check()
    page.get_by_label("Number trained").fill("930")
    page.get_by_label("The number is approximate").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("table")).to_contain_text(">930")
    axe(page, context="training list")

    page.get_by_role("link", name="Staffing and caseload").click()
    expect(page.get_by_role("heading", name="Posts", exact=True)).to_be_visible()
    axe(page, context="staffing")

    page.goto(f"{live_server.url}/partnerships/london/returns/{quarter.code}/")
    expect(page.locator('[data-figure="referrals"]')).to_have_text("0")
    page.get_by_role("button", name="Sign off and file the return").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("Filed by Grace Holloway")
    axe(page, context="filed return")
    assert QuarterlyReturn.objects.filter(partnership__slug="london", year=quarter.year, quarter=quarter.number).exists()

    make_referral(demo_partnerships["london"], received_on=timezone.localdate())
    page.goto(f"{live_server.url}/partnerships/london/dashboard/")
    expect(page.get_by_role("heading", name="Unit dashboard")).to_be_visible()
    expect(page.locator(".masip-chart .main-svg").first).to_be_visible()  # plotly drew the chart
    page.wait_for_load_state("networkidle")
    axe(page, context="unit dashboard")

    pmo_context = browser.new_context(bypass_csp=True)  # as the fixture's context: axe is injected inline
    pmo = pmo_context.new_page()
    pmo.goto(f"{live_server.url}/accounts/sign-in/")
    pmo.get_by_label("Username").fill("pmo")
    pmo.get_by_label("Password").fill("demo-password")
    pmo.get_by_role("button", name="Sign in").click()
    pmo.get_by_role("link", name="Programme quarterly returns").click()
    axe(pmo, context="programme returns")
    pmo.get_by_role("link", name=quarter.label).click()
    expect(pmo.locator("#table-programme")).to_contain_text("fewer than 5")
    axe(pmo, context="programme return")
    pmo.goto(f"{live_server.url}/programme/dashboard/")
    expect(pmo.get_by_role("heading", name="Programme dashboard")).to_be_visible()
    axe(pmo, context="programme dashboard")
    pmo_context.close()
    page.close()  # no request left running when the live server stops
