"""An open meeting's agenda always reflects its rule as of now (issue 9, "upcoming agendas go
stale"): each input of the rules, changed after the meeting was scheduled, shows on the next
open meeting when anyone reads it - the meeting page, the meetings list, the case page's "next
meeting" - without anyone asking for the agenda to be brought up to date. The chair's additions
and removals stay."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from masip.actions import services as action_services
from masip.cases.services import case_set_risk
from masip.meetings import services
from masip.meetings.models import AgendaItem, Meeting
from masip.partnerships.models import Agency
from masip.plans import services as plan_services
from masip.plans.models import PlanArea

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return html.unescape(response.content.decode())


def next_weekday_after(day):
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def agenda_of(client, meeting) -> str:
    """The agenda column of the meeting page, as a person reads it."""
    page = text(client.get(reverse("meetings:detail", args=[meeting.pk])))
    match = re.search(r'<nav class="masip-agenda" id="agenda".*?</nav>', page, re.S)
    assert match, page[:500]
    return match.group(0)


def next_meeting_on_case_page(client, case) -> str:
    page = text(client.get(reverse("cases:detail", args=[case.pk])))
    match = re.search(r'id="case-next-meeting">(.*?)</p>', page, re.S)
    assert match, "the case page has no next meeting line"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.fixture
def old_case(london, make_case):
    """A London case accepted ten days ago: not a new case for the next meetings."""

    def make(risk=1, **kwargs):
        with time_machine.travel(timezone.localtime() - timedelta(days=10), tick=True):
            return make_case(london, risk=risk, **kwargs)

    return make


@pytest.fixture
def upcoming(london, schedule):
    """London's daily meeting on the next weekday after tomorrow: still to come, so open."""

    def make():
        day = next_weekday_after(timezone.localdate() + timedelta(days=1))
        return schedule(london, "Daily morning case review", day=day)

    return make


