"""View helpers shared by the contexts that record work on a case (monitoring,
interventions, victims, justice): find the case through the access policy,
log who looked, and put a service's refusal on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from masip.audit.services import log_consultation
from masip.cases.access import remembered_reason
from masip.cases.models import Case
from masip.cases.selectors import case_get


def case_for(request: Any, pk: int) -> Case:
    """The case, if the user may see it (otherwise not found), with the page's partnership and menu set."""
    case = case_get(request.user, pk)
    request.partnership, request.nav = case.partnership, "cases"
    return case


def log_case_page(request: Any, case: Case, *, action: str, subjects: list[Any] = ()) -> None:
    """Log the consultation a page about a case makes, with the reason given for opening the case, if any."""
    people = [p.person for p in case.parties.all()]
    log_consultation(
        request,
        action=action,
        partnership=case.partnership,
        subjects=[case, *people, *subjects],
        reason=remembered_reason(request, case) or "",
    )


def errors_to_form(form: forms.Form, exc: ValidationError, *, aliases: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form, on the matching field where there is one."""
    aliases = aliases or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            name = aliases.get(field, field)
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)
