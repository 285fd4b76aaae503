"""The access policy: the one place that decides who may see and do what.

Selectors ask this module which partnerships' records a user may read, and
views declare the action they perform with `@requires(action)`; nothing else
filters by hand. Later work extends it with agency-level need-to-know.

Two kinds of refusal:
- a record outside the user's reach is *not found* (Http404), so that its
  existence is not revealed;
- a function the user's role does not have (a PMO user opening the triage
  queue) is *forbidden* (PermissionDenied), with a page that says so.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from masip.partnerships.models import CASEWORK_ROLES, Membership, Partnership, Role


class Action(StrEnum):
    HOME = "home"
    REFERRAL_CREATE = "referral.create"
    REFERRAL_VIEW = "referral.view"
    TRIAGE_QUEUE = "triage.queue"
    TRIAGE_DECIDE = "triage.decide"
    CASE_VIEW = "case.view"
    PERSON_VIEW = "person.view"
    SEARCH = "search"


_CACHE_ATTR = "_masip_memberships"


def memberships(user: Any) -> dict[int, Membership]:
    """Active memberships by partnership id, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = {
            m.partnership_id: m
            for m in Membership.objects.filter(user=user, is_active=True).select_related("partnership")
        }
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def partnerships_of(user: Any) -> list[Partnership]:
    return sorted((m.partnership for m in memberships(user).values()), key=lambda p: p.name)


def casework_partnership_ids(user: Any) -> set[int]:
    """Partnerships whose case records (people, referrals, cases) the user may read."""
    return {pid for pid, m in memberships(user).items() if m.role in CASEWORK_ROLES}


def role_in(user: Any, partnership: Partnership | int) -> str | None:
    pid = partnership if isinstance(partnership, int) else partnership.pk
    membership = memberships(user).get(pid)
    return membership.role if membership else None


def does_casework_in(user: Any, partnership: Partnership | int) -> bool:
    return role_in(user, partnership) in CASEWORK_ROLES


def can_triage(user: Any, partnership: Partnership) -> bool:
    """Who triages is part of the partnership's operating model."""
    role = role_in(user, partnership)
    if role not in CASEWORK_ROLES:
        return False
    model = partnership.operating_model_on()
    if model is None:
        return role == Role.UNIT_MANAGER
    return role in model.triage_roles or (user.agency_kind in model.triage_agency_kinds)


def triage_refusal_reason(user: Any, partnership: Partnership) -> str:
    model = partnership.operating_model_on()
    if model is None:
        return f"{partnership} has no operating model yet, so only its unit manager may triage."
    who = [Role(r).label.lower() for r in model.triage_roles]
    if model.triage_agency_kinds:
        who.append("staff of " + ", ".join(model.triage_agency_kinds))
    return f"In {partnership}, triage is done by: {'; '.join(who)}."


def partnership_for(user: Any, slug: str, *, casework: bool = True) -> Partnership:
    """The partnership named in a URL, if the user belongs to it; otherwise not found."""
    for membership in memberships(user).values():
        if membership.partnership.slug == slug:
            if casework and membership.role not in CASEWORK_ROLES:
                raise PermissionDenied("Your role in this partnership does not include case work.")
            return membership.partnership
    raise Http404("No such partnership")


# Role checks for actions that are not about one record. Record-level access
# is the selectors' job (a record out of reach is simply not found).
_ACTION_RULES: dict[Action, Callable[[Any], bool]] = {
    Action.HOME: lambda user: True,
    Action.REFERRAL_CREATE: lambda user: bool(casework_partnership_ids(user)),
    Action.REFERRAL_VIEW: lambda user: bool(casework_partnership_ids(user)),
    Action.TRIAGE_QUEUE: lambda user: bool(casework_partnership_ids(user)),
    Action.TRIAGE_DECIDE: lambda user: bool(casework_partnership_ids(user)),
    Action.CASE_VIEW: lambda user: bool(casework_partnership_ids(user)),
    Action.PERSON_VIEW: lambda user: bool(casework_partnership_ids(user)),
    Action.SEARCH: lambda user: bool(casework_partnership_ids(user)),
}


def allows(user: Any, action: Action) -> bool:
    return getattr(user, "is_authenticated", False) and _ACTION_RULES[action](user)


def requires(action: Action) -> Callable:
    """Declare the action a view performs; refuse users whose role lacks it.

    The declared action is kept on the view (`view.access_action`) so the
    policy test can check that every URL in the project declares one.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any):
            if not allows(request.user, action):
                raise PermissionDenied(f"Your role does not allow this ({action}).")
            return view(request, *args, **kwargs)

        wrapper.access_action = action  # type: ignore[attr-defined]
        return wrapper

    return decorate


def public(view: Callable) -> Callable:
    """Mark a view that needs no sign-in (health check, sign-in page)."""
    view = login_not_required(view)
    view.access_action = "public"  # type: ignore[attr-defined]
    return view
