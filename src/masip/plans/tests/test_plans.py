"""The risk management plan: one current version per case, each new one saying why; and the case
page showing the plan, the open actions and the next meeting the case is on."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from masip.actions import services as action_services
from masip.meetings import services
from masip.partnerships.models import Agency
from masip.plans import services as plan_services
from masip.plans.models import PlanArea, RiskManagementPlan


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def case(london, make_case):
    return make_case(london, risk=3)


def strategy(area, description, agency_name, days=30):
    return plan_services.StrategyInput(
        area=area,
        description=description,
        owner_agency=Agency.objects.get(name=agency_name),
        review_on=timezone.localdate() + timedelta(days=days),
    )


def first_plan(case, staff):
    return plan_services.plan_create_version(
        case=case,
        acting_user=staff["london-police"],
        change_reason="",
        expected_version=0,  # built on no plan
        strategies=[
            strategy(PlanArea.MONITORING, "Weekly check of police systems", "Metropolitan Police Service"),
            strategy(PlanArea.VICTIM_SAFETY, "Personal alarm issued", "STAC stalking victim advocacy", 10),
        ],
    )


def test_versions_keep_their_history_and_one_stays_current(case, staff):
    v1 = first_plan(case, staff)
    assert (v1.version, v1.is_current, v1.change_reason) == (1, True, "First plan for the case")
    with pytest.raises(ValidationError, match="Enter why the plan is changing"):
        plan_services.plan_create_version(
            case=case,
            acting_user=staff["london-health"],
            change_reason=" ",
            expected_version=1,
            strategies=[strategy(PlanArea.TREATMENT, "CBT", "STAC forensic mental health team (NHS)")],
        )
    v2 = plan_services.plan_create_version(
        case=case,
        acting_user=staff["london-health"],
        change_reason="Suspect agreed to treatment",
        expected_version=1,
        strategies=[
            strategy(PlanArea.TREATMENT, "Six sessions of CBT", "STAC forensic mental health team (NHS)")
        ],
    )
    v1.refresh_from_db()
    assert (v2.version, v2.is_current, v1.is_current) == (2, True, False)
    assert list(v1.strategies.values_list("description", flat=True)) == [
        "Weekly check of police systems",
        "Personal alarm issued",
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskManagementPlan.objects.filter(pk=v1.pk).update(is_current=True)  # the database keeps one current


@pytest.mark.parametrize(
    "bad, message",
    [
        ((PlanArea.MONITORING, "x", "Cheshire Constabulary", 30), "not a partner agency of London"),
        (
            (PlanArea.MONITORING, "x", "Metropolitan Police Service", -1),
            "review date must be today or in the future",
        ),
        (("astrology", "x", "Metropolitan Police Service", 30), "select the area"),
    ],
)
def test_bad_strategies_are_refused_and_nothing_is_saved(case, staff, bad, message):
    with pytest.raises(ValidationError, match=message):
        plan_services.plan_create_version(
            case=case,
            acting_user=staff["london-police"],
            change_reason="",
            strategies=[strategy(*bad)],
            expected_version=0,
        )
    assert not RiskManagementPlan.objects.exists()


def test_a_plan_can_respond_to_a_signed_off_assessment_of_the_case(case, staff, complete_assessment):
    assessment = complete_assessment("dash", case=case, by="london-police")
    plan = plan_services.plan_create_version(
        case=case,
        acting_user=staff["london-police"],
        change_reason="",
        expected_version=0,
        responds_to=assessment,
        strategies=[strategy(PlanArea.MONITORING, "Check", "Metropolitan Police Service")],
    )
    assert plan.responds_to == assessment


def test_the_plan_form_makes_a_new_version(case, staff, as_user):
    first_plan(case, staff)
    client = as_user("london-police")
    page = client.get(reverse("meetings:plan_edit", args=[case.pk]))
    assert "Weekly check of police systems" in text(page)
    review = timezone.localdate() + timedelta(days=14)
    police = Agency.objects.get(name="Metropolitan Police Service").pk
    data = {
        "strategies-TOTAL_FORMS": 2,
        "strategies-INITIAL_FORMS": 0,
        "strategies-MIN_NUM_FORMS": 0,
        "strategies-MAX_NUM_FORMS": 40,
        "strategies-0-area": "supervision",
        "strategies-0-description": "Interim SPO",
        "strategies-0-owner_agency": police,
        "strategies-0-review_on_0": review.day,
        "strategies-0-review_on_1": review.month,
        "strategies-0-review_on_2": review.year,
        "change_reason": "Interim SPO granted",
        "aim": "Stop the contact",
        "version": 1,  # built on the first plan
    }
    response = client.post(
        reverse("meetings:plan_edit", args=[case.pk]), {**data, "strategies-0-description": ""}
    )
    assert "Strategy 1: Enter what will be done" in text(response)
    assert client.post(reverse("meetings:plan_edit", args=[case.pk]), data).status_code == 302
    current = RiskManagementPlan.objects.get(case=case, is_current=True)
    assert (current.version, current.change_reason, [s.description for s in current.strategies.all()]) == (
        2,
        "Interim SPO granted",
        ["Interim SPO"],
    )
    history = text(client.get(reverse("meetings:plan", args=[case.pk])))
    assert "Version 2" in history and "Version 1" in history and "Interim SPO granted" in history


def test_the_case_page_shows_the_plan_open_actions_and_the_next_meeting(case, staff, as_user, daily):
    first_plan(case, staff)
    action_services.action_create(
        case=case,
        acting_user=staff["london-police"],
        description="Send advice to the OIC",
        owner_agency=Agency.objects.get(name="Metropolitan Police Service"),
        due_on=timezone.localdate() + timedelta(days=3),
    )
    meeting = daily()
    page = text(as_user("london-police").get(reverse("cases:detail", args=[case.pk])))
    assert "Risk management plan" in page and "Weekly check of police systems" in page
    assert "Send advice to the OIC" in page
    assert f"Daily morning case review, {meeting.held_on:%-d %b %Y}" in page
    timeline = page[page.index('id="case-timeline"') :]
    assert "Risk management plan version 1" in timeline and "Action for Met Police" in timeline


def test_the_case_timeline_shows_the_discussion_and_decisions(case, staff, as_user, daily):
    meeting = daily()
    item = meeting.items.get(case=case)
    services.item_record_discussion(
        item=item,
        acting_user=staff["london-police"],
        expected_version=0,
        record=services.DiscussionInput(discussion="Escalating", agreed_risk_rank=3, next_steps="Arrest"),
    )
    page = text(as_user("london-police").get(reverse("cases:detail", args=[case.pk])))
    timeline = page[page.index('id="case-timeline"') :]
    assert (
        f"Discussed at {meeting}" in timeline
        and "Agreed risk level: High" in timeline
        and "Next steps: Arrest" in timeline
    )


def test_anonymising_a_case_blanks_its_meeting_records_but_keeps_the_figures(case, staff, daily):
    from masip.actions.models import CaseAction
    from masip.cases.retention import case_data_handlers
    from masip.plans.models import PlanStrategy

    first_plan(case, staff)
    meeting = daily()
    item = meeting.items.get(case=case)
    services.item_record_discussion(
        item=item,
        acting_user=staff["london-police"],
        expected_version=0,
        record=services.DiscussionInput(discussion="Ryan Cole was seen", agreed_risk_rank=3),
    )
    action = services.item_action_create(
        item=item,
        acting_user=staff["london-police"],
        description="Visit Emma Hart",
        owner_agency=staff["london-police"].agency,
        due_on=timezone.localdate(),
    )
    action_services.action_cancel(action=action, acting_user=staff["london-police"], reason="Emma Hart moved")
    # What retention review runs: each context's registered handler (cases.retention).
    counts = {}
    for handler in case_data_handlers():
        if handler.context in ("meetings", "actions", "plans"):
            counts.update({f"{handler.prefix}{k}": v for k, v in handler.anonymise(case=case).items()})
    assert counts == {"meeting_agenda_items": 1, "meeting_actions": 1, "meeting_plans": 1}
    item.refresh_from_db()
    action = CaseAction.objects.get()
    assert (item.discussion, item.agreed_risk_rank, item.reasons) == ("(anonymised)", 3, [])
    assert (action.description, action.cancel_reason, action.status) == (
        "(anonymised)",
        "(anonymised)",
        "cancelled",
    )
    assert set(PlanStrategy.objects.values_list("description", flat=True)) == {"(anonymised)"}
