"""A practitioner's path in a real browser: sign in, record a referral, triage it
into a case and read the case timeline. axe-core checks every page visited."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_record_triage_and_see_the_case(signed_in_page, demo_partnerships, axe, live_server):
    page = signed_in_page("london-police")
    axe(page, context="home")

    page.get_by_role("link", name="New referral").click()
    expect(page.get_by_role("heading", name="Record a referral")).to_be_visible()
    axe(page, context="referral form")

    # An empty save shows the GOV.UK error summary, linked to the fields.
    page.get_by_role("button", name="Save referral").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what was reported")
    axe(page, context="referral form with errors")

    page.get_by_label("Referring agency").select_option("police")
    page.get_by_label("How the referral arrived").select_option("police_scan")
    page.locator("#id_referral-received_on_0").fill("20")
    page.locator("#id_referral-received_on_1").fill("11")
    page.locator("#id_referral-received_on_2").fill("2026")
    page.get_by_label("Crime reference (optional)").fill("4401234/26")
    page.get_by_label("Harassment (s.2)").check()
    page.get_by_label("Contact by text or messaging apps").check()
    page.get_by_label("Threats").check()
    page.get_by_label("The victim is very frightened").check()
    page.get_by_label("What was reported").fill(
        "Messages every night since the relationship ended; threats last week."
    )
    page.locator("#id_suspect-full_name").fill("Ryan Cole")
    page.locator("#id_victim-0-full_name").fill("Emma Hart")
    page.locator("#id_victim-0-relationship").select_option("ex_intimate")
    page.locator("#id_incident-0-occurred_on_0").fill("18")
    page.locator("#id_incident-0-occurred_on_1").fill("11")
    page.locator("#id_incident-0-occurred_on_2").fill("2026")
    page.locator("#id_incident-0-description").fill("Forty messages in one evening.")
    page.get_by_role("button", name="Save referral").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Referral LON-R00001 recorded"
    )
    axe(page, context="referral page")

    page.get_by_role("link", name="Triage queue").click()
    expect(page.locator("#triage-queue")).to_contain_text("LON-R00001")
    axe(page, context="triage queue")
    page.get_by_role("link", name="Triage LON-R00001").click()
    axe(page, context="triage form")

    page.get_by_label("Yes, this is stalking").check()
    page.get_by_role("checkbox", name="Fixated").check()
    page.get_by_label("Why fixated").fill("Contact every night for months")  # revealed by GOV.UK's JavaScript
    page.get_by_role("checkbox", name="Repeated").check()
    page.get_by_label("Why repeated").fill("Forty messages in one evening, and more since")
    page.get_by_label("Correct the offence classification (optional)").select_option("s4a")
    page.get_by_label("Accept into the unit").check()
    page.get_by_role("button", name="Save triage decision").click()

    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("opened case LON-C00001")
    timeline = page.locator("#case-timeline")
    expect(timeline).to_contain_text("Triage of LON-R00001: accept into the unit")
    expect(timeline).to_contain_text(
        "Offence corrected from Harassment (s.2) to Stalking with fear of violence"
    )
    expect(timeline).to_contain_text("Referral LON-R00001 received from police-system scan")
    expect(page.locator("#case-people")).to_contain_text("Ryan Cole")
    expect(page.locator("#case-people")).to_contain_text("Emma Hart")
    axe(page, context="case page")
