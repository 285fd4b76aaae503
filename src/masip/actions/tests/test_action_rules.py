"""The life of an action as pure functions: states, overdue, reminders, completed on time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masip.actions.action_rules import (
    REMIND_DAYS_BEFORE,
    ActionRuleError,
    Outcome,
    ReminderKind,
    Status,
    check_completion,
    check_due_date,
    check_transition,
    completion_outcome,
    days_overdue,
    is_overdue,
    on_time_figures,
    reminder_due,
)

TODAY = date(2026, 11, 27)
statuses = st.sampled_from(list(Status))
days = st.dates(date(2026, 1, 1), date(2027, 12, 31))


class TestTransitions:
    @pytest.mark.parametrize("to", [Status.DONE, Status.CANCELLED])
    def test_an_open_action_can_be_done_or_cancelled(self, to):
        check_transition(Status.OPEN, to)

    @pytest.mark.parametrize("current", [Status.DONE, Status.CANCELLED])
    @pytest.mark.parametrize("to", list(Status))
    def test_done_and_cancelled_are_final(self, current, to):
        with pytest.raises(ActionRuleError):
            check_transition(current, to)

    def test_the_refusal_says_why(self):
        with pytest.raises(ActionRuleError, match="already done"):
            check_transition(Status.DONE, Status.DONE)
        with pytest.raises(ActionRuleError, match="cancelled cannot be marked done"):
            check_transition(Status.CANCELLED, Status.DONE)


class TestDates:
    def test_a_due_date_in_the_past_is_refused(self):
        with pytest.raises(ActionRuleError, match="today or in the future"):
            check_due_date(TODAY - timedelta(days=1), today=TODAY)
        check_due_date(TODAY, today=TODAY)

    def test_completion_needs_a_date_between_agreeing_it_and_today(self):
        for bad in (None, TODAY + timedelta(days=1), TODAY - timedelta(days=10)):
            with pytest.raises(ActionRuleError):
                check_completion(completed_on=bad, created_on=TODAY - timedelta(days=5), today=TODAY)
        check_completion(
            completed_on=TODAY - timedelta(days=5), created_on=TODAY - timedelta(days=5), today=TODAY
        )


@settings(max_examples=500)
@given(statuses, days, days)
def test_overdue_means_open_and_past_its_due_date(status, due, today):
    assert is_overdue(status, due, today=today) == (status == Status.OPEN and due < today)
    assert days_overdue(status, due, today=today) == (
        (today - due).days if is_overdue(status, due, today=today) else 0
    )
    assert days_overdue(status, due, today=today) >= 0


@settings(max_examples=500)
@given(statuses, days, days)
def test_reminders_come_before_the_due_date_and_once_overdue_only_for_open_actions(status, due, today):
    kind = reminder_due(status, due, today=today)
    if status != Status.OPEN:
        assert kind is None
    elif due < today:
        assert kind == ReminderKind.OVERDUE
    elif (due - today).days <= REMIND_DAYS_BEFORE:
        assert kind == ReminderKind.DUE_SOON
    else:
        assert kind is None


@settings(max_examples=500)
@given(statuses, days, st.none() | days, days)
def test_each_action_has_one_completion_outcome(status, due, completed, today):
    outcome = completion_outcome(status, due, completed, today=today)
    if status == Status.CANCELLED:
        assert outcome == Outcome.CANCELLED
    elif status == Status.DONE:
        assert outcome == (Outcome.ON_TIME if completed is not None and completed <= due else Outcome.LATE)
    else:
        assert outcome == (Outcome.OVERDUE if due < today else Outcome.NOT_YET_DUE)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(list(Outcome)), max_size=60))
def test_the_on_time_share_counts_only_actions_that_have_fallen_due(outcomes):
    figures = on_time_figures(outcomes)
    assert figures.on_time == outcomes.count(Outcome.ON_TIME)
    assert figures.fallen_due == sum(o in (Outcome.ON_TIME, Outcome.LATE, Outcome.OVERDUE) for o in outcomes)
    if figures.fallen_due:
        assert 0 <= figures.share <= 1
        assert figures.share == figures.on_time / figures.fallen_due
    else:
        assert figures.share is None


def test_an_action_done_early_counts_as_on_time_at_once():
    outcome = completion_outcome(Status.DONE, TODAY + timedelta(days=10), TODAY, today=TODAY)
    assert on_time_figures([outcome]).share == 1
