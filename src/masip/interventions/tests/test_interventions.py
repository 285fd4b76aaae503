"""Recording perpetrator interventions: the operating model, consent and engagement, follow-ups,
outcomes, bad input, and who sees clinical detail."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from masip.cases.models import Case
from masip.interventions.models import Intervention, InterventionEvent
from masip.interventions.reference import shipped_type
from masip.interventions.services import (
    InterventionInput,
    intervention_add_session,
    intervention_follow_up,
    intervention_record,
    intervention_record_outcome,
    intervention_set_engagement,
)
from masip.monitoring.tests.factories import days_ago, open_case


def kind(code):
    return shipped_type(code)


def date_fields(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def version_of(intervention):
    """The version an update form opened now would carry."""
    return Intervention.objects.get(pk=intervention.pk).version


@pytest.fixture
def london_case(london, make_referral, accept, staff):
    case = open_case(make_referral, accept, london, by="london-police", opened_on=days_ago(60))
    for username in ("london-health", "london-advocate", "london-probation"):
        case.allocations.create(user=staff[username])
    return case


def cheshire_case(cheshire, make_referral, accept, area):
    return open_case(
        make_referral,
        accept,
        cheshire,
        by="cheshire-police",
        opened_on=days_ago(60),
        area=area,
        suspect=f"Suspect in {area}",
        victim=f"Victim in {area}",
    )


class TestOperatingModel:
    def test_cheshire_refuses_direct_work_outside_warrington_and_halton(
        self, as_user, cheshire, make_referral, accept, staff, give_reason
    ):
        case = cheshire_case(cheshire, make_referral, accept, "Cheshire East")
        response = give_reason(as_user("cheshire-health"), case).post(
            reverse("interventions:add", args=[case.pk]),
            {
                "intervention_type": kind("brief_therapeutic").pk,
                "mode": "direct",
                "delivered_by": staff["cheshire-health"].pk,
                **date_fields("offered_on", days_ago(5)),
            },
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "Cheshire offers direct interventions only in Warrington and Halton" in html
        assert "not in this case&#x27;s area (Cheshire East, where the suspect lives)" in html
        assert not Intervention.objects.exists()

    def test_picking_another_area_on_the_form_does_not_sidestep_the_rule(
        self, as_user, cheshire, make_referral, accept, staff, give_reason
    ):
        """The defect: the form's Area dropdown, set to Warrington, saved direct work on a Cheshire East case."""
        case = cheshire_case(cheshire, make_referral, accept, "Cheshire East")
        client = give_reason(as_user("cheshire-health"), case)  # not on the case team
        page = client.get(reverse("interventions:add", args=[case.pk])).content.decode()
        assert 'name="area"' not in page  # the area is the case's, shown but not picked here
        assert "Cheshire East" in page
        response = client.post(
            reverse("interventions:add", args=[case.pk]),
            {
                "intervention_type": kind("brief_therapeutic").pk,
                "mode": "direct",
                "area": "Warrington",
                "delivered_by": staff["cheshire-health"].pk,
                **date_fields("offered_on", days_ago(5)),
            },
        )
        assert response.status_code == 200
        assert "Cheshire offers direct interventions only in Warrington and Halton" in response.content.decode()
        assert not Intervention.objects.exists()

    def test_nor_does_calling_therapy_by_the_units_own_staff_indirect(
        self, as_user, cheshire, make_referral, accept, staff, give_reason
    ):
        case = cheshire_case(cheshire, make_referral, accept, "Cheshire East")
        response = give_reason(as_user("cheshire-health"), case).post(
            reverse("interventions:add", args=[case.pk]),
            {
                "intervention_type": kind("brief_therapeutic").pk,
                "mode": "indirect",
                "delivered_by": staff["cheshire-health"].pk,
                **date_fields("offered_on", days_ago(5)),
            },
        )
        assert response.status_code == 200
        assert "Brief therapeutic work delivered by the unit&#x27;s own staff is direct work" in (
            response.content.decode()
        )
        assert not Intervention.objects.exists()

    def test_cheshire_offers_it_in_warrington(self, as_user, cheshire, make_referral, accept, staff, give_reason):
        case = cheshire_case(cheshire, make_referral, accept, "Warrington")
        response = give_reason(as_user("cheshire-health"), case).post(
            reverse("interventions:add", args=[case.pk]),
            {
                "intervention_type": kind("brief_therapeutic").pk,
                "mode": "direct",
                "delivered_by": staff["cheshire-health"].pk,
                **date_fields("offered_on", days_ago(5)),
            },
        )
        assert response.status_code == 302
        intervention = Intervention.objects.get()
        assert (intervention.mode, intervention.area, intervention.engagement) == (
            "direct",
            "Warrington",
            "offered",
        )
        assert intervention.category == "health_clinical"

    def test_the_form_shows_the_cases_area_and_indirect_work_is_offered_anywhere(
        self, as_user, cheshire, make_referral, accept, staff
    ):
        case = cheshire_case(cheshire, make_referral, accept, "Cheshire East")
        page = as_user("cheshire-police").get(reverse("interventions:add", args=[case.pk])).content.decode()
        assert "Cheshire East" in page
        assert "Cheshire offers direct interventions only in Warrington and Halton" in page
        intervention_record(
            case=case,
            acting_user=staff["cheshire-police"],
            data=InterventionInput(
                intervention_type=kind("signposting"),
                mode="indirect",
                external_service="Cheshire and Wirral Partnership NHS FT",
                offered_on=days_ago(1),
                follow_up_on=days_ago(-14),
            ),
        )
        assert Intervention.objects.get().service_status == "referred"

    def test_clinical_direct_work_is_delivered_by_health_staff(self, cheshire, make_referral, accept, staff):
        case = cheshire_case(cheshire, make_referral, accept, "Halton")
        with pytest.raises(ValidationError) as refused:
            intervention_record(
                case=case,
                acting_user=staff["cheshire-health"],
                data=InterventionInput(
                    intervention_type=kind("cbt"),
                    mode="direct",
                    delivered_by=staff["cheshire-police"],
                    offered_on=days_ago(1),
                ),
            )
        assert "select a member of the unit's health staff" in refused.value.message_dict["delivered_by"][0]
        with pytest.raises(ValidationError) as refused:
            intervention_record(
                case=case,
                acting_user=staff["cheshire-health"],
                data=InterventionInput(
                    intervention_type=kind("cbt"),
                    mode="direct",
                    delivered_by=staff["london-health"],  # another partnership's psychologist
                    offered_on=days_ago(1),
                ),
            )
        assert refused.value.message_dict["delivered_by"] == ["Select a member of Cheshire's unit"]
        assert not Intervention.objects.exists()

    def test_london_offers_direct_work_throughout_its_area(self, london_case, staff):
        health = staff["london-health"]
        intervention_record(
            case=london_case,
            acting_user=health,
            data=InterventionInput(
                intervention_type=kind("cbt"),
                mode="direct",
                delivered_by=health,
                offered_on=days_ago(1),
            ),
        )
        assert Intervention.objects.filter(mode="direct").count() == 1


