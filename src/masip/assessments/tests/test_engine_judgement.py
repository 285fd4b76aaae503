"""Professional judgement: each instrument's rules on moving the level."""

from __future__ import annotations

import pytest

from masip.assessments.engine import (
    AssessmentResult,
    Judgement,
    JudgementError,
    apply_judgement,
    evaluate,
    judgement_problems,
    load_directory,
)

REGISTRY = load_directory()
DASH = REGISTRY.latest("dash")
SRP = REGISTRY.latest("srp")
CAS = REGISTRY.latest("cas")

NO_TO_ALL = {item.id: "no" for item in DASH.sections[0].items}
FOURTEEN_YES = {**NO_TO_ALL, **{item.id: "yes" for item in DASH.sections[0].items[-14:]}}


def test_dash_judgement_may_raise_the_level_with_a_reason():
    reason = "Victim reports threats to kill made after the checklist was completed."
    result = evaluate(DASH, NO_TO_ALL, judgement=Judgement("high", reason))
    assert result.computed_level == "standard"  # what the count says stays on record
    assert result.final_level == "high"
    assert result.risk_rank == 3
    assert result.raised_by_judgement
    assert result.judgement == Judgement("high", reason)
    # Professional judgement is a MARAC referral ground too: the final level drives it.
    assert [r.code for r in result.recommendations] == ["marac_referral"]


def test_dash_judgement_must_give_a_reason():
    with pytest.raises(JudgementError) as error:
        evaluate(DASH, NO_TO_ALL, judgement=Judgement("medium", "  "))
    assert error.value.problems == (
        "DASH risk checklist (police): give the reason for the professional judgement",
    )


def test_dash_judgement_may_never_lower_the_level():
    with pytest.raises(JudgementError) as error:
        evaluate(DASH, FOURTEEN_YES, judgement=Judgement("medium", "Victim has moved away."))
    assert error.value.problems == (
        "DASH risk checklist (police): professional judgement may raise the level, never lower it "
        "(rules give 'high', judgement 'medium')",
    )


def test_agreeing_with_the_rules_is_not_an_override():
    result = evaluate(DASH, FOURTEEN_YES, judgement=Judgement("high"))
    assert result.final_level == "high" and not result.raised_by_judgement


def test_unknown_judgement_level():
    assert judgement_problems(DASH, "standard", Judgement("severe", "x")) == [
        "DASH risk checklist (police): unknown level 'severe'"
    ]


@pytest.mark.parametrize("definition", [SRP, CAS, REGISTRY.latest("sash")], ids=lambda d: d.code)
def test_tools_whose_level_is_itself_a_judgement_take_no_override(definition):
    assert definition.judgement is None
    with pytest.raises(JudgementError):
        apply_judgement(definition, "low", Judgement("high", "Because."))


def test_apply_judgement_without_a_judgement_keeps_the_computed_level():
    assert apply_judgement(DASH, "medium", None) == "medium"
    assert judgement_problems(DASH, "medium", None) == []


def test_result_round_trips_through_json_form():
    result = evaluate(DASH, NO_TO_ALL, judgement=Judgement("high", "Reason."))
    stored = result.to_dict()
    assert stored["judgement"] == {"level": "high", "reason": "Reason."}
    assert stored["recommendations"][0]["code"] == "marac_referral"
    assert AssessmentResult.from_dict(stored) == result
