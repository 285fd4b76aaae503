"""How long a case stays under tracking, as the partnership's revisiting policy says.

A case is tracked for its whole life. Once closed, the operating model in force on the
closing date decides (partnerships.revisiting): Cheshire tracks "for the life of any case
we work with and for the six months after" (report section 7); Hampshire tracks until a
charge or another outcome concludes the investigation; London does not track closed
cases. Reading the model of the closing date means a later change to the model does not
move the end of a period already running.

Whether and when an investigation concluded is criminal justice's to say: the
justice context registers an `InvestigationConclusions` with
`register_investigation_conclusions()` when the app is ready, so this module
imports nothing of it. Without one, no investigation has concluded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Q, QuerySet

from masip.cases.models import CaseStatus
from masip.partnerships.revisiting import (
    LIFE_OF_CASE,
    UNTIL_CONCLUDED,
    RevisitingPolicy,
    Tracking,
    tracking,
    tracking_end,
)

__all__ = [
    "InvestigationConclusions",
    "Tracking",
    "case_tracking",
    "concluded_on",
    "register_investigation_conclusions",
    "tracked_cases_q",
    "tracking_end",
]


@dataclass(frozen=True)
class InvestigationConclusions:
    """How to read the conclusion of a case's investigation (registered by the justice context)."""

    # The day of the first outcome that concluded the investigation of the case, if any.
    concluded_on: Callable[..., date | None]  # called as concluded_on(case)
    # The outcomes concluding the investigation of the case `case_id` (an expression such as
    # OuterRef("pk")) before `before`; tracked_cases_q asks whether any exists.
    concluded_before: Callable[..., QuerySet]  # called as concluded_before(case_id=..., before=...)


_CONCLUSIONS: list[InvestigationConclusions] = []


def register_investigation_conclusions(conclusions: InvestigationConclusions) -> InvestigationConclusions:
    """Called from the justice context's AppConfig.ready(); registering again replaces the last one."""
    _CONCLUSIONS[:] = [conclusions]
    return conclusions


def concluded_on(case) -> date | None:
    """The day of the first outcome that concluded the investigation of the case's suspect, if any."""
    return _CONCLUSIONS[0].concluded_on(case) if _CONCLUSIONS else None


def case_tracking(case, *, model=None) -> Tracking:
    """Tracking for a case. `model` is the operating model in force on the closing date, if already loaded."""
    if case.is_open or case.closed_on is None:
        return Tracking(is_open=case.is_open, closed_on=case.closed_on, until=None)
    if model is None:
        model = case.partnership.operating_model_on(case.closed_on)
    policy = RevisitingPolicy.of(model)
    concluded = concluded_on(case) if policy.kind == UNTIL_CONCLUDED else None
    return tracking(policy, is_open=False, closed_on=case.closed_on, concluded_on=concluded)


def tracked_cases_q(partnership, as_of: date, *, prefix: str = "") -> Q:
    """A filter for the partnership's cases still tracked on `as_of`: open ones, and closed ones
    inside their tracking (by the model in force on `as_of`). `prefix` reaches the case from
    another model by one relation, e.g. "case__"."""
    policy = RevisitingPolicy.of(partnership.operating_model_on(as_of))
    mine = Q(**{f"{prefix}partnership_id": partnership.pk})
    condition = Q(**{f"{prefix}status": CaseStatus.OPEN})
    closed = Q(**{f"{prefix}status": CaseStatus.CLOSED})
    if policy.kind == LIFE_OF_CASE and policy.months_after_closure:
        condition |= closed & Q(**{f"{prefix}closed_on__gte": as_of - relativedelta(months=policy.months_after_closure)})
    elif policy.kind == UNTIL_CONCLUDED:
        if not _CONCLUSIONS:  # no investigation ever concludes: every closed case stays tracked
            condition |= closed
        else:
            concluded_before = _CONCLUSIONS[0].concluded_before(
                case_id=OuterRef(f"{prefix.removesuffix('__')}_id" if prefix else "pk"), before=as_of
            )
            # django-stubs type Q | x for a Q x only, so `Q | ~Exists(...)` falls to Combinable.__ror__;
            # Django's Q.__or__ takes any conditional expression and returns a Q.
            condition |= closed & (  # type: ignore[assignment]
                Q(**{f"{prefix}closed_on__gte": as_of}) | ~Exists(concluded_before)
            )
    return mine & condition
