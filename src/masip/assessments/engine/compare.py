"""What changed between two assessments of the same case with the same instrument.

Reassessment after an intervention is how the programme shows behaviour change
(docs/domain.md, stage 6; hypothesis 5 compares SRP before and after), so the
comparison lists changed answers, scores, the level (as a cross-instrument
rank too) and the SRP stalker type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from masip.assessments.engine.answers import Answers, is_answered
from masip.assessments.engine.definition import InstrumentDefinition
from masip.assessments.engine.scoring import AssessmentResult


class AssessmentSnapshot(NamedTuple):
    """One stored assessment: the definition it was made with, its answers and its result."""

    definition: InstrumentDefinition
    answers: Answers
    result: AssessmentResult


class LevelChange(StrEnum):
    RAISED = "raised"
    LOWERED = "lowered"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class AnswerChange:
    item_id: str
    label: str
    before: object  # None when it was not answered (or the item is new in this version)
    after: object  # None when it is no longer answered (or the item was dropped)


@dataclass(frozen=True)
class AssessmentComparison:
    instrument_code: str
    version_before: int
    version_after: int
    answer_changes: tuple[AnswerChange, ...]  # in the later form's order, then dropped items
    score_changes: Mapping[str, tuple[int | None, int | None]]  # score id -> (before, after)
    level_before: str | None
    level_after: str | None
    rank_before: int
    rank_after: int
    stalker_type_before: str | None
    stalker_type_after: str | None

    @property
    def level_change(self) -> LevelChange:
        """Read on the cross-instrument rank, so it holds across versions with different scales."""
        if self.rank_after > self.rank_before:
            return LevelChange.RAISED
        if self.rank_after < self.rank_before:
            return LevelChange.LOWERED
        return LevelChange.UNCHANGED

    @property
    def stalker_type_changed(self) -> bool:
        return self.stalker_type_before != self.stalker_type_after


def compare_assessments(before: AssessmentSnapshot, after: AssessmentSnapshot) -> AssessmentComparison:
    """List what changed from `before` to `after` (ValueError if the instruments differ)."""
    if before.definition.code != after.definition.code:
        raise ValueError(f"cannot compare {before.definition.code} with {after.definition.code}")
    changes: list[AnswerChange] = []
    later_ids = [item.id for item in after.definition.items]
    earlier_ids = [item.id for item in before.definition.items]
    for item_id in [*later_ids, *(i for i in earlier_ids if i not in later_ids)]:
        old = _normal(before.answers.get(item_id))
        new = _normal(after.answers.get(item_id))
        if old != new:
            definition = after.definition if item_id in later_ids else before.definition
            changes.append(AnswerChange(item_id, definition.item(item_id).label, old, new))
    score_ids = [*after.result.scores, *(s for s in before.result.scores if s not in after.result.scores)]
    score_changes = {
        s: (before.result.scores.get(s), after.result.scores.get(s))
        for s in score_ids
        if before.result.scores.get(s) != after.result.scores.get(s)
    }
    return AssessmentComparison(
        instrument_code=after.definition.code,
        version_before=before.definition.version,
        version_after=after.definition.version,
        answer_changes=tuple(changes),
        score_changes=score_changes,
        level_before=before.result.final_level,
        level_after=after.result.final_level,
        rank_before=before.result.risk_rank,
        rank_after=after.result.risk_rank,
        stalker_type_before=before.result.stalker_type,
        stalker_type_after=after.result.stalker_type,
    )


def _normal(value: object) -> object:
    """Unanswered is None; a multiple choice compares as a sorted list, whatever order it was ticked in."""
    if not is_answered(value):
        return None
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, date):  # stored as "YYYY-MM-DD" or passed as a date: the same answer
        return value.isoformat()
    return value
