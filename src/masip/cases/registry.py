"""What the casework contexts add to cases' own steps and page, registered by them:
`cases` sits below those contexts (docs/architecture.md, "Floors") and imports none
of them. Panels, timeline entries and caseload rules have their own registries
(cases/panels.py, cases/timeline.py, cases/access.py).

Each is filled in the owning app's `AppConfig.ready()`:

- on a referral taken into a case (assessments): `register_on_referral_taken(handler)`,
  `handler(*, referral, case, acting_user)`, run inside the triage transaction once
  the referral's people are parties of the case (the referral's assessments follow
  it into the case). Handlers run in registration order.
- case page context (sharing): `register_detail_context(source)`,
  `source(case, user) -> dict` added to the case page's template context (the
  information and health summaries shared on the case that the user may see).
  Sources run in registration order; a later key replaces an earlier one.
- case tracking (monitoring): `register_case_tracking(fn)`, `fn(case) -> Tracking`
  (partnerships.revisiting): how long a closed case is tracked, which may wait for
  the investigation's conclusion (justice, through monitoring). Closing and reopening
  a case read it. The last registration wins.
- case list filters (meetings, actions): `register_case_filter(CaseFilter(name, label,
  apply))`, a yes/no filter on the case list; `apply(cases, partnership) -> cases`
  narrows the query (with an `Exists` subquery, so a case is listed once). Shown in
  registration order, after the case's own filters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ReferralTaken = Callable[..., None]
DetailContext = Callable[[Any, Any], dict[str, Any]]



@dataclass(frozen=True)
class CaseFilter:
    name: str  # the query parameter, e.g. "open_actions"
    label: str  # e.g. "Has open actions"
    apply: Callable[[Any, Any], Any]  # (cases queryset, partnership) -> cases queryset


_ON_REFERRAL_TAKEN: list[ReferralTaken] = []
_CASE_FILTERS: list[CaseFilter] = []
_DETAIL_CONTEXT: list[DetailContext] = []


def register_on_referral_taken(handler: ReferralTaken) -> ReferralTaken:
    if handler not in _ON_REFERRAL_TAKEN:
        _ON_REFERRAL_TAKEN.append(handler)
    return handler


def register_detail_context(source: DetailContext) -> DetailContext:
    if source not in _DETAIL_CONTEXT:
        _DETAIL_CONTEXT.append(source)
    return source


def referral_taken(*, referral: Any, case: Any, acting_user: Any) -> None:
    for handler in _ON_REFERRAL_TAKEN:
        handler(referral=referral, case=case, acting_user=acting_user)


def detail_context(case: Any, user: Any) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for source in _DETAIL_CONTEXT:
        context.update(source(case, user))
    return context


def register_case_filter(case_filter: CaseFilter) -> CaseFilter:
    """Registering a filter of the same name again replaces it."""
    _CASE_FILTERS[:] = [f for f in _CASE_FILTERS if f.name != case_filter.name]
    _CASE_FILTERS.append(case_filter)
    return case_filter


def case_filters() -> list[CaseFilter]:
    return list(_CASE_FILTERS)


_CASE_TRACKING: list[Callable[[Any], Any]] = []


def register_case_tracking(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    _CASE_TRACKING[:] = [fn]
    return fn


def case_tracking(case: Any) -> Any:
    """The case's tracking after closure (a partnerships.revisiting.Tracking), from monitoring."""
    if not _CASE_TRACKING:
        raise RuntimeError("No case tracking is registered (monitoring registers it when ready).")
    return _CASE_TRACKING[0](case)
