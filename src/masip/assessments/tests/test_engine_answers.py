"""Checking answers: outside the options, wrong types, out of range, unknown items, sign-off."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from masip.assessments.engine import (
    AnswerError,
    AnswerProblemCode,
    evaluate,
    load_definition_text,
    load_directory,
    missing_required,
    validate_answers,
)

REGISTRY = load_directory()
DASH = REGISTRY.latest("dash")
SCSQ = REGISTRY.latest("scsq")

FORM = load_definition_text(
    """\
code: form
name: Every item type
version: 1
sections:
  - id: main
    title: Main
    items:
      - {id: flag, type: yes_no_dont_know, label: Flag, required: true}
      - {id: rating, type: low_moderate_high, label: Rating}
      - id: pick
        type: single_choice
        label: Pick one
        options: [{value: a, label: A}, {value: b, label: B}]
      - id: picks
        type: multiple_choice
        label: Pick any
        required: true
        options: [{value: a, label: A}, {value: b, label: B}]
      - {id: count, type: number, label: Count, integer: true, min: 0, max: 10}
      - {id: measure, type: number, label: Measure, min: 0.5}
      - {id: when, type: date, label: When}
      - {id: note, type: text, label: Note, max_length: 5}
""",
    source="form.yaml",
)


def found(answers: dict[str, object], **kwargs: object) -> list[tuple[str, AnswerProblemCode]]:
    return [(p.item_id, p.code) for p in validate_answers(FORM, answers, **kwargs)]


def test_valid_answers_of_every_type():
    answers = {
        "flag": "dont_know",
        "rating": "moderate",
        "pick": "a",
        "picks": ["b", "a"],
        "count": 10,
        "measure": 0.5,
        "when": "2019-09-01",
        "note": "short",
    }
    assert validate_answers(FORM, answers, sign_off=True) == []
    assert found({"when": date(2019, 9, 1), "count": 3.0}) == []  # 3.0 is a whole number


def test_unknown_item_id():
    problems = validate_answers(FORM, {"flag": "yes", "q99": "yes"})
    assert [(p.item_id, p.code, p.message) for p in problems] == [
        ("q99", AnswerProblemCode.UNKNOWN_ITEM, "form has no item 'q99'")
    ]


@pytest.mark.parametrize(
    ("item_id", "value"),
    [("flag", "maybe"), ("flag", "Yes"), ("rating", "medium"), ("pick", "c"), ("picks", ["a", "z"])],
)
def test_answer_outside_the_options(item_id, value):
    assert found({item_id: value}) == [(item_id, AnswerProblemCode.NOT_AN_OPTION)]


def test_answer_outside_the_options_says_what_the_options_are():
    (problem,) = validate_answers(DASH, {"q01_injury": "unsure"})
    assert str(problem) == "q01_injury: 'unsure' is not an option (options: yes, no, dont_know)"


@pytest.mark.parametrize(
    ("item_id", "value"),
    [
        ("flag", True),
        ("pick", ["a"]),
        ("picks", "a"),  # a multiple choice is a list, even of one
        ("picks", ["a", "a"]),
        ("count", "3"),
        ("count", True),  # bool is an int in Python, never a count
        ("count", 2.5),
        ("measure", float("nan")),
        ("when", "1/9/2019"),
        ("when", "2019-02-30"),
        ("when", datetime(2019, 9, 1, 12, 0)),
        ("note", 5),
    ],
)
def test_answer_of_the_wrong_type(item_id, value):
    assert found({item_id: value}) == [(item_id, AnswerProblemCode.WRONG_TYPE)]


@pytest.mark.parametrize(("item_id", "value"), [("count", -1), ("count", 11), ("measure", 0.4)])
def test_number_out_of_range(item_id, value):
    assert found({item_id: value}) == [(item_id, AnswerProblemCode.OUT_OF_RANGE)]


def test_number_out_of_range_message():
    (problem,) = validate_answers(FORM, {"count": 11})
    assert problem.message == "11 is out of range (0 to 10)"


def test_text_too_long():
    assert found({"note": "too long"}) == [("note", AnswerProblemCode.TOO_LONG)]


def test_empty_answers_are_unanswered_not_wrong():
    assert found({"flag": None, "picks": [], "note": "   ", "count": None}) == []


def test_sign_off_reports_required_items_missing_drafts_do_not():
    assert found({"flag": "yes"}) == []
    assert found({"flag": "yes"}, sign_off=True) == [("picks", AnswerProblemCode.REQUIRED_MISSING)]
    assert found({"picks": []}, sign_off=True) == [
        ("flag", AnswerProblemCode.REQUIRED_MISSING),
        ("picks", AnswerProblemCode.REQUIRED_MISSING),
    ]


def test_sign_off_of_a_dash_with_one_question_unanswered():
    answers = {item.id: "no" for item in DASH.sections[0].items}
    del answers["q18_strangulation"]
    problems = validate_answers(DASH, answers, sign_off=True)
    assert [(p.item_id, p.code) for p in problems] == [
        ("q18_strangulation", AnswerProblemCode.REQUIRED_MISSING)
    ]
    assert problems[0].message.startswith("required before sign-off: ")
    assert missing_required(DASH, answers) == ("q18_strangulation",)


def test_evaluate_refuses_invalid_answers_with_every_problem():
    with pytest.raises(AnswerError) as error:
        evaluate(SCSQ, {"physical_violence": "Y", "incidents_reported": -2, "nonsense": 1})
    assert {(p.item_id, p.code) for p in error.value.problems} == {
        ("physical_violence", AnswerProblemCode.NOT_AN_OPTION),
        ("incidents_reported", AnswerProblemCode.OUT_OF_RANGE),
        ("nonsense", AnswerProblemCode.UNKNOWN_ITEM),
    }
