"""Opening a case outside one's own caseload asks for a reason, which goes into
the audit log with every look at the case for the rest of the working day."""

from __future__ import annotations

import time
from typing import Any

from masip.cases.models import Case

_SESSION_KEY = "masip_case_reasons"
REASON_VALID_SECONDS = 8 * 60 * 60  # one working day


def in_caseload(user: Any, case: Case) -> bool:
    if case.lead_officer_id == user.pk:
        return True
    return case.allocations.filter(user=user).exists()


def remembered_reason(request: Any, case: Case) -> str | None:
    entry = request.session.get(_SESSION_KEY, {}).get(str(case.pk))
    if not entry or time.time() - entry["at"] > REASON_VALID_SECONDS:
        return None
    return entry["reason"]


def remember_reason(request: Any, case: Case, reason: str) -> None:
    reasons = {
        k: v for k, v in request.session.get(_SESSION_KEY, {}).items() if time.time() - v["at"] <= REASON_VALID_SECONDS
    }
    reasons[str(case.pk)] = {"reason": reason, "at": time.time()}
    request.session[_SESSION_KEY] = reasons


def reason_for_access(request: Any, case: Case) -> tuple[bool, str]:
    """(needs to ask, reason to log). Own caseload needs no reason."""
    if in_caseload(request.user, case):
        return False, ""
    reason = remembered_reason(request, case)
    return reason is None, reason or ""
