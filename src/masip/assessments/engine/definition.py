"""What an instrument definition is, once loaded: immutable plain data.

An instrument (DASH, S-DASH, SASH, SRP, a LAP's local tool) is a versioned
YAML file in `instruments/`; `loader.py` turns it into the frozen dataclasses
below after checking it. Nothing here touches Django or a database, so the same
objects serve the web forms, the API, reports and the tests.

Vocabulary:
- a *section* groups *items* (questions) and may be restricted to some agency
  kinds (e.g. a clinical section only health partners see);
- *scores* are computed from answers (a count of "yes", a weighted sum);
- the *level rule* turns a score, an item, or the highest of several items into
  a *level* from the instrument's own scale (standard/medium/high for DASH,
  low/moderate/high for SASH and SRP);
- every level carries a *rank* on one cross-instrument scale (`RISK_RANKS`) so
  the triage queue can order cases whatever tool assessed them;
- *judgement rules* say whether professional judgement may move the level;
- *recommendations* are next steps that fire when a condition holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

# Facts the case or referral already records, which an item may mirror
# (`from_record` in a definition), with the answers each can give. Where the
# record knows the fact, the answer comes from the record and cannot be picked
# otherwise: a rule that reads the item (the SASH asks its ex-partner items
# only where the suspect is an ex-partner) then follows the record. The
# values come from `masip.assessments.record_facts`.
RECORD_FACTS: dict[str, frozenset[str]] = {
    "suspect_is_ex_partner": frozenset({"yes", "no"}),
}

# The agency kinds of `masip.partnerships.models.AgencyKind`, repeated here so
# the engine stays free of Django; a test keeps the two in step.
AGENCY_KINDS: frozenset[str] = frozenset(
    {
        "police",
        "health",
        "probation",
        "crc",
        "victim_advocacy",
        "idva",
        "social_services",
        "cps",
        "helpline",
        "marac",
        "pmo",
        "evaluation",
        "other",
    }
)

# The five stalker types of the Stalking Risk Profile (Mullen, MacKenzie et al.).
# Any instrument that outputs a stalker type must use these values, so the
# programme can report the share of each type across tools and LAPs.
STALKER_TYPES: tuple[str, ...] = (
    "rejected",
    "resentful",
    "intimacy_seeking",
    "incompetent_suitor",
    "predatory",
)

# The normalised cross-instrument risk rank. 0 means no level (not assessed,
# or a tool with no cut-off such as the S-DASH); each instrument maps its own
# levels onto 1-3 in its definition file.
RISK_RANK_NONE = 0
RISK_RANKS: dict[int, str] = {
    0: "none or unknown",
    1: "low / standard",
    2: "moderate / medium",
    3: "high",
}


class ItemType(StrEnum):
    YES_NO_DONT_KNOW = "yes_no_dont_know"
    YES_NO = "yes_no"
    LOW_MODERATE_HIGH = "low_moderate_high"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    NUMBER = "number"
    DATE = "date"
    TEXT = "text"


@dataclass(frozen=True)
class Option:
    value: str  # what is stored in the answers
    label: str  # what a practitioner reads


# Scales whose options are fixed by the type, so every instrument stores the
# same values ("yes", "dont_know", "moderate") and rules can rely on them.
FIXED_OPTIONS: dict[ItemType, tuple[Option, ...]] = {
    ItemType.YES_NO_DONT_KNOW: (Option("yes", "Yes"), Option("no", "No"), Option("dont_know", "Don't know")),
    ItemType.YES_NO: (Option("yes", "Yes"), Option("no", "No")),
    ItemType.LOW_MODERATE_HIGH: (
        Option("low", "Low"),
        Option("moderate", "Moderate"),
        Option("high", "High"),
    ),
}
CHOICE_TYPES = frozenset(
    {
        ItemType.YES_NO_DONT_KNOW,
        ItemType.YES_NO,
        ItemType.LOW_MODERATE_HIGH,
        ItemType.SINGLE_CHOICE,
        ItemType.MULTIPLE_CHOICE,
    }
)
# Types whose answer is one option value (as opposed to a list of them).
SINGLE_VALUE_CHOICE_TYPES = CHOICE_TYPES - {ItemType.MULTIPLE_CHOICE}


# --- Conditions ---------------------------------------------------------------
# A small, checked language for "when" (recommendations) and "ask_if" (items
# asked only in some cases). Item conditions read answers; score and level
# conditions read the computed result, so they are not allowed in ask_if.


@dataclass(frozen=True)
class Always:
    pass


@dataclass(frozen=True)
class AnswerIn:
    """The item's answer is one of `values` (`equals: x` or `in: [x, y]`)."""

    item_id: str
    values: frozenset[str]


@dataclass(frozen=True)
class AnswerIncludes:
    """A multiple-choice answer includes `value`."""

    item_id: str
    value: str


@dataclass(frozen=True)
class NumberBetween:
    """A number answer is at least `minimum` and/or at most `maximum`."""

    item_id: str
    minimum: float | None
    maximum: float | None


@dataclass(frozen=True)
class Answered:
    item_id: str


@dataclass(frozen=True)
class ScoreBetween:
    score_id: str
    minimum: int | None
    maximum: int | None


@dataclass(frozen=True)
class LevelAtLeast:
    """The final level (after professional judgement) is at least this one."""

    level_id: str


@dataclass(frozen=True)
class AllOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    condition: Condition


