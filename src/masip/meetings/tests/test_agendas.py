"""Agendas built from each shipped partnership's rules, through the services, against real cases."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from masip.actions import services as action_services
from masip.actions.models import CaseAction
from masip.cases.models import ReviewTrigger, TriggerKind
from masip.meetings import services
from masip.meetings.models import AgendaItem, Meeting, MeetingStatus
from masip.referrals.models import TriageDecision


def text(response) -> str:
    return html.unescape(response.content.decode())


def discuss(item, user, **decisions):
    item.refresh_from_db()
    record = services.DiscussionInput(discussion=decisions.pop("discussion", "Discussed."), **decisions)
    return services.item_record_discussion(
        item=item, acting_user=user, expected_version=item.version, record=record
    )


def cases_on(meeting):
    return [
        i.case
        for i in AgendaItem.objects.filter(meeting=meeting, removed_at__isnull=True).order_by("position")
    ]


def reasons_of(meeting, case):
    return {r["kind"] for r in AgendaItem.objects.get(meeting=meeting, case=case).reasons}


class TestLondon:
    def test_the_daily_meeting_screens_new_high_risk_and_unassessed_cases_highest_risk_first(
        self, london, make_case, daily
    ):
        moderate = make_case(london, risk=2)
        unassessed = make_case(london)
        high = make_case(london, risk=3)
        meeting = daily()
        assert cases_on(meeting) == [high, unassessed]
        assert moderate not in cases_on(meeting)

    def test_cases_discussed_at_the_last_meeting_or_accepted_before_it_do_not_come_again(
        self, london, make_case, daily, staff
    ):
        earlier = make_case(london, risk=3)
        TriageDecision.objects.filter(case=earlier).update(decided_at=timezone.now() - timedelta(days=5))
        discussed = make_case(london, risk=3)
        fresh = make_case(london, risk=3)
        yesterday = Meeting.objects.create(
            partnership=london,
            series=daily().series,
            title="Daily morning case review",
            held_on=timezone.localdate() - timedelta(days=1),
            created_by=staff["london-police"],
            status=MeetingStatus.CLOSED,
            closed_at=timezone.now(),
        )
        AgendaItem.objects.create(
            meeting=yesterday, case=discussed, discussed_at=timezone.now(), discussion="x"
        )
        Meeting.objects.filter(held_on=timezone.localdate()).delete()
        today = daily()
        assert cases_on(today) == [fresh]

    def test_a_re_review_trigger_adds_the_case_and_discussing_it_resolves_the_trigger(
        self, london, make_case, daily, staff
    ):
        case = make_case(london, risk=1)
        TriageDecision.objects.filter(case=case).update(decided_at=timezone.now() - timedelta(days=10))
        trigger = ReviewTrigger.objects.create(
            case=case, kind=TriggerKind.NEW_INCIDENT, reason="Seen at her work"
        )
        meeting = daily()
        assert reasons_of(meeting, case) == {"trigger"}
        discuss(AgendaItem.objects.get(meeting=meeting, case=case), staff["london-police"])
        trigger.refresh_from_db()
        assert trigger.resolved_at is not None

    def test_an_overdue_action_puts_its_case_on_the_next_daily_meeting(self, london, make_case, daily, staff):
        case = make_case(london, risk=1)
        TriageDecision.objects.filter(case=case).update(decided_at=timezone.now() - timedelta(days=10))
        action = action_services.action_create(
            case=case,
            acting_user=staff["london-police"],
            description="Advice to the OIC",
            owner_agency=staff["london-probation"].agency,
            due_on=timezone.localdate(),
        )
        assert case not in cases_on(daily())  # due today: not yet overdue
        Meeting.objects.all().delete()
        CaseAction.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - timedelta(days=2))
        meeting = daily()
        assert reasons_of(meeting, case) == {"overdue_action"}
        assert (
            "London NPS: Advice to the OIC"
            in AgendaItem.objects.get(meeting=meeting, case=case).reasons[0]["text"]
        )

    def test_the_agenda_is_brought_up_to_date_without_losing_what_was_recorded(
        self, london, make_case, daily, staff
    ):
        first = make_case(london, risk=3)
        meeting = daily()
        discuss(AgendaItem.objects.get(meeting=meeting, case=first), staff["london-police"])
        later = make_case(london, risk=3)
        changes = services.meeting_build_agenda(meeting=meeting, acting_user=staff["london-police"])
        assert [p.case_id for p in changes.add] == [later.pk]
        assert set(cases_on(meeting)) == {first, later}
        assert AgendaItem.objects.get(meeting=meeting, case=first).discussion == "Discussed."


class TestHampshire:
    def test_triage_takes_every_new_case_and_the_clinic_the_four_highest_risk_it_selects(
        self, hampshire, make_case, schedule, staff
    ):
        cases = [make_case(hampshire, risk=r) for r in (1, 3, 2, 3, 3)]
        triage = schedule(hampshire, "Weekly triage meeting")
        assert set(cases_on(triage)) == set(cases)
        clinic_series = hampshire.operating_model_on().meeting_series.get(name="Monthly stalking clinic")
        for item in triage.items.all():
            discuss(item, staff["hampshire-police"], refer_to=clinic_series)
        services.meeting_close(meeting=triage, acting_user=staff["hampshire-police"])

        clinic = schedule(hampshire, "Monthly stalking clinic")
        on_clinic = cases_on(clinic)
        assert len(on_clinic) == 4
        assert on_clinic[:3] == [cases[1], cases[3], cases[4]] and on_clinic[3] == cases[2]
        assert all(reasons_of(clinic, c) == {"referred"} for c in on_clinic)
        for item in clinic.items.all():
            discuss(item, staff["hampshire-police"])
        services.meeting_close(meeting=clinic, acting_user=staff["hampshire-police"])

        next_clinic = schedule(
            hampshire, "Monthly stalking clinic", day=timezone.localdate() + timedelta(days=28)
        )
        assert cases_on(next_clinic) == [cases[0]]  # the one left waiting comes next time

    def test_a_meeting_cannot_refer_a_case_to_its_own_series(self, hampshire, make_case, schedule, staff):
        case = make_case(hampshire)
        triage = schedule(hampshire, "Weekly triage meeting")
        with pytest.raises(ValidationError, match="keep on the agenda"):
            discuss(triage.items.get(case=case), staff["hampshire-police"], refer_to=triage.series)


class TestCheshire:
    def test_internal_meeting_refers_cases_on_to_the_partnership_meeting(
        self, cheshire, make_case, schedule, staff
    ):
        referred, kept_internal = make_case(cheshire), make_case(cheshire)
        internal = schedule(cheshire, "IASU internal meeting")
        assert set(cases_on(internal)) == {referred, kept_internal}
        partnership_series = cheshire.operating_model_on().meeting_series.get(
            name="Partnership meeting (clinic)"
        )
        discuss(internal.items.get(case=referred), staff["cheshire-police"], refer_to=partnership_series)
        discuss(internal.items.get(case=kept_internal), staff["cheshire-police"])
        clinic = schedule(cheshire, "Partnership meeting (clinic)")
        assert cases_on(clinic) == [referred]


class TestTrackedAfterClosure:
    def test_a_trigger_on_a_closed_case_inside_its_tracking_period_reaches_the_agenda(
        self, cheshire, make_case, schedule, staff
    ):
        tracked, too_old = make_case(cheshire), make_case(cheshire)
        today = timezone.localdate()
        tracked.status, tracked.closed_on = "closed", today - timedelta(days=60)  # Cheshire tracks for 6 months
        too_old.status, too_old.closed_on = "closed", today - timedelta(days=400)
        for case in (tracked, too_old):
            case.save()
            ReviewTrigger.objects.create(case=case, kind=TriggerKind.NEW_INCIDENT, reason="Seen outside her house")
        meeting = schedule(cheshire, "Partnership meeting (clinic)")  # where Cheshire revisits cases
        assert tracked in cases_on(meeting) and too_old not in cases_on(meeting)


class TestScheduling:
    def test_meetings_follow_the_cadence_and_scheduling_twice_adds_nothing(self, london, schedule):
        today = timezone.localdate()
        created = schedule(london, "Daily morning case review", count_=5)
        days = [m.held_on for m in created]
        assert days == sorted(set(days)) and len(days) == 5 and days[0] >= today
        assert all(d.weekday() < 5 for d in days) and (days[-1] - days[0]).days <= 6
        from masip.meetings.services import meeting_schedule

        again = meeting_schedule(
            partnership=london,
            series=created[0].series,
            acting_user=created[0].created_by,
            first=today,
            count=5,
        )
        assert again.created == [] and again.skipped == [m.held_on for m in created]

    @pytest.mark.parametrize(
        "kwargs, message",
        [
            ({"first_offset": -1}, "must be today or in the future"),
            ({"series_name": "Complex case consultation", "count": 2}, "schedule one meeting at a time"),
            ({"count": 21}, "between 1 and 20"),
        ],
    )
    def test_bad_schedules_are_refused(self, london, series_named, staff, kwargs, message):
        series = series_named(london, kwargs.get("series_name", "Daily morning case review"))
        with pytest.raises(ValidationError, match=message):
            services.meeting_schedule(
                partnership=london,
                series=series,
                acting_user=staff["london-police"],
                first=timezone.localdate() + timedelta(days=kwargs.get("first_offset", 0)),
                count=kwargs.get("count", 1),
            )
        assert not Meeting.objects.exists()

    def test_another_partnerships_series_and_roles_without_chairing_are_refused(
        self, london, cheshire, series_named, staff
    ):
        with pytest.raises(ValidationError, match="current meeting series"):
            services.meeting_schedule(
                partnership=london,
                series=series_named(cheshire, "IASU internal meeting"),
                acting_user=staff["london-police"],
                first=timezone.localdate(),
            )
        with pytest.raises(PermissionDenied):
            services.meeting_schedule(
                partnership=london,
                series=series_named(london, "Daily morning case review"),
                acting_user=staff["london-health"],
                first=timezone.localdate(),
            )

    def test_an_invalid_rule_is_refused_clearly_not_with_an_error_page(self, london, series_named, as_user):
        series = series_named(london, "Daily morning case review")
        series.agenda_rule = {"new_cases": {"min_risk": 9}}
        series.save()
        client = as_user("london-manager")
        today = timezone.localdate()
        response = client.post(
            reverse("meetings:schedule", args=["london"]),
            {
                "series": series.pk,
                "first_0": today.day,
                "first_1": today.month,
                "first_2": today.year,
                "count": 1,
            },
        )
        assert response.status_code == 200
        assert "min_risk" in text(response) and "Ask your unit manager" in text(response)
        assert not Meeting.objects.exists()
        assert client.get(reverse("meetings:list", args=["london"])).status_code == 200


class TestChairChangesTheAgenda:
    def test_the_chair_removes_a_case_with_a_reason_and_the_rules_do_not_put_it_back(
        self, london, make_case, daily, as_user, staff
    ):
        case = make_case(london, risk=3)
        meeting = daily()
        item = meeting.items.get(case=case)
        url = reverse("meetings:item_remove", args=[meeting.pk, item.pk])
        assert as_user("london-health").post(url, {"reason": "x"}).status_code == 403
        client = as_user("london-police")
        response = client.post(url, {"reason": ""})
        assert "Enter why the case is being taken off the agenda" in text(response)
        assert client.post(url, {"reason": "Already discussed with the OIC this morning"}).status_code == 302
        item.refresh_from_db()
        assert (
            item.removal_reason == "Already discussed with the OIC this morning"
            and item.removed_by == staff["london-police"]
        )
        services.meeting_build_agenda(meeting=meeting, acting_user=staff["london-police"])
        assert cases_on(meeting) == []

    def test_a_case_with_anything_recorded_stays_on_the_agenda(self, london, make_case, daily, staff):
        case = make_case(london, risk=3)
        meeting = daily()
        discuss(meeting.items.get(case=case), staff["london-police"])
        with pytest.raises(ValidationError, match="stays on the agenda"):
            services.agenda_item_remove(
                item=meeting.items.get(case=case), acting_user=staff["london-police"], reason="x"
            )

    def test_the_chair_adds_a_case_by_reference_with_a_reason(
        self, london, cheshire, make_case, daily, as_user
    ):
        mine = make_case(london, risk=1)  # moderate and below: not listed by the rules
        theirs = make_case(cheshire)
        meeting = daily()
        assert cases_on(meeting) == []
        client = as_user("london-police")
        url = reverse("meetings:item_add", args=[meeting.pk])
        response = client.post(url, {"case_reference": theirs.reference, "reason": "x"})
        assert f"There is no case {theirs.reference} in London" in text(response)
        response = client.post(
            url, {"case_reference": mine.reference.lower(), "reason": "Victim advocate's concern"}
        )
        assert response.status_code == 302
        item = meeting.items.get(case=mine)
        assert item.source == "added" and "Victim advocate's concern" in item.reasons[0]["text"]
        response = client.post(url, {"case_reference": mine.reference, "reason": "again"})
        assert "already on this meeting's agenda" in text(response)
