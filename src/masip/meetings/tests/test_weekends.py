"""Weekends and days before a meeting (issue 9): a weekday series scheduled on a Sunday meets on the
Monday, and a meeting dated Monday is not run or closed on the Sunday - nor on any day before it
is held. Each test travels explicitly to the day it needs, so it passes whatever day the suite
runs on (MASIP_TEST_NOW)."""

from __future__ import annotations

import html
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from masip.actions.models import CaseAction
from masip.meetings import services
from masip.meetings.models import Attendance, Meeting
from masip.sharing.models import InformationEntry

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return html.unescape(response.content.decode())


def at(day: date, clock: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock))


def next_sunday(*, summer_time: bool = False) -> date:
    """The next Sunday from today; with summer_time, the next one in British Summer Time."""
    day = timezone.localdate()
    day += timedelta(days=(6 - day.weekday()) % 7)
    while summer_time and at(day, time(23, 30)).utcoffset() == timedelta(0):
        day += timedelta(days=7)
    return day


@pytest.fixture
def travel(request):
    def to(moment: datetime):
        traveller = time_machine.travel(moment, tick=True)
        traveller.start()
        request.addfinalizer(traveller.stop)

    return to


def test_a_weekday_series_scheduled_on_a_sunday_meets_on_the_monday_and_the_page_says_so(
    london, series_named, as_user, travel
):
    sunday = next_sunday()
    travel(at(sunday, time(23, 30)))
    client = as_user("london-manager")
    form = text(client.get(reverse("meetings:schedule", args=["london"])))
    monday = sunday + timedelta(days=1)
    assert f'value="{monday.day}"' in form  # the date offered is the next working day
    response = client.post(
        reverse("meetings:schedule", args=["london"]),
        {
            "series": series_named(london, "Daily morning case review").pk,
            "first_0": sunday.day,
            "first_1": sunday.month,
            "first_2": sunday.year,
            "count": 1,
        },
        follow=True,
    )
    meeting = Meeting.objects.get()
    assert meeting.held_on == monday
    assert f"meets on weekdays, so the first meeting is on Monday {monday:%-d %B}" in text(response)


@pytest.mark.parametrize("summer_time", [False, True])
def test_a_monday_meeting_is_not_run_or_closed_on_the_sunday_before(
    london, make_case, daily, as_user, staff, travel, summer_time
):
    sunday = next_sunday(summer_time=summer_time)
    travel(at(sunday, time(23, 30)))
    case = make_case(london, risk=3)
    meeting = daily(hold=False)
    monday = sunday + timedelta(days=1)
    assert meeting.held_on == monday
    item = meeting.items.get(case=case)
    client = as_user("london-police")
    due = monday + timedelta(days=3)
    posts = {
        "attendance": (reverse("meetings:attendance", args=[meeting.pk]), {f"staff_{staff['london-police'].pk}": "present"}),
        "share": (
            reverse("meetings:item_share", args=[meeting.pk, item.pk]),
            {
                "share-source_agency": staff["london-police"].agency_id,
                "share-category": "case_management",
                "share-title": "Statement",
                "share-body": "Taken.",
            },
        ),
        "record": (
            reverse("meetings:item_record", args=[meeting.pk, item.pk]),
            {"record-version": 0, "record-discussion": "Talked it through."},
        ),
        "action": (
            reverse("meetings:item_action", args=[meeting.pk, item.pk]),
            {
                "action-description": "Advice to the OIC",
                "action-owner_agency": staff["london-police"].agency_id,
                "action-due_on_0": due.day,
                "action-due_on_1": due.month,
                "action-due_on_2": due.year,
            },
        ),
        "close": (reverse("meetings:close", args=[meeting.pk]), {}),
    }
    message = f"This meeting is on Monday {monday:%-d %B %Y}"
    for name, (url, data) in posts.items():
        response = client.post(url, data)
        assert response.status_code == 409, name
        assert "Nothing was saved" in text(response) and message in text(response), name
    panel = client.post(posts["record"][0], posts["record"][1], **HTMX)
    assert "Nothing was saved" in text(panel) and message in text(panel)
    with pytest.raises(services.MeetingNotYetHeld, match=message):
        services.meeting_close(meeting=meeting, acting_user=staff["london-police"])
    meeting.refresh_from_db()
    item.refresh_from_db()
    assert meeting.status == "scheduled" and item.discussion == "" and item.discussed_at is None
    assert not Attendance.objects.exists() and not InformationEntry.objects.exists()
    assert not CaseAction.objects.exists()
    page = text(client.get(reverse("meetings:detail", args=[meeting.pk])))
    assert "Save the discussion" not in page and "Close the meeting" not in page
    assert "This meeting is on Monday" in page

    # Half past midnight on the Monday (in summer time, still Sunday in UTC): the meeting can be run.
    travel(at(monday, time(0, 30)))
    client = as_user("london-police")
    response = client.post(posts["record"][0], posts["record"][1], **HTMX)
    assert "Discussion of" in text(response) and "saved" in text(response)
    assert client.post(*posts["close"]).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "closed"


def test_no_meeting_is_run_before_its_day(hampshire, make_case, schedule, staff):
    make_case(hampshire)
    meeting = schedule(hampshire, "Weekly triage meeting", day=timezone.localdate() + timedelta(days=3))
    item = meeting.items.get()
    with pytest.raises(services.MeetingNotYetHeld, match="This meeting is on"):
        services.item_record_discussion(
            item=item,
            acting_user=staff["hampshire-police"],
            expected_version=0,
            record=services.DiscussionInput(discussion="Early."),
        )
    with pytest.raises(services.MeetingNotYetHeld):
        services.attendance_record(meeting=meeting, acting_user=staff["hampshire-police"], staff_statuses={},
                                   expected_version=meeting.attendance_version)
    # Preparing the agenda before the day is the chair's job, and is allowed.
    services.agenda_item_remove(item=item, acting_user=staff["hampshire-police"], reason="Triaged by phone")
