"""Answers: checking them, which items apply, and what each agency may see.

Answers are a plain mapping ``{item_id: value}``, JSON-shaped so they can be
stored as they are:

==================  ==============================================
item type           value
==================  ==============================================
yes_no_dont_know    "yes", "no" or "dont_know"
yes_no              "yes" or "no"
low_moderate_high   "low", "moderate" or "high"
single_choice       one option value (text)
multiple_choice     a list of option values (no repeats)
number              int or float (not bool), within min/max
date                "YYYY-MM-DD" text or a `datetime.date`
text                text
==================  ==============================================

None, empty text and an empty list all mean "not answered".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from masip.assessments.engine.definition import (
    SINGLE_VALUE_CHOICE_TYPES,
    AllOf,
    Always,
    Answered,
    AnswerIn,
    AnswerIncludes,
    AnyOf,
    Condition,
    InstrumentDefinition,
    Item,
    ItemType,
    LevelAtLeast,
    Not,
    NumberBetween,
    ScoreBetween,
)

Answers = Mapping[str, object]


class AnswerProblemCode(StrEnum):
    UNKNOWN_ITEM = "unknown_item"
    WRONG_TYPE = "wrong_type"
    NOT_AN_OPTION = "not_an_option"
    OUT_OF_RANGE = "out_of_range"
    TOO_LONG = "too_long"
    NOT_ASKED = "not_asked"  # answered, but its ask_if does not hold
    RESTRICTED = "restricted"  # answered by an agency the section is not open to
    REQUIRED_MISSING = "required_missing"  # only when checking for sign-off


@dataclass(frozen=True)
class AnswerProblem:
    item_id: str
    code: AnswerProblemCode
    message: str

    def __str__(self) -> str:
        return f"{self.item_id}: {self.message}"


def is_answered(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set | frozenset):
        return bool(value)
    return True


def applicable_item_ids(definition: InstrumentDefinition, answers: Answers) -> frozenset[str]:
    """The items asked, given the answers so far (SASH's ex-partner items, for example).

    Worked out top-down: an ask_if reads only earlier items (the loader checks
    this), and an item that is not asked counts as unanswered for later ones.
    """
    applicable: set[str] = set()
    answers_so_far: dict[str, object] = {}
    for section in definition.sections:
        section_asked = section.ask_if is None or condition_holds(section.ask_if, answers_so_far)
        for item in section.items:
            if section_asked and (item.ask_if is None or condition_holds(item.ask_if, answers_so_far)):
                applicable.add(item.id)
                if item.id in answers:
                    answers_so_far[item.id] = answers[item.id]
    return frozenset(applicable)


def asked_answers(definition: InstrumentDefinition, answers: Answers) -> dict[str, object]:
    """The answers that count: answered, and to items that are asked."""
    applicable = applicable_item_ids(definition, answers)
    return {k: v for k, v in answers.items() if k in applicable and is_answered(v)}


def missing_required(definition: InstrumentDefinition, answers: Answers) -> tuple[str, ...]:
    """Required items that are asked but not answered, in form order."""
    applicable = applicable_item_ids(definition, answers)
    return tuple(
        item.id
        for item in definition.items
        if item.required and item.id in applicable and not is_answered(answers.get(item.id))
    )


def validate_answers(
    definition: InstrumentDefinition,
    answers: Answers,
    *,
    sign_off: bool = False,
    agency_kind: str | None = None,
) -> list[AnswerProblem]:
    """Every problem with `answers`; an empty list means they can be saved (or signed off).

    `sign_off=True` also reports required items that are asked but unanswered.
    `agency_kind` checks a contribution from one agency: answers to sections
    not open to that agency kind are reported as restricted.
    """
    problems: list[AnswerProblem] = []
    known = {item.id: item for item in definition.items}
    applicable = applicable_item_ids(definition, answers)
    for item_id, value in answers.items():
        item = known.get(item_id) if isinstance(item_id, str) else None
        if item is None:
            problems.append(
                AnswerProblem(
                    str(item_id), AnswerProblemCode.UNKNOWN_ITEM, f"{definition.code} has no item {item_id!r}"
                )
            )
            continue
        if not is_answered(value):
            continue
        if agency_kind is not None and not definition.section_of(item_id).visible_to(agency_kind):
            problems.append(
                AnswerProblem(
                    item_id,
                    AnswerProblemCode.RESTRICTED,
                    f"the section is not open to agency kind {agency_kind!r}",
                )
            )
            continue
        if item_id not in applicable:
            problems.append(
                AnswerProblem(
                    item_id, AnswerProblemCode.NOT_ASKED, "answered, but this item is not asked in this case"
                )
            )
            continue
        problem = _value_problem(item, value)
        if problem is not None:
            problems.append(problem)
    if sign_off:
        for item_id in missing_required(definition, answers):
            problems.append(
                AnswerProblem(
                    item_id,
                    AnswerProblemCode.REQUIRED_MISSING,
                    f"required before sign-off: {definition.item(item_id).label}",
                )
            )
    return problems


def redact_answers(
    definition: InstrumentDefinition, answers: Answers, agency_kind: str | None
) -> dict[str, object]:
    """The answers an agency kind may see: restricted sections' answers removed."""
    visible = {item.id for item in definition.items_visible_to(agency_kind)}
    return {k: v for k, v in answers.items() if k in visible}


def blank_free_text(
    definition: InstrumentDefinition | None, answers: Answers
) -> tuple[dict[str, object], int]:
    """The answers with every free-text answer blanked, and how many were blanked: for
    anonymisation at retention review, which keeps the scored answers (choices, numbers,
    dates) the evaluation counts. Without the definition (an instrument no longer loaded)
    no answer can be told apart from free text, so every text value is blanked."""
    text_items = (
        {item.id for item in definition.items if item.type is ItemType.TEXT}
        if definition is not None
        else None
    )
    blanked: dict[str, object] = {}
    count = 0
    for key, value in answers.items():
        if isinstance(value, str) and value and (text_items is None or key in text_items):
            blanked[key] = ""
            count += 1
        else:
            blanked[key] = value
    return blanked, count


def _value_problem(item: Item, value: object) -> AnswerProblem | None:
    def wrong(message: str, code: AnswerProblemCode = AnswerProblemCode.WRONG_TYPE) -> AnswerProblem:
        return AnswerProblem(item.id, code, message)

    options = item.option_values
    if item.type in SINGLE_VALUE_CHOICE_TYPES:
        if not isinstance(value, str):
            return wrong(f"expected one of {', '.join(options)}; got {value!r}")
        if value not in options:
            return wrong(
                f"{value!r} is not an option (options: {', '.join(options)})", AnswerProblemCode.NOT_AN_OPTION
            )
        return None
    if item.type is ItemType.MULTIPLE_CHOICE:
        if not isinstance(value, list | tuple | set | frozenset) or not all(
            isinstance(v, str) for v in value
        ):
            return wrong(f"expected a list of options; got {value!r}")
        strays = [v for v in value if v not in options]
        if strays:
            return wrong(
                f"not options: {', '.join(map(repr, strays))} (options: {', '.join(options)})",
                AnswerProblemCode.NOT_AN_OPTION,
            )
        if len(set(value)) != len(list(value)):
            return wrong("an option is chosen twice")
        return None
    if item.type is ItemType.NUMBER:
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
            return wrong(f"expected a number; got {value!r}")
        if item.integer and value != math.floor(value):
            return wrong(f"expected a whole number; got {value!r}")
        if (item.minimum is not None and value < item.minimum) or (
            item.maximum is not None and value > item.maximum
        ):
            low = "" if item.minimum is None else f"{_number(item.minimum)} "
            high = "" if item.maximum is None else f" {_number(item.maximum)}"
            return wrong(f"{value!r} is out of range ({low}to{high})", AnswerProblemCode.OUT_OF_RANGE)
        return None
    if item.type is ItemType.DATE:
        if as_date(value) is None:
            return wrong(f"expected a date as YYYY-MM-DD; got {value!r}")
        return None
    if not isinstance(value, str):  # text
        return wrong(f"expected text; got {value!r}")
    if item.max_length is not None and len(value) > item.max_length:
        return wrong(f"longer than {item.max_length} characters", AnswerProblemCode.TOO_LONG)
    return None


def as_date(value: object) -> date | None:
    if isinstance(value, datetime):  # a datetime is a date subclass, but a time of day is not asked for
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _number(value: float) -> str:
    return str(int(value)) if value == math.floor(value) else str(value)


# --- Conditions ---------------------------------------------------------------


def condition_holds(
    condition: Condition,
    answers: Answers,
    *,
    scores: Mapping[str, int] | None = None,
    level_index: int | None = None,
    definition: InstrumentDefinition | None = None,
) -> bool:
    """Evaluate a condition over answers that count (see `asked_answers`).

    Score and level conditions need `scores`, `level_index` (position of the
    final level on the instrument's scale, None for no level) and `definition`;
    ask_if conditions never use them (the loader forbids it).
    """

    def holds(c: Condition) -> bool:
        match c:
            case Always():
                return True
            case AnswerIn(item_id=i, values=values):
                answer = answers.get(i)
                return isinstance(answer, str) and answer in values
            case AnswerIncludes(item_id=i, value=value):
                chosen = answers.get(i)
                return isinstance(chosen, list | tuple | set | frozenset) and value in chosen
            case NumberBetween(item_id=i, minimum=low, maximum=high):
                number = answers.get(i)
                if not isinstance(number, int | float) or isinstance(number, bool):
                    return False
                return (low is None or number >= low) and (high is None or number <= high)
            case Answered(item_id=i):
                return is_answered(answers.get(i))
            case ScoreBetween(score_id=s, minimum=low, maximum=high):
                score = (scores or {}).get(s)
                return score is not None and (low is None or score >= low) and (high is None or score <= high)
            case LevelAtLeast(level_id=level_id):
                if level_index is None or definition is None:
                    return False
                return level_index >= definition.level_index(level_id)
            case AllOf(conditions=cs):
                return all(holds(x) for x in cs)
            case AnyOf(conditions=cs):
                return any(holds(x) for x in cs)
            case Not(condition=inner):
                return not holds(inner)
        raise TypeError(f"not a condition: {c!r}")

    return holds(condition)