class TestConsentAndEngagement:
    @pytest.fixture
    def cbt(self, london_case, staff):
        return intervention_record(
            case=london_case,
            acting_user=staff["london-health"],
            data=InterventionInput(
                intervention_type=kind("cbt"),
                mode="direct",
                delivered_by=staff["london-health"],
                offered_on=days_ago(20),
                planned_sessions=8,
            ),
        )

    def test_offered_accepted_then_completed_each_with_its_date(self, cbt, staff):
        health = staff["london-health"]
        intervention_set_engagement(
            intervention=cbt,
            acting_user=health,
            state="accepted",
            on=days_ago(18),
            expected_version=version_of(cbt),
        )
        cbt.refresh_from_db()
        assert cbt.start_on == days_ago(18)  # accepting starts it
        intervention_set_engagement(
            intervention=cbt,
            acting_user=health,
            state="completed",
            on=days_ago(2),
            expected_version=version_of(cbt),
        )
        cbt.refresh_from_db()
        assert (cbt.engagement, cbt.engagement_on) == ("completed", days_ago(2))
        history = list(InterventionEvent.objects.filter(intervention=cbt).values_list("value", "on"))
        assert history == [("offered", days_ago(20)), ("accepted", days_ago(18)), ("completed", days_ago(2))]

    def test_a_decline_cannot_be_followed_by_completion_and_dates_run_forwards(self, as_user, cbt, staff):
        health = staff["london-health"]
        intervention_set_engagement(
            intervention=cbt,
            acting_user=health,
            state="declined",
            on=days_ago(19),
            expected_version=version_of(cbt),
        )
        with pytest.raises(ValidationError, match="it can next be offered, not completed"):
            intervention_set_engagement(
                intervention=cbt,
                acting_user=health,
                state="completed",
                on=days_ago(1),
                expected_version=version_of(cbt),
            )
        response = as_user("london-health").post(
            reverse("interventions:engagement", args=[cbt.pk]),
            {"state": "offered", **date_fields("on", days_ago(25)), "version": version_of(cbt)},
        )
        assert "Date must be on or after the last change" in response.content.decode()
        cbt.refresh_from_db()
        assert cbt.engagement == "declined"

    def test_sessions_follow_acceptance(self, cbt, staff):
        with pytest.raises(ValidationError, match="has not accepted"):
            intervention_add_session(
                intervention=cbt,
                acting_user=staff["london-health"],
                held_on=days_ago(5),
                attendance="attended",
            )

    def test_advice_to_the_officer_asks_no_consent(self, london_case, staff):
        advice = intervention_record(
            case=london_case,
            acting_user=staff["london-police"],
            data=InterventionInput(
                intervention_type=kind("tactical_advice"),
                mode="indirect",
                external_service="Officer in charge",
            ),
        )
        assert advice.engagement == "" and not advice.events.exists()
        with pytest.raises(ValidationError, match="does not ask for the suspect"):
            intervention_set_engagement(
                intervention=advice,
                acting_user=staff["london-police"],
                state="offered",
                on=days_ago(0),
                expected_version=version_of(advice),
            )


