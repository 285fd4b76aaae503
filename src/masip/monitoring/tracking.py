"""How long a case stays under tracking.

A case is tracked for its whole life and, once closed, for the partnership's
configured period after closure (OperatingModel.tracking_months_after_closure:
six months in Cheshire - "we case track ... for the life of any case we work
with and for the six months after", report section 7). The period is read
from the operating model in force on the closing date, so changing the model
later does not move the end of a period already running.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta


def tracking_end(*, closed_on: date, tracking_months: int) -> date:
    """The last day a closed case is tracked: the closing date itself when the period is zero."""
    return closed_on + relativedelta(months=tracking_months)


@dataclass(frozen=True)
class Tracking:
    is_open: bool
    closed_on: date | None
    until: date | None  # last tracked day of a closed case

    def tracked_on(self, day: date) -> bool:
        return self.is_open or (self.until is not None and day <= self.until)

    def describe(self, today: date) -> str:
        if self.is_open:
            return "Tracked while the case is open"
        if self.until is None:
            return "Not tracked"
        if self.closed_on is not None and self.until == self.closed_on:
            return "Not tracked after closure (the operating model sets no tracking period)"
        if today <= self.until:
            return f"Tracked after closure until {self.until:%-d %B %Y}"
        return f"Tracking ended on {self.until:%-d %B %Y}"


def case_tracking(case, *, model=None) -> Tracking:
    """Tracking for a case. `model` is the operating model in force on the closing date, if already loaded."""
    if case.is_open or case.closed_on is None:
        return Tracking(is_open=case.is_open, closed_on=case.closed_on, until=None)
    if model is None:
        model = case.partnership.operating_model_on(case.closed_on)
    months = model.tracking_months_after_closure if model else 0
    return Tracking(
        is_open=False,
        closed_on=case.closed_on,
        until=tracking_end(closed_on=case.closed_on, tracking_months=months),
    )
