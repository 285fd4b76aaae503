"""The one door into everything under a case: `case_page`.

Every view that shows or changes something belonging to one case - the case
page, its assessments, interventions, victims' support, orders, incidents,
plans, actions, the meeting's panel for it, whichever app the view lives in -
is decorated with `@case_page(...)`. The entry point

1. gets the case through the access policy (a case out of reach is not found),
2. outside the user's caseload, asks "Why are you opening this case?" (the
   reason is remembered for the rest of the working day, per case), and
3. logs the consultation with that reason (every consultation logged while the
   view runs carries it; if the view logs none, the entry point logs one).

The caseload is the case's lead, the staff allocated to it, and whoever the
higher contexts say works it (an action's owner, a member of an agency with an
open action: see `register_caseload_rule`, used by meetings).

The decorator leaves a marker on the view (`view.case_page`), so a test can
enumerate every URL under a case and check that each one goes through here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from masip.audit.services import log_consultation
from masip.cases.forms import AccessReasonForm
from masip.cases.models import Case
from masip.cases.selectors import case_get

_SESSION_KEY = "masip_case_reasons"
REASON_VALID_SECONDS = 8 * 60 * 60  # one working day
QUESTION_PREFIX = "why"  # the question's fields are "why-reason", "why-detail", so no page's own form collides
_ORIGIN_FIELD = f"{QUESTION_PREFIX}-origin"

CaseloadRule = Callable[[Any, Case], bool]
_CASELOAD_RULES: list[CaseloadRule] = []


def register_caseload_rule(rule: CaseloadRule) -> CaseloadRule:
    """A higher context says who else works a case (meetings: action owners and their agencies)."""
    if rule not in _CASELOAD_RULES:
        _CASELOAD_RULES.append(rule)
    return rule


def in_caseload(user: Any, case: Case) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if case.lead_officer_id == user.pk:
        return True
    if case.allocations.filter(user=user, ended_on__isnull=True).exists():
        return True
    return any(rule(user, case) for rule in _CASELOAD_RULES)


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


# -- the entry point -------------------------------------------------------------------

Locate = Callable[..., "Case | None"]
ImpliedReason = Callable[..., "str | None"]


@dataclass(frozen=True)
class CasePage:
    """The marker `case_page` leaves on a view."""

    locate: Locate
    action: str
    implied_reason: ImpliedReason | None = None
    api: bool = False


@dataclass(frozen=True)
class CaseAccess:
    """What the entry point found: the case, and the reason logged with every look at it ("" in the caseload)."""

    case: Case
    reason: str
    in_caseload: bool


def by_case_pk(request: Any, pk: int, **_: Any) -> Case:
    """The default: the URL names the case as `pk`."""
    return case_get(request.user, pk)


def case_page(
    locate: Locate = by_case_pk,
    *,
    action: str = "case.page",
    implied_reason: ImpliedReason | None = None,
    api: bool = False,
) -> Callable:
    """Decorate a view under one case (see the module's docstring).

    locate(request, **url_kwargs) returns the case through the access policy
    (raising Http404 when it is out of reach), or None when the record belongs
    to no case (an assessment of a referral not yet accepted).
    implied_reason(request, case, **url_kwargs) returns the reason when the
    page's purpose is the reason (a case on the agenda of a meeting, a unit
    manager's audit of access); otherwise the user is asked outside the caseload.
    api: refuse (403) instead of asking; the reason comes as `?reason=`.
    action: the audit action logged when the view logs no consultation itself.
    """
    marker = CasePage(locate=locate, action=action, implied_reason=implied_reason, api=api)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any):
            case = locate(request, **kwargs)
            if case is None:
                return view(request, *args, **kwargs)
            request.partnership = case.partnership
            if not getattr(request, "nav", None):
                request.nav = "cases"
            access = _access(request, case, marker, kwargs)
            if not isinstance(access, CaseAccess):
                return access  # the question, or the way back from its answer
            request.case_access = access
            request.access_reason = access.reason  # the default reason of log_consultation
            response = view(request, *args, **kwargs)
            if getattr(response, "status_code", 0) == 200 and not getattr(request, "audit_logged", False):
                _log_case_look(request, case, marker.action)
            return response

        wrapper.case_page = marker  # type: ignore[attr-defined]
        return wrapper

    # (for views whose outer wrapper drops attributes: DRF)
    decorate.marker = marker  # type: ignore[attr-defined]
    return decorate


def _access(request: Any, case: Case, marker: CasePage, kwargs: dict) -> CaseAccess | HttpResponse:
    """The access to go on with, or the response that asks (or has just been answered)."""
    mine = in_caseload(request.user, case)
    implied = marker.implied_reason(request, case, **kwargs) if marker.implied_reason else None
    if marker.api:
        # NUL is never part of a reason, and PostgreSQL cannot store it.
        given = str(request.GET.get("reason", "")).replace("\x00", "").strip()[:500]
        reason = implied or given or remembered_reason(request, case)
        if not mine and not reason:
            raise PermissionDenied("This case is not in your caseload: give a reason with ?reason=...")
        return CaseAccess(case, given if mine else (reason or ""), mine)  # not mine: reason is given
    reason = implied or ("" if mine else remembered_reason(request, case))
    if reason is None:
        return _ask(request, case)
    if request.method == "POST" and _ORIGIN_FIELD in request.POST:
        # Answered twice (two tabs), or the case joined the caseload meanwhile: go on as if asked.
        response = _after_answer(request)
        if response is not None:
            return response
    return CaseAccess(case, reason, mine)


def _after_answer(request: Any) -> HttpResponse | None:
    """The answer to the question: back to the page that asked, or on to the post it held back."""
    if request.POST.get(_ORIGIN_FIELD) != "post":
        return redirect(request.get_full_path())
    request.POST = _held_back(request.POST)
    return None


def _held_back(data: Any) -> Any:
    """The page's own post, as it was before the question interrupted it."""
    kept = QueryDict(mutable=True)
    for key in data:
        if not key.startswith(f"{QUESTION_PREFIX}-"):
            kept.setlist(key, data.getlist(key))
    kept._mutable = False
    return kept


def _ask(request: Any, case: Case) -> CaseAccess | HttpResponse:
    """Outside the caseload without a reason: ask why before showing or changing anything
(or, answered now, the access to go on with).

    A post that arrives without a reason (the day's reason ran out while a form
    was open) is held in the question page and carried on once answered, so
    nothing the user entered is lost.
    """
    answering = request.method == "POST" and _ORIGIN_FIELD in request.POST
    form = AccessReasonForm(request.POST if answering else None, prefix=QUESTION_PREFIX)
    if answering and form.is_valid():
        reason = form.reason_text()
        remember_reason(request, case, reason)
        return _after_answer(request) or CaseAccess(case, reason, False)
    if getattr(request, "htmx", False):  # a panel cannot hold the question: go to the page that asks it
        response = HttpResponse("")
        target = request.get_full_path() if request.method == "GET" else reverse("cases:detail", args=[case.pk])
        response["HX-Redirect"] = target
        return response
    if answering:
        origin = request.POST[_ORIGIN_FIELD]
    else:
        origin = "post" if request.method == "POST" else "get"
    held = []
    if origin == "post":
        held = [
            (key, value)
            for key in request.POST
            if not key.startswith(f"{QUESTION_PREFIX}-") and key != "csrfmiddlewaretoken"
            for value in request.POST.getlist(key)
        ]
    return render(
        request,
        "cases/access_reason.html",
        {"case": case, "form": form, "origin": origin, "origin_field": _ORIGIN_FIELD, "held": held},
    )


def _log_case_look(request: Any, case: Case, action: str) -> None:
    """The consultation of a page under the case whose view logged none itself."""
    log_consultation(
        request,
        action=action,
        partnership=case.partnership,
        subjects=[case, *[p.person for p in case.parties.all()]],
    )


def case_page_of(view: Any) -> CasePage | None:
    """The marker on a URL's view, if it goes through `case_page`."""
    return getattr(view, "case_page", None)