class TestFollowUpAndOutcome:
    def test_a_signposting_referral_is_followed_up_until_the_service_takes_it_up(self, london_case, staff):
        police = staff["london-police"]
        referral = intervention_record(
            case=london_case,
            acting_user=police,
            data=InterventionInput(
                intervention_type=kind("signposting"),
                mode="indirect",
                external_service="East London NHS FT",
                offered_on=days_ago(30),
                start_on=days_ago(30),
                follow_up_on=days_ago(2),
            ),
        )
        with pytest.raises(ValidationError, match="Enter the date to follow up next"):
            intervention_follow_up(
                intervention=referral,
                acting_user=police,
                status="accepted",
                on=days_ago(1),
                next_follow_up_on=None,
                expected_version=version_of(referral),
            )
        intervention_follow_up(
            intervention=referral,
            acting_user=police,
            status="accepted",
            on=days_ago(1),
            next_follow_up_on=days_ago(-14),
            expected_version=version_of(referral),
        )
        referral.refresh_from_db()
        assert (referral.service_status, referral.follow_up_on) == ("accepted", days_ago(-14))
        intervention_follow_up(
            intervention=referral,
            acting_user=police,
            status="not_taken_up",
            on=days_ago(0),
            next_follow_up_on=None,
            expected_version=version_of(referral),
        )
        referral.refresh_from_db()
        assert referral.follow_up_on is None and not referral.follow_up_open

    def test_a_completed_direct_intervention_asks_for_a_reassessment(self, london_case, staff):
        health = staff["london-health"]
        cbt = intervention_record(
            case=london_case,
            acting_user=health,
            data=InterventionInput(
                intervention_type=kind("cbt"), mode="direct", delivered_by=health, offered_on=days_ago(50)
            ),
        )
        intervention_set_engagement(
            intervention=cbt,
            acting_user=health,
            state="accepted",
            on=days_ago(45),
            expected_version=version_of(cbt),
        )
        intervention_record_outcome(
            intervention=cbt,
            acting_user=health,
            end_on=days_ago(3),
            outcome="completed",
            expected_version=version_of(cbt),
        )
        case = Case.objects.get(pk=london_case.pk)
        assert case.reassessment_due and "reassess to show change" in case.reassessment_reason

    def test_outcome_assessments_must_be_signed_off_assessments_of_the_case(self, london_case, staff):
        from masip.assessments.services import assessment_start

        health = staff["london-health"]
        draft = assessment_start(acting_user=health, instrument_code="srp", case=london_case)
        ot = intervention_record(
            case=london_case,
            acting_user=health,
            data=InterventionInput(
                intervention_type=kind("occupational_therapy"),
                mode="direct",
                delivered_by=health,
                offered_on=days_ago(30),
                start_on=days_ago(30),
            ),
        )
        with pytest.raises(ValidationError, match="signed-off assessment of this case"):
            intervention_record_outcome(
                intervention=ot,
                acting_user=health,
                end_on=days_ago(1),
                outcome="completed",
                assessment_before=draft,
                expected_version=version_of(ot),
            )


