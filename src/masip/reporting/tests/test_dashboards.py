"""The unit manager's dashboard and the programme office's, through their pages."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from masip.reporting import dashboard as measures
from masip.reporting.periods import Quarter


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_measures_on_hand_counted_rows():
    start, end = date(2026, 1, 1), date(2026, 6, 30)
    rows = [
        {"source": "police", "received_on": date(2026, 1, 2), "status": "accept", "first_decided_on": date(2026, 1, 2)},
        {"source": "police", "received_on": date(2026, 4, 2), "status": "advice", "first_decided_on": date(2026, 4, 4)},
        {"source": "health", "received_on": date(2026, 4, 3), "status": "untriaged", "first_decided_on": None},
        {"source": "health", "received_on": date(2025, 12, 31), "status": "accept", "first_decided_on": None},
    ]
    sources = measures.referrals_by_source(rows, start=start, end=end, source_labels={"police": "Police", "health": "Health"})
    assert sources.columns == ["January to March 2026", "April to June 2026"]
    assert sources.rows == [("Police", [1, 1]), ("Health", [0, 1])]
    triage = measures.time_to_triage(rows, start=start, end=end)
    assert triage.rows == [("same day", [1, 0]), ("1 to 2 days", [0, 1])]
    assert triage.notes == ["Median time to triage: 1 day (2 referrals triaged)."]
    shown = sources.as_display()
    assert shown["total"] == ["Total", "1", "2", "3"]


def test_the_unit_dashboard_for_the_manager_only(london, as_user, make_referral, accept):
    today = timezone.localdate()
    accept(make_referral(london, received_on=today - timedelta(days=1)))
    make_referral(london, suspect="Other Suspect", victim="Other Victim", received_on=today)
    client = as_user("london-manager")
    page = client.get(reverse("reporting:dashboard", args=["london"]))
    assert page.status_code == 200
    shown = text(page)
    this_quarter = Quarter.containing(today).label
    assert "Referrals by source and quarter received" in shown
    assert f"{this_quarter} Total Police" in shown and re.search(r"Police (0 )*2 2 Total", shown)
    assert "Accepted into the unit" in shown and "Awaiting triage" in shown
    assert "Open cases by current risk and lead agency" in shown
    assert "Not assessed 1 1" in shown
    body = page.content.decode()
    assert 'data-chart="chart-data-1"' in body and 'id="chart-data-1" type="application/json"' in body
    assert "Bar chart: referrals by source and quarter received, 2 in all; the largest group is police." in shown
    one_quarter = text(client.get(reverse("reporting:dashboard", args=["london"]), {"quarters": "1"}))
    assert f"From {Quarter.containing(today).start:%-d %B %Y}" in one_quarter
    assert as_user("london-police").get(reverse("reporting:dashboard", args=["london"])).status_code == 403
    assert as_user("cheshire-manager").get(reverse("reporting:dashboard", args=["london"])).status_code == 404


def test_the_programme_dashboard_suppresses_small_numbers_and_shows_no_names(london, as_user, make_referral):
    today = timezone.localdate()
    for n in range(6):
        make_referral(london, suspect=f"Suspect{n} Programme", victim=f"Victim{n} Programme", received_on=today)
    page = as_user("pmo").get(reverse("reporting:programme_dashboard"), {"quarter": Quarter.containing(today).code})
    assert page.status_code == 200
    shown = text(page)
    # The other partnerships' nil counts are fewer than 5; London's six police referrals could then be
    # read off the column total, so that cell is withheld too (secondary suppression).
    referrals = shown.split("Referrals by source")[1].split("Triage outcomes")[0]
    assert "Cheshire fewer than 5" in referrals and "London withheld" in referrals
    assert "Programme management office" not in referrals  # sources in groups
    assert "Victim services" in referrals
    body = page.content.decode()
    assert "Suspect0" not in body and "LON-R" not in body
    for cell in re.findall(r'govuk-table__cell--numeric">(?:<strong>)?([^<]*)<', body):
        cell = cell.strip()
        assert not cell.replace(",", "").isdigit() or int(cell.replace(",", "")) >= 5, cell
    assert as_user("london-manager").get(reverse("reporting:programme_dashboard")).status_code == 403


def test_dashboard_queries_do_not_grow_with_the_data(london, as_user, make_referral, accept, count_queries):
    today = timezone.localdate()
    manager = as_user("london-manager")

    def pages():
        manager.get(reverse("reporting:dashboard", args=["london"]))

    def add(n):
        for i in range(n):
            accept(make_referral(london, suspect=f"Suspect{n}{i} Growth", victim=f"Victim{n}{i} Growth",
                                 received_on=today))

    add(2)
    before = count_queries(pages)
    add(4)
    assert count_queries(pages) == before



def test_dashboard_tables_export_logged_and_suppressed_for_the_programme_office(
    london, as_user, make_referral, accept
):
    import csv
    import io

    from openpyxl import load_workbook

    from masip.audit.models import AuditEvent, Operation

    today = timezone.localdate()
    for n in range(3):
        accept(make_referral(london, suspect=f"Suspect{n} Export", victim=f"Victim{n} Export", received_on=today))
    unit = as_user("london-manager").get(reverse("reporting:dashboard", args=["london"]), {"export": "xlsx"})
    book = load_workbook(io.BytesIO(unit.content))
    assert book.sheetnames[:2] == ["Table 1", "Table 2"]
    values = [[c.value for c in row if c.value is not None] for row in book["Table 1"].iter_rows()]
    assert values[0] == ["Referrals by source and quarter received"]
    assert ["Police", "3"] == [values[2][0], values[2][-1]]  # three police referrals, in the total column
    programme = as_user("pmo").get(reverse("reporting:programme_dashboard"),
                                   {"quarter": Quarter.containing(today).code, "export": "csv"})
    rows = list(csv.reader(io.StringIO(programme.content.decode("utf-8-sig"))))
    numbers = [c.replace(",", "") for row in rows for c in row[1:] if c.replace(",", "").isdigit()]
    assert all(int(n) >= 5 for n in numbers), rows
    assert "fewer than 5" in {c for row in rows for c in row}
    pdf = as_user("pmo").get(reverse("reporting:programme_dashboard"), {"export": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    bad = as_user("pmo").get(reverse("reporting:programme_dashboard"), {"export": "docx"})
    assert bad.status_code == 404
    events = AuditEvent.objects.filter(operation=Operation.DISCLOSURE, action="reporting.export.dashboard")
    assert sorted((e.username, e.details["format"]) for e in events) == [
        ("london-manager", "xlsx"), ("pmo", "csv"), ("pmo", "pdf")]


def test_plotly_is_served_by_the_app_not_a_cdn():
    from django.contrib.staticfiles import finders

    found = finders.find("reporting/vendor/plotly.min.js")
    assert found and found.endswith("plotly/package_data/plotly.min.js")
    assert finders.find("reporting/vendor/datasets/iris.csv.gz") is None


def test_classification_corrections_and_stalker_types_on_hand_counted_rows():
    start, end = date(2026, 4, 1), date(2026, 6, 30)
    rows = [
        {"received_on": date(2026, 4, 2), "recorded_offence": "s2", "current_offence": "s2a"},
        {"received_on": date(2026, 4, 3), "recorded_offence": "s4", "current_offence": "s4"},
        {"received_on": date(2026, 5, 3), "recorded_offence": "s2", "current_offence": "s2"},
        {"received_on": date(2026, 5, 4), "recorded_offence": "s2a", "current_offence": "s2a"},  # stalking already
        {"received_on": date(2026, 3, 31), "recorded_offence": "s2", "current_offence": "s4a"},  # before the period
    ]
    table = measures.classification_corrections(rows, start=start, end=end)
    assert table.rows == [("Recorded as harassment", [3]), ("of which triage found stalking", [1])]
    assert table.notes[0].startswith("33% of referrals recorded as harassment")
    cases = [{"stalker_type": "rejected"}, {"stalker_type": "rejected"}, {"stalker_type": ""},
             {"stalker_type": "predatory"}]
    types = measures.open_cases_by_stalker_type(cases, type_labels={"rejected": "Rejected", "predatory": "Predatory",
                                                                      "resentful": "Resentful"})
    assert types.rows == [("Rejected", [2]), ("Predatory", [1]), ("Not yet typed", [1])]


def test_counted_rows_weigh_as_many_records():
    """The selectors hand the measures rows counted by the database (`n` records alike): the tables, the
    median and the corrections must come out as if each record were its own row."""
    start, end = date(2026, 1, 1), date(2026, 6, 30)
    one_by_one = [
        *[{"source": "police", "received_on": date(2026, 1, 2), "status": "accept", "first_decided_on": date(2026, 1, 2),
           "recorded_offence": "s2", "current_offence": "s4a"}] * 3,
        {"source": "health", "received_on": date(2026, 4, 2), "status": "advice", "first_decided_on": date(2026, 4, 12),
         "recorded_offence": "s2", "current_offence": "s2"},
    ]
    counted = [{**one_by_one[0], "n": 3}, {**one_by_one[3], "n": 1}]
    labels = {"police": "Police", "health": "Health"}
    for measure in (
        lambda rows: measures.referrals_by_source(rows, start=start, end=end, source_labels=labels),
        lambda rows: measures.time_to_triage(rows, start=start, end=end),
        lambda rows: measures.classification_corrections(rows, start=start, end=end),
        lambda rows: measures.open_cases_by_stalker_type(
            [{"stalker_type": r["source"] == "police" and "rejected", **r} for r in rows], type_labels={"rejected": "R"}),
    ):
        assert measure(counted).rows == measure(one_by_one).rows
        assert measure(counted).notes == measure(one_by_one).notes
    assert measures.time_to_triage(counted, start=start, end=end).notes == [
        "Median time to triage: 0 days (4 referrals triaged)."]
    assert measures.referrals_by_source(counted, start=start, end=end, source_labels=labels).rows == [
        ("Police", [3, 0]), ("Health", [0, 1])]
