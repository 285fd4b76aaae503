"""Exports of the return and the dashboards: CSV, XLSX and PDF, each a disclosure in the audit trail.

Spreadsheets are written through masip.core.spreadsheets, which makes text that a spreadsheet
would read as a formula inert (CSV injection).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from masip.core.spreadsheets import csv_rows, xlsx_bytes
from masip.reporting import figures as fig
from masip.reporting import services
from masip.reporting.suppression import protect

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _csv(headers: Sequence[str], rows: Sequence[Sequence[Any]], preamble: Sequence[str]) -> bytes:
    text = csv_rows([*[[line] for line in preamble], headers, *rows])
    return text.encode("utf-8-sig")  # the BOM lets Excel read it as UTF-8


def _xlsx(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], preamble: Sequence[str]) -> bytes:
    lines = [*[[line] for line in preamble], headers, *rows]
    return xlsx_bytes([("Return", lines)], title=title, bold_rows=[len(preamble)])


def _pdf(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], preamble: Sequence[str],
         notes: Sequence[str]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("reporting/export_pdf.html", {
        "title": title, "headers": headers, "rows": rows, "preamble": preamble, "notes": notes,
        "generated": timezone.localtime(),
    })
    return HTML(string=html).write_pdf()


def _response(fmt: str, content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _render(fmt: str, *, title, headers, rows, preamble, notes, filename) -> HttpResponse:
    if fmt == "csv":
        return _response(fmt, _csv(headers, rows, [title, *preamble]), filename)
    if fmt == "xlsx":
        return _response(fmt, _xlsx(title, headers, rows, [title, *preamble]), filename)
    return _response(fmt, _pdf(title, headers, rows, preamble, notes), filename)


def respond(request, *, fmt: str, title: str, status: str, rows: list[dict], partnership, filename: str,
            subjects=(), suppressed: bool, recipient: str) -> HttpResponse:
    """One partnership's return as a file; the disclosure is logged before the file is handed over."""
    if fmt not in FORMATS:
        raise Http404("No such format")
    services.export_logged(
        acting_user=request.user, partnership=partnership, what="return", fmt=fmt,
        recipient=recipient, details={"title": title, "suppressed": suppressed},
        subjects=subjects,
    )
    preamble = [status]
    if suppressed:
        preamble.append("Small numbers suppressed: counts below 5 are shown as 'fewer than 5'.")
    headers = ["Figure", "Value", "How collected", "Definition"]
    table = [[r["label"], r["shown"], r["note"], r["definition"]] for r in rows]
    return _render(fmt, title=title, headers=headers, rows=table, preamble=preamble, notes=[], filename=filename)


def programme_table(parts: Sequence[tuple[str, dict]], total: dict) -> dict:
    """Partnerships by figure, with the programme's totals, small numbers suppressed.

    Columns measure different things, so there is no row total and each column is protected
    on its own: a partnership that did not collect a figure is 'not reported' and is left out
    of that column's total (which then says so).
    """
    names = [name for name, _ in parts]
    columns = []
    for code in fig.FIGURES:
        reported = [(i, f[code]) for i, (_, f) in enumerate(parts)
                    if f[code].get("reported", True) and f[code].get("value") is not None]
        texts = [fig.NOT_REPORTED] * len(parts)
        total_text = fig.NOT_REPORTED
        if reported:
            protected = protect([[f["value"]] for _, f in reported], row_totals=False)
            for (i, f), row in zip(reported, protected.rows[:-1], strict=True):
                cell = row[0]
                texts[i] = f"{'>' if f.get('lower_bound') and cell.shown else ''}{cell.text}"
            total_cell = protected.rows[-1][0]
            total_text = f"{'>' if total[code].get('lower_bound') and total_cell.shown else ''}{total_cell.text}"
        columns.append((texts, total_text))
    rows = [[name, *[columns[j][0][i] for j in range(len(fig.FIGURES))]] for i, name in enumerate(names)]
    notes = [f"{fig.LABELS[c]}: {total[c]['note']}" for c in fig.FIGURES if total[c].get("note")]
    for name, figures in parts:
        for code in fig.FIGURES:
            if figures[code].get("note") and figures[code].get("reported", True):
                notes.append(f"{name}, {fig.LABELS[code].lower()}: {figures[code]['note']}")
    return {
        "headers": ["Partnership", *[fig.LABELS[c] for c in fig.FIGURES]],
        "rows": rows,
        "total": ["All partnerships", *[t for _, t in columns]],
        "notes": notes,
    }


def respond_table(request, *, fmt: str, title: str, table: dict, filename: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("No such format")
    services.export_logged(
        acting_user=request.user, partnership=None, what="programme_return", fmt=fmt, recipient="programme office",
        details={"title": title, "suppressed": True},
    )
    preamble = ["Small numbers suppressed: counts below 5 are shown as 'fewer than 5', and cells from which "
                "one could be worked out as 'withheld'."]
    rows = [*table["rows"], table["total"]]
    return _render(fmt, title=title, headers=table["headers"], rows=rows, preamble=preamble, notes=table["notes"],
                   filename=filename)


def respond_tables(request, *, fmt: str, title: str, tables: list[dict], partnership, suppressed: bool,
                   filename: str, recipient: str) -> HttpResponse:
    """A dashboard's tables as one file (CSV: one after another; XLSX: a sheet each), logged as a disclosure."""
    if fmt not in FORMATS:
        raise Http404("No such format")
    services.export_logged(
        acting_user=request.user, partnership=partnership, what="dashboard", fmt=fmt, recipient=recipient,
        details={"title": title, "suppressed": suppressed, "tables": len(tables)},
    )
    def lines(table):
        return [table["headers"], *table["rows"], *([table["total"]] if table["total"] else [])]

    if fmt == "pdf":
        from weasyprint import HTML

        html = render_to_string("reporting/export_pdf.html", {
            "title": title, "tables": tables, "generated": timezone.localtime(),
            "preamble": ["Small numbers suppressed: counts below 5 are shown as 'fewer than 5', and cells from "
                         "which one could be worked out as 'withheld'."] if suppressed else [],
        })
        return _response(fmt, HTML(string=html).write_pdf(), filename)
    if fmt == "csv":
        rows = [[title]]
        for table in tables:
            rows += [[], [table["title"]], *lines(table)]
        return _response(fmt, csv_rows(rows).encode("utf-8-sig"), filename)
    sheets = [(f"Table {i}", [[table["title"]], *lines(table)]) for i, table in enumerate(tables, start=1)]
    return _response(fmt, xlsx_bytes(sheets, title=title, bold_rows=[1]), filename)
