"""Engagement states and the operating-model rule on direct work, as plain functions."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from masip.interventions.models import Engagement
from masip.interventions.rules import direct_intervention_refusal, engagement_refusal, next_engagement_states

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    "current, allowed",
    [
        (None, ["offered"]),
        ("offered", ["accepted", "declined"]),
        ("accepted", ["disengaged", "completed"]),
        ("declined", ["offered"]),
        ("disengaged", ["accepted"]),
        ("completed", []),
    ],
)
def test_the_engagement_states_that_may_follow(current, allowed):
    assert next_engagement_states(current) == allowed
    for state in Engagement.values:
        refusal = engagement_refusal(current, state, current_on=None, new_on=TODAY, today=TODAY)
        assert (refusal is None) == (state in allowed), (current, state)


def test_a_refusal_names_what_may_come_next():
    field, message = engagement_refusal("offered", "completed", current_on=None, new_on=TODAY, today=TODAY)
    assert field == "state"
    assert message == "The intervention is offered: it can next be accepted or declined, not completed"
    assert engagement_refusal("completed", "offered", current_on=None, new_on=TODAY, today=TODAY) == (
        "state",
        "The intervention is completed: its engagement cannot change",
    )


def test_engagement_dates_run_forwards_and_not_into_the_future():
    assert engagement_refusal(
        "offered", "accepted", current_on=date(2026, 5, 10), new_on=date(2026, 5, 9), today=TODAY
    ) == (
        "on",
        "Date must be on or after the last change (10 May 2026)",
    )
    assert (
        engagement_refusal(
            "offered", "accepted", current_on=date(2026, 5, 10), new_on=date(2026, 5, 10), today=TODAY
        )
        is None
    )
    assert engagement_refusal(
        "offered", "accepted", current_on=None, new_on=date(2026, 6, 2), today=TODAY
    ) == (
        "on",
        "Date must be today or in the past",
    )


def _model(areas):
    model = SimpleNamespace(direct_intervention_areas=areas, version=2, effective_from=date(2018, 9, 3))
    model.offers_direct_interventions_in = lambda area: not areas or area in areas
    return model


def test_direct_work_follows_the_operating_models_areas():
    cheshire = _model(["Warrington", "Halton"])
    assert direct_intervention_refusal(cheshire, partnership_name="Cheshire", area="Halton") is None
    refusal = direct_intervention_refusal(cheshire, partnership_name="Cheshire", area="Cheshire East")
    assert refusal == (
        "Cheshire offers direct interventions only in Warrington and Halton (operating model v2, from 3 September 2018), "
        "not in this case's area (Cheshire East, where the suspect lives). Record an indirect intervention, such as a "
        "referral to an external service, instead, or correct the case's area on the case page if it is wrong."
    )
    assert "whose area (where the suspect lives) is not recorded" in direct_intervention_refusal(
        cheshire, partnership_name="Cheshire", area=""
    )
    assert direct_intervention_refusal(_model([]), partnership_name="Hampshire", area="") is None
    assert "no operating model" in direct_intervention_refusal(None, partnership_name="Nowhere", area="X")
