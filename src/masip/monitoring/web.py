"""View helpers shared by the contexts that record work on a case (monitoring,
interventions, victims, justice): find the case through the access policy,
log who looked, and put a service's refusal on the form."""

from __future__ import annotations

from typing import Any

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
