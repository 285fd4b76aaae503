"""Each partnership's revisiting policy is data on its operating model, and the monitoring rules
read it (report section 7, "Revisiting cases"):

- London: no formal revisiting - a trigger is recorded and goes to the meeting, with no
  automatic reassessment; closed cases are not tracked.
- Hampshire: a case is tracked until a charge or another outcome concludes the investigation,
  even after the unit closes it.
- Cheshire: tracked for the life of the case and six months after; each re-review asks for a
  new CAS, which only a CAS answers.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.urls import reverse

from masip.cases.models import Case, ReviewTrigger, TriggerKind
from masip.cases.services import case_close
from masip.justice.services import EventInput, justice_event_record
from masip.monitoring.queue import monitoring_queue
from masip.monitoring.services import IncidentInput, incident_record
from masip.monitoring.tests.factories import days_ago, open_case, victim_of
from masip.monitoring.tracking import case_tracking, tracked_cases_q
from masip.partnerships.models import OperatingModel, Revisiting


def _incident(case, user, *, on=None):
    return incident_record(
        case=case,
        acting_user=user,
        data=IncidentInput(
            occurred_on=on or days_ago(1),
            reported_by="victim",
            behaviour="messages",
            severity=2,
            description="Forty texts overnight.",
            victim_id=victim_of(case).pk,
        ),
    )


def _queue(user, partnership):
    return {s.key: s for s in monitoring_queue(user, partnership, today=days_ago(0), mine=False)}


def _case_page(client, case) -> str:
    client.post(reverse("cases:detail", args=[case.pk]), {"why-origin": "get", "why-reason": "meeting"})
    return client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_the_shipped_partnerships_hold_their_policy_as_data(london, hampshire, cheshire):
    policies = {
        p.slug: (m.revisiting_policy, m.tracking_months_after_closure, m.reassess_on_trigger, m.rereview_instrument)
        for p in (london, hampshire, cheshire)
        for m in [p.operating_model_on()]
    }
    assert policies == {
        "london": (Revisiting.NO_FORMAL, 0, False, ""),
        "hampshire": (Revisiting.UNTIL_CONCLUDED, 0, True, ""),
        "cheshire": (Revisiting.LIFE_OF_CASE, 6, True, "cas"),
    }


class TestLondon:
    @pytest.fixture
    def case(self, london, make_referral, accept):
        return open_case(make_referral, accept, london, by="london-police", opened_on=days_ago(40))

    def test_a_trigger_goes_to_the_meeting_and_asks_for_no_reassessment(
        self, as_user, case, staff, london, give_reason
    ):
        client = give_reason(as_user("london-advocate"), case)  # the advocate is not on the case team
        response = client.post(
            reverse("monitoring:review_request", args=[case.pk]), {"reason": "Victim says he is back in the area."}
        )
        assert response.status_code == 302
        trigger = ReviewTrigger.objects.get(case=case)
        assert (trigger.kind, trigger.resolved_at) == (TriggerKind.ADVOCATE_CONCERN, None)
        case.refresh_from_db()
        assert not case.reassessment_due
        queue = _queue(staff["london-police"], london)
        assert [i.case for i in queue["triggers"].items] == [case]
        assert queue["reassessments"].items == []
        page = _case_page(client, case)
        assert "Re-review needed: victim advocate" in page
        assert "no automatic reassessment" in page

    def test_a_closed_case_is_not_tracked(self, case, staff, london):
        case_close(case=case, acting_user=staff["london-police"], reason="Advice given.", closed_on=days_ago(3))
        case.refresh_from_db()
        assert case_tracking(case).describe(days_ago(0)).startswith("Not tracked after closure")
        assert not Case.objects.filter(tracked_cases_q(london, days_ago(0)), pk=case.pk).exists()


class TestHampshire:
    @pytest.fixture
    def case(self, hampshire, make_referral, accept):
        # Hampshire requires a signed-off S-DASH before acceptance; this test is about afterwards.
        OperatingModel.objects.filter(partnership=hampshire).update(required_before_acceptance=[])
        return open_case(make_referral, accept, hampshire, by="hampshire-police", opened_on=days_ago(90))

    def test_a_closed_case_stays_tracked_until_the_investigation_concludes(
        self, as_user, case, staff, hampshire
    ):
        police = staff["hampshire-police"]
        case_close(case=case, acting_user=police, reason="Unit work done.", closed_on=days_ago(20))
        case.refresh_from_db()
        tracking = case_tracking(case)
        assert tracking.awaiting_outcome and tracking.tracked_on(days_ago(-400))
        page = _case_page(as_user("hampshire-police"), case)
        assert "Tracked after closure until a charge or another outcome concludes the investigation" in page

        # An incident while it waits brings it back, and asks for a reassessment.
        _incident(case, police, on=days_ago(5))
        case.refresh_from_db()
        assert case.reassessment_due and case.reassessment_instrument == ""
        assert [i.case for i in _queue(police, hampshire)["reassessments"].items] == [case]
        assert Case.objects.filter(tracked_cases_q(hampshire, days_ago(0)), pk=case.pk).exists()
        assert ReviewTrigger.objects.filter(tracked_cases_q(hampshire, days_ago(0), prefix="case__")).exists()

        # A charge concludes the investigation: tracking ends on its date.
        justice_event_record(
            case=case, acting_user=police, data=EventInput(kind="charge", occurred_on=days_ago(2), offence="s2a")
        )
        tracking = case_tracking(case)
        assert (tracking.awaiting_outcome, tracking.until) == (False, days_ago(2))
        assert tracking.describe(days_ago(0)) == f"Tracking ended on {days_ago(2):%-d %B %Y}"
        assert not Case.objects.filter(tracked_cases_q(hampshire, days_ago(0)), pk=case.pk).exists()
        assert _queue(police, hampshire)["reassessments"].items == []

    def test_an_arrest_does_not_conclude_it_and_no_further_action_does(self, case, staff):
        police = staff["hampshire-police"]
        case_close(case=case, acting_user=police, reason="Unit work done.", closed_on=days_ago(20))
        case.refresh_from_db()
        justice_event_record(
            case=case, acting_user=police, data=EventInput(kind="arrest", occurred_on=days_ago(10), offence="s2a")
        )
        assert case_tracking(case).awaiting_outcome
        justice_event_record(
            case=case,
            acting_user=police,
            data=EventInput(kind="nfa", occurred_on=days_ago(4), offence="s2a", nfa_reason="evidential"),
        )
        assert case_tracking(case).until == days_ago(4)


class TestCheshire:
    @pytest.fixture
    def case(self, cheshire, make_referral, accept):
        return open_case(make_referral, accept, cheshire, by="cheshire-police", opened_on=days_ago(200), area="Halton")

    def test_each_re_review_asks_for_a_new_cas_and_only_a_cas_answers_it(
        self, as_user, case, staff, cheshire, complete_assessment
    ):
        _incident(case, staff["cheshire-advocate"])
        case.refresh_from_db()
        assert case.reassessment_due and case.reassessment_instrument == "cas"
        assert case.reassessment_reason.endswith("Re-review: complete a new CAS")
        assert [i.case for i in _queue(staff["cheshire-police"], cheshire)["reassessments"].items] == [case]
        assert "Re-review: complete a new CAS" in _case_page(as_user("cheshire-police"), case)

        complete_assessment("scsq", case=case, by="cheshire-police")
        case.refresh_from_db()
        assert case.reassessment_due  # a screening questionnaire is not the CAS the re-review asks for
        complete_assessment("cas", case=case, by="cheshire-police")
        case.refresh_from_db()
        assert (case.reassessment_due, case.reassessment_instrument) == (False, "")

    def test_a_new_referral_that_joins_the_case_is_a_re_review_too(self, case, cheshire, make_referral, accept):
        again = make_referral(cheshire, by="cheshire-police", suspect_id=case.suspect_id, received_on=days_ago(1))
        accept(again, by="cheshire-police")
        case.refresh_from_db()
        assert ReviewTrigger.objects.filter(case=case, kind=TriggerKind.NEW_REFERRAL).exists()
        assert (case.reassessment_due, case.reassessment_instrument) == (True, "cas")

    def test_a_closed_case_is_tracked_for_six_months(self, case, staff, cheshire):
        police = staff["cheshire-police"]
        closed_on = days_ago(100)
        case_close(case=case, acting_user=police, reason="Risk reduced.", closed_on=closed_on)
        case.refresh_from_db()
        until = case_tracking(case).until
        assert until == closed_on + relativedelta(months=6)
        assert Case.objects.filter(tracked_cases_q(cheshire, days_ago(0)), pk=case.pk).exists()
        assert not Case.objects.filter(tracked_cases_q(cheshire, until + timedelta(days=1)), pk=case.pk).exists()


def test_the_operating_model_refuses_an_inconsistent_policy(london, cheshire):
    model = OperatingModel.objects.get(partnership=london)
    model.tracking_months_after_closure = 6
    with pytest.raises(ValidationError) as refused:
        model.full_clean()
    assert "Only tracking over the life of the case continues for months after closure" in str(refused.value)
    model = OperatingModel.objects.get(partnership=cheshire)
    model.rereview_instrument = "sash"  # not offered on Cheshire's cases
    with pytest.raises(ValidationError) as refused:
        model.full_clean()
    assert "The instrument a re-review asks for must be offered on cases" in str(refused.value)
