"""Running a meeting through the pages people use: attendance, what each agency shares and who
may later read it, the discussion and decisions, and a closed meeting refusing every change."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from masip.access.models import Category
from masip.actions.models import CaseAction
from masip.audit.models import AuditEvent, FieldChange
from masip.cases.models import Case
from masip.meetings import services
from masip.meetings.models import AgendaItem, Attendance, MeetingStatus
from masip.partnerships.models import Agency
from masip.sharing.models import InformationEntry

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def meeting_with_case(london, make_case, daily):
    case = make_case(london, risk=3, suspect="Ryan Cole", victim="Emma Hart")
    meeting = daily()
    return meeting, meeting.items.get(case=case), case


def agency(name):
    return Agency.objects.get(name=name)


def share(client, meeting, item, *, source, category, title, htmx=False):
    return client.post(
        reverse("meetings:item_share", args=[meeting.pk, item.pk]),
        {
            "share-source_agency": agency(source).pk,
            "share-category": category,
            "share-title": title,
            "share-body": title + " in full.",
        },
        **(HTMX if htmx else {}),
    )


def record(client, meeting, item, *, version=None, **fields):
    data = {
        "record-version": item.version if version is None else version,
        "record-discussion": "Talked it through.",
    }
    data.update({f"record-{k}": v for k, v in fields.items()})
    return client.post(reverse("meetings:item_record", args=[meeting.pk, item.pk]), data, **HTMX)


class TestAttendance:
    def test_staff_by_person_and_agency_apologies_and_a_guest(self, meeting_with_case, as_user, staff):
        meeting, _, _ = meeting_with_case
        client = as_user("london-police")
        page = client.get(reverse("meetings:attendance", args=[meeting.pk]))
        assert page.status_code == 200 and "Kieran Doyle" in text(page)
        data = {f"staff_{u.pk}": "" for u in staff.values()}
        data |= {
            f"staff_{staff['london-police'].pk}": "present",
            f"staff_{staff['london-health'].pk}": "present",
            f"staff_{staff['london-advocate'].pk}": "apologies",
            "guest_name": "Dana Price",
            "guest_role": "Officer in charge",
            "guest_agency": agency("Metropolitan Police Service").pk,
            "guest_status": "present",
            "version": 0,  # nobody recorded yet
        }
        assert client.post(reverse("meetings:attendance", args=[meeting.pk]), data).status_code == 302
        rows = {(a.display_name, str(a.agency), a.status) for a in Attendance.objects.filter(meeting=meeting)}
        assert rows == {
            ("Sam Okafor", "Met Police", "present"),
            ("Nadia Farrant", "STAC Health", "present"),
            ("Joanne Pike", "STAC Advocacy", "apologies"),
            ("Dana Price", "Met Police", "present"),
        }
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.IN_PROGRESS
        minutes = text(client.get(reverse("meetings:minutes", args=[meeting.pk])))
        assert "Apologies:" in minutes and "Joanne Pike (STAC Advocacy)" in minutes
        assert "Expected but not represented:" in minutes and "Probation (NPS)" in minutes

    def test_guests_from_outside_the_partnership_are_recorded_with_their_organisation(
        self, meeting_with_case, as_user, staff
    ):
        meeting, _, _ = meeting_with_case
        client = as_user("london-police")
        url = reverse("meetings:attendance", args=[meeting.pk])
        staff_data = {f"staff_{staff['london-police'].pk}": "present"}
        for guest in [
            {"guest_name": "Priya Shah", "guest_role": "CPS lawyer", "guest_organisation": "Crown Prosecution Service London"},
            {"guest_name": "Tom Reid", "guest_role": "MARAC chair", "guest_organisation": "Lambeth MARAC"},
        ]:
            meeting.refresh_from_db()
            version = {"version": meeting.attendance_version}
            assert client.post(url, {**staff_data, **guest, **version, "guest_status": "present"}).status_code == 302
        guests = Attendance.objects.filter(meeting=meeting, user__isnull=True).order_by("name")
        assert [(g.name, g.agency, g.organisation) for g in guests] == [
            ("Priya Shah", None, "Crown Prosecution Service London"),
            ("Tom Reid", None, "Lambeth MARAC"),
        ]
        page = text(client.get(url))
        assert "Priya Shah (Crown Prosecution Service London)" in page  # listed to remove, with where from
        minutes = re.sub(r"<[^>]+>", "", text(client.get(reverse("meetings:minutes", args=[meeting.pk]))))
        assert (
            "Guests from outside the partnership: Priya Shah, CPS lawyer (Crown Prosecution Service London); "
            "Tom Reid, MARAC chair (Lambeth MARAC)" in minutes
        )
        assert "Met Police: Sam Okafor" in minutes  # partner agencies list only their own people
        services.meeting_close(meeting=meeting, acting_user=staff["london-police"])
        closed = text(client.get(url))
        assert "Lambeth MARAC (guest from outside the partnership)" in closed

    @pytest.mark.parametrize(
        "guest, message",
        [
            ({"guest_name": "Priya Shah"}, "Select the guest's partner agency, or enter the organisation they are from"),
            (
                {"guest_name": "Priya Shah", "guest_organisation": "CPS London", "guest_agency": "Metropolitan Police Service"},
                "Enter an organisation only for a guest who is not from a partner agency",
            ),
            ({"guest_organisation": "CPS London"}, "Enter the guest's name"),
        ],
    )
    def test_a_guest_is_from_a_partner_agency_or_an_organisation_not_both_nor_neither(
        self, meeting_with_case, as_user, guest, message
    ):
        meeting, _, _ = meeting_with_case
        if "guest_agency" in guest:
            guest = {**guest, "guest_agency": agency(guest["guest_agency"]).pk}
        response = as_user("london-police").post(reverse("meetings:attendance", args=[meeting.pk]), guest)
        assert response.status_code == 200 and message in text(response)
        assert not Attendance.objects.exists()

    def test_a_guest_from_an_agency_outside_the_partnership_is_refused(self, meeting_with_case, staff):
        meeting, _, _ = meeting_with_case
        with pytest.raises(Exception, match="not a partner agency of London"):
            services.attendance_record(
                meeting=meeting,
                acting_user=staff["london-police"],
                staff_statuses={},
                expected_version=0,
                add_guest=services.GuestInput(name="X", agency=agency("Cheshire Constabulary")),
            )
        assert not Attendance.objects.exists()


class TestSharingAtTheMeeting:
    def test_each_agency_s_entry_is_stored_with_its_category_and_source(self, meeting_with_case, as_user):
        meeting, item, case = meeting_with_case
        response = share(
            as_user("london-probation"),
            meeting,
            item,
            source="National Probation Service - London",
            category=Category.PROBATION,
            title="On licence",
            htmx=True,
        )
        assert response.status_code == 200 and "Recorded what London NPS shared" in text(response)
        entry = InformationEntry.objects.get(agenda_item=item)
        assert (entry.case, entry.category, str(entry.source_agency)) == (case, "probation", "London NPS")
        assert AuditEvent.objects.filter(action="information.record", details__at_meeting=meeting.pk).exists()

    @pytest.mark.parametrize(
        "source, category, readers, hidden_from",
        [
            (
                "STAC forensic mental health team (NHS)",
                Category.HEALTH_CLINICAL,
                ["london-health"],
                ["london-probation", "london-police", "london-advocate"],
            ),
            (
                "National Probation Service - London",
                Category.PROBATION,
                ["london-probation", "london-police"],
                ["london-health", "london-advocate"],
            ),
            (
                "STAC stalking victim advocacy",
                Category.ADVOCACY_NOTES,
                ["london-advocate"],
                ["london-police", "london-health", "london-probation"],
            ),
            (
                "Metropolitan Police Service",
                Category.CASE_MANAGEMENT,
                ["london-police", "london-health", "london-advocate", "london-probation"],
                [],
            ),
        ],
    )
    def test_what_was_shared_reaches_only_those_the_policy_allows(
        self, meeting_with_case, as_user, give_reason, source, category, readers, hidden_from
    ):
        meeting, item, case = meeting_with_case
        share(
            as_user("london-police"),
            meeting,
            item,
            source=source,
            category=category,
            title="Marker entry 7731",
        )
        for username in readers + hidden_from:
            client = as_user(username)
            meeting_page = text(
                client.get(reverse("meetings:detail", args=[meeting.pk]) + f"?item={item.pk}")
            )
            panel = text(client.get(reverse("meetings:item", args=[meeting.pk, item.pk]), **HTMX))
            give_reason(client, case)
            case_page = text(client.get(reverse("cases:detail", args=[case.pk])))
            minutes = text(client.get(reverse("meetings:minutes", args=[meeting.pk])))
            seen = ["Marker entry 7731" in page for page in (meeting_page, panel, case_page, minutes)]
            if username in readers:
                assert seen == [True, True, True, False], username  # minutes: only once discussed
            else:
                assert seen == [False, False, False, False], username

    def test_the_recorder_is_told_when_what_they_recorded_is_not_shown_to_their_agency(
        self, meeting_with_case, as_user
    ):
        meeting, item, _ = meeting_with_case
        response = share(
            as_user("london-police"),
            meeting,
            item,
            source="STAC forensic mental health team (NHS)",
            category=Category.HEALTH_CLINICAL,
            title="Clinic history",
            htmx=True,
        )
        assert "Health and clinical information from STAC Health is not shown to your agency" in text(
            response
        )
        assert "Clinic history" not in text(response)

    def test_an_agency_outside_the_partnership_cannot_be_recorded_as_the_source(
        self, meeting_with_case, as_user
    ):
        meeting, item, _ = meeting_with_case
        response = share(
            as_user("london-police"),
            meeting,
            item,
            source="Cheshire Constabulary",
            category=Category.POLICE_INTELLIGENCE,
            title="x",
            htmx=True,
        )
        assert "The agency chosen is not a partner agency of London" in text(response)
        assert "Cheshire" not in text(response)  # another partnership's agency is not named
        assert not InformationEntry.objects.filter(agenda_item=item).exists()


class TestDiscussion:
    def test_agreed_risk_and_stalker_type_become_the_case_s_and_are_logged_field_by_field(
        self, meeting_with_case, as_user
    ):
        meeting, item, case = meeting_with_case
        response = record(
            as_user("london-health"),
            meeting,
            item,
            agreed_risk_rank="2",
            agreed_stalker_type="resentful",
            next_steps="Psychology to assess.",
            keep_on_agenda="on",
        )
        assert response.status_code == 200 and f"Discussion of {case.reference} saved" in text(response)
        case.refresh_from_db()
        assert (case.risk_rank, case.stalker_type) == (2, "resentful")
        assert case.risk_source == f"Agreed at {meeting}"
        assert FieldChange.objects.filter(
            object_type="case", object_id=case.pk, field="risk_rank", new_value="2"
        ).exists()
        item.refresh_from_db()
        assert item.keep_on_agenda and item.discussed_at and item.version == 1
        assert "(discussed)" in text(response)  # the agenda beside it is updated too

    def test_two_people_saving_from_the_same_copy_the_second_is_refused_not_overwritten(
        self, meeting_with_case, as_user
    ):
        meeting, item, _ = meeting_with_case
        record(as_user("london-police"), meeting, item, version=0, discussion="First account.")
        response = record(as_user("london-health"), meeting, item, version=0, discussion="Second account.")
        assert "Someone else saved this case's record while you were editing it" in text(response)
        item.refresh_from_db()
        assert item.discussion == "First account."

    def test_an_empty_record_is_refused(self, meeting_with_case, as_user):
        meeting, item, _ = meeting_with_case
        response = record(as_user("london-police"), meeting, item, discussion="")
        assert "Enter the discussion or record a decision" in text(response)


class TestClosedMeeting:
    @pytest.fixture
    def closed(self, meeting_with_case, staff):
        meeting, item, case = meeting_with_case
        services.meeting_close(meeting=meeting, acting_user=staff["london-police"])
        return meeting, item, case

    def test_every_change_is_refused_clearly_and_nothing_is_saved(self, closed, as_user, staff):
        meeting, item, case = closed
        client = as_user("london-police")
        due = timezone.localdate() + timedelta(days=3)
        posts = [
            (
                reverse("meetings:item_share", args=[meeting.pk, item.pk]),
                {
                    "share-source_agency": staff["london-police"].agency_id,
                    "share-category": "case_management",
                    "share-title": "x",
                    "share-body": "y",
                },
            ),
            (
                reverse("meetings:item_record", args=[meeting.pk, item.pk]),
                {"record-version": 0, "record-discussion": "x"},
            ),
            (
                reverse("meetings:item_action", args=[meeting.pk, item.pk]),
                {
                    "action-description": "x",
                    "action-owner_agency": staff["london-police"].agency_id,
                    "action-due_on_0": due.day,
                    "action-due_on_1": due.month,
                    "action-due_on_2": due.year,
                },
            ),
            (reverse("meetings:attendance", args=[meeting.pk]), {}),
            (
                reverse("meetings:item_add", args=[meeting.pk]),
                {"case_reference": case.reference, "reason": "x"},
            ),
            (reverse("meetings:item_remove", args=[meeting.pk, item.pk]), {"reason": "x"}),
            (reverse("meetings:close", args=[meeting.pk]), {}),
        ]
        for url, data in posts:
            response = client.post(url, data)
            assert response.status_code == 409, url
            assert "This meeting was closed on" in text(response) and "can no longer be changed" in text(
                response
            )
        response = client.post(posts[1][0], posts[1][1], **HTMX)
        assert response.status_code == 200 and "Nothing was saved" in text(response)
        item.refresh_from_db()
        assert item.discussion == "" and item.removed_at is None
        assert not InformationEntry.objects.filter(agenda_item=item).exists()
        assert not CaseAction.objects.exists()

    def test_the_closed_meeting_page_has_no_forms(self, closed, as_user):
        meeting, item, _ = closed
        page = text(as_user("london-police").get(reverse("meetings:detail", args=[meeting.pk])))
        assert "Save the discussion" not in page and "Add the action" not in page
        assert "Its record can no longer be changed" in page

    def test_a_closed_meeting_has_a_closed_log_entry(self, closed):
        meeting, _, _ = closed
        assert AuditEvent.objects.filter(action="meeting.close", subjects__object_id=meeting.pk).exists()


class TestNoInputProducesAnError:
    def test_junk_is_refused_with_a_page_not_a_500(self, meeting_with_case, as_user):
        meeting, item, case = meeting_with_case
        client = as_user("london-police")
        junk = {
            "record-version": "abc",
            "share-source_agency": "99999999999999999999",
            "share-category": "nope",
            "action-owner_agency": "-1",
            "action-owner_user": "x' OR 1=1",
            "action-due_on_0": "31",
            "action-due_on_1": "2",
            "action-due_on_2": "20x6",
            "record-agreed_risk_rank": "9",
            "record-refer_to": "abc",
            "reason": "\x00",
            "case_reference": "\x00" * 30,
        }
        urls = [
            reverse("meetings:item_share", args=[meeting.pk, item.pk]),
            reverse("meetings:item_record", args=[meeting.pk, item.pk]),
            reverse("meetings:item_action", args=[meeting.pk, item.pk]),
            reverse("meetings:item_add", args=[meeting.pk]),
            reverse("meetings:attendance", args=[meeting.pk]),
            reverse("meetings:schedule", args=["london"]),
            reverse("meetings:case_action_add", args=[case.pk]),
            reverse("meetings:plan_edit", args=[case.pk]),
        ]
        for url in urls:
            for extra in ({}, HTMX):
                assert client.post(url, junk, **extra).status_code in (200, 302, 409), url
        gets = [
            reverse("meetings:detail", args=[meeting.pk]) + "?item=abc",
            reverse("meetings:detail", args=[meeting.pk]) + "?item=99999999",
            reverse("meetings:actions", args=["london"])
            + "?view=x&status=y&agency=z&sort=;drop&page=-3&case=%00",
            reverse("meetings:list", args=["london"]) + "?series=abc&page=zz",
            reverse("meetings:minutes_pdf", args=[meeting.pk]) + "?for=abc",
        ]
        for url in gets:
            assert client.get(url).status_code in (200, 302, 404), url
        assert not CaseAction.objects.exists()
        assert Case.objects.get(pk=case.pk).risk_rank == 3
        assert AgendaItem.objects.get(pk=item.pk).discussion == ""
