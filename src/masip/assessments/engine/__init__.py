"""The risk-assessment instrument engine: plain Python over plain data.

Load definitions (`load_directory`, `load_definition`), optionally apply a
LAP's licensed wording (`apply_wording`), check answers (`validate_answers`),
score them (`evaluate`) and compare a reassessment with the assessment before
it (`compare_assessments`). No Django, no database. The API is described in
`docs/instruments.md`; the definition file format in `instruments/README.md`.
"""

from masip.assessments.engine.answers import (
    AnswerProblem,
    AnswerProblemCode,
    Answers,
    applicable_item_ids,
    asked_answers,
    blank_free_text,
    is_answered,
    missing_required,
    redact_answers,
    validate_answers,
)
from masip.assessments.engine.compare import (
    AnswerChange,
    AssessmentComparison,
    AssessmentSnapshot,
    LevelChange,
    compare_assessments,
)
from masip.assessments.engine.definition import (
    AGENCY_KINDS,
    RECORD_FACTS,
    RISK_RANK_NONE,
    RISK_RANKS,
    STALKER_TYPES,
    InstrumentDefinition,
    Item,
    ItemType,
    Level,
    Option,
    Section,
)
from masip.assessments.engine.errors import AnswerError, DefinitionError, DefinitionProblem, JudgementError
from masip.assessments.engine.loader import load_definition, load_definition_text
from masip.assessments.engine.registry import SHIPPED_INSTRUMENTS_DIR, InstrumentRegistry, load_directory
from masip.assessments.engine.scoring import (
    AssessmentResult,
    Judgement,
    Recommendation,
    apply_judgement,
    compute_scores,
    computed_level,
    evaluate,
    judgement_problems,
)
from masip.assessments.engine.wording import WordingFile, apply_wording, read_wording, read_wording_text

__all__ = [
    "AGENCY_KINDS",
    "RECORD_FACTS",
    "RISK_RANKS",
    "RISK_RANK_NONE",
    "SHIPPED_INSTRUMENTS_DIR",
    "STALKER_TYPES",
    "AnswerChange",
    "AnswerError",
    "AnswerProblem",
    "AnswerProblemCode",
    "Answers",
    "AssessmentComparison",
    "AssessmentResult",
    "AssessmentSnapshot",
    "DefinitionError",
    "DefinitionProblem",
    "InstrumentDefinition",
    "InstrumentRegistry",
    "Item",
    "ItemType",
    "Judgement",
    "JudgementError",
    "Level",
    "LevelChange",
    "Option",
    "Recommendation",
    "Section",
    "WordingFile",
    "applicable_item_ids",
    "apply_judgement",
    "apply_wording",
    "asked_answers",
    "compare_assessments",
    "compute_scores",
    "computed_level",
    "evaluate",
    "is_answered",
    "judgement_problems",
    "load_definition",
    "load_definition_text",
    "load_directory",
    "missing_required",
    "read_wording",
    "read_wording_text",
    "blank_free_text",
    "redact_answers",
    "validate_answers",
]
