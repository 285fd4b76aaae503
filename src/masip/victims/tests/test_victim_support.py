"""Victim support: advocates, contacts, versioned safety plans, referrals, court support, the
perception survey with consent, and who sees what."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from masip.monitoring.tests.factories import days_ago, open_case, victim_of
from masip.victims.models import AdvocateContact, PerceptionSurvey, SafetyPlan, VictimSupport
from masip.victims.services import (
    MeasureInput,
    contact_record,
    safety_plan_new_version,
    support_update,
    survey_record,
    victim_referral_record,
)


def date_fields(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@pytest.fixture
def case(london, make_referral, accept, staff):
    case = open_case(make_referral, accept, london, by="london-police", opened_on=days_ago(60))
    for username in ("london-health", "london-advocate", "london-probation"):
        case.allocations.create(user=staff[username])
    return case


@pytest.fixture
def supported(case, staff):
    advocate = staff["london-advocate"]
    return support_update(
        case=case,
        victim=victim_of(case),
        acting_user=advocate,
        status="accepted",
        on=days_ago(58),
        advocate=advocate,
        expected_version=0,  # no support recorded yet
    )


def support_url(name, case):
    return reverse(name, args=[case.pk, victim_of(case).pk])


def test_an_advocate_is_assigned_through_the_page(as_user, case, staff):
    response = as_user("london-advocate").post(
        support_url("victims:support_update", case),
        {
            "status": "accepted",
            **date_fields("on", days_ago(50)),
            "advocate": staff["london-advocate"].pk,
            "version": 0,
        },
    )
    assert response.status_code == 302
    support = VictimSupport.objects.get()
    assert (support.status, support.accepted_on, support.advocate) == (
        "accepted",
        days_ago(50),
        staff["london-advocate"],
    )
    html = as_user("london-police").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Accepted" in html and "Joanne Pike" in html  # the case page's victim panel


def test_accepting_support_needs_an_advocate_of_the_partnership(as_user, case, staff):
    response = as_user("london-advocate").post(
        support_url("victims:support_update", case),
        {
            "status": "accepted",
            **date_fields("on", days_ago(50)),
            "advocate": staff["london-police"].pk,
            "version": 0,
        },
    )
    assert "Select a valid option" in response.content.decode()  # police are not offered as advocates
    assert not VictimSupport.objects.exists()


def test_contacts_and_safety_plan_versions(supported, case, staff):
    advocate = staff["london-advocate"]
    contact_record(
        case=case,
        victim=victim_of(case),
        acting_user=advocate,
        contact_on=days_ago(40),
        mode="phone",
        purpose="safety_planning",
        notes="Went through the plan.",
    )
    first = safety_plan_new_version(
        case=case,
        victim=victim_of(case),
        acting_user=advocate,
        agreed_on=days_ago(40),
        review_on=days_ago(10),
        measures=[MeasureInput("target_hardening"), MeasureInput("evidence_diary")],
        expected_version=0,
    )
    second = safety_plan_new_version(
        case=case,
        victim=victim_of(case),
        acting_user=advocate,
        agreed_on=days_ago(5),
        review_on=days_ago(-30),
        measures=[MeasureInput("escape_plan")],
        expected_version=first.version,
    )
    assert (first.version, second.version) == (1, 2)
    assert list(
        SafetyPlan.objects.filter(support=supported).order_by("version").values_list("version", flat=True)
    ) == [1, 2]
    assert [m.kind for m in first.measures.all()] == ["target_hardening", "evidence_diary"]  # kept as agreed
    assert AdvocateContact.objects.get().purpose == "safety_planning"


class TestWhoSeesWhat:
    NOTE = "She is thinking of moving to her sister's."

    @pytest.fixture
    def recorded(self, supported, case, staff):
        advocate = staff["london-advocate"]
        contact_record(
            case=case,
            victim=victim_of(case),
            acting_user=advocate,
            contact_on=days_ago(30),
            mode="in_person",
            purpose="welfare",
            notes=self.NOTE,
        )
        safety_plan_new_version(
            case=case,
            victim=victim_of(case),
            acting_user=advocate,
            agreed_on=days_ago(30),
            review_on=days_ago(-10),
            measures=[MeasureInput("escape_plan")],
            expected_version=0,
        )
        victim_referral_record(
            case=case,
            victim=victim_of(case),
            acting_user=advocate,
            kind="children_social_care",
            made_on=days_ago(20),
            to_service="Children's social care",
        )
        victim_referral_record(
            case=case,
            victim=victim_of(case),
            acting_user=advocate,
            kind="mental_health",
            made_on=days_ago(20),
            to_service="Talking therapies",
        )

    def test_the_advocate_sees_everything(self, as_user, recorded, case):
        html = as_user("london-advocate").get(support_url("victims:support", case)).content.decode()
        assert (
            self.NOTE.replace("'", "&#x27;") in html and "Escape plan" in html and "Talking therapies" in html
        )

    def test_police_see_support_and_safeguarding_but_no_advocacy_notes(self, as_user, recorded, case):
        html = as_user("london-police").get(support_url("victims:support", case)).content.decode()
        assert "Accepted since" in html and "Version 1" in html  # support and that a plan exists
        assert "Children&#x27;s social care" in html  # safeguarding: police need to know
        assert "sister" not in html and "Escape plan" not in html and "Talking therapies" not in html
        case_page = as_user("london-police").get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert "sister" not in case_page and "Escape plan" not in case_page

    def test_probation_see_neither(self, as_user, recorded, case):
        html = as_user("london-probation").get(support_url("victims:support", case)).content.decode()
        assert "Children&#x27;s social care" not in html and "sister" not in html

    def test_only_advocacy_services_record_support(self, as_user, case, staff):
        for username in ("london-police", "london-health", "london-manager"):
            assert as_user(username).get(support_url("victims:contact_add", case)).status_code == 403
        with pytest.raises(PermissionDenied):
            support_update(
                case=case,
                victim=victim_of(case),
                acting_user=staff["london-police"],
                status="offered",
                on=days_ago(1),
                expected_version=0,
            )

    def test_a_person_not_a_victim_of_the_case_is_not_found(self, as_user, case):
        url = reverse("victims:support", args=[case.pk, case.suspect_id])
        assert as_user("london-advocate").get(url).status_code == 404


class TestPerceptionSurvey:
    def test_recorded_with_consent(self, as_user, supported, case):
        response = as_user("london-advocate").post(
            support_url("victims:survey_add", case),
            {
                "consent_given": "yes",
                **date_fields("on", days_ago(1)),
                "mode": "phone",
                "taken_seriously": "5",
                "police_response": "3",
                "advocate_support": "5",
                "agency_support": "",
                "feels_safer": "4",
            },
        )
        assert response.status_code == 302
        survey = PerceptionSurvey.objects.get()
        assert survey.consent_given and (
            survey.taken_seriously,
            survey.agency_support,
            survey.feels_safer,
        ) == (5, None, 4)

    def test_declined_keeps_only_that_it_was_offered(self, supported, case, staff):
        survey = survey_record(
            case=case,
            victim=victim_of(case),
            acting_user=staff["london-advocate"],
            on=days_ago(1),
            mode="phone",
            consent_given=False,
            answers={},
        )
        assert not survey.consent_given and survey.taken_seriously is None

    def test_answers_without_consent_are_refused(self, as_user, supported, case):
        response = as_user("london-advocate").post(
            support_url("victims:survey_add", case),
            {
                "consent_given": "no",
                **date_fields("on", days_ago(1)),
                "mode": "phone",
                "taken_seriously": "5",
            },
        )
        assert "Answers can only be recorded when the victim consents" in response.content.decode()
        assert not PerceptionSurvey.objects.exists()

    def test_consent_with_no_answers_is_refused(self, supported, case, staff):
        with pytest.raises(ValidationError, match="at least one question"):
            survey_record(
                case=case,
                victim=victim_of(case),
                acting_user=staff["london-advocate"],
                on=days_ago(1),
                mode="phone",
                consent_given=True,
                answers={},
            )


@pytest.mark.parametrize(
    "url_name, data, message",
    [
        (
            "victims:safety_plan_add",
            {"agreed": 5, "review": 10, "measures": ["escape_plan"]},
            "The review date must be on or after the date the plan was agreed",
        ),
        ("victims:safety_plan_add", {"agreed": 5, "measures": []}, "Select at least one safety measure"),
        (
            "victims:contact_add",
            {"contact_on": -2, "mode": "phone", "purpose": "welfare"},
            "Date of the contact must be today or in the past",
        ),
        (
            "victims:contact_add",
            {"contact_on": 2, "mode": "carrier pigeon", "purpose": "welfare"},
            "Select a valid option",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(as_user, supported, case, url_name, data, message):
    post = {"version": 0}  # the safety plan form is built on version 0: there is no plan yet
    for key, value in data.items():
        if key == "agreed":
            post.update(date_fields("agreed_on", days_ago(value)))
        elif key == "review":
            post.update(date_fields("review_on", days_ago(value)))
        elif key == "contact_on":
            post.update(date_fields("contact_on", days_ago(value)))
        else:
            post[key] = value
    response = as_user("london-advocate").post(support_url(url_name, case), post)
    assert response.status_code == 200 and message in response.content.decode()
    assert not SafetyPlan.objects.exists() and not AdvocateContact.objects.exists()


def test_support_cannot_end_before_it_began(supported, case, staff):
    with pytest.raises(ValidationError, match="on or after the date support began"):
        support_update(
            case=case,
            victim=victim_of(case),
            acting_user=staff["london-advocate"],
            status="ended",
            on=days_ago(59),
            reason="Moved away.",
            expected_version=supported.version,
        )
