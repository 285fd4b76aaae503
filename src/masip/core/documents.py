"""Files that leave the system: one door to render a PDF and one to hand a file over.

Every PDF is drawn here (WeasyPrint is imported nowhere else) and every download
is built by `attachment`, so a file name can never break its header. Whoever hands
over personal data logs it as a disclosure first: `masip.audit.services.disclosed_file`.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """The template rendered as a PDF (A4, the template's own print stylesheet)."""
    from weasyprint import HTML  # loads Pango and friends: only when a PDF is asked for

    return HTML(string=render_to_string(template_name, context)).write_pdf()


def safe_filename(name: str) -> str:
    """A file name fit for a Content-Disposition header: letters, digits, '.', '_' and '-' only."""
    cleaned = _UNSAFE.sub("-", name).strip("-.")
    return cleaned or "download"


def attachment(content: bytes | str, *, filename: str, content_type: str | None = None) -> HttpResponse:
    """A download: the content type follows the file's extension unless given."""
    filename = safe_filename(filename)
    if content_type is None:
        content_type = CONTENT_TYPES.get(filename.rsplit(".", 1)[-1].lower(), "application/octet-stream")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
