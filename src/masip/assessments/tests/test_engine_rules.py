"""The rule language on a made-up local tool: weights, open bands, conditions, ask_if chains."""

from __future__ import annotations

import pytest

from masip.assessments.engine import AnswerProblemCode, evaluate, load_definition_text, validate_answers

LOCAL_TOOL = load_definition_text(
    """\
code: local
name: Local screening
version: 1
levels:
  - {id: low, label: Low, rank: 1}
  - {id: medium, label: Medium, rank: 2}
  - {id: high, label: High, rank: 3}
sections:
  - id: main
    title: Main
    items:
      - id: behaviours
        type: multiple_choice
        label: Behaviours
        options: [{value: messages, label: Messages}, {value: threats, label: Threats}, {value: violence, label: Violence}]
      - {id: incidents, type: number, label: Incidents, integer: true, min: 0, max: 20}
      - {id: weapon, type: yes_no_dont_know, label: Weapon}
      - {id: weapon_kind, type: text, label: What weapon, required: true, ask_if: {item: weapon, equals: "yes"}}
  - id: children
    title: Children
    ask_if: {item: behaviours, includes: threats}
    items:
      - {id: children_present, type: yes_no, label: Children present, required: true}
      - {id: children_named, type: yes_no, label: Children threatened by name, ask_if: {item: children_present, equals: "yes"}}
scores:
  - id: risk
    label: Risk score
    weighted_sum:
      - {item: behaviours, weights: {threats: 2, violence: 4}}
      - {item: incidents, per_unit: 1}
      - {item: weapon, weights: {"yes": 3, dont_know: 1}}
level:
  from_score: risk
  bands:
    - {level: low, min: 0, max: 4}
    - {level: medium, min: 5, max: 9}
    - {level: high, min: 10}
recommendations:
  - code: few_incidents
    text: Few incidents
    when: {score: risk, at_most: 2}
  - code: violence_or_weapon
    text: Violence or a weapon
    when: {any: [{item: behaviours, includes: violence}, {item: weapon, in: ["yes", dont_know]}]}
  - code: threats_without_violence
    text: Threats without violence
    when: {all: [{item: behaviours, includes: threats}, {not: {item: behaviours, includes: violence}}]}
  - code: serious
    text: Medium or above
    when: {level_at_least: medium}
""",
    source="local.yaml",
)


@pytest.mark.parametrize(
    ("answers", "risk", "level"),
    [
        ({}, 0, "low"),
        ({"behaviours": ["messages"], "incidents": 4}, 4, "low"),
        ({"behaviours": ["threats"], "incidents": 3, "children_present": "no"}, 5, "medium"),
        ({"behaviours": ["threats", "violence"], "incidents": 3, "children_present": "no"}, 9, "medium"),
        ({"incidents": 20, "weapon": "dont_know"}, 21, "high"),  # open-ended top band
    ],
)
def test_weighted_sum_of_multiple_choice_numbers_and_choices(answers, risk, level):
    result = evaluate(LOCAL_TOOL, answers)
    assert result.scores == {"risk": risk}
    assert result.final_level == level


def test_conditions():
    def codes(answers):
        return [r.code for r in evaluate(LOCAL_TOOL, answers).recommendations]

    assert codes({}) == ["few_incidents"]
    assert codes({"behaviours": ["threats"], "children_present": "no"}) == [
        "few_incidents",
        "threats_without_violence",
    ]
    assert codes({"behaviours": ["threats", "violence"], "children_present": "no"}) == [
        "violence_or_weapon",
        "serious",
    ]
    assert codes({"weapon": "dont_know", "incidents": 1}) == ["few_incidents", "violence_or_weapon"]


def test_item_and_section_ask_if_chain():
    # weapon_kind is asked (and required) only if weapon is "yes".
    assert validate_answers(LOCAL_TOOL, {"weapon": "no"}, sign_off=True) == []
    missing = validate_answers(LOCAL_TOOL, {"weapon": "yes"}, sign_off=True)
    assert [(p.item_id, p.code) for p in missing] == [("weapon_kind", AnswerProblemCode.REQUIRED_MISSING)]

    # The children section is asked only where there are threats; within it,
    # children_named only if children are present.
    no_threats = {"behaviours": ["messages"], "children_present": "yes"}
    assert [p.code for p in validate_answers(LOCAL_TOOL, no_threats)] == [AnswerProblemCode.NOT_ASKED]
    threats = {"behaviours": ["threats"]}
    missing = validate_answers(LOCAL_TOOL, threats, sign_off=True)
    assert [(p.item_id, p.code) for p in missing] == [
        ("children_present", AnswerProblemCode.REQUIRED_MISSING)
    ]
    not_present = {"behaviours": ["threats"], "children_present": "no", "children_named": "yes"}
    assert [(p.item_id, p.code) for p in validate_answers(LOCAL_TOOL, not_present)] == [
        ("children_named", AnswerProblemCode.NOT_ASKED)
    ]
    present = {"behaviours": ["threats"], "children_present": "yes", "children_named": "yes"}
    assert validate_answers(LOCAL_TOOL, present, sign_off=True) == []
