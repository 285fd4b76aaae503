"""Triage of referrals by the meeting (issue 9): London triages at its morning meeting and Hampshire
at its weekly triage meeting. A referral awaiting triage is an item on their agendas; partners
share what their systems hold on it; the meeting records the triage decision through the same
service as the triage queue (referrals.services.triage_decide), so the same rules apply."""

from __future__ import annotations

import html
import re

from django.urls import reverse

from masip.access.models import Category
from masip.cases.models import Case
from masip.meetings.models import AgendaItem
from masip.referrals.models import Referral, TriageDecision
from masip.sharing.models import InformationEntry

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return html.unescape(response.content.decode())


def agenda_of(client, meeting) -> str:
    page = text(client.get(reverse("meetings:detail", args=[meeting.pk])))
    return re.search(r'<nav class="masip-agenda" id="agenda".*?</nav>', page, re.S).group(0)


def triage(client, meeting, item, **fields):
    data = {"triage-version": item.version, "triage-based_on": ""}
    data.update({f"triage-{k}": v for k, v in fields.items()})
    return client.post(reverse("meetings:item_triage", args=[meeting.pk, item.pk]), data, **HTMX)


def share(client, meeting, item, *, agency, category, title):
    return client.post(
        reverse("meetings:item_share", args=[meeting.pk, item.pk]),
        {
            "share-source_agency": agency.pk,
            "share-category": category,
            "share-title": title,
            "share-body": title + ", in full.",
        },
        **HTMX,
    )


ACCEPT = {
    "is_stalking": "yes",
    "fixated": "on",
    "fixated_note": "Forty messages a night",
    "repeated": "on",
    "repeated_note": "Every evening for a month",
    "outcome": "accept",
}


