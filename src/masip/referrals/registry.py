"""What higher contexts do for referrals, registered by them: `referrals` sits below
cases and the casework contexts (docs/architecture.md, "Floors") and imports none of
them. Triage panels and acceptance checks have their own registry
(referrals/triage_context.py).

Each is filled in the owning app's `AppConfig.ready()`:

- the case handler (cases): `register_case_handler(handler)`, a `CaseHandler` whose
  functions find the suspect's open case, note a new referral on it, take an accepted
  referral into a case (the suspect's open one, or a new one) and release a referral
  whose acceptance is revised. One handler; referrals cannot accept without it.
- referral page sections (assessments): `register_detail_context(source)`, where
  `source(referral, user) -> dict` adds to the referral page's template context (its
  screening assessments and whether one can be started). Sources run in registration
  order; a later key replaces an earlier one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class CaseHandler:
    open_case_of_suspect: Callable[[Any, int], Any]  # (partnership, person id) -> open case or None, locked
    note_new_referral: Callable[..., Any]  # (*, case, referral, acting_user) -> the re-review trigger
    take_referral: Callable[..., tuple[Any, bool]]  # (*, referral, acting_user) -> (case, joined an open one)
    release_referral: Callable[..., None]  # (*, referral, acting_user, reason)


DetailContext = Callable[[Any, Any], dict[str, Any]]

_CASE_HANDLER: dict[str, CaseHandler] = {}
_DETAIL_CONTEXT: list[DetailContext] = []


def register_case_handler(handler: CaseHandler) -> None:
    _CASE_HANDLER["handler"] = handler


def register_detail_context(source: DetailContext) -> DetailContext:
    if source not in _DETAIL_CONTEXT:
        _DETAIL_CONTEXT.append(source)
    return source


def case_handler() -> CaseHandler:
    try:
        return _CASE_HANDLER["handler"]
    except KeyError:
        raise ImproperlyConfigured("No case handler is registered with masip.referrals (is masip.cases installed?)") from None


def detail_context(referral: Any, user: Any) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for source in _DETAIL_CONTEXT:
        context.update(source(referral, user))
    return context
