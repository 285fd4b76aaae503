"""View helpers shared by the contexts that record work on a case (monitoring,
interventions, victims, justice). Views under a case go through
`masip.cases.access.case_page`, which finds the case through the access policy,
asks why outside the caseload and logs the look with the reason."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from masip.audit.services import log_consultation
from masip.cases.models import Case


def case_for(request: Any, pk: int) -> Case:
    """The case `@case_page` found for this request (a view under a case must go through it)."""
    access = getattr(request, "case_access", None)
    if access is None or access.case.pk != int(pk):
        raise ImproperlyConfigured("A view under a case must be decorated with @case_page (masip.cases.access).")
    return access.case


def log_case_page(request: Any, case: Case, *, action: str, subjects: Sequence[Any] = ()) -> None:
    """Log the consultation a page about a case makes; the reason given for opening the case
    (if any) is added by log_consultation from the request."""
    people = [p.person for p in case.parties.all()]
    log_consultation(
        request,
        action=action,
        partnership=case.partnership,
        subjects=[case, *people, *subjects],
    )
