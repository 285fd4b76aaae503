"""Revisiting cases: re-review requests, closing (tracking) and reopening, the monitoring queue, the timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse

from masip.audit.models import AuditEvent
from masip.cases.models import Case, CaseStatus, CaseStatusChange, ReviewTrigger, TriggerKind
from masip.cases.services import case_close
from masip.interventions.reference import shipped_type
from masip.interventions.services import InterventionInput, intervention_record
from masip.justice.services import EventInput, OrderInput, justice_event_record, order_record
from masip.monitoring.queue import monitoring_queue
from masip.monitoring.services import IncidentInput, incident_record
from masip.monitoring.tests.factories import days_ago, open_case, victim_of
from masip.victims.models import SafetyPlan
from masip.victims.services import MeasureInput, safety_plan_new_version, support_update


@pytest.fixture
def case(london, make_referral, accept):
    return open_case(make_referral, accept, london, by="london-police", opened_on=days_ago(60))


@pytest.fixture
def cheshire_case(cheshire, make_referral, accept):
    return open_case(
        make_referral,
        accept,
        cheshire,
        by="cheshire-police",
        opened_on=days_ago(300),
        area="Warrington",
        suspect="Cheshire Suspect",
        victim="Cheshire Victim",
    )


class TestReReviewRequests:
    def test_an_advocate_raises_a_concern(self, as_user, case, give_reason):
        response = give_reason(as_user("london-advocate"), case).post(
            reverse("monitoring:review_request", args=[case.pk]),
            {"reason": "She says he has found her new address."},
        )
        assert response.status_code == 302
        trigger = ReviewTrigger.objects.get(case=case)
        assert (
            trigger.kind == TriggerKind.ADVOCATE_CONCERN
            and trigger.reason == "She says he has found her new address."
        )
        case.refresh_from_db()
        assert not case.reassessment_due  # London's policy: the concern goes to the meeting, no reassessment
        html = as_user("london-police").get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert (
            "Re-review needed: victim advocate&#x27;s concern. She says he has found her new address." in html
        )

    def test_anyone_else_brings_new_information(self, as_user, case, give_reason):
        give_reason(as_user("london-probation"), case).post(
            reverse("monitoring:review_request", args=[case.pk]), {"reason": "Released early."}
        )
        assert ReviewTrigger.objects.get(case=case).kind == TriggerKind.NEW_INFORMATION

    def test_a_reason_is_required(self, as_user, case, give_reason):
        response = give_reason(as_user("london-advocate"), case).post(
            reverse("monitoring:review_request", args=[case.pk]), {"reason": " "}
        )
        assert (
            response.status_code == 200
            and "Enter why the case needs a re-review" in response.content.decode()
        )
        assert not ReviewTrigger.objects.exists()

    def test_a_new_referral_about_the_suspect_still_raises_its_own(self, case, london, make_referral, accept):
        accept(make_referral(london, suspect_id=case.suspect_id, victim="Zoe Price"))
        assert ReviewTrigger.objects.get(case=case).kind == TriggerKind.NEW_REFERRAL


class TestClosingAndTracking:
    def test_closing_starts_the_tracking_period_and_sets_the_review_date(self, as_user, cheshire_case):
        closed_on = days_ago(5)
        response = as_user("cheshire-police").post(
            reverse("cases:close", args=[cheshire_case.pk]),
            {
                "closed_on_0": closed_on.day,
                "closed_on_1": closed_on.month,
                "closed_on_2": closed_on.year,
                "reason": "No contact for three months; victim feels safer.",
            },
        )
        assert response.status_code == 302
        case = Case.objects.get(pk=cheshire_case.pk)
        assert (case.status, case.closed_on) == (CaseStatus.CLOSED, closed_on)
        assert case.close_reason == "No contact for three months; victim feels safer."
        # Cheshire: tracked for six months after closure, then its retention period (set_review_date).
        change = CaseStatusChange.objects.get(case=case)
        assert change.tracking_until == closed_on + relativedelta(months=6)
        model = case.partnership.operating_model_on(closed_on)
        assert case.retention_review_on == closed_on + relativedelta(
            months=6 + model.retention_months_after_tracking
        )
        html = as_user("cheshire-police").get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert f"Tracked after closure until {change.tracking_until:%-d %B %Y}" in html
        assert "Reopen the case" in html

    def test_london_does_not_track_after_closure(self, case, staff):
        change = case_close(
            case=case, acting_user=staff["london-police"], reason="Advice given; no further role."
        )
        assert change.tracking_until == change.on

    @pytest.mark.parametrize(
        "data, message",
        [
            ({"reason": ""}, "Enter why the case is closing"),
            ({"reason": "x", "future": True}, "Date closed must be today or in the past"),
            ({"reason": "x", "before_open": True}, "Date closed must be on or after the day the case opened"),
        ],
    )
    def test_closing_refuses_bad_input(self, as_user, case, data, message):
        day = days_ago(-2) if data.get("future") else days_ago(90) if data.get("before_open") else days_ago(1)
        response = as_user("london-police").post(
            reverse("cases:close", args=[case.pk]),
            {
                "closed_on_0": day.day,
                "closed_on_1": day.month,
                "closed_on_2": day.year,
                "reason": data["reason"],
            },
        )
        assert response.status_code == 200 and message in response.content.decode()
        case.refresh_from_db()
        assert case.status == CaseStatus.OPEN and case.retention_review_on is None
        assert not CaseStatusChange.objects.exists()

    def test_reopening_keeps_the_history(self, as_user, case, staff):
        case_close(
            case=case,
            acting_user=staff["london-police"],
            reason="Victim content to close.",
            closed_on=days_ago(10),
        )
        client = as_user("london-police")
        refused = client.post(reverse("cases:reopen", args=[case.pk]), {"reason": ""})
        assert "Enter why the case is reopening" in refused.content.decode()
        response = client.post(
            reverse("cases:reopen", args=[case.pk]), {"reason": "Contact resumed."}
        )
        assert response.status_code == 302
        case.refresh_from_db()
        assert case.status == CaseStatus.OPEN and case.closed_on is None and case.retention_review_on is None
        assert list(
            CaseStatusChange.objects.filter(case=case).order_by("id").values_list("change", flat=True)
        ) == [
            "closed",
            "reopened",
        ]
        html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        timeline = html[html.index('id="case-timeline"') :]
        assert timeline.index("Case reopened") < timeline.index("Case closed") < timeline.index("Case opened")
        assert "Contact resumed." in timeline and "Victim content to close." in timeline

    def test_an_incident_on_a_closed_case_under_tracking_brings_it_back(self, cheshire_case, staff):
        case_close(
            case=cheshire_case,
            acting_user=staff["cheshire-police"],
            reason="Risk reduced.",
            closed_on=days_ago(20),
        )
        incident_record(
            case=cheshire_case,
            acting_user=staff["cheshire-advocate"],
            data=IncidentInput(
                occurred_on=days_ago(2),
                reported_by="advocate",
                behaviour="messages",
                severity=2,
                description="Texts.",
                victim_id=victim_of(cheshire_case).pk,
            ),
        )
        assert ReviewTrigger.objects.filter(
            case=cheshire_case, kind=TriggerKind.NEW_INCIDENT, resolved_at__isnull=True
        ).exists()


class TestMonitoringQueue:
    def test_lists_what_needs_attention_today(self, as_user, case, cheshire_case, staff, london):
        police, advocate = staff["london-police"], staff["london-advocate"]
        incident_record(
            case=case,
            acting_user=police,
            data=IncidentInput(
                occurred_on=days_ago(1),
                reported_by="victim",
                behaviour="phone",
                severity=1,
                description="Calls.",
                victim_id=victim_of(case).pk,
            ),
        )
        signposting = intervention_record(
            case=case,
            acting_user=police,
            data=InterventionInput(
                intervention_type=shipped_type("signposting"),
                mode="indirect",
                external_service="Oxleas NHS FT",
                offered_on=days_ago(30),
                start_on=days_ago(30),
                follow_up_on=days_ago(2),
            ),
        )
        support_update(
            case=case,
            victim=victim_of(case),
            acting_user=advocate,
            status="accepted",
            on=days_ago(50),
            advocate=advocate,
            expected_version=0,  # support not yet recorded
        )
        safety_plan_new_version(
            case=case,
            victim=victim_of(case),
            acting_user=advocate,
            agreed_on=days_ago(40),
            review_on=days_ago(3),
            measures=[MeasureInput("evidence_diary")],
            expected_version=0,
        )
        order = order_record(
            case=case,
            acting_user=police,
            data=OrderInput(
                kind="spo",
                status="granted",
                applied_on=days_ago(20),
                decided_on=days_ago(10),
                until_further_order=True,
                served_on=days_ago(5),
            ),
        )
        sections = {s.key: s for s in monitoring_queue(police, london, today=days_ago(0), mine=True)}
        assert [i.case for i in sections["triggers"].items] == [case]
        assert sections["reassessments"].items == []  # London: the trigger goes to the meeting, no reassessment
        assert sections["follow_ups"].items[0].url == reverse(
            "interventions:follow_up", args=[signposting.pk]
        )
        assert sections["follow_ups"].items[0].overdue
        assert "Safety plan v1" in sections["safety_plans"].items[0].what
        spo = sections["orders"].items[0]
        assert (
            spo.due == order.served_on + timedelta(days=2) and spo.overdue
        )  # 3 days counting the day of service
        html = as_user("london-police").get(reverse("monitoring:queue", args=["london"])).content.decode()
        assert case.reference in html and "Oxleas NHS FT" in html
        assert AuditEvent.objects.filter(action="monitoring.queue", username="london-police").exists()

    def test_mine_is_the_users_caseload_and_all_is_the_partnership(self, case, staff, london):
        justice_event_record(
            case=case,
            acting_user=staff["london-police"],
            data=EventInput(kind="charge", occurred_on=days_ago(1), offence="s4a"),
        )
        health = staff["london-health"]
        assert not monitoring_queue(health, london, today=days_ago(0), mine=True)[0].items
        assert monitoring_queue(health, london, today=days_ago(0), mine=False)[0].items[0].case == case

    def test_risk_management_plan_reviews_due(self, case, staff, london):
        from masip.plans.models import PlanArea, PlanStrategy, RiskManagementPlan

        police = staff["london-police"]
        plan = RiskManagementPlan.objects.create(
            partnership=london,
            case=case,
            version=1,
            is_current=True,
            change_reason="First plan",
            created_by=police,
        )
        PlanStrategy.objects.create(
            plan=plan,
            area=PlanArea.values[0],
            description="Evidence diary",
            owner_agency=police.agency,
            review_on=days_ago(2),
        )
        PlanStrategy.objects.create(
            plan=plan,
            area=PlanArea.values[0],
            description="Later",
            owner_agency=police.agency,
            review_on=days_ago(-20),
        )
        section = next(
            s
            for s in monitoring_queue(police, london, today=days_ago(0), mine=True)
            if s.key == "plan_reviews"
        )
        assert [(i.case, i.due, i.overdue) for i in section.items] == [(case, days_ago(2), True)]
        assert "1 strategy due for review" in section.items[0].what

    def test_tracking_periods_ending_soon(self, cheshire_case, staff, cheshire):
        closed_on = days_ago(0) - relativedelta(months=6) + timedelta(days=5)
        case_close(
            case=cheshire_case,
            acting_user=staff["cheshire-police"],
            reason="Risk reduced.",
            closed_on=closed_on,
        )
        tracking = next(
            s
            for s in monitoring_queue(staff["cheshire-police"], cheshire, today=days_ago(0), mine=False)
            if s.key == "tracking"
        )
        assert [i.case for i in tracking.items] == [cheshire_case]
        assert tracking.items[0].due == closed_on + relativedelta(months=6)


def test_the_case_timeline_shows_all_of_it_in_order(as_user, case, staff):
    police, advocate, health = staff["london-police"], staff["london-advocate"], staff["london-health"]
    support_update(
        case=case,
        victim=victim_of(case),
        acting_user=advocate,
        status="accepted",
        on=days_ago(55),
        advocate=advocate,
        expected_version=0,  # support not yet recorded
    )
    intervention_record(
        case=case,
        acting_user=police,
        data=InterventionInput(
            intervention_type=shipped_type("tactical_advice"),
            mode="indirect",
            external_service="Officer in charge",
            start_on=days_ago(50),
        ),
    )
    justice_event_record(
        case=case, acting_user=police, data=EventInput(kind="arrest", occurred_on=days_ago(45), offence="s2a")
    )
    incident_record(
        case=case,
        acting_user=police,
        data=IncidentInput(
            occurred_on=days_ago(20),
            reported_by="victim",
            behaviour="following",
            severity=2,
            description="Followed.",
            victim_id=victim_of(case).pk,
        ),
    )
    justice_event_record(
        case=case, acting_user=police, data=EventInput(kind="charge", occurred_on=days_ago(10), offence="s4a")
    )
    order_record(
        case=case,
        acting_user=police,
        data=OrderInput(
            kind="bail",
            status="granted",
            decided_on=days_ago(10),
            ends_on=days_ago(-30),
            conditions="No contact.",
        ),
    )
    case_close(case=case, acting_user=health, reason="Managed elsewhere.", closed_on=days_ago(1))
    html = as_user("london-police").get(reverse("cases:detail", args=[case.pk])).content.decode()
    timeline = html[html.index('id="case-timeline"') :]
    newest_first = [
        "Re-review trigger: new offence",  # raised just now, when the charge was recorded
        "Case closed",
        "Bail conditions made",  # on the day of the charge, after it: same-day entries newest first
        "Charge: Stalking involving fear of violence",
        "Incident: following",
        "Arrest: Stalking (s.2A)",
        "Intervention: Tactical advice",
        "Case opened",
    ]
    positions = [timeline.index(text) for text in newest_first]
    assert positions == sorted(positions)
    assert "accepted advocate support" in timeline


def test_the_case_page_runs_a_fixed_number_of_queries_however_much_is_recorded(
    as_user, case, staff, count_queries
):
    police, health, advocate = staff["london-police"], staff["london-health"], staff["london-advocate"]
    client = as_user("london-police")
    url = reverse("cases:detail", args=[case.pk])

    def add(n):
        incident_record(
            case=case,
            acting_user=police,
            data=IncidentInput(
                occurred_on=days_ago(n),
                reported_by="victim",
                behaviour="phone",
                severity=1,
                description="Calls.",
                victim_id=victim_of(case).pk,
            ),
        )
        intervention_record(
            case=case,
            acting_user=health,
            data=InterventionInput(
                intervention_type=shipped_type("cbt"),
                mode="direct",
                delivered_by=health,
                offered_on=days_ago(n),
            ),
        )
        justice_event_record(
            case=case,
            acting_user=police,
            data=EventInput(kind="arrest", occurred_on=days_ago(n), offence="s2a"),
        )
        safety_plan_new_version(
            case=case,
            victim=victim_of(case),
            acting_user=advocate,
            agreed_on=days_ago(n),
            review_on=None,
            measures=[MeasureInput("evidence_diary")],
            expected_version=SafetyPlan.objects.filter(support__case=case).count(),
        )
        order_record(
            case=case,
            acting_user=police,
            data=OrderInput(kind="bail", status="granted", decided_on=days_ago(n), ends_on=days_ago(-30)),
        )

    support_update(
        case=case,
        victim=victim_of(case),
        acting_user=advocate,
        status="accepted",
        on=days_ago(55),
        advocate=advocate,
        expected_version=0,  # support not yet recorded
    )
    add(1)
    client.get(url)
    small = count_queries(lambda: client.get(url))
    for n in range(2, 7):
        add(n)
    assert count_queries(lambda: client.get(url)) == small
