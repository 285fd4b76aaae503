"""The quarterly return through its pages: hand-counted figures, filing, re-runs, roles and exports."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from masip.audit.models import AuditEvent, Operation
from masip.reporting.models import CollectionBasis, QuarterlyReturn
from masip.reporting.periods import Quarter


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def figure_cell(response, code: str) -> str:
    match = re.search(rf'data-figure="{code}">([^<]*)<', response.content.decode())
    assert match, f"no {code} figure on the page"
    return html.unescape(match.group(1)).strip()


@pytest.fixture
def quarter():
    return Quarter.containing(timezone.localdate()).previous()


@pytest.fixture
def london_quarter(london, quarter, staff, make_referral, accept):
    """London's records in the last complete quarter, made during it. Hand count:
    referrals 3 (not the one received the day before the quarter); victims supported 1;
    direct interventions 1 perpetrator (the indirect one is not counted); people trained
    25 + >930 = >955 (the inward course for the unit's own staff is not counted)."""
    from masip.interventions.reference import shipped_type
    from masip.interventions.services import InterventionInput, intervention_record
    from masip.reporting import services
    from masip.victims.services import support_update

    day = quarter.start + timedelta(days=5)
    moment = timezone.make_aware(datetime.combine(day, time(12, 0)))
    with time_machine.travel(moment, tick=False):
        make_referral(london, suspect="Before Quarter", victim="Early Victim", received_on=quarter.start - timedelta(days=1))
        first = make_referral(london, suspect="Ryan Cole", victim="Emma Hart", received_on=day)
        second = make_referral(london, suspect="Liam Price", victim="Zoe Marsh", received_on=day)
        make_referral(london, suspect="Adam Stone", victim="Ruth Bell", received_on=day)
        accept(first)
        accept(second)
        first.refresh_from_db()
        case = first.case
        victim = case.parties.get(role="victim").person
        support_update(case=case, victim=victim, acting_user=staff["london-advocate"], status="accepted", on=day,
                       advocate=staff["london-advocate"], expected_version=0)
        intervention_record(case=case, acting_user=staff["london-health"], data=InterventionInput(
            intervention_type=shipped_type("cbt"), mode="direct", delivered_by=staff["london-health"], offered_on=day,
            start_on=day))
        intervention_record(case=case, acting_user=staff["london-police"], data=InterventionInput(
            intervention_type=shipped_type("signposting"), mode="indirect", external_service="GP", offered_on=day,
            follow_up_on=day + timedelta(days=14), start_on=day))
        for direction, number, approximate in (("outward", 25, False), ("outward", 930, True), ("inward", 6, False)):
            services.training_record(partnership=london, acting_user=staff["london-police"], data=services.TrainingInput(
                direction=direction, held_on=day, topic="Stalking awareness", trainer="DS Okafor", place="",
                audience_kinds=["police"], number_trained=number, number_is_lower_bound=approximate))
    return {"case": case, "day": day}


def test_the_return_matches_the_hand_count(london_quarter, quarter, as_user):
    page = as_user("london-police").get(reverse("reporting:return_detail", args=["london", quarter.code]))
    assert page.status_code == 200
    assert figure_cell(page, "referrals") == "3"
    assert figure_cell(page, "victims_supported") == "1"
    assert figure_cell(page, "direct_interventions") == "1"
    assert figure_cell(page, "people_trained") == ">955"
    assert "Not filed yet" in text(page)


def test_records_added_after_the_quarter_do_not_change_it_and_a_re_run_lists_them(
    london, london_quarter, quarter, as_user, make_referral
):
    client = as_user("london-manager")
    url = reverse("reporting:return_detail", args=["london", quarter.code])
    filed = client.post(reverse("reporting:return_file", args=["london", quarter.code]), {"note": "Q return"})
    assert filed.status_code == 302
    stored = QuarterlyReturn.objects.get()
    assert stored.figures["referrals"] == {"value": 3, "reported": True, "lower_bound": False, "note": ""}
    assert (stored.revision, stored.filed_by.username) == (1, "london-manager")
    assert AuditEvent.objects.filter(action="return.file", subjects__object_id=stored.pk).exists()
    # Recorded today, for a day in the quarter: the quarter as it stood at its end is unchanged...
    make_referral(london, suspect="Late Entry", victim="Late Victim", received_on=london_quarter["day"])
    page = client.get(url)
    assert figure_cell(page, "referrals") == "3"
    stored.refresh_from_db()
    assert stored.figures["referrals"]["value"] == 3
    # ... and re-running it against the records now lists the difference.
    assert "Referrals 3 4" in text(page)
    # A new revision takes today's figures; the first stays.
    client.post(reverse("reporting:return_file", args=["london", quarter.code]), {})
    assert list(QuarterlyReturn.objects.order_by("revision").values_list("revision", "figures__referrals__value")) == [
        (1, 3), (2, 4)]
    assert "No differences" in text(client.get(url))


def test_a_correction_after_filing_shows_as_a_difference(london, london_quarter, quarter, as_user, staff):
    from masip.reporting import services
    from masip.reporting.models import TrainingEvent

    client = as_user("london-manager")
    client.post(reverse("reporting:return_file", args=["london", quarter.code]), {})
    event = TrainingEvent.objects.get(number_trained=25)
    services.training_correct(
        event=event, acting_user=staff["london-manager"], reason="Recount", expected_version=event.version,
        data=services.TrainingInput(direction="outward", held_on=event.held_on, topic=event.topic, trainer=event.trainer,
                                    place="", audience_kinds=["police"], number_trained=30),
    )
    page = client.get(reverse("reporting:return_detail", args=["london", quarter.code]))
    assert figure_cell(page, "people_trained") == ">955"  # the filed figure
    assert "People trained >955 >960" in text(page)


def test_a_figure_the_partnership_does_not_collect_is_not_reported(london, london_quarter, quarter, as_user):
    CollectionBasis.objects.create(partnership=london, figure="victims_supported", collected=False,
                                   note="Not collected in this quarter")
    CollectionBasis.objects.create(partnership=london, figure="people_trained", note="Probation only")
    page = as_user("london-police").get(reverse("reporting:return_detail", args=["london", quarter.code]))
    assert figure_cell(page, "victims_supported") == "not reported"
    assert "Probation only" in text(page)


def test_unit_staff_see_the_records_behind_a_figure(london_quarter, quarter, as_user):
    client = as_user("london-advocate")
    page = client.get(reverse("reporting:return_records", args=["london", quarter.code, "referrals"]))
    shown = text(page)
    assert page.status_code == 200 and "Referrals: 3" in shown
    assert shown.count("LON-R") == 3
    assert "Emma Hart" not in shown  # references and dates, never a name
    assert client.get(reverse("reporting:return_records", args=["london", quarter.code, "nonsense"])).status_code == 404
    assert as_user("pmo").get(reverse("reporting:return_records", args=["london", quarter.code, "referrals"])).status_code == 403


def test_the_programme_office_sees_counts_only_with_small_numbers_suppressed(london_quarter, quarter, as_user):
    page = as_user("pmo").get(reverse("reporting:return_detail", args=["london", quarter.code]))
    assert page.status_code == 200
    assert figure_cell(page, "referrals") == "fewer than 5"
    assert figure_cell(page, "victims_supported") == "fewer than 5"
    # Shown as in the programme's table, where London's 955 is withheld (the other partnerships
    # trained nobody, so it could be read off the programme total): the two pages cannot be combined.
    assert figure_cell(page, "people_trained") == "withheld"
    programme = text(as_user("pmo").get(reverse("reporting:programme_return", args=[quarter.code])))
    assert "London fewer than 5 fewer than 5 fewer than 5 withheld" in programme
    body = page.content.decode()
    assert "LON-R" not in body and "LON-C" not in body and "Emma Hart" not in body
    assert reverse("reporting:return_records", args=["london", quarter.code, "referrals"]) not in body
    assert "Sign off" not in body


def test_quarters_not_yet_ended_and_nonsense_are_not_found(london, as_user):
    client = as_user("london-manager")
    this_quarter = Quarter.containing(timezone.localdate()).code
    assert client.get(reverse("reporting:return_detail", args=["london", this_quarter])).status_code == 404
    assert client.post(reverse("reporting:return_file", args=["london", this_quarter])).status_code == 404
    assert client.get(reverse("reporting:return_detail", args=["london", "2026-Q9"])).status_code == 404
    assert as_user("cheshire-manager").get(reverse("reporting:returns", args=["london"])).status_code == 404


def test_exports_are_logged_as_disclosures_and_neutralise_formulas(london, london_quarter, quarter, as_user):
    from openpyxl import load_workbook

    CollectionBasis.objects.create(partnership=london, figure="people_trained", note="=HYPERLINK(\"x\")")
    client = as_user("london-manager")
    response = client.get(reverse("reporting:return_export", args=["london", quarter.code, "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["Referrals", "3"] == rows[3][:2]
    assert ["People trained", ">955", "'=HYPERLINK(\"x\")"] == rows[6][:3]
    xlsx = client.get(reverse("reporting:return_export", args=["london", quarter.code, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Referrals", "3"] in [v[:2] for v in values]
    assert "'=HYPERLINK(\"x\")" in [v[2] for v in values]
    pdf = client.get(reverse("reporting:return_export", args=["london", quarter.code, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    events = AuditEvent.objects.filter(operation=Operation.DISCLOSURE, action="reporting.export.return")
    assert sorted(e.details["format"] for e in events) == ["csv", "pdf", "xlsx"]
    assert all(e.username == "london-manager" for e in events)
    assert client.get(reverse("reporting:return_export", args=["london", quarter.code, "doc"])).status_code == 404


def test_the_programme_return_is_suppressed_and_its_export_logged(london_quarter, quarter, as_user):
    client = as_user("pmo")
    page = client.get(reverse("reporting:programme_return", args=[quarter.code]))
    assert page.status_code == 200
    shown = text(page)
    # Cheshire and Hampshire trained nobody (fewer than 5), so London's 955 could be read off the
    # total: it is withheld (secondary suppression).
    assert "Cheshire fewer than 5 fewer than 5 fewer than 5 fewer than 5" in shown
    assert "London fewer than 5 fewer than 5 fewer than 5 withheld" in shown
    assert "All partnerships fewer than 5 fewer than 5 fewer than 5 >955" in shown
    assert "LON-R" not in page.content.decode()
    response = client.get(reverse("reporting:programme_export", args=[quarter.code, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    published = [cell for row in rows[3:] for cell in row[1:]]
    for cell in published:
        digits = cell.lstrip(">").replace(",", "")
        assert not digits.isdigit() or int(digits) >= 5, f"a count below 5 was published: {rows}"
    assert AuditEvent.objects.filter(operation=Operation.DISCLOSURE, action="reporting.export.programme_return",
                                     username="pmo").exists()
    assert as_user("london-manager").get(reverse("reporting:programme_return", args=[quarter.code])).status_code == 403


def test_a_return_marked_for_publication_is_exported_suppressed(london, london_quarter, quarter, as_user):
    client = as_user("london-manager")
    client.post(reverse("reporting:return_file", args=["london", quarter.code]), {"for_publication": "on"})
    response = client.get(reverse("reporting:return_export", args=["london", quarter.code, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    figures = {row[0]: row[1] for row in rows if len(row) > 1}
    assert figures["Referrals"] == "fewer than 5"
    assert figures["People trained"] == "withheld"  # as the programme table publishes it
    event = AuditEvent.objects.get(action="reporting.export.return")
    assert event.details["suppressed"] is True and event.recipient == "publication"


def test_the_manager_records_a_figure_not_collected_through_the_page(london, london_quarter, quarter, as_user):
    client = as_user("london-manager")
    url = reverse("reporting:collection", args=["london"])
    assert as_user("london-police").get(url).status_code == 403
    client = as_user("london-manager")
    form = client.get(url)
    assert form.status_code == 200
    response = client.post(url, {
        "version": "0", "collected_referrals": "on", "collected_direct_interventions": "on",
        "collected_people_trained": "on", "note_people_trained": "Probation only",
    })
    assert response.status_code == 302
    page = client.get(reverse("reporting:return_detail", args=["london", quarter.code]))
    assert figure_cell(page, "victims_supported") == "not reported"
    assert figure_cell(page, "referrals") == "3"
    assert "Probation only" in text(page)
    assert AuditEvent.objects.filter(action="return.collection").count() == 2