class TestEachInputReachesTheNextOpenMeeting:
    def test_a_case_accepted_after_the_meeting_was_scheduled(self, london, make_case, upcoming, as_user):
        meeting = upcoming()
        case = make_case(london)  # accepted now, not yet assessed: London screens it at the meeting
        client = as_user("london-police")
        agenda = agenda_of(client, meeting)
        assert case.reference in agenda and "New case" in agenda
        assert next_meeting_on_case_page(client, case) == str(meeting)

    def test_a_re_review_trigger(self, old_case, upcoming, as_user, staff):
        from masip.monitoring.rereview import review_trigger_raise

        case = old_case()
        meeting = upcoming()
        client = as_user("london-police")
        assert case.reference not in agenda_of(client, meeting)
        assert next_meeting_on_case_page(client, case) == "Not on an upcoming agenda."
        with transaction.atomic():
            review_trigger_raise(
                case=case, kind="new_incident", reason="Seen outside her work", acting_user=staff["london-police"]
            )
        agenda = agenda_of(client, meeting)
        assert case.reference in agenda and "Re-review trigger" in agenda
        assert next_meeting_on_case_page(client, case) == str(meeting)

    def test_a_case_the_last_meeting_kept_on_the_agenda(
        self, london, old_case, daily, schedule, as_user, staff
    ):
        case = old_case()
        today = daily()  # the clock is on its day
        tomorrow = schedule(london, "Daily morning case review", day=next_weekday_after(today.held_on))
        item = services.agenda_item_add(
            meeting=today, case=case, acting_user=staff["london-police"], reason="Advocate is worried"
        )
        client = as_user("london-police")
        assert case.reference not in agenda_of(client, tomorrow)
        response = client.post(
            reverse("meetings:item_record", args=[today.pk, item.pk]),
            {"record-version": item.version, "record-discussion": "Wait for the PNC.", "record-keep_on_agenda": "on"},
            **HTMX,
        )
        assert "saved" in text(response)
        agenda = agenda_of(client, tomorrow)
        assert case.reference in agenda and "Kept on the agenda" in agenda
        assert next_meeting_on_case_page(client, case) == str(today)  # today's is still open
        services.meeting_close(meeting=today, acting_user=staff["london-police"])
        assert next_meeting_on_case_page(client, case) == str(tomorrow)

    def test_a_case_a_meeting_referred_to_another_series(
        self, london, make_case, daily, schedule, series_named, as_user, staff
    ):
        case = make_case(london, risk=3)
        today = daily()
        consultation = schedule(
            london, "Complex case consultation", day=today.held_on + timedelta(days=2)
        )
        client = as_user("london-police")
        assert case.reference not in agenda_of(client, consultation)
        item = today.items.get(case=case)
        client.post(
            reverse("meetings:item_record", args=[today.pk, item.pk]),
            {
                "record-version": item.version,
                "record-discussion": "Needs a psychiatrist's view.",
                "record-refer_to": series_named(london, "Complex case consultation").pk,
            },
            **HTMX,
        )
        agenda = agenda_of(client, consultation)
        assert case.reference in agenda and "Referred by a meeting" in agenda
        services.meeting_close(meeting=today, acting_user=staff["london-police"])
        assert next_meeting_on_case_page(client, case) == str(consultation)

    def test_an_action_falling_overdue(self, old_case, schedule, london, as_user, staff):
        case = old_case()
        today = timezone.localdate()
        later = schedule(london, "Daily morning case review", day=next_weekday_after(today + timedelta(days=2)))
        action_services.action_create(
            case=case,
            acting_user=staff["london-police"],
            description="Advice to the OIC",
            owner_agency=Agency.objects.get(name="National Probation Service - London"),
            due_on=today,
        )
        client = as_user("london-police")
        assert case.reference not in agenda_of(client, later)  # due today: not yet overdue
        with time_machine.travel(timezone.localtime() + timedelta(days=1), tick=True):
            client = as_user("london-police")
            agenda = agenda_of(client, later)
            assert case.reference in agenda and "Overdue action" in agenda
            assert next_meeting_on_case_page(client, case) == str(later)

    def test_an_overdue_action_given_a_new_date_leaves_the_agenda(self, old_case, schedule, london, as_user, staff):
        case = old_case()
        today = timezone.localdate()
        later = schedule(london, "Daily morning case review", day=next_weekday_after(today + timedelta(days=2)))
        action = action_services.action_create(
            case=case,
            acting_user=staff["london-police"],
            description="Advice to the OIC",
            owner_agency=staff["london-police"].agency,
            due_on=today,
        )
        with time_machine.travel(timezone.localtime() + timedelta(days=1), tick=True):
            client = as_user("london-police")
            assert case.reference in agenda_of(client, later)
            action_services.action_reschedule(
                action=action,
                acting_user=staff["london-police"],
                due_on=timezone.localdate() + timedelta(days=7),
                reason="The OIC is on leave this week",
                expected_version=action.version,
            )
            assert case.reference not in agenda_of(client, later)
            assert next_meeting_on_case_page(client, case) == "Not on an upcoming agenda."

    def test_a_plan_review_falling_due(self, old_case, schedule, london, as_user, staff):
        case = old_case()
        today = timezone.localdate()
        later = schedule(london, "Daily morning case review", day=next_weekday_after(today + timedelta(days=2)))
        current = case.risk_plans.filter(is_current=True).first()
        plan_services.plan_create_version(
            case=case,
            acting_user=staff["london-police"],
            expected_version=current.version if current else 0,
            change_reason="",
            strategies=[
                plan_services.StrategyInput(
                    area=PlanArea.MONITORING,
                    description="Check the PNC weekly",
                    owner_agency=staff["london-police"].agency,
                    review_on=today + timedelta(days=1),
                )
            ],
        )
        client = as_user("london-police")
        assert case.reference not in agenda_of(client, later)
        with time_machine.travel(timezone.localtime() + timedelta(days=1), tick=True):
            client = as_user("london-police")
            agenda = agenda_of(client, later)
            assert case.reference in agenda and "Plan review due" in agenda
            assert next_meeting_on_case_page(client, case) == str(later)

    def test_a_new_risk_level_takes_a_new_case_off_a_high_risk_agenda_and_back(
        self, london, make_case, upcoming, as_user, staff
    ):
        case = make_case(london)  # not yet assessed: London's morning meeting screens it
        meeting = upcoming()
        client = as_user("london-police")
        assert case.reference in agenda_of(client, meeting)
        case_set_risk(case=case, acting_user=staff["london-police"], rank=2, label="Medium", source="DASH")
        assert case.reference not in agenda_of(client, meeting)  # the daily meeting takes high risk only
        assert next_meeting_on_case_page(client, case) == "Not on an upcoming agenda."
        case_set_risk(case=case, acting_user=staff["london-police"], rank=3, label="High", source="SASH")
        assert case.reference in agenda_of(client, meeting)

    def test_the_meetings_list_counts_what_is_on_each_agenda_now(self, london, make_case, upcoming, as_user):
        meeting = upcoming()
        client = as_user("london-police")
        url = reverse("meetings:list", args=["london"])

        def cases_listed() -> str:
            page = text(client.get(url))
            row = re.search(rf'<tr class="govuk-table__row">(?:(?!</tr>).)*?/meetings/{meeting.pk}/".*?</tr>', page, re.S)
            cells = re.findall(r'<td class="govuk-table__cell[^"]*">(.*?)</td>', row.group(0), re.S)
            return cells[2].strip()

        assert cases_listed() == "0"
        make_case(london, risk=3)
        make_case(london, risk=3)
        assert cases_listed() == "2"
        assert AgendaItem.objects.filter(meeting=meeting).count() == 2


