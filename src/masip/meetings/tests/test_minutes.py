"""Minutes: one record, and a version per recipient agency that leaves out what it may not see."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from masip.access.models import Category
from masip.audit.models import AuditEvent
from masip.meetings import services
from masip.meetings.minutes import build_minutes
from masip.partnerships.models import Agency
from masip.sharing.models import InformationEntry

AGENCIES = {
    "health": "STAC forensic mental health team (NHS)",
    "probation": "National Probation Service - London",
    "police": "Metropolitan Police Service",
    "advocacy": "STAC stalking victim advocacy",
}


@pytest.fixture
def closed_meeting(london, make_case, daily, staff):
    """A discussed case with one entry from each agency, and the meeting closed."""
    case = make_case(london, risk=3, suspect="Ryan Cole", victim="Emma Hart")
    meeting = daily()
    item = meeting.items.get(case=case)
    for source, category, title in [
        ("health", Category.HEALTH_CLINICAL, "HEALTH-ENTRY depression since 2017"),
        ("probation", Category.PROBATION, "PROBATION-ENTRY on licence"),
        ("police", Category.POLICE_INTELLIGENCE, "POLICE-ENTRY two warnings"),
        ("advocacy", Category.VICTIM_CONTACT, "CONTACT-ENTRY new address held by the advocate"),
        ("police", Category.CASE_MANAGEMENT, "CASE-ENTRY statement taken"),
    ]:
        services.item_share_information(
            item=item,
            acting_user=staff["london-police"],
            source_agency=Agency.objects.get(name=AGENCIES[source]),
            category=category,
            title=title,
            body="Detail.",
        )
    services.item_record_discussion(
        item=item,
        acting_user=staff["london-police"],
        expected_version=0,
        record=services.DiscussionInput(discussion="DISCUSSION-TEXT", agreed_risk_rank=3),
    )
    return services.meeting_close(meeting=meeting, acting_user=staff["london-police"])


def titles(minutes):
    return {e.title.split()[0] for m in minutes.items for e in m.shared}


@pytest.mark.parametrize(
    "producer, recipient, expected",
    [
        # Health's own minutes have health's entry; probation's version never does.
        ("london-health", "health", {"HEALTH-ENTRY", "CASE-ENTRY"}),
        ("london-health", "probation", {"CASE-ENTRY"}),
        # Probation reads probation and police information; police produces theirs.
        ("london-police", "probation", {"PROBATION-ENTRY", "POLICE-ENTRY", "CASE-ENTRY"}),
        # The producer never sees more through a recipient's version than they may see themselves.
        ("london-police", "health", {"CASE-ENTRY"}),
        ("london-police", "advocacy", {"CASE-ENTRY"}),
    ],
)
def test_each_recipient_s_version_leaves_out_what_it_may_not_see(
    closed_meeting, staff, producer, recipient, expected
):
    minutes = build_minutes(
        closed_meeting, reader=staff[producer], recipient=Agency.objects.get(name=AGENCIES[recipient])
    )
    assert titles(minutes) == expected
    assert minutes.items[0].item.discussion == "DISCUSSION-TEXT"


def test_victim_contact_details_are_never_in_minutes_even_for_those_who_may_see_them(closed_meeting, staff):
    assert InformationEntry.objects.filter(category=Category.VICTIM_CONTACT).exists()
    for username in ("london-police", "london-advocate"):
        assert "CONTACT-ENTRY" not in titles(build_minutes(closed_meeting, reader=staff[username]))


def test_the_pdf_for_an_agency_is_a_logged_disclosure(closed_meeting, as_user, staff):
    client = as_user("london-police")
    probation = Agency.objects.get(name=AGENCIES["probation"])
    response = client.get(reverse("meetings:minutes_pdf", args=[closed_meeting.pk]) + f"?for={probation.pk}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "for-London-NPS" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="meeting.minutes_export")
    assert (event.operation, event.recipient, event.username) == ("disclosure", "London NPS", "london-police")
    assert event.details["entries_shared"] == 3


def test_the_pdf_is_made_from_the_recipient_s_version(closed_meeting, staff, monkeypatch):
    """What goes into the PDF for probation (captured before WeasyPrint renders it)."""
    import weasyprint

    rendered = []
    real = weasyprint.HTML

    def capture(*, string):
        rendered.append(string)
        return real(string=string)

    monkeypatch.setattr(weasyprint, "HTML", capture)
    services.minutes_export(
        meeting=closed_meeting,
        acting_user=staff["london-police"],
        recipient=Agency.objects.get(name=AGENCIES["probation"]),
    )
    (document,) = rendered
    assert "PROBATION-ENTRY" in document and "POLICE-ENTRY" in document
    assert "HEALTH-ENTRY" not in document and "CONTACT-ENTRY" not in document and "Emma Hart" not in document
    assert "Minutes for London NPS" in html.unescape(document)


def test_the_pdf_s_text_for_health_has_health_s_entry_and_probation_s_does_not(
    closed_meeting, staff, tmp_path
):
    import shutil
    import subprocess

    # `make test` installs poppler-utils (scripts/system-deps.sh); without it this must fail, not skip.
    assert shutil.which("pdftotext"), "pdftotext is missing: run `make system-deps`"
    texts = {}
    for producer, recipient in (("london-health", "health"), ("london-health", "probation")):
        pdf = tmp_path / f"{recipient}.pdf"
        pdf.write_bytes(
            services.minutes_export(
                meeting=closed_meeting,
                acting_user=staff[producer],
                recipient=Agency.objects.get(name=AGENCIES[recipient]),
            )
        )
        texts[recipient] = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    assert "HEALTH-ENTRY" in texts["health"] and "HEALTH-ENTRY" not in texts["probation"]
    assert "DISCUSSION-TEXT" in texts["probation"] and "Ryan Cole" in texts["probation"]


def test_minutes_go_out_only_once_the_meeting_is_closed(london, make_case, daily, as_user):
    make_case(london, risk=3)
    meeting = daily()
    client = as_user("london-police")
    police = Agency.objects.get(name=AGENCIES["police"])
    response = client.get(
        reverse("meetings:minutes_pdf", args=[meeting.pk]) + f"?for={police.pk}", follow=True
    )
    assert "Minutes go to partner agencies once the meeting is closed" in html.unescape(
        response.content.decode()
    )
    assert not AuditEvent.objects.filter(action="meeting.minutes_export").exists()
    page = html.unescape(client.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode())
    assert "Draft: the meeting is not closed" in page


def test_an_agency_outside_the_partnership_gets_nothing(closed_meeting, as_user):
    cheshire_police = Agency.objects.get(name="Cheshire Constabulary")
    response = as_user("london-police").get(
        reverse("meetings:minutes_pdf", args=[closed_meeting.pk]) + f"?for={cheshire_police.pk}", follow=True
    )
    assert "Select the agency the minutes are for" in html.unescape(response.content.decode())
    assert not AuditEvent.objects.filter(action="meeting.minutes_export").exists()


def test_another_partnership_cannot_open_the_minutes(closed_meeting, as_user):
    assert (
        as_user("cheshire-police").get(reverse("meetings:minutes", args=[closed_meeting.pk])).status_code
        == 404
    )
