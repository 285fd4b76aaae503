"""The life of an action, as plain Python: its states, when it is overdue, when its
owner is reminded, and whether it was completed on time.

An action is open until it is done (with the date it was done and a note) or
cancelled (with a reason). Done and cancelled are final: a decision to do more
is a new action, so the record of who did what by when stays true - the
evaluation reports actions completed on time per agency (docs/domain.md, "What the
programme reports").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

# Owners hear about an action this many days before it is due, and once when it is overdue.
REMIND_DAYS_BEFORE = 3


class Status(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.OPEN: frozenset({Status.DONE, Status.CANCELLED}),
    Status.DONE: frozenset(),
    Status.CANCELLED: frozenset(),
}


class ActionRuleError(ValueError):
    """A change the rules do not allow; the message says why."""


def check_transition(current: str, new: str) -> None:
    if new not in TRANSITIONS.get(Status(current), frozenset()):
        if current == new:
            raise ActionRuleError(f"This action is already {_word(current)}.")
        raise ActionRuleError(f"An action that is {_word(current)} cannot be marked {_word(new)}.")


def _word(status: str) -> str:
    return {"open": "open", "done": "done", "cancelled": "cancelled"}[status]


def check_due_date(due_on: date, *, today: date) -> None:
    if due_on < today:
        raise ActionRuleError("The due date must be today or in the future.")


def check_completion(*, completed_on: date | None, created_on: date, today: date) -> None:
    if completed_on is None:
        raise ActionRuleError("Enter the date the action was done.")
    if completed_on > today:
        raise ActionRuleError("The date it was done must be today or in the past.")
    if completed_on < created_on:
        raise ActionRuleError("The date it was done cannot be before the action was agreed.")


def is_overdue(status: str, due_on: date, *, today: date) -> bool:
    """Open past its due date. Due today is not yet overdue."""
    return status == Status.OPEN and due_on < today


def days_overdue(status: str, due_on: date, *, today: date) -> int:
    return (today - due_on).days if is_overdue(status, due_on, today=today) else 0


class ReminderKind(StrEnum):
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def reminder_due(
    status: str, due_on: date, *, today: date, days_before: int = REMIND_DAYS_BEFORE
) -> ReminderKind | None:
    """Which reminder an action calls for today, if any. Each is sent once per due date
    (the reminder table's unique key), so running the sender twice sends nothing new."""
    if status != Status.OPEN:
        return None
    if due_on < today:
        return ReminderKind.OVERDUE
    if due_on - timedelta(days=days_before) <= today:
        return ReminderKind.DUE_SOON
    return None


class Outcome(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"  # still open after its due date
    NOT_YET_DUE = "not_yet_due"
    CANCELLED = "cancelled"


def completion_outcome(status: str, due_on: date, completed_on: date | None, *, today: date) -> Outcome:
    if status == Status.CANCELLED:
        return Outcome.CANCELLED
    if status == Status.DONE:
        return Outcome.ON_TIME if completed_on is not None and completed_on <= due_on else Outcome.LATE
    return Outcome.OVERDUE if due_on < today else Outcome.NOT_YET_DUE


@dataclass(frozen=True)
class OnTimeFigures:
    """Completed on time, out of the actions that have fallen due (done, or open past their date).

    Cancelled actions and open actions not yet due are left out of both counts;
    an action done early counts as soon as it is done.
    """

    on_time: int = 0
    late: int = 0
    overdue: int = 0

    @property
    def fallen_due(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def share(self) -> float | None:
        return self.on_time / self.fallen_due if self.fallen_due else None


def on_time_figures(outcomes: Iterable[Outcome]) -> OnTimeFigures:
    counts = {Outcome.ON_TIME: 0, Outcome.LATE: 0, Outcome.OVERDUE: 0}
    for outcome in outcomes:
        if outcome in counts:
            counts[outcome] += 1
    return OnTimeFigures(
        on_time=counts[Outcome.ON_TIME], late=counts[Outcome.LATE], overdue=counts[Outcome.OVERDUE]
    )
