"""Property-based tests (hypothesis) for the loader, the scoring and judgement."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masip.assessments.engine import (
    AGENCY_KINDS,
    SHIPPED_INSTRUMENTS_DIR,
    AnswerError,
    AnswerProblemCode,
    AssessmentResult,
    AssessmentSnapshot,
    DefinitionError,
    InstrumentDefinition,
    Item,
    ItemType,
    Judgement,
    JudgementError,
    LevelChange,
    applicable_item_ids,
    apply_judgement,
    compare_assessments,
    evaluate,
    load_definition_text,
    load_directory,
    missing_required,
    redact_answers,
    validate_answers,
)

REGISTRY = load_directory()
INSTRUMENTS = list(REGISTRY)
DASH = REGISTRY.latest("dash")
SCSQ = REGISTRY.latest("scsq")
DASH_QUESTIONS = [item.id for item in DASH.sections[0].items]
SOURCE = "instruments/fuzz.yaml"

# Loading is slower than hypothesis's default deadline on a busy machine;
# a deadline would make these tests flaky, and flaky tests are bugs.
slow = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- strategies ---------------------------------------------------------------


def valid_answer(item: Item) -> st.SearchStrategy[Any]:
    if item.type is ItemType.MULTIPLE_CHOICE:
        return st.lists(st.sampled_from(item.option_values), unique=True)
    if item.options:
        return st.sampled_from(item.option_values)
    if item.type is ItemType.NUMBER:
        low = int(item.minimum) if item.minimum is not None else -1000
        high = int(item.maximum) if item.maximum is not None else 1000
        return st.integers(low, high)
    if item.type is ItemType.DATE:
        return st.dates().map(date.isoformat) | st.dates()
    return st.text(max_size=item.max_length or 40)


@st.composite
def valid_answers(draw: st.DrawFn, definition: InstrumentDefinition) -> dict[str, Any]:
    """Any mix of answered and unanswered items, keeping only the items asked."""
    drawn = {item.id: draw(valid_answer(item)) for item in definition.items if draw(st.integers(0, 3)) > 0}
    asked = applicable_item_ids(definition, drawn)
    return {k: v for k, v in drawn.items() if k in asked}


@st.composite
def instrument_and_answers(draw: st.DrawFn) -> tuple[InstrumentDefinition, dict[str, Any]]:
    definition = draw(st.sampled_from(INSTRUMENTS))
    return definition, draw(valid_answers(definition))


scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
json_like = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)

# Words of the definition format, so generated documents get past the first checks.
FORMAT_WORDS = [
    "code", "name", "version", "sections", "items", "id", "type", "label", "title", "levels", "rank",
    "scores", "count", "weighted_sum", "weights", "answers", "level", "from_score", "bands", "min", "max",
    "judgement", "may_raise", "recommendations", "when", "item", "equals", "in", "all", "any", "not",
    "ask_if", "restricted_to", "options", "value", "yes_no", "number", "yes",
]  # fmt: skip
format_like = st.recursive(
    scalars | st.sampled_from(FORMAT_WORDS),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(FORMAT_WORDS), inner, max_size=5)
    ),
    max_leaves=25,
)


def loads_or_reports(text: str) -> None:
    """The loader's contract: a valid definition, or one DefinitionError listing problems; nothing else."""
    try:
        definition = load_definition_text(text, source=SOURCE)
    except DefinitionError as error:
        assert error.problems
        assert all(p.file == SOURCE and p.message for p in error.problems)
    else:
        assert isinstance(definition, InstrumentDefinition)


# --- loading never crashes ------------------------------------------------------


@slow
@given(st.text())
def test_loading_arbitrary_text_never_crashes(text):
    loads_or_reports(text)


@slow
@given(json_like | format_like)
def test_loading_arbitrary_yaml_never_crashes(document):
    loads_or_reports(yaml.safe_dump(document))


SHIPPED_DOCUMENTS = {
    path.name: yaml.safe_load(path.read_text()) for path in sorted(SHIPPED_INSTRUMENTS_DIR.glob("*.yaml"))
}


@st.composite
def mutated_definition(draw: st.DrawFn) -> Any:
    """A shipped definition with one value somewhere replaced, removed or duplicated."""
    document = json.loads(json.dumps(SHIPPED_DOCUMENTS[draw(st.sampled_from(sorted(SHIPPED_DOCUMENTS)))]))
    node = document
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            return document
        key = draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, dict | list) and child and draw(st.booleans()):
            node = child
            continue
        action = draw(st.sampled_from(["replace", "remove", "duplicate"]))
        if action == "replace":
            node[key] = draw(format_like)
        elif action == "remove":
            del node[key]
        elif isinstance(node, list):
            node.append(node[key])
        return document


@settings(slow, max_examples=300)
@given(mutated_definition())
def test_loading_a_mutated_shipped_definition_never_crashes(document):
    loads_or_reports(yaml.safe_dump(document))


