"""The revisiting policies as plain functions (no database)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from masip.partnerships.revisiting import (
    LIFE_OF_CASE,
    NO_FORMAL,
    UNTIL_CONCLUDED,
    RevisitingPolicy,
    describe,
    reassessment_on_trigger,
    tracking,
)

CLOSED = date(2028, 2, 29)  # a leap day: six months on is 29 August
LONDON = RevisitingPolicy(kind=NO_FORMAL, reassess_on_trigger=False)
HAMPSHIRE = RevisitingPolicy(kind=UNTIL_CONCLUDED)
CHESHIRE = RevisitingPolicy(kind=LIFE_OF_CASE, months_after_closure=6, rereview_instrument="cas")


def test_an_open_case_is_tracked_whatever_the_policy():
    for policy in (LONDON, HAMPSHIRE, CHESHIRE):
        assert tracking(policy, is_open=True, closed_on=None).tracked_on(date(2040, 1, 1))


def test_london_stops_at_closure():
    t = tracking(LONDON, is_open=False, closed_on=CLOSED)
    assert (t.until, t.tracked_on(CLOSED), t.tracked_on(date(2028, 3, 1))) == (CLOSED, True, False)


def test_hampshire_tracks_until_an_outcome_concludes_the_investigation():
    waiting = tracking(HAMPSHIRE, is_open=False, closed_on=CLOSED)
    assert waiting.awaiting_outcome and waiting.tracked_on(date(2031, 1, 1))
    charged = tracking(HAMPSHIRE, is_open=False, closed_on=CLOSED, concluded_on=date(2028, 5, 2))
    assert (charged.until, charged.tracked_on(date(2028, 5, 3))) == (date(2028, 5, 2), False)
    before_closure = tracking(HAMPSHIRE, is_open=False, closed_on=CLOSED, concluded_on=date(2027, 12, 1))
    assert before_closure.until == CLOSED


def test_cheshire_tracks_six_months_after_closure():
    t = tracking(CHESHIRE, is_open=False, closed_on=CLOSED)
    assert t.until == date(2028, 8, 29)
    assert t.tracked_on(date(2028, 8, 29)) and not t.tracked_on(date(2028, 8, 30))


def test_what_a_trigger_asks_for():
    assert reassessment_on_trigger(LONDON, trigger="New incident: texts.") is None
    assert reassessment_on_trigger(HAMPSHIRE, trigger="New offence: charged.").instrument == ""
    request = reassessment_on_trigger(CHESHIRE, trigger="New incident: texts.")
    assert (request.reason, request.instrument) == ("New incident: texts. Re-review: complete a new CAS", "cas")


def test_the_policy_is_read_from_the_operating_model_and_described():
    model = SimpleNamespace(
        revisiting_policy=UNTIL_CONCLUDED, tracking_months_after_closure=6, reassess_on_trigger=True,
        rereview_instrument="",
    )
    assert RevisitingPolicy.of(model).months_after_closure == 0  # months apply to life-of-case tracking only
    assert RevisitingPolicy.of(None).kind == NO_FORMAL
    assert describe(LONDON) == (
        "No formal revisiting: cases are tracked while open; a re-review trigger is recorded and goes to the "
        "next meeting, with no automatic reassessment."
    )
    assert describe(CHESHIRE) == (
        "Cases are tracked for their life and 6 months after closure; each re-review asks for a new CAS."
    )