class TestLondonTriagesAtItsMorningMeeting:
    def test_the_referral_is_on_the_agenda_partners_share_and_the_meeting_accepts_it(
        self, london, make_referral, daily, as_user, staff, give_reason
    ):
        referral = make_referral(london, suspect="Harry Saunders", victim="Amy Lake")
        meeting = daily()
        client = as_user("london-police")
        agenda = agenda_of(client, meeting)
        assert referral.reference in agenda and "Awaiting triage" in agenda and "Harry Saunders" in agenda
        item = meeting.items.get(referral=referral)
        assert item.case is None and item.reasons[0]["kind"] == "untriaged_referral"

        panel = text(client.get(reverse("meetings:item", args=[meeting.pk, item.pk]), **HTMX))
        assert "Record the triage decision" in panel and "What the referral says" in panel
        probation = as_user("london-probation")
        response = share(
            probation, meeting, item, agency=staff["london-probation"].agency, category=Category.CASE_MANAGEMENT,
            title="Known to probation: on licence",
        )
        assert "Recorded what London NPS shared" in text(response)
        entry = InformationEntry.objects.get(agenda_item=item)
        assert entry.referral == referral and entry.case is None

        client = as_user("london-police")
        response = triage(client, meeting, item, **ACCEPT, discussion="Probation's licence conditions noted.")
        page = text(response)
        assert f"Triage of {referral.reference} recorded: accept into the unit, opened case" in page
        referral.refresh_from_db()
        case = referral.case
        assert referral.status == "accept" and case is not None
        item.refresh_from_db()
        decision = TriageDecision.objects.get(referral=referral)
        assert item.triage_decision == decision and item.discussed_by == staff["london-police"]
        assert item.discussion == "Probation's licence conditions noted."

        # What partners shared before the case existed is on the case now.
        give_reason(client, case)
        assert "Known to probation: on licence" in text(client.get(reverse("cases:detail", args=[case.pk])))
        # The case the meeting has just opened is not listed again as a new case at this meeting.
        agenda = agenda_of(client, meeting)
        assert case.reference in agenda  # shown beside the referral it came from
        assert not AgendaItem.objects.filter(meeting=meeting, case=case).exists()
        minutes = text(client.get(reverse("meetings:minutes", args=[meeting.pk])))
        assert f"Referral {referral.reference}: Harry Saunders" in minutes
        assert f"Triage: Accept into the unit (opened case {case.reference})" in minutes
        assert "Amy Lake" not in minutes  # minutes do not name victims

    def test_a_referral_triaged_in_the_queue_first_leaves_the_agenda(
        self, london, make_referral, accept, daily, as_user
    ):
        referral = make_referral(london)
        meeting = daily()
        assert meeting.items.filter(referral=referral).exists()
        accept(referral)
        client = as_user("london-police")
        agenda = agenda_of(client, meeting)
        assert referral.reference not in agenda
        referral.refresh_from_db()
        assert referral.case.reference in agenda  # its case is now a new case for the meeting

    def test_a_decision_made_meanwhile_is_not_overwritten(
        self, london, make_referral, accept, daily, as_user, staff
    ):
        referral = make_referral(london)
        meeting = daily()
        item = meeting.items.get(referral=referral)
        share(
            as_user("london-police"), meeting, item, agency=staff["london-police"].agency,
            category=Category.CASE_MANAGEMENT, title="PNC checked",
        )
        accept(referral, outcome="close", close_reason="Not stalking: a single call")  # in the queue
        client = as_user("london-police")
        response = triage(client, meeting, item, **ACCEPT)
        assert "recorded a triage decision on" in text(response) and "while you were deciding" in text(response)
        referral.refresh_from_db()
        assert referral.status == "close" and TriageDecision.objects.filter(referral=referral).count() == 1
        item.refresh_from_db()
        assert item.triage_decision is None
        panel = text(client.get(reverse("meetings:item", args=[meeting.pk, item.pk]), **HTMX))
        assert "Already triaged" in panel and "Record the triage decision" not in panel

    def test_only_those_who_may_triage_record_the_decision_and_the_form_s_checks_apply(
        self, london, make_referral, daily, as_user
    ):
        referral = make_referral(london)
        meeting = daily()
        item = meeting.items.get(referral=referral)
        health = as_user("london-health")
        panel = text(health.get(reverse("meetings:item", args=[meeting.pk, item.pk]), **HTMX))
        assert "In London, triage is done by" in panel and "Record the triage decision" not in panel
        assert "In London, triage is done by" in text(triage(health, meeting, item, **ACCEPT))
        police = as_user("london-police")
        response = triage(police, meeting, item, is_stalking="no", outcome="advice")
        assert "Enter the advice given to the officer in charge" in text(response)
        referral.refresh_from_db()
        assert referral.status == "untriaged" and not Case.objects.exists()

    def test_a_referral_is_triaged_not_discussed_as_a_case(self, london, make_referral, daily, as_user):
        referral = make_referral(london)
        meeting = daily()
        item = meeting.items.get(referral=referral)
        response = as_user("london-police").post(
            reverse("meetings:item_record", args=[meeting.pk, item.pk]),
            {"record-version": 0, "record-discussion": "x"},
        )
        assert response.status_code == 409 and "record the meeting's triage decision" in text(response)

    def test_an_accepted_referral_does_not_come_back_as_a_new_case_at_the_next_meeting(
        self, london, make_referral, daily, schedule, as_user, staff
    ):
        from masip.meetings import services
        from masip.meetings.tests.test_agenda_current import next_weekday_after

        referral = make_referral(london)
        meeting = daily()
        item = meeting.items.get(referral=referral)
        triage(as_user("london-police"), meeting, item, **ACCEPT)
        services.meeting_close(meeting=meeting, acting_user=staff["london-police"])
        tomorrow = schedule(london, "Daily morning case review", day=next_weekday_after(meeting.held_on))
        referral.refresh_from_db()
        assert not tomorrow.items.filter(case=referral.case).exists()
        assert not tomorrow.items.filter(referral=referral).exists()


class TestHampshireTriagesAtItsWeeklyMeeting:
    def test_the_s_dash_is_required_before_acceptance_as_at_the_queue(
        self, hampshire, make_referral, schedule, as_user, complete_assessment
    ):
        referral = make_referral(hampshire, by="hampshire-police")
        meeting = schedule(hampshire, "Weekly triage meeting")
        item = meeting.items.get(referral=referral)
        client = as_user("hampshire-police")
        response = triage(client, meeting, item, **ACCEPT)
        assert "signs off the S-DASH before accepting a referral from police" in text(response)
        referral.refresh_from_db()
        assert referral.status == "untriaged" and not Case.objects.exists()
        item.refresh_from_db()
        assert item.triage_decision is None and item.version == 0
        complete_assessment("sdash", referral=referral, by="hampshire-police")
        response = triage(client, meeting, item, **ACCEPT)
        assert "recorded: accept into the unit, opened case" in text(response)


def test_cheshire_triages_outside_its_meetings(cheshire, make_referral, schedule):
    make_referral(cheshire, by="cheshire-police")
    for name in ("IASU internal meeting", "Partnership meeting (clinic)"):
        meeting = schedule(cheshire, name)
        assert not meeting.items.filter(referral__isnull=False).exists()
    assert Referral.objects.filter(status="untriaged").count() == 1