# --- answers and scoring ----------------------------------------------------------


@slow
@given(
    st.sampled_from(INSTRUMENTS),
    st.dictionaries(
        st.text(max_size=30) | st.sampled_from(["q01_injury", "sash_ex_1", "stalker_type", "review_date"]),
        json_like,
        max_size=6,
    ),
)
def test_checking_arbitrary_answers_never_crashes(definition, answers):
    assert isinstance(validate_answers(definition, answers, sign_off=True), list)
    try:
        result = evaluate(definition, answers)
    except AnswerError as error:
        assert error.problems
    else:
        assert 0 <= result.risk_rank <= 3


@slow
@given(instrument_and_answers())
def test_valid_answers_score_and_sign_off_lists_exactly_the_missing_items(case):
    definition, answers = case
    assert validate_answers(definition, answers) == []
    sign_off = validate_answers(definition, answers, sign_off=True)
    assert {p.code for p in sign_off} <= {AnswerProblemCode.REQUIRED_MISSING}
    assert tuple(p.item_id for p in sign_off) == missing_required(definition, answers)

    result = evaluate(definition, answers)
    assert result.missing_required == missing_required(definition, answers)
    assert result.risk_rank == (0 if result.final_level is None else definition.rank_of(result.final_level))
    assert AssessmentResult.from_dict(json.loads(json.dumps(result.to_dict()))) == result  # JSON-safe


@slow
@given(instrument_and_answers(), st.sampled_from(sorted(AGENCY_KINDS)))
def test_an_agency_sees_only_its_sections_and_results_do_not_depend_on_restricted_answers(case, agency_kind):
    definition, answers = case
    visible = redact_answers(definition, answers, agency_kind)
    assert set(visible) <= {item.id for item in definition.items_visible_to(agency_kind)}
    assert validate_answers(definition, visible, agency_kind=agency_kind) == []
    unrestricted = {k: v for k, v in answers.items() if not definition.section_of(k).is_restricted}
    assert evaluate(definition, unrestricted).scores == evaluate(definition, answers).scores
    assert evaluate(definition, unrestricted).recommendations == evaluate(definition, answers).recommendations


@given(st.dictionaries(st.sampled_from(DASH_QUESTIONS), st.sampled_from(["yes", "no", "dont_know"])))
def test_dash_yes_count_is_the_number_of_yes_answers(answers):
    assert evaluate(DASH, answers).scores["yes_count"] == list(answers.values()).count("yes")


@given(
    st.sampled_from([DASH, SCSQ]),
    st.data(),
)
def test_turning_an_answer_into_yes_never_lowers_the_level(definition, data):
    # DASH: more "yes" never means less risk; the same holds for the SCSQ's
    # positive weights. The loader refuses bands that fall as the score rises.
    answers = data.draw(valid_answers(definition))
    yes_items = [item.id for item in definition.items if "yes" in item.option_values]
    changed = data.draw(st.sampled_from(yes_items))
    before = evaluate(definition, answers)
    after = evaluate(definition, {**answers, changed: "yes"})
    assert definition.level_index(after.final_level) >= definition.level_index(before.final_level)
    assert after.risk_rank >= before.risk_rank


@given(
    st.sampled_from([d for d in INSTRUMENTS if d.levels]),
    st.data(),
    st.text(max_size=20),
)
def test_judgement_can_never_lower_a_level(definition, data, reason):
    level_ids = [level.id for level in definition.levels]
    computed = data.draw(st.sampled_from([None, *level_ids]))
    judged = data.draw(st.sampled_from([*level_ids, "unknown"]))
    try:
        final = apply_judgement(definition, computed, Judgement(judged, reason))
    except JudgementError as error:
        assert error.problems
    else:
        assert final is not None
        assert definition.rank_of(final) >= definition.rank_of(computed)
        if computed is not None:
            assert definition.level_index(final) >= definition.level_index(computed)


@slow
@given(st.data())
def test_dash_with_judgement_never_ends_below_its_count(data):
    answers = data.draw(valid_answers(DASH))
    judged = data.draw(st.sampled_from(["standard", "medium", "high"]))
    computed = evaluate(DASH, answers).final_level
    try:
        result = evaluate(DASH, answers, judgement=Judgement(judged, data.draw(st.text(max_size=5))))
    except JudgementError:
        return
    assert result.computed_level == computed
    assert DASH.level_index(result.final_level) >= DASH.level_index(computed)


@slow
@given(instrument_and_answers())
def test_an_assessment_compared_with_itself_shows_no_change(case):
    definition, answers = case
    current = AssessmentSnapshot(definition, answers, evaluate(definition, answers))
    comparison = compare_assessments(current, current)
    assert comparison.answer_changes == ()
    assert comparison.level_change is LevelChange.UNCHANGED
