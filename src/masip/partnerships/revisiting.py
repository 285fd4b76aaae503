"""Each partnership's revisiting policy, as plain rules over its operating model's data.

Report section 7, "Revisiting cases":
- London: "no formal follow up process"; the victim advocate can bring a case back. A
  re-review trigger is recorded and goes to the next meeting; nothing asks for a
  reassessment by itself.
- Hampshire: cases are "tracked everyday but not typically revisited ... unless there is a
  significant change ... or a further offence". A case is tracked until a charge or another
  outcome that concludes the investigation, even after the unit closes it.
- Cheshire: "we case track anyway for the life of any case we work with and for the six
  months after"; a case that comes back goes to clinic "and at the clinic a new CAS form
  would be created".

The monitoring context (tracking, triggers, the queue), the cases context (a referral that
joins an open case) and the meetings context (which closed cases reach an agenda) all read
these functions, so the policy is in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

NO_FORMAL = "no_formal"
UNTIL_CONCLUDED = "until_concluded"
LIFE_OF_CASE = "life_of_case"


@dataclass(frozen=True)
class RevisitingPolicy:
    kind: str = LIFE_OF_CASE
    months_after_closure: int = 0
    reassess_on_trigger: bool = True
    rereview_instrument: str = ""  # an instrument code, e.g. "cas"

    @classmethod
    def of(cls, model: Any) -> RevisitingPolicy:
        """The policy of an operating model; a partnership without one tracks open cases only."""
        if model is None:
            return cls(kind=NO_FORMAL, reassess_on_trigger=False)
        return cls(
            kind=model.revisiting_policy,
            months_after_closure=model.tracking_months_after_closure
            if model.revisiting_policy == LIFE_OF_CASE
            else 0,
            reassess_on_trigger=model.reassess_on_trigger,
            rereview_instrument=model.rereview_instrument if model.reassess_on_trigger else "",
        )


@dataclass(frozen=True)
class Tracking:
    is_open: bool
    closed_on: date | None
    until: date | None  # last tracked day of a closed case, once known
    awaiting_outcome: bool = False  # closed, and tracked until the investigation concludes

    def tracked_on(self, day: date) -> bool:
        return self.is_open or self.awaiting_outcome or (self.until is not None and day <= self.until)

    def describe(self, today: date) -> str:
        if self.is_open:
            return "Tracked while the case is open"
        if self.awaiting_outcome:
            return "Tracked after closure until a charge or another outcome concludes the investigation"
        if self.until is None:
            return "Not tracked"
        if self.closed_on is not None and self.until == self.closed_on:
            return "Not tracked after closure (the operating model sets no tracking period)"
        if today <= self.until:
            return f"Tracked after closure until {self.until:%-d %B %Y}"
        return f"Tracking ended on {self.until:%-d %B %Y}"


def tracking_end(*, closed_on: date, tracking_months: int) -> date:
    """The last day a closed case is tracked for a period after closure (the closing day when it is zero)."""
    return closed_on + relativedelta(months=tracking_months)


def tracking(
    policy: RevisitingPolicy, *, is_open: bool, closed_on: date | None, concluded_on: date | None = None
) -> Tracking:
    """How long a case is tracked. `concluded_on`: the first outcome that concluded the investigation
    (a charge, no further action, ...), where the policy tracks until one."""
    if is_open or closed_on is None:
        return Tracking(is_open=is_open, closed_on=closed_on, until=None)
    if policy.kind == LIFE_OF_CASE:
        until = tracking_end(closed_on=closed_on, tracking_months=policy.months_after_closure)
        return Tracking(is_open=False, closed_on=closed_on, until=until)
    if policy.kind == UNTIL_CONCLUDED:
        if concluded_on is None:
            return Tracking(is_open=False, closed_on=closed_on, until=None, awaiting_outcome=True)
        return Tracking(is_open=False, closed_on=closed_on, until=max(closed_on, concluded_on))
    return Tracking(is_open=False, closed_on=closed_on, until=closed_on)


@dataclass(frozen=True)
class ReassessmentRequest:
    reason: str
    instrument: str  # "" = any signed-off assessment answers it


def reassessment_on_trigger(policy: RevisitingPolicy, *, trigger: str) -> ReassessmentRequest | None:
    """What a re-review trigger asks for besides the meeting: a reassessment (naming the
    instrument where the policy asks for one at each re-review), or nothing."""
    if not policy.reassess_on_trigger:
        return None
    if policy.rereview_instrument:
        return ReassessmentRequest(
            f"{trigger.rstrip('.')}. Re-review: complete a new {policy.rereview_instrument.upper()}",
            policy.rereview_instrument,
        )
    return ReassessmentRequest(trigger, "")


def describe(policy: RevisitingPolicy) -> str:
    """The policy in a sentence, for the pages that act on it."""
    if policy.kind == NO_FORMAL:
        tracked = "No formal revisiting: cases are tracked while open"
    elif policy.kind == UNTIL_CONCLUDED:
        tracked = "Cases are tracked until a charge or another outcome concludes the investigation"
    elif policy.months_after_closure:
        months = policy.months_after_closure
        tracked = f"Cases are tracked for their life and {months} month{'s' if months != 1 else ''} after closure"
    else:
        tracked = "Cases are tracked while open"
    if not policy.reassess_on_trigger:
        then = "a re-review trigger is recorded and goes to the next meeting, with no automatic reassessment"
    elif policy.rereview_instrument:
        then = f"each re-review asks for a new {policy.rereview_instrument.upper()}"
    else:
        then = "a re-review trigger asks for a reassessment"
    return f"{tracked}; {then}."
