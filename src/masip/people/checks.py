"""The strict check that no response shows personal data unlogged.

In strict mode (the test suite; MASIP_AUDIT_STRICT) every 200 response - an
HTML page, an htmx fragment, JSON, CSV, text or PDF - is read for what it
shows: if it contains a person's name or alias, date of birth, identifier (PNC
ID, NHS number, CRN, ...) or contact detail as stored in the database, the
request must have logged a consultation or a disclosure. Otherwise the request
fails with ImproperlyConfigured, naming the view and what it showed.

The check is derived from the response, not from a list of actions or views,
so a new page, panel or download that shows someone is covered the day it is
written. Outside strict mode it does nothing (reading every response against
the register of people is a test-time cost, not a production one).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.dateformat import format as format_date

from masip.audit.models import Operation
from masip.audit.services import watch_logging

# Shorter values (a first name alone, "Al", a two-digit reference) would match ordinary words.
MIN_NAME_LENGTH = 5
MIN_VALUE_LENGTH = 5
DATE_FORMATS = ("j M Y", "j F Y", "d/m/Y", "Y-m-d")
LOGGING_OPERATIONS = frozenset({Operation.CONSULTATION.value, Operation.DISCLOSURE.value})
_TEXT_TYPES = ("text/html", "application/json", "text/plain", "text/csv")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Shown:
    """One piece of stored personal data found in a response."""

    person_id: int
    kind: str  # name, alias, date of birth, identifier, contact detail

    def __str__(self) -> str:
        return f"the {self.kind} of person {self.person_id}"


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


def stored_personal_data() -> Iterable[tuple[int, str, str]]:
    """(person id, kind, value as it would be shown) for every person in the database."""
    from masip.people.models import ContactDetail, Person, PersonAlias, PersonIdentifier

    for pk, name, born in Person.objects.values_list("pk", "full_name", "date_of_birth"):
        if len(name.strip()) >= MIN_NAME_LENGTH:
            yield pk, "name", name
        if born is not None:
            for fmt in DATE_FORMATS:
                yield pk, "date of birth", format_date(born, fmt)
    for pk, name in PersonAlias.objects.values_list("person_id", "name"):
        if len(name.strip()) >= MIN_NAME_LENGTH:
            yield pk, "alias", name
    for pk, value in PersonIdentifier.objects.values_list("person_id", "value"):
        if len(value.strip()) >= MIN_VALUE_LENGTH:
            yield pk, "identifier", value
    for pk, value in ContactDetail.objects.values_list("person_id", "value"):
        if len(value.strip()) >= MIN_VALUE_LENGTH:
            yield pk, "contact detail", value


def personal_data_in(text: str, *, typed: Iterable[str] = ()) -> list[Shown]:
    """What stored personal data the text shows (whole words, any case, any spacing).

    A value the user typed into the request (a form shown again with its errors,
    the words searched for) is theirs, not disclosed by the page, and is skipped.
    """
    haystack = _normal(text)
    typed = [_normal(t) for t in typed if t]
    found: dict[tuple[int, str], Shown] = {}
    for pk, kind, value in stored_personal_data():
        needle = _normal(value)
        if (pk, kind) in found or needle not in haystack or any(needle in t for t in typed):
            continue
        if re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack):
            found[(pk, kind)] = Shown(pk, kind)
    return list(found.values())


def response_text(response) -> str | None:
    """The text a response shows, or None for what is not read (images, spreadsheets, streams)."""
    if getattr(response, "streaming", False):
        return None
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    content = response.content
    if content_type == "application/pdf":
        return pdf_text(content)
    if content_type not in _TEXT_TYPES:
        return None
    text = content.decode(response.charset or "utf-8", errors="replace")
    if content_type == "application/json":
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return html.unescape(text) if content_type == "text/html" else text


def pdf_text(content: bytes) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        raise ImproperlyConfigured("The strict audit check reads PDFs with pdftotext (Debian's poppler-utils).")
    result = subprocess.run([tool, "-q", "-", "-"], input=content, capture_output=True, check=False, timeout=60)
    return result.stdout.decode("utf-8", errors="replace")


def _typed(request) -> list[str]:
    values = []
    for data in (request.GET, request.POST):
        for key in data:
            if key != "csrfmiddlewaretoken":
                values.extend(data.getlist(key))
    return values


class PersonalDataLoggedMiddleware:
    """Strict mode: fail a response that shows stored personal data without an audit event."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.MASIP_AUDIT_STRICT:
            return self.get_response(request)
        with watch_logging() as logged:
            response = self.get_response(request)
        if response.status_code != 200 or LOGGING_OPERATIONS.intersection(logged):
            return response
        text = response_text(response)
        shown = personal_data_in(text, typed=_typed(request)) if text else []
        if shown:
            match = getattr(request, "resolver_match", None)
            view = match.view_name if match else request.path
            raise ImproperlyConfigured(
                f"{request.method} {request.path} ({view}) showed {', '.join(map(str, shown[:5]))} "
                "without logging a consultation"
            )
        return response