Condition = (
    Always
    | AnswerIn
    | AnswerIncludes
    | NumberBetween
    | Answered
    | ScoreBetween
    | LevelAtLeast
    | AllOf
    | AnyOf
    | Not
)


# --- Items and sections -----------------------------------------------------


@dataclass(frozen=True)
class Item:
    id: str
    type: ItemType
    label: str
    help: str = ""
    required: bool = False
    options: tuple[Option, ...] = ()  # filled in for the fixed scales too
    minimum: float | None = None  # number items
    maximum: float | None = None
    integer: bool = False  # number items: whole numbers only
    max_length: int | None = None  # text items
    ask_if: Condition | None = None  # asked only when this holds
    from_record: str = ""  # a RECORD_FACTS name: the answer is the record's where it knows it

    @property
    def option_values(self) -> tuple[str, ...]:
        return tuple(o.value for o in self.options)

    def option_label(self, value: str) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        return value


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    items: tuple[Item, ...]
    description: str = ""
    # Agency kinds that may see and answer this section; empty = every agency.
    # Health detail is the health partners' unless shared for a purpose
    # (docs/domain.md, "Information sharing").
    restricted_to: frozenset[str] = frozenset()
    ask_if: Condition | None = None  # the whole section is asked only when this holds

    @property
    def is_restricted(self) -> bool:
        return bool(self.restricted_to)

    def visible_to(self, agency_kind: str | None) -> bool:
        return not self.restricted_to or agency_kind in self.restricted_to


# --- Scale, scores, level ---------------------------------------------------


@dataclass(frozen=True)
class Level:
    id: str
    label: str
    rank: int  # 1-3 on the cross-instrument scale (RISK_RANKS)


@dataclass(frozen=True)
class CountRule:
    """How many of `item_ids` have an answer in `answers` (e.g. count of "yes")."""

    item_ids: tuple[str, ...]
    answers: frozenset[str]


@dataclass(frozen=True)
class WeightedTerm:
    item_id: str
    weights: dict[str, int] = field(default_factory=dict)  # option value -> weight (others weigh 0)
    per_unit: int | None = None  # number items: answer x per_unit


@dataclass(frozen=True)
class WeightedSumRule:
    terms: tuple[WeightedTerm, ...]


@dataclass(frozen=True)
class Score:
    id: str
    label: str
    rule: CountRule | WeightedSumRule
    minimum: int  # the lowest and highest values the rule can produce,
    maximum: int  # worked out at load time (bands must cover them)


@dataclass(frozen=True)
class Band:
    level_id: str
    minimum: int
    maximum: int | None  # None: open-ended top band


@dataclass(frozen=True)
class LevelFromScore:
    score_id: str
    bands: tuple[Band, ...]  # ascending, contiguous, non-overlapping


@dataclass(frozen=True)
class LevelFromItem:
    """The level is an item's answer: a rating made by professional judgement (SASH, CAS)."""

    item_id: str


@dataclass(frozen=True)
class LevelHighestOf:
    """The level is the highest of several rated items (SRP risk domains)."""

    item_ids: tuple[str, ...]


LevelRule = LevelFromScore | LevelFromItem | LevelHighestOf


@dataclass(frozen=True)
class JudgementRules:
    """Whether professional judgement may move the computed level, and how."""

    may_raise: bool
    may_lower: bool
    reason_required: bool
    note: str = ""


@dataclass(frozen=True)
class RecommendationRule:
    code: str
    text: str
    when: Condition


# --- The instrument -----------------------------------------------------------


@dataclass(frozen=True)
class InstrumentDefinition:
    code: str
    name: str
    version: int
    sections: tuple[Section, ...]
    levels: tuple[Level, ...] = ()  # ascending
    scores: tuple[Score, ...] = ()
    level_rule: LevelRule | None = None  # None: the instrument has no cut-off (S-DASH)
    judgement: JudgementRules | None = None  # None: no override of the level
    stalker_type_item: str | None = None
    recommendations: tuple[RecommendationRule, ...] = ()
    description: str = ""
    source: str = ""
    licensed: bool = False  # item wording is licensed and loaded separately
    licence_note: str = ""
    file: str = ""  # where it was loaded from, for messages
    wording_source: str | None = None  # the wording file applied, if any

    @property
    def key(self) -> tuple[str, int]:
        return (self.code, self.version)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def has_item(self, item_id: str) -> bool:
        return any(item.id == item_id for item in self.items)

    def section_of(self, item_id: str) -> Section:
        for section in self.sections:
            if any(item.id == item_id for item in section.items):
                return section
        raise KeyError(item_id)

    def level(self, level_id: str) -> Level:
        for level in self.levels:
            if level.id == level_id:
                return level
        raise KeyError(level_id)

    def level_index(self, level_id: str) -> int:
        """Position on this instrument's own scale (0 = lowest)."""
        return [level.id for level in self.levels].index(level_id)

    def rank_of(self, level_id: str | None) -> int:
        """The cross-instrument risk rank of one of this instrument's levels."""
        return RISK_RANK_NONE if level_id is None else self.level(level_id).rank

    def sections_visible_to(self, agency_kind: str | None) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.visible_to(agency_kind))

    def items_visible_to(self, agency_kind: str | None) -> tuple[Item, ...]:
        return tuple(item for s in self.sections_visible_to(agency_kind) for item in s.items)
