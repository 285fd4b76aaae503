"""Exports of the return and the dashboards: CSV, XLSX and PDF, each a disclosure in the audit trail.

Spreadsheets are written through masip.core.spreadsheets, which makes text that a spreadsheet
would read as a formula inert (CSV injection).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone

from masip.core.documents import attachment, render_pdf
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
    return render_pdf("reporting/export_pdf.html", {
        "title": title, "headers": headers, "rows": rows, "preamble": preamble, "notes": notes,
        "generated": timezone.localtime(),
    })


def _response(fmt: str, content: bytes, filename: str) -> HttpResponse:
    return attachment(content, filename=f"{filename}.{fmt}", content_type=FORMATS[fmt])


def _content(fmt: str, *, title, headers, rows, preamble, notes) -> bytes:
    if fmt == "csv":
        return _csv(headers, rows, [title, *preamble])
    if fmt == "xlsx":
        return _xlsx(title, headers, rows, [title, *preamble])
    return _pdf(title, headers, rows, preamble, notes)


def respond(request, *, fmt: str, title: str, status: str, rows: list[dict], partnership, filename: str,
            subjects=(), suppressed: bool, recipient: str) -> HttpResponse:
    """One partnership's return as a file; the disclosure is logged before the file is handed over."""
    if fmt not in FORMATS:
        raise Http404("No such format")
    preamble = [status]
    if suppressed:
        preamble.append("Small numbers suppressed: counts below 5 are shown as 'fewer than 5'.")
    headers = ["Figure", "Value", "How collected", "Definition"]
    table = [[r["label"], r["shown"], r["note"], r["definition"]] for r in rows]
    content = services.export_disclosed(
        acting_user=request.user, partnership=partnership, what="return", fmt=fmt,
        recipient=recipient, details={"title": title, "suppressed": suppressed}, subjects=subjects,
        render=lambda: _content(fmt, title=title, headers=headers, rows=table, preamble=preamble, notes=[]),
    )
    return _response(fmt, content, filename)


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
    preamble = ["Small numbers suppressed: counts below 5 are shown as 'fewer than 5', and cells from which "
                "one could be worked out as 'withheld'."]
    rows = [*table["rows"], table["total"]]
    content = services.export_disclosed(
        acting_user=request.user, partnership=None, what="programme_return", fmt=fmt, recipient="programme office",
        details={"title": title, "suppressed": True},
        render=lambda: _content(fmt, title=title, headers=table["headers"], rows=rows, preamble=preamble,
                                notes=table["notes"]),
    )
    return _response(fmt, content, filename)


def _tables_content(fmt: str, *, title: str, tables: list[dict], suppressed: bool) -> bytes:
    def lines(table):
        return [table["headers"], *table["rows"], *([table["total"]] if table["total"] else [])]

    if fmt == "pdf":
        return render_pdf("reporting/export_pdf.html", {
            "title": title, "tables": tables, "generated": timezone.localtime(),
            "preamble": ["Small numbers suppressed: counts below 5 are shown as 'fewer than 5', and cells from "
                         "which one could be worked out as 'withheld'."] if suppressed else [],
        })
    if fmt == "csv":
        rows = [[title]]
        for table in tables:
            rows += [[], [table["title"]], *lines(table)]
        return csv_rows(rows).encode("utf-8-sig")
    sheets = [(f"Table {i}", [[table["title"]], *lines(table)]) for i, table in enumerate(tables, start=1)]
    return xlsx_bytes(sheets, title=title, bold_rows=[1])


def respond_tables(request, *, fmt: str, title: str, tables: list[dict], partnership, suppressed: bool,
                   filename: str, recipient: str) -> HttpResponse:
    """A dashboard's tables as one file (CSV: one after another; XLSX: a sheet each), logged as a disclosure."""
    if fmt not in FORMATS:
        raise Http404("No such format")
    content = services.export_disclosed(
        acting_user=request.user, partnership=partnership, what="dashboard", fmt=fmt, recipient=recipient,
        details={"title": title, "suppressed": suppressed, "tables": len(tables)},
        render=lambda: _tables_content(fmt, title=title, tables=tables, suppressed=suppressed),
    )
    return _response(fmt, content, filename)
