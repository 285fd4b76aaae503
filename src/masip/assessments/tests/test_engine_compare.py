"""Reassessment: what changed between two assessments with the same instrument."""

from __future__ import annotations

from datetime import date

import pytest

from masip.assessments.engine import (
    AnswerChange,
    AssessmentSnapshot,
    LevelChange,
    compare_assessments,
    evaluate,
    load_definition_text,
    load_directory,
)

REGISTRY = load_directory()
SRP = REGISTRY.latest("srp")
CAS = REGISTRY.latest("cas")

BEFORE_INTERVENTION = {
    "context_of_onset": "After the relationship ended.",
    "initial_motive": "Reconciliation.",
    "stalker_type": "rejected",
    "risk_of_violence": "high",
    "risk_of_persistence": "high",
    "risk_of_recurrence_same_victim": "moderate",
    "risk_of_recurrence_new_victim": "low",
    "risk_of_psychosocial_damage": "moderate",
    "formulation": "Before.",
}


def snapshot(definition, answers):
    return AssessmentSnapshot(definition, answers, evaluate(definition, answers))


def test_srp_after_an_intervention_shows_the_change():
    after_answers = {
        **BEFORE_INTERVENTION,
        "initial_motive": "Revenge for the separation.",
        "stalker_type": "resentful",
        "risk_of_violence": "moderate",
        "risk_of_persistence": "low",
        "formulation": "After brief therapeutic work.",
    }
    comparison = compare_assessments(snapshot(SRP, BEFORE_INTERVENTION), snapshot(SRP, after_answers))
    assert [c.item_id for c in comparison.answer_changes] == [
        "initial_motive",
        "stalker_type",
        "risk_of_violence",
        "risk_of_persistence",
        "formulation",
    ]
    assert comparison.answer_changes[2] == AnswerChange(
        "risk_of_violence", "Risk of stalking violence", "high", "moderate"
    )
    assert (comparison.level_before, comparison.level_after) == ("high", "moderate")
    assert (comparison.rank_before, comparison.rank_after) == (3, 2)
    assert comparison.level_change is LevelChange.LOWERED
    assert comparison.stalker_type_changed
    assert (comparison.stalker_type_before, comparison.stalker_type_after) == ("rejected", "resentful")


def test_no_change():
    comparison = compare_assessments(
        snapshot(SRP, BEFORE_INTERVENTION), snapshot(SRP, dict(BEFORE_INTERVENTION))
    )
    assert comparison.answer_changes == ()
    assert comparison.score_changes == {}
    assert comparison.level_change is LevelChange.UNCHANGED
    assert not comparison.stalker_type_changed


def test_same_answer_in_another_form_is_not_a_change():
    base = {
        "review_reason": "initial",
        "review_date": "2019-03-01",
        "overall_risk": "low",
        "risk_summary": "x",
        "value_notes": "x",
        "motivation": "x",
        "recommended_actions": "x",
        "value_routes": ["mappa", "marac"],
    }
    later = {
        **base,
        "review_date": date(2019, 3, 1),
        "value_routes": ["marac", "mappa"],
        "next_review_date": "",
    }
    assert compare_assessments(snapshot(CAS, base), snapshot(CAS, later)).answer_changes == ()


def test_answers_added_removed_and_scores_across_versions():
    v1 = load_definition_text(
        "code: t\nname: T\nversion: 1\nsections:\n  - id: s\n    title: S\n    items:\n"
        "      - {id: a, type: yes_no, label: A}\n      - {id: gone, type: yes_no, label: Gone}\n"
        "scores:\n  - {id: yes_count, label: Yes, count: {sections: [s], answers: ['yes']}}\n"
    )
    v2 = load_definition_text(
        "code: t\nname: T\nversion: 2\nsections:\n  - id: s\n    title: S\n    items:\n"
        "      - {id: a, type: yes_no, label: A}\n      - {id: new, type: yes_no, label: New}\n"
        "scores:\n  - {id: yes_count, label: Yes, count: {sections: [s], answers: ['yes']}}\n"
    )
    comparison = compare_assessments(
        snapshot(v1, {"a": "no", "gone": "yes"}), snapshot(v2, {"a": "yes", "new": "yes"})
    )
    assert (comparison.version_before, comparison.version_after) == (1, 2)
    assert comparison.answer_changes == (
        AnswerChange("a", "A", "no", "yes"),
        AnswerChange("new", "New", None, "yes"),
        AnswerChange("gone", "Gone", "yes", None),
    )
    assert comparison.score_changes == {"yes_count": (1, 2)}
    assert comparison.level_change is LevelChange.UNCHANGED  # no levels: rank 0 both times


def test_different_instruments_cannot_be_compared():
    cas = snapshot(CAS, {"overall_risk": "high"})
    with pytest.raises(ValueError, match="cannot compare srp with cas"):
        compare_assessments(snapshot(SRP, BEFORE_INTERVENTION), cas)
