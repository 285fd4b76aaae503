"""A DASH that calls for the S-DASH, the S-DASH, sign-off, and the case's risk level changing."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def open_case(demo_partnerships):

    from masip.accounts.models import User
    from masip.cases.models import Case
    from masip.people.services import PersonDetails
    from masip.referrals.services import (
        PartyInput,
        ReferralInput,
        TriageInput,
        referral_create,
        triage_decide,
    )

    officer = User.objects.get(username="london-police")
    referral = referral_create(
        partnership=demo_partnerships["london"],
        acting_user=officer,
        data=ReferralInput(
            source_agency_kind="police",
            channel="police_scan",
            received_on=timezone.localdate() - timedelta(days=5),
            recorded_offence="s2a",
            summary="Messages and visits since the separation.",
            behaviours=["messages", "turning_up"],
            parties=[
                PartyInput(role="suspect", details=PersonDetails(full_name="Ryan Cole")),
                PartyInput(
                    role="victim",
                    details=PersonDetails(full_name="Emma Hart"),
                    relationship_to_suspect="ex_intimate",
                ),
            ],
        ),
    )
    triage_decide(
        referral=referral, acting_user=officer, decision=TriageInput(
            is_stalking="yes", outcome="accept", repeated=True, repeated_note="Several incidents"
        )
    )
    return Case.objects.get()


def answer_all(page, item_ids, yes):
    for item_id in item_ids:
        page.locator(f"#id_{item_id}_{0 if item_id in yes else 1}").check()


def test_dash_then_sdash_changes_the_case_risk(signed_in_page, open_case, live_server, axe):
    from masip.assessments.instruments import definition

    page = signed_in_page("london-police")
    page.goto(f"{live_server.url}/cases/{open_case.pk}/")
    expect(page.locator("#case-risk")).to_contain_text("Not assessed")
    page.get_by_role("link", name="Start an assessment").click()
    axe(page, context="start an assessment")
    page.get_by_label("DASH risk checklist (police)").check()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", name=re.compile("DASH risk checklist"))).to_be_visible()
    axe(page, context="DASH form")

    dash = definition("dash")
    checklist = [i.id for i in dash.items if i.id.startswith("q") and i.type == "yes_no_dont_know"]
    yes = set(checklist[:15]) | {"q08_stalking_harassment"}
    answer_all(page, checklist, yes)
    for item in dash.items:  # the rest: numbers and any other required item
        if item.required and item.id not in checklist and item.type == "number":
            page.locator(f"#id_{item.id}").fill("1")
    page.get_by_role("button", name="Save and sign off").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("signed off: High")
    expect(page.locator("#recommendations")).to_contain_text("S-DASH")
    axe(page, context="signed-off DASH")

    page.get_by_role("button", name="Start the S-DASH").click()
    expect(page.get_by_role("heading", name=re.compile("S-DASH"))).to_be_visible()
    sdash_items = [i.id for i in definition("sdash").items]
    answer_all(page, sdash_items, set(sdash_items[:6]))
    page.get_by_role("button", name="Save and sign off").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("signed off")
    expect(page.locator("#recommendations")).to_contain_text("risk management plan")

    page.goto(f"{live_server.url}/cases/{open_case.pk}/")
    expect(page.locator("#case-risk")).to_contain_text("High (DASH)")
    expect(page.locator("#case-assessments")).to_contain_text("S-DASH")
    expect(page.locator("#case-timeline")).to_contain_text("DASH risk checklist (police) signed off")
    axe(page, context="case page with assessments")
