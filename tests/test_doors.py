"""One door per rule: every file handed over is built by masip.core.documents, and every
disclosure goes through masip.audit.services.disclosed_file (render, then log)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from masip.audit.models import AuditEvent, Operation
from masip.audit.services import disclosed_file
from masip.core.documents import attachment, render_pdf

SRC = Path(__file__).resolve().parent.parent / "src" / "masip"


def modules():
    for path in SRC.rglob("*.py"):
        if "tests" not in path.parts and "migrations" not in path.parts:
            yield path


def test_only_the_documents_door_sets_a_download_header():
    setters = [
        str(p.relative_to(SRC)) for p in modules() if re.search(r"\[[\"']Content-Disposition[\"']\]\s*=", p.read_text())
    ]
    assert setters == ["core/documents.py"]


def test_every_module_that_renders_a_pdf_logs_it_through_the_disclosure_door():
    renderers = {str(p.relative_to(SRC)) for p in modules() if "render_pdf(" in p.read_text()} - {"core/documents.py"}
    assert renderers, "the PDF doors were not found"
    for name in renderers:
        text = (SRC / name).read_text()
        assert "disclosed_file(" in text or "export_disclosed(" in text, f"{name} renders a PDF outside the door"


@pytest.mark.parametrize("name", ['a"b.pdf', "a\r\nSet-Cookie: x=1.pdf", "../../etc/passwd", "Tŵr Hamlets.pdf", ""])
def test_a_file_name_cannot_break_its_header(name):
    response = attachment(b"x", filename=name)
    header = response["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="[A-Za-z0-9._-]+"', header), header


def test_the_content_type_follows_the_extension():
    assert attachment(b"%PDF", filename="x.pdf")["Content-Type"] == "application/pdf"
    assert attachment("a,b", filename="x.csv")["Content-Type"].startswith("text/csv")
    assert attachment(b"?", filename="x.unknown")["Content-Type"] == "application/octet-stream"


@pytest.mark.django_db
def test_a_rendering_that_fails_hands_nothing_over_and_logs_nothing(staff):
    def broken() -> bytes:
        raise RuntimeError("the printer is on fire")

    with pytest.raises(RuntimeError):
        disclosed_file(actor=staff["london-police"], action="audit.export", partnership=None, subjects=[],
                       recipient="Someone", render=broken)
    assert not AuditEvent.objects.filter(action="audit.export").exists()


@pytest.mark.django_db
def test_a_rendered_file_is_returned_only_with_its_disclosure_logged(staff):
    content = disclosed_file(actor=staff["london-police"], action="audit.export", partnership=None, subjects=[],
                             recipient="London NPS", reason="Meeting", render=lambda: b"%PDF-1.7")
    assert content == b"%PDF-1.7"
    event = AuditEvent.objects.get(action="audit.export")
    assert (event.operation, event.recipient, event.reason) == (Operation.DISCLOSURE, "London NPS", "Meeting")


def test_render_pdf_draws_a_pdf_from_a_template():
    assert render_pdf("reporting/export_pdf.html", {"title": "T", "headers": [], "rows": [], "preamble": [],
                                                    "notes": []}).startswith(b"%PDF")


# -- views ask selectors; they do not query -------------------------------------------------

QUERYING = re.compile(
    r"\.objects\.|get_object_or_404\(|\.(filter|exclude|order_by|select_related|prefetch_related|annotate|aggregate"
    r"|values_list|exists|count)\("
)


def view_modules():
    for path in modules():
        if path.name == "views.py" or "views" in path.parent.name:
            yield path


def test_views_do_not_query_the_database_themselves():
    """Every read a page needs is a selector (filtered by the access policy); a view only calls it."""
    found = []
    for path in view_modules():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            code = line.split("#", 1)[0]
            if QUERYING.search(code):
                found.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