class TestBadInput:
    @pytest.mark.parametrize(
        "fields, message",
        [
            ({"start_on": 10, "end_on": 20}, "The end date must be on or after the start date"),
            ({"offered_on": -3}, "Date offered must be today or in the past"),
            ({"planned_sessions": "lots"}, "Enter the sessions planned as a whole number"),
            ({"intervention_type": "999999"}, "Select a valid option"),
            ({"mode": "sideways"}, "Select a valid option"),
            ({"delivered_by": "nobody"}, "Select a valid option"),
        ],
    )
    def test_refused_with_a_clear_message_and_nothing_saved(
        self, as_user, london_case, staff, fields, message
    ):
        data = {
            "intervention_type": kind("cbt").pk,
            "mode": "direct",
            "delivered_by": staff["london-health"].pk,
            **date_fields("offered_on", days_ago(5)),
        }
        for name, value in fields.items():
            if name in ("start_on", "end_on", "offered_on"):
                data.update(date_fields(name, days_ago(value)))
            else:
                data[name] = value
        response = as_user("london-health").post(reverse("interventions:add", args=[london_case.pk]), data)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Intervention.objects.exists() and not InterventionEvent.objects.exists()

    def test_an_outcome_ending_before_the_start_is_refused(self, as_user, london_case, staff):
        health = staff["london-health"]
        ot = intervention_record(
            case=london_case,
            acting_user=health,
            data=InterventionInput(
                intervention_type=kind("occupational_therapy"),
                mode="direct",
                delivered_by=health,
                offered_on=days_ago(30),
                start_on=days_ago(20),
            ),
        )
        response = as_user("london-health").post(
            reverse("interventions:outcome", args=[ot.pk]),
            {**date_fields("end_on", days_ago(25)), "outcome": "completed", "version": version_of(ot)},
        )
        assert "The end date must be on or after the start date" in response.content.decode()
        ot.refresh_from_db()
        assert ot.outcome == "" and ot.end_on is None

    def test_clinical_work_is_recorded_by_health_staff(self, london_case, staff):
        with pytest.raises(ValidationError, match="clinical work, recorded by the unit's health staff"):
            intervention_record(
                case=london_case,
                acting_user=staff["london-probation"],
                data=InterventionInput(
                    intervention_type=kind("cbt"),
                    mode="direct",
                    delivered_by=staff["london-health"],
                    offered_on=days_ago(1),
                ),
            )


class TestHealthDetailFollowsTheAccessPolicy:
    NOTES = "Explored rumination after the break-up; urges to message at night."

    @pytest.fixture
    def cbt(self, london_case, staff):
        health = staff["london-health"]
        cbt = intervention_record(
            case=london_case,
            acting_user=health,
            data=InterventionInput(
                intervention_type=kind("cbt"), mode="direct", delivered_by=health, offered_on=days_ago(30)
            ),
        )
        intervention_set_engagement(
            intervention=cbt,
            acting_user=health,
            state="accepted",
            on=days_ago(28),
            expected_version=version_of(cbt),
        )
        intervention_add_session(
            intervention=cbt,
            acting_user=health,
            held_on=days_ago(21),
            attendance="attended",
            notes=self.NOTES,
        )
        return cbt

    def test_health_sees_the_session_notes(self, as_user, cbt, london_case):
        client = as_user("london-health")
        detail = client.get(reverse("interventions:detail", args=[cbt.pk])).content.decode()
        assert self.NOTES in detail and "Cognitive behavioural therapy (CBT)" in detail
        case_page = client.get(reverse("cases:detail", args=[london_case.pk])).content.decode()
        assert "Cognitive behavioural therapy (CBT)" in case_page
        assert "session: attended" in case_page

    @pytest.mark.parametrize("username", ["london-probation", "london-advocate", "london-police"])
    def test_others_see_that_it_exists_and_whether_he_engages_but_no_clinical_detail(
        self, as_user, cbt, london_case, username
    ):
        client = as_user(username)
        detail = client.get(reverse("interventions:detail", args=[cbt.pk]))
        html = detail.content.decode()
        assert detail.status_code == 200
        assert "Health intervention held by STAC Health" in html and "Accepted" in html
        assert self.NOTES not in html and "CBT" not in html and 'id="intervention-sessions"' not in html
        case_page = client.get(reverse("cases:detail", args=[london_case.pk])).content.decode()
        assert "Health intervention held by STAC Health" in case_page
        assert "CBT" not in case_page and self.NOTES not in case_page and "session: attended" not in case_page
        for name in ("interventions:session_add", "interventions:engagement", "interventions:outcome"):
            assert client.get(reverse(name, args=[cbt.pk])).status_code == 404, name

    def test_the_services_refuse_them_too(self, cbt, staff):
        with pytest.raises(PermissionDenied):
            intervention_add_session(
                intervention=cbt,
                acting_user=staff["london-probation"],
                held_on=days_ago(1),
                attendance="attended",
                notes="Probation's note",
            )