class TestTheChairsChangesStay:
    def test_a_removed_case_does_not_come_back_when_its_inputs_change_and_an_added_one_stays(
        self, london, make_case, old_case, upcoming, as_user, staff
    ):
        from masip.monitoring.rereview import review_trigger_raise

        removed = make_case(london, risk=3)
        added = old_case(risk=1)  # nothing calls for it
        meeting = upcoming()
        client = as_user("london-police")
        item = meeting.items.get(case=removed)
        client.post(reverse("meetings:item_remove", args=[meeting.pk, item.pk]), {"reason": "Seen by OIC today"})
        client.post(
            reverse("meetings:item_add", args=[meeting.pk]),
            {"case_reference": added.reference, "reason": "Advocate is worried"},
        )
        with transaction.atomic():
            review_trigger_raise(
                case=removed, kind="new_incident", reason="Another message", acting_user=staff["london-police"]
            )
        agenda = agenda_of(client, meeting)
        assert removed.reference not in agenda and added.reference in agenda
        assert next_meeting_on_case_page(client, removed) == "Not on an upcoming agenda."
        assert next_meeting_on_case_page(client, added) == str(meeting)
        item.refresh_from_db()
        assert item.removal_reason == "Seen by OIC today"

    def test_nothing_recorded_is_lost_when_the_reason_for_a_case_goes(
        self, london, make_case, daily, as_user, staff
    ):
        case = make_case(london)
        meeting = daily()
        client = as_user("london-police")
        item = meeting.items.get(case=case)
        client.post(
            reverse("meetings:item_share", args=[meeting.pk, item.pk]),
            {
                "share-source_agency": staff["london-police"].agency_id,
                "share-category": "case_management",
                "share-title": "Statement taken",
                "share-body": "On Tuesday.",
            },
            **HTMX,
        )
        case_set_risk(case=case, acting_user=staff["london-police"], rank=1, label="Standard", source="DASH")
        assert case.reference in agenda_of(client, meeting)  # what was shared keeps it there
        assert AgendaItem.objects.get(pk=item.pk).information_entries.count() == 1


def test_there_is_no_button_to_bring_the_agenda_up_to_date(london, upcoming, as_user):
    meeting = upcoming()
    page = text(as_user("london-police").get(reverse("meetings:detail", args=[meeting.pk])))
    assert "Bring the agenda up to date" not in page


def test_reading_an_unchanged_agenda_writes_nothing(london, make_case, upcoming, as_user, count_queries):
    make_case(london, risk=3)
    meeting = upcoming()
    client = as_user("london-police")
    client.get(reverse("meetings:detail", args=[meeting.pk]))
    built = Meeting.objects.get(pk=meeting.pk).agenda_built_at
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("meetings:detail", args=[meeting.pk]))
    writes = [
        q["sql"] for q in queries.captured_queries
        if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE") and "meetings_" in q["sql"]
    ]
    assert writes == []
    assert Meeting.objects.get(pk=meeting.pk).agenda_built_at == built
