"""Scoring, levels, professional judgement and the common result: pure functions.

`evaluate(definition, answers, judgement=...)` is the one call most callers
need. It checks the answers, computes the scores, the level the rules give,
applies professional judgement within the instrument's rules, and derives the
stalker type, recommendations and the cross-instrument risk rank.

Drafts can be evaluated (a live preview while a form is filled in):
`AssessmentResult.missing_required` says what sign-off still needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from masip.assessments.engine.answers import (
    Answers,
    asked_answers,
    condition_holds,
    missing_required,
    validate_answers,
)
from masip.assessments.engine.definition import (
    RISK_RANK_NONE,
    CountRule,
    InstrumentDefinition,
    LevelFromItem,
    LevelFromScore,
    LevelHighestOf,
)
from masip.assessments.engine.errors import AnswerError, JudgementError


@dataclass(frozen=True)
class Judgement:
    """A practitioner's professional judgement of the level, with the reason for it.

    Who made it and when belong to the stored assessment, not to the engine.
    """

    level: str
    reason: str = ""


@dataclass(frozen=True)
class Recommendation:
    code: str  # stable, for code to act on (e.g. "complete_srp" -> offer an SRP)
    text: str  # what the practitioner reads

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class AssessmentResult:
    """What an instrument says about a case, in the same shape for every instrument."""

    instrument_code: str
    instrument_version: int
    scores: Mapping[str, int]
    computed_level: str | None  # what the rules give (None: no cut-off, or not yet rated)
    judgement: Judgement | None  # the professional judgement applied, if any
    final_level: str | None  # after judgement; this is the assessment's level
    final_level_label: str | None
    risk_rank: int  # 0-3 across instruments (definition.RISK_RANKS), from final_level
    stalker_type: str | None  # one of definition.STALKER_TYPES
    recommendations: tuple[Recommendation, ...]
    missing_required: tuple[str, ...]  # item ids sign-off still needs

    @property
    def complete(self) -> bool:
        return not self.missing_required

    @property
    def raised_by_judgement(self) -> bool:
        return self.judgement is not None and self.final_level != self.computed_level

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form, e.g. for a JSONField; `from_dict` reverses it."""
        return {
            "instrument_code": self.instrument_code,
            "instrument_version": self.instrument_version,
            "scores": dict(self.scores),
            "computed_level": self.computed_level,
            "judgement": (
                None
                if self.judgement is None
                else {"level": self.judgement.level, "reason": self.judgement.reason}
            ),
            "final_level": self.final_level,
            "final_level_label": self.final_level_label,
            "risk_rank": self.risk_rank,
            "stalker_type": self.stalker_type,
            "recommendations": [{"code": r.code, "text": r.text} for r in self.recommendations],
            "missing_required": list(self.missing_required),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AssessmentResult:
        judgement = data.get("judgement")
        return cls(
            instrument_code=data["instrument_code"],
            instrument_version=data["instrument_version"],
            scores=dict(data["scores"]),
            computed_level=data["computed_level"],
            judgement=None if judgement is None else Judgement(judgement["level"], judgement["reason"]),
            final_level=data["final_level"],
            final_level_label=data["final_level_label"],
            risk_rank=data["risk_rank"],
            stalker_type=data["stalker_type"],
            recommendations=tuple(Recommendation(r["code"], r["text"]) for r in data["recommendations"]),
            missing_required=tuple(data["missing_required"]),
        )


def compute_scores(definition: InstrumentDefinition, answers: Answers) -> dict[str, int]:
    """Every score of the instrument. Unanswered and not-asked items add nothing."""
    counted = asked_answers(definition, answers)
    scores: dict[str, int] = {}
    for score in definition.scores:
        rule = score.rule
        if isinstance(rule, CountRule):
            scores[score.id] = sum(
                1 for item_id in rule.item_ids if _text(counted.get(item_id)) in rule.answers
            )
            continue
        total = 0
        for term in rule.terms:
            answer = counted.get(term.item_id)
            if answer is None:
                continue
            if term.per_unit is not None:
                assert isinstance(answer, int | float)
                total += int(answer) * term.per_unit
            elif isinstance(answer, list | tuple | set | frozenset):
                total += sum(term.weights.get(value, 0) for value in answer)
            else:
                assert isinstance(answer, str)
                total += term.weights.get(answer, 0)
        scores[score.id] = total
    return scores


def computed_level(
    definition: InstrumentDefinition, answers: Answers, scores: Mapping[str, int] | None = None
) -> str | None:
    """The level the instrument's rules give, before any professional judgement."""
    rule = definition.level_rule
    if rule is None:
        return None
    if isinstance(rule, LevelFromScore):
        value = (scores if scores is not None else compute_scores(definition, answers))[rule.score_id]
        for band in rule.bands:
            if value >= band.minimum and (band.maximum is None or value <= band.maximum):
                return band.level_id
        return None  # the loader checks bands cover every possible score
    counted = asked_answers(definition, answers)
    if isinstance(rule, LevelFromItem):
        answer = counted.get(rule.item_id)
        return answer if isinstance(answer, str) else None
    assert isinstance(rule, LevelHighestOf)
    rated = [answer for i in rule.item_ids if (answer := _text(counted.get(i))) is not None]
    if not rated:
        return None
    return max(rated, key=definition.level_index)


def judgement_problems(
    definition: InstrumentDefinition, computed: str | None, judgement: Judgement | None
) -> list[str]:
    """Why a judgement is not allowed (empty: it is)."""
    if judgement is None:
        return []
    rules = definition.judgement
    name = definition.name
    if rules is None:
        return [
            f"{name}: the level cannot be overridden by judgement (it is set by the rules or is itself a rating)"
        ]
    if not any(level.id == judgement.level for level in definition.levels):
        return [f"{name}: unknown level {judgement.level!r}"]
    if judgement.level == computed:
        return []  # agreeing with the rules is not an override
    problems = []
    before = -1 if computed is None else definition.level_index(computed)
    after = definition.level_index(judgement.level)
    if after > before and not rules.may_raise:
        problems.append(f"{name}: professional judgement may not raise the level")
    if after < before and not rules.may_lower:
        # e.g. DASH: judgement may raise the level, never lower it (SafeLives).
        problems.append(
            f"{name}: professional judgement may raise the level, never lower it "
            f"(rules give {computed!r}, judgement {judgement.level!r})"
        )
    if rules.reason_required and not judgement.reason.strip():
        problems.append(f"{name}: give the reason for the professional judgement")
    return problems


def apply_judgement(
    definition: InstrumentDefinition, computed: str | None, judgement: Judgement | None
) -> str | None:
    """The final level: the judgement's, if the instrument's rules allow it; else `JudgementError`."""
    problems = judgement_problems(definition, computed, judgement)
    if problems:
        raise JudgementError(problems)
    return computed if judgement is None else judgement.level


def evaluate(
    definition: InstrumentDefinition, answers: Answers, *, judgement: Judgement | None = None
) -> AssessmentResult:
    """Score the answers and derive every output. Raises `AnswerError` or `JudgementError`.

    Evaluation reads every answer, including those in restricted sections, but
    the loader forbids rules that read restricted items, so the result reveals
    nothing an agency could not see anyway.
    """
    problems = validate_answers(definition, answers)
    if problems:
        raise AnswerError(problems)
    scores = compute_scores(definition, answers)
    computed = computed_level(definition, answers, scores)
    final = apply_judgement(definition, computed, judgement)
    counted = asked_answers(definition, answers)
    level_index = None if final is None else definition.level_index(final)
    recommendations = tuple(
        Recommendation(rule.code, rule.text)
        for rule in definition.recommendations
        if condition_holds(rule.when, counted, scores=scores, level_index=level_index, definition=definition)
    )
    stalker_type = counted.get(definition.stalker_type_item) if definition.stalker_type_item else None
    return AssessmentResult(
        instrument_code=definition.code,
        instrument_version=definition.version,
        scores=scores,
        computed_level=computed,
        judgement=judgement,
        final_level=final,
        final_level_label=None if final is None else definition.level(final).label,
        risk_rank=RISK_RANK_NONE if final is None else definition.rank_of(final),
        stalker_type=stalker_type if isinstance(stalker_type, str) else None,
        recommendations=recommendations,
        missing_required=missing_required(definition, answers),
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
