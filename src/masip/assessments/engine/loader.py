"""Load and check one instrument definition file.

`load_definition(path)` returns an `InstrumentDefinition` or raises one
`DefinitionError` listing every problem, each with file, line and field, e.g.
``instruments/dash.yaml line 42, sections[0].items[3].type: unknown item type
'yesno'``. The file format is described in `instruments/README.md`.

Beyond the shape of each field, the checks keep the rules sound:
- item, section, score, level and recommendation ids are unique;
- every rule names items, scores and levels that exist, and reads answers the
  item can actually have (e.g. `equals: 'yes'` on a yes/no item);
- bands are ascending, contiguous and cover every value the score can take,
  and never fall to a lower level as the score rises (so more risk factors can
  never mean less risk);
- an `ask_if` reads only an item asked earlier in the form (so applicability is
  worked out top-down and cannot loop);
- no score, level, stalker type or recommendation reads an item in a restricted
  section: the result is shown to every agency on the case, so it must not leak
  what only, say, health partners may see.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

from masip.assessments.engine.checking import OPTION_VALUE, Checker, describe, join
from masip.assessments.engine.definition import (
    AGENCY_KINDS,
    CHOICE_TYPES,
    FIXED_OPTIONS,
    RECORD_FACTS,
    SINGLE_VALUE_CHOICE_TYPES,
    STALKER_TYPES,
    AllOf,
    Always,
    Answered,
    AnswerIn,
    AnswerIncludes,
    AnyOf,
    Band,
    Condition,
    CountRule,
    InstrumentDefinition,
    Item,
    ItemType,
    JudgementRules,
    Level,
    LevelAtLeast,
    LevelFromItem,
    LevelFromScore,
    LevelHighestOf,
    LevelRule,
    Not,
    NumberBetween,
    Option,
    RecommendationRule,
    Score,
    ScoreBetween,
    Section,
    WeightedSumRule,
    WeightedTerm,
)
from masip.assessments.engine.errors import DefinitionError, DefinitionProblem
from masip.assessments.engine.yamlnodes import YMap, YNode, YScalar, parse_yaml

MAX_CONDITION_DEPTH = 12

_TOP_REQUIRED = ("code", "name", "version", "sections")
_TOP_OPTIONAL = (
    "description",
    "source",
    "licensed",
    "licence_note",
    "levels",
    "scores",
    "level",
    "judgement",
    "stalker_type_from",
    "recommendations",
)
_ITEM_FIELDS = ("help", "required", "options", "min", "max", "integer", "max_length", "ask_if", "from_record")
_TYPE_ONLY_FIELDS = {
    "options": {ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE},
    "min": {ItemType.NUMBER},
    "max": {ItemType.NUMBER},
    "integer": {ItemType.NUMBER},
    "max_length": {ItemType.TEXT},
}


def load_definition(path: str | Path) -> InstrumentDefinition:
    """Read and check one definition file; raise `DefinitionError` with every problem."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError([DefinitionProblem(file, None, "", f"cannot read the file: {exc}")]) from exc
    return load_definition_text(text, source=file)


def load_definition_text(text: str, *, source: str = "<text>") -> InstrumentDefinition:
    """Check a definition held as text (e.g. stored in the database); `source` names it in messages."""
    tree, problems = parse_yaml(text, source)
    if tree is None:
        raise DefinitionError(problems)
    builder = _DefinitionBuilder(source)
    builder.checker.problems.extend(problems)
    definition = builder.build(tree)
    if builder.checker.problems or definition is None:
        # Top-down, as the author reads the file (cross-checks run after the sections).
        raise DefinitionError(sorted(builder.checker.problems, key=lambda p: p.line or 0))
    return definition


@dataclass
class _ItemInfo:
    item: Item
    order: int  # position in the form, across sections
    section_id: str
    section_index: int
    restricted: bool


@dataclass
class _Pending:
    """An ask_if to check once every item is known."""

    node: YNode
    path: str
    first_order: int  # the dependent's position: references must come earlier
    section_id: str
    section_index: int
    item_index: int | None  # None: the section's own ask_if


@dataclass
class _DefinitionBuilder:
    file: str
    checker: Checker = field(init=False)
    items: dict[str, _ItemInfo] = field(default_factory=dict)
    scores: dict[str, Score] = field(default_factory=dict)
    levels: dict[str, Level] = field(default_factory=dict)
    pending: list[_Pending] = field(default_factory=list)
    # Items declared with an id but otherwise broken: references to them are
    # not reported again as "unknown item", the root cause is already listed.
    broken_item_ids: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.checker = Checker(self.file)

    # -- document ---------------------------------------------------------

    def build(self, tree: YNode) -> InstrumentDefinition | None:
        c = self.checker
        doc = c.mapping(tree, "")
        if doc is None:
            return None
        f = c.fields(doc, "", required=_TOP_REQUIRED, optional=_TOP_OPTIONAL)
        code = c.identifier(f.get("code"), "code")
        name = c.text(f.get("name"), "name")
        version = c.integer(f.get("version"), "version", minimum=1)
        description = c.text(f.get("description"), "description", allow_empty=True) or ""
        source = c.text(f.get("source"), "source", allow_empty=True) or ""
        licensed = c.boolean(f.get("licensed"), "licensed") or False
        licence_note = c.text(f.get("licence_note"), "licence_note", allow_empty=True) or ""

        levels = self._levels(f.get("levels"))
        sections = self._sections(f.get("sections"))
        scores = self._scores(f.get("scores"))
        level_rule = self._level_rule(f.get("level"))
        judgement = self._judgement(f.get("judgement"), level_rule)
        stalker_type_item = self._stalker_type(f.get("stalker_type_from"))
        recommendations = self._recommendations(f.get("recommendations"))
        sections = self._resolve_ask_if(sections)

        if c.problems or code is None or name is None or version is None or sections is None:
            return None
        return InstrumentDefinition(
            code=code,
            name=name,
            version=version,
            sections=sections,
            levels=levels,
            scores=scores,
            level_rule=level_rule,
            judgement=judgement,
            stalker_type_item=stalker_type_item,
            recommendations=recommendations,
            description=description,
            source=source,
            licensed=licensed,
            licence_note=licence_note,
            file=self.file,
        )

    # -- levels -----------------------------------------------------------

    def _levels(self, node: YNode | None) -> tuple[Level, ...]:
        c = self.checker
        levels: list[Level] = []
        for i, level_node in enumerate(c.sequence(node, "levels", non_empty=True) or []):
            path = join("levels", i)
            m = c.mapping(level_node, path)
            if m is None:
                continue
            f = c.fields(m, path, required=("id", "label", "rank"))
            level_id = c.identifier(f.get("id"), join(path, "id"))
            label = c.text(f.get("label"), join(path, "label"))
            rank = c.integer(f.get("rank"), join(path, "rank"))
            if rank is not None and not 1 <= rank <= 3:
                # 0 is reserved for "no level"; see RISK_RANKS.
                c.error(f["rank"].line, join(path, "rank"), "rank must be 1 (low), 2 (moderate) or 3 (high)")
                rank = None
            if level_id is not None and level_id in self.levels:
                c.error(m.line, join(path, "id"), f"duplicate level id {level_id!r}")
                continue
            if levels and rank is not None and rank < levels[-1].rank:
                c.error(m.line, join(path, "rank"), "levels must be listed from lowest to highest rank")
            if level_id is not None and label is not None and rank is not None:
                level = Level(level_id, label, rank)
                levels.append(level)
                self.levels[level_id] = level
        return tuple(levels)

    # -- sections and items -----------------------------------------------

    def _sections(self, node: YNode | None) -> tuple[Section, ...] | None:
        c = self.checker
        section_nodes = c.sequence(node, "sections", non_empty=True)
        if section_nodes is None:
            return None
        sections: list[Section] = []
        seen: set[str] = set()
        for s, section_node in enumerate(section_nodes):
            path = join("sections", s)
            m = c.mapping(section_node, path)
            if m is None:
                continue
            f = c.fields(
                m,
                path,
                required=("id", "title", "items"),
                optional=("description", "restricted_to", "ask_if"),
            )
            section_id = c.identifier(f.get("id"), join(path, "id"))
            if section_id is not None and section_id in seen:
                c.error(f["id"].line, join(path, "id"), f"duplicate section id {section_id!r}")
            seen.add(section_id or "")
            title = c.text(f.get("title"), join(path, "title"))
            description = c.text(f.get("description"), join(path, "description"), allow_empty=True) or ""
            restricted_to = self._agency_kinds(f.get("restricted_to"), join(path, "restricted_to"))
            first_order = len(self.items)
            if "ask_if" in f:
                self.pending.append(
                    _Pending(f["ask_if"], join(path, "ask_if"), first_order, section_id or "", s, None)
                )
            items: list[Item] = []
            for i, item_node in enumerate(
                c.sequence(f.get("items"), join(path, "items"), non_empty=True) or []
            ):
                item_path = join(join(path, "items"), i)
                item = self._item(item_node, item_path)
                if item is None:
                    continue
                if item.id in self.items:
                    c.error(item_node.line, join(item_path, "id"), f"duplicate item id {item.id!r}")
                    continue
                self.items[item.id] = _ItemInfo(
                    item, len(self.items), section_id or "", s, bool(restricted_to)
                )
                item_map = item_node if isinstance(item_node, YMap) else None
                if item_map is not None and "ask_if" in item_map.entries:
                    self.pending.append(
                        _Pending(
                            item_map.entries["ask_if"][1],
                            join(item_path, "ask_if"),
                            len(self.items) - 1,
                            section_id or "",
                            s,
                            len(items),
                        )
                    )
                items.append(item)
            if section_id is not None and title is not None:
                sections.append(
                    Section(
                        id=section_id,
                        title=title,
                        items=tuple(items),
                        description=description,
                        restricted_to=restricted_to,
                    )
                )
        return tuple(sections)

    def _agency_kinds(self, node: YNode | None, path: str) -> frozenset[str]:
        c = self.checker
        kinds: set[str] = set()
        for i, kind_node in enumerate(c.sequence(node, path, non_empty=True) or []):
            kind = c.text(kind_node, join(path, i))
            if kind is None:
                continue
            if kind not in AGENCY_KINDS:
                c.error(
                    kind_node.line,
                    join(path, i),
                    f"unknown agency kind {kind!r} (one of: {', '.join(sorted(AGENCY_KINDS))})",
                )
            kinds.add(kind)
        return frozenset(kinds)

    def _item(self, node: YNode, path: str) -> Item | None:
        c = self.checker
        m = c.mapping(node, path)
        if m is None:
            return None
        f = c.fields(m, path, required=("id", "type", "label"), optional=_ITEM_FIELDS)
        item_id = c.identifier(f.get("id"), join(path, "id"))
        label = c.text(f.get("label"), join(path, "label"))
        help_text = c.text(f.get("help"), join(path, "help"), allow_empty=True) or ""
        required = c.boolean(f.get("required"), join(path, "required")) or False
        type_text = c.text(f.get("type"), join(path, "type"))
        item_type: ItemType | None = None
        if type_text is not None:
            try:
                item_type = ItemType(type_text)
            except ValueError:
                kinds = ", ".join(t.value for t in ItemType)
                c.error(
                    f["type"].line, join(path, "type"), f"unknown item type {type_text!r} (one of: {kinds})"
                )
        if item_type is None:
            self._broken(item_id)
            return None
        for name, types in _TYPE_ONLY_FIELDS.items():
            if name in f and item_type not in types:
                c.error(
                    f[name].line, join(path, name), f"{name!r} does not apply to a {item_type.value} item"
                )

        options = FIXED_OPTIONS.get(item_type, ())
        if item_type in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE):
            if "options" not in f:
                c.error(m.line, path, f"a {item_type.value} item needs 'options'")
            options = self._options(f.get("options"), join(path, "options"), item_type)

        minimum = c.number(f.get("min"), join(path, "min")) if item_type is ItemType.NUMBER else None
        maximum = c.number(f.get("max"), join(path, "max")) if item_type is ItemType.NUMBER else None
        integer = (c.boolean(f.get("integer"), join(path, "integer")) or False) if "integer" in f else False
        if minimum is not None and maximum is not None and minimum > maximum:
            c.error(f["max"].line, join(path, "max"), f"max ({maximum}) is below min ({minimum})")
        if integer:
            for name, bound in (("min", minimum), ("max", maximum)):
                if bound is not None and bound != math.floor(bound):
                    c.error(f[name].line, join(path, name), "must be a whole number for an integer item")
        max_length = None
        if item_type is ItemType.TEXT:
            max_length = c.integer(f.get("max_length"), join(path, "max_length"), minimum=1)

        from_record = ""
        if "from_record" in f:
            from_record = c.text(f.get("from_record"), join(path, "from_record")) or ""
            if from_record and from_record not in RECORD_FACTS:
                c.error(
                    f["from_record"].line,
                    join(path, "from_record"),
                    f"unknown record fact {from_record!r} (one of: {', '.join(sorted(RECORD_FACTS))})",
                )
            elif from_record and not RECORD_FACTS[from_record] <= {o.value for o in options}:
                c.error(
                    f["from_record"].line,
                    join(path, "from_record"),
                    f"the record fact {from_record!r} gives "
                    f"{', '.join(sorted(RECORD_FACTS[from_record]))}: the item must offer those answers",
                )

        if item_id is None or label is None:
            self._broken(item_id)
            return None
        return Item(
            id=item_id,
            type=item_type,
            label=label,
            help=help_text,
            required=required,
            options=options,
            minimum=minimum,
            maximum=maximum,
            integer=integer,
            max_length=max_length,
            from_record=from_record,
        )

    def _broken(self, item_id: str | None) -> None:
        if item_id is not None and item_id not in self.items:
            self.broken_item_ids.add(item_id)

    def _options(self, node: YNode | None, path: str, item_type: ItemType) -> tuple[Option, ...]:
        c = self.checker
        options: list[Option] = []
        option_nodes = c.sequence(node, path)
        if option_nodes is None:
            return ()
        fewest = 2 if item_type is ItemType.SINGLE_CHOICE else 1
        if len(option_nodes) < fewest:
            c.error(
                node.line if node else None, path, f"a {item_type.value} item needs at least {fewest} options"
            )
        for i, option_node in enumerate(option_nodes):
            option_path = join(path, i)
            m = c.mapping(option_node, option_path)
            if m is None:
                continue
            f = c.fields(m, option_path, required=("value", "label"))
            value = c.identifier(f.get("value"), join(option_path, "value"), pattern=OPTION_VALUE)
            label = c.text(f.get("label"), join(option_path, "label"))
            if value is not None and any(o.value == value for o in options):
                c.error(f["value"].line, join(option_path, "value"), f"duplicate option {value!r}")
                continue
            if value is not None and label is not None:
                options.append(Option(value, label))
        return tuple(options)

    # -- scores -----------------------------------------------------------

    def _scores(self, node: YNode | None) -> tuple[Score, ...]:
        c = self.checker
        scores: list[Score] = []
        for s, score_node in enumerate(c.sequence(node, "scores") or []):
            path = join("scores", s)
            m = c.mapping(score_node, path)
            if m is None:
                continue
            f = c.fields(m, path, required=("id", "label"), optional=("count", "weighted_sum"))
            score_id = c.identifier(f.get("id"), join(path, "id"))
            label = c.text(f.get("label"), join(path, "label"))
            if score_id is not None and score_id in self.scores:
                c.error(f["id"].line, join(path, "id"), f"duplicate score id {score_id!r}")
                continue
            if ("count" in f) == ("weighted_sum" in f):
                c.error(m.line, path, "a score needs exactly one rule: 'count' or 'weighted_sum'")
                continue
            if "count" in f:
                counted = self._count_rule(f["count"], join(path, "count"))
                bounds = (0, len(counted.item_ids)) if counted else None
                rule: CountRule | WeightedSumRule | None = counted
            else:
                weighted = self._weighted_sum(f["weighted_sum"], join(path, "weighted_sum"))
                bounds = self._weighted_bounds(weighted) if weighted else None
                rule = weighted
            if score_id is not None and label is not None and rule is not None and bounds is not None:
                score = Score(score_id, label, rule, bounds[0], bounds[1])
                scores.append(score)
                self.scores[score_id] = score
        return tuple(scores)

    def _count_rule(self, node: YNode, path: str) -> CountRule | None:
        c = self.checker
        m = c.mapping(node, path)
        if m is None:
            return None
        f = c.fields(m, path, required=("answers",), optional=("items", "sections"))
        answers: list[str] = []
        for i, answer_node in enumerate(
            c.sequence(f.get("answers"), join(path, "answers"), non_empty=True) or []
        ):
            answer = c.text(answer_node, join(join(path, "answers"), i))
            if answer is not None:
                answers.append(answer)
        if ("items" in f) == ("sections" in f):
            c.error(m.line, path, "name exactly one of 'items' or 'sections' to count over")
            return None
        item_ids: list[str] = []
        item_lines: list[tuple[int, str]] = []
        if "items" in f:
            for i, item_node in enumerate(c.sequence(f["items"], join(path, "items"), non_empty=True) or []):
                item_id = self._item_ref(item_node, join(join(path, "items"), i), rule=True)
                if item_id is not None:
                    item_ids.append(item_id)
                    item_lines.append((item_node.line, join(join(path, "items"), i)))
        else:
            section_ids = {info.section_id for info in self.items.values()}
            for i, section_node in enumerate(
                c.sequence(f["sections"], join(path, "sections"), non_empty=True) or []
            ):
                section_path = join(join(path, "sections"), i)
                section_id = c.text(section_node, section_path)
                if section_id is None:
                    continue
                if section_id not in section_ids:
                    c.error(section_node.line, section_path, f"unknown section {section_id!r}")
                    continue
                for info in self.items.values():
                    if info.section_id != section_id:
                        continue
                    if info.restricted:
                        c.error(section_node.line, section_path, _RESTRICTED_RULE.format(info.item.id))
                        break
                    # A section may mix scales (e.g. a rating among yes/no
                    # questions): count the items that can take these answers.
                    can_take = all(a in info.item.option_values for a in answers)
                    if info.item.type in SINGLE_VALUE_CHOICE_TYPES and answers and can_take:
                        item_ids.append(info.item.id)
                        item_lines.append((section_node.line, section_path))
        if len(set(item_ids)) != len(item_ids):
            c.error(m.line, path, "an item is counted twice")
        for (line, item_path), item_id in zip(item_lines, item_ids, strict=True):
            item = self.items[item_id].item
            if item.type not in SINGLE_VALUE_CHOICE_TYPES:
                c.error(line, item_path, f"cannot count answers of {item_id!r}, a {item.type.value} item")
                continue
            for answer in answers:
                if answer not in item.option_values:
                    c.error(line, item_path, f"item {item_id!r} has no option {answer!r} to count")
        if not item_ids:
            if "sections" in f and answers:
                c.error(m.line, path, f"nothing to count: no item in these sections can be {answers}")
            return None
        return CountRule(tuple(item_ids), frozenset(answers))

    def _weighted_sum(self, node: YNode, path: str) -> WeightedSumRule | None:
        c = self.checker
        terms: list[WeightedTerm] = []
        for i, term_node in enumerate(c.sequence(node, path, non_empty=True) or []):
            term_path = join(path, i)
            m = c.mapping(term_node, term_path)
            if m is None:
                continue
            f = c.fields(m, term_path, required=("item",), optional=("weights", "per_unit"))
            item_id = self._item_ref(f.get("item"), join(term_path, "item"), rule=True)
            if item_id is None:
                continue
            if any(t.item_id == item_id for t in terms):
                c.error(m.line, join(term_path, "item"), f"item {item_id!r} is weighed twice")
                continue
            item = self.items[item_id].item
            if item.type is ItemType.NUMBER:
                if "weights" in f or "per_unit" not in f:
                    c.error(m.line, term_path, "a number item is weighed with 'per_unit', not 'weights'")
                    continue
                per_unit = c.integer(f["per_unit"], join(term_path, "per_unit"))
                if not item.integer or item.minimum is None or item.maximum is None:
                    # Bands must cover every possible score, so the score needs finite whole bounds.
                    c.error(
                        m.line, term_path, f"item {item_id!r} needs integer: true, min and max to be weighed"
                    )
                    continue
                if per_unit is not None:
                    terms.append(WeightedTerm(item_id, {}, per_unit))
                continue
            if item.type not in CHOICE_TYPES or "weights" not in f or "per_unit" in f:
                c.error(m.line, term_path, "a choice item is weighed with 'weights' (option: weight)")
                continue
            weights = self._weights(f["weights"], join(term_path, "weights"), item)
            if weights is not None:
                terms.append(WeightedTerm(item_id, weights, None))
        return WeightedSumRule(tuple(terms)) if terms else None

    def _weights(self, node: YNode, path: str, item: Item) -> dict[str, int] | None:
        c = self.checker
        m = c.mapping(node, path)
        if m is None:
            return None
        weights: dict[str, int] = {}
        for value, (line, weight_node) in m.entries.items():
            if value not in item.option_values:
                c.error(line, join(path, value), f"item {item.id!r} has no option {value!r}")
                continue
            weight = c.integer(weight_node, join(path, value))
            if weight is not None:
                weights[value] = weight
        return weights

    def _weighted_bounds(self, rule: WeightedSumRule) -> tuple[int, int]:
        """Lowest and highest possible sum; an unanswered item adds 0."""
        low = high = 0
        for term in rule.terms:
            item = self.items[term.item_id].item
            if term.per_unit is not None:
                assert item.minimum is not None and item.maximum is not None
                ends = (0, math.floor(item.minimum) * term.per_unit, math.floor(item.maximum) * term.per_unit)
                low, high = low + min(ends), high + max(ends)
            elif item.type is ItemType.MULTIPLE_CHOICE:
                low += sum(w for w in term.weights.values() if w < 0)
                high += sum(w for w in term.weights.values() if w > 0)
            else:
                values = [0, *(term.weights.get(o, 0) for o in item.option_values)]
                low, high = low + min(values), high + max(values)
        return low, high

    # -- level, judgement, outputs ------------------------------------------

    def _level_rule(self, node: YNode | None) -> LevelRule | None:
        c = self.checker
        if node is None:
            return None
        m = c.mapping(node, "level")
        if m is None:
            return None
        if not self.levels:
            c.error(m.line, "level", "a level rule needs the instrument's 'levels' listed")
            return None
        f = c.fields(m, "level", optional=("from_score", "bands", "from_item", "highest_of"))
        kinds = [k for k in ("from_score", "from_item", "highest_of") if k in f]
        if len(kinds) != 1:
            c.error(
                m.line,
                "level",
                "give exactly one of 'from_score' (with 'bands'), 'from_item' or 'highest_of'",
            )
            return None
        if "bands" in f and kinds[0] != "from_score":
            c.error(f["bands"].line, "level.bands", "bands apply only with 'from_score'")
        if kinds[0] == "from_score":
            score_id = c.text(f["from_score"], "level.from_score")
            if score_id is None:
                return None
            if score_id not in self.scores:
                c.error(f["from_score"].line, "level.from_score", f"unknown score {score_id!r}")
                return None
            if "bands" not in f:
                c.error(m.line, "level", "'from_score' needs 'bands'")
                return None
            bands = self._bands(f["bands"], self.scores[score_id])
            return LevelFromScore(score_id, bands) if bands else None
        if kinds[0] == "from_item":
            item_id = self._item_ref(f["from_item"], "level.from_item", rule=True)
            if item_id is None or not self._rates_levels(item_id, f["from_item"].line, "level.from_item"):
                return None
            return LevelFromItem(item_id)
        item_ids: list[str] = []
        for i, item_node in enumerate(c.sequence(f["highest_of"], "level.highest_of", non_empty=True) or []):
            path = join("level.highest_of", i)
            item_id = self._item_ref(item_node, path, rule=True)
            if item_id is not None and self._rates_levels(item_id, item_node.line, path):
                item_ids.append(item_id)
        return LevelHighestOf(tuple(item_ids)) if item_ids else None

    def _rates_levels(self, item_id: str, line: int, path: str) -> bool:
        """An item whose answer *is* a level: a single-value choice whose options are level ids."""
        item = self.items[item_id].item
        if item.type not in SINGLE_VALUE_CHOICE_TYPES:
            self.checker.error(line, path, f"item {item_id!r} is a {item.type.value} item, not a rating")
            return False
        strays = [v for v in item.option_values if v not in self.levels]
        if strays:
            self.checker.error(
                line,
                path,
                f"options of {item_id!r} that are not levels of this instrument: {', '.join(strays)}",
            )
            return False
        return True

    def _bands(self, node: YNode, score: Score) -> tuple[Band, ...] | None:
        c = self.checker
        bands: list[Band] = []
        broken = False
        band_nodes = c.sequence(node, "level.bands", non_empty=True) or []
        for i, band_node in enumerate(band_nodes):
            path = join("level.bands", i)
            m = c.mapping(band_node, path)
            if m is None:
                broken = True
                continue
            f = c.fields(m, path, required=("level", "min"), optional=("max",))
            level_id = c.text(f.get("level"), join(path, "level"))
            minimum = c.integer(f.get("min"), join(path, "min"))
            maximum = c.integer(f.get("max"), join(path, "max"))
            if level_id is not None and level_id not in self.levels:
                c.error(f["level"].line, join(path, "level"), f"unknown level {level_id!r}")
                level_id = None
            if maximum is None and "max" not in f and i != len(band_nodes) - 1:
                c.error(m.line, join(path, "max"), "only the last band may leave out 'max'")
                broken = True
                continue
            if maximum is not None and minimum is not None and maximum < minimum:
                c.error(m.line, path, f"max ({maximum}) is below min ({minimum})")
                broken = True
                continue
            if level_id is None or minimum is None or ("max" in f and maximum is None):
                broken = True
                continue
            band = Band(level_id, minimum, maximum)
            if bands and not broken:
                previous = bands[-1]
                assert previous.maximum is not None  # only the last band is open-ended
                if band.minimum <= previous.maximum:
                    c.error(
                        m.line,
                        path,
                        f"band {_span(band)} overlaps band {_span(previous)}; list bands from the lowest score up",
                    )
                elif band.minimum > previous.maximum + 1:
                    c.error(
                        m.line,
                        path,
                        f"gap: no band covers {_score_span(previous.maximum + 1, band.minimum - 1)}",
                    )
                if self._index(band.level_id) < self._index(previous.level_id):
                    # More of what the instrument counts must never mean less risk.
                    c.error(
                        m.line, join(path, "level"), "bands must not fall to a lower level as the score rises"
                    )
            bands.append(band)
        if broken or not bands:
            return None
        if bands[0].minimum > score.minimum:
            c.error(
                band_nodes[0].line,
                "level.bands[0].min",
                f"gap: no band covers {_score_span(score.minimum, bands[0].minimum - 1)} (lowest possible {score.id}: {score.minimum})",
            )
        last = bands[-1]
        if last.maximum is not None and last.maximum < score.maximum:
            c.error(
                band_nodes[-1].line,
                join(join("level.bands", len(bands) - 1), "max"),
                f"gap: no band covers {_score_span(last.maximum + 1, score.maximum)} (highest possible {score.id}: {score.maximum})",
            )
        return tuple(bands)

    def _index(self, level_id: str) -> int:
        return list(self.levels).index(level_id)

    def _judgement(self, node: YNode | None, level_rule: LevelRule | None) -> JudgementRules | None:
        c = self.checker
        m = c.mapping(node, "judgement")
        if m is None:
            return None
        if level_rule is None:
            c.error(m.line, "judgement", "judgement rules need a 'level' rule to override")
        f = c.fields(
            m, "judgement", required=("may_raise", "may_lower", "reason_required"), optional=("note",)
        )
        may_raise = c.boolean(f.get("may_raise"), "judgement.may_raise")
        may_lower = c.boolean(f.get("may_lower"), "judgement.may_lower")
        reason_required = c.boolean(f.get("reason_required"), "judgement.reason_required")
        note = c.text(f.get("note"), "judgement.note", allow_empty=True) or ""
        if may_raise is None or may_lower is None or reason_required is None:
            return None
        return JudgementRules(may_raise, may_lower, reason_required, note)

    def _stalker_type(self, node: YNode | None) -> str | None:
        if node is None:
            return None
        item_id = self._item_ref(node, "stalker_type_from", rule=True)
        if item_id is None:
            return None
        item = self.items[item_id].item
        strays = [v for v in item.option_values if v not in STALKER_TYPES]
        if item.type is not ItemType.SINGLE_CHOICE or strays:
            self.checker.error(
                node.line,
                "stalker_type_from",
                f"item {item_id!r} must be a single_choice whose options are SRP stalker types "
                f"({', '.join(STALKER_TYPES)})",
            )
            return None
        return item_id

    def _recommendations(self, node: YNode | None) -> tuple[RecommendationRule, ...]:
        c = self.checker
        rules: list[RecommendationRule] = []
        codes: set[str] = set()
        for i, rule_node in enumerate(c.sequence(node, "recommendations") or []):
            path = join("recommendations", i)
            m = c.mapping(rule_node, path)
            if m is None:
                continue
            f = c.fields(m, path, required=("code", "text", "when"))
            code = c.identifier(f.get("code"), join(path, "code"))
            text = c.text(f.get("text"), join(path, "text"))
            if code is not None and code in codes:
                c.error(f["code"].line, join(path, "code"), f"duplicate recommendation code {code!r}")
            when = self._condition(f["when"], join(path, "when"), None) if "when" in f else None
            if code is not None and text is not None and when is not None:
                codes.add(code)
                rules.append(RecommendationRule(code, text, when))
        return tuple(rules)

    # -- conditions -------------------------------------------------------

    def _resolve_ask_if(self, sections: tuple[Section, ...] | None) -> tuple[Section, ...] | None:
        if sections is None:
            return None
        resolved = list(sections)
        for pending in self.pending:
            condition = self._condition(pending.node, pending.path, pending)
            if condition is None:
                continue
            index = next((k for k, s in enumerate(resolved) if s.id == pending.section_id), None)
            if index is None:
                continue
            section = resolved[index]
            if pending.item_index is None:
                resolved[index] = replace(section, ask_if=condition)
            elif pending.item_index < len(section.items):
                items = list(section.items)
                items[pending.item_index] = replace(items[pending.item_index], ask_if=condition)
                resolved[index] = replace(section, items=tuple(items))
        return tuple(resolved)

    def _condition(self, node: YNode, path: str, ask_if: _Pending | None, depth: int = 0) -> Condition | None:
        """Parse a condition; `ask_if` is set when it decides whether an item is asked."""
        c = self.checker
        if depth > MAX_CONDITION_DEPTH:
            c.error(node.line, path, "condition nested too deeply")
            return None
        if isinstance(node, YScalar) and node.value == "always":
            if ask_if is not None:
                c.error(node.line, path, "'always' is not a condition for ask_if")
                return None
            return Always()
        m = c.mapping(node, path)
        if m is None:
            return None
        keys = set(m.entries)
        if keys & {"all", "any"}:
            f = c.fields(m, path, optional=("all", "any"))
            if len(f) != 1:
                c.error(m.line, path, "give one of 'all' or 'any'")
                return None
            key = next(iter(f))
            parts = [
                self._condition(part, join(join(path, key), i), ask_if, depth + 1)
                for i, part in enumerate(c.sequence(f[key], join(path, key), non_empty=True) or [])
            ]
            if not parts or any(p is None for p in parts):
                return None
            conditions = tuple(p for p in parts if p is not None)
            return AllOf(conditions) if key == "all" else AnyOf(conditions)
        if "not" in keys:
            f = c.fields(m, path, required=("not",))
            inner = self._condition(f["not"], join(path, "not"), ask_if, depth + 1)
            return Not(inner) if inner is not None else None
        if "item" in keys:
            return self._item_condition(m, path, ask_if)
        if ask_if is not None and keys & {"score", "level_at_least"}:
            c.error(m.line, path, "ask_if may only read answers, not scores or levels")
            return None
        if "score" in keys:
            f = c.fields(m, path, required=("score",), optional=("at_least", "at_most"))
            score_id = c.text(f.get("score"), join(path, "score"))
            minimum = c.integer(f.get("at_least"), join(path, "at_least"))
            maximum = c.integer(f.get("at_most"), join(path, "at_most"))
            if score_id is not None and score_id not in self.scores:
                c.error(f["score"].line, join(path, "score"), f"unknown score {score_id!r}")
                return None
            if minimum is None and maximum is None:
                c.error(m.line, path, "a score condition needs 'at_least' and/or 'at_most'")
                return None
            return ScoreBetween(score_id, minimum, maximum) if score_id is not None else None
        if "level_at_least" in keys:
            f = c.fields(m, path, required=("level_at_least",))
            level_id = c.text(f["level_at_least"], join(path, "level_at_least"))
            if level_id is not None and level_id not in self.levels:
                c.error(f["level_at_least"].line, join(path, "level_at_least"), f"unknown level {level_id!r}")
                return None
            return LevelAtLeast(level_id) if level_id is not None else None
        c.error(
            m.line,
            path,
            "a condition is 'always' or a mapping with one of: item, score, level_at_least, all, any, not",
        )
        return None

    def _item_condition(self, m: YMap, path: str, ask_if: _Pending | None) -> Condition | None:
        c = self.checker
        f = c.fields(
            m,
            path,
            required=("item",),
            optional=("equals", "in", "includes", "at_least", "at_most", "answered"),
        )
        item_id = self._item_ref(f["item"], join(path, "item"), rule=ask_if is None, ask_if=ask_if)
        tests = [k for k in ("equals", "in", "includes", "at_least", "at_most", "answered") if k in f]
        if not tests:
            c.error(m.line, path, "say what to test: equals, in, includes, at_least, at_most or answered")
            return None
        if len(tests) > 1 and set(tests) != {"at_least", "at_most"}:
            c.error(m.line, path, f"cannot combine {', '.join(tests)} in one condition; use 'all'")
            return None
        if item_id is None:
            return None
        item = self.items[item_id].item
        test = tests[0]
        if test == "answered":
            if c.boolean(f["answered"], join(path, "answered")) is not True:
                c.error(
                    f["answered"].line, join(path, "answered"), "write 'answered: true' (use 'not' for false)"
                )
                return None
            return Answered(item_id)
        if test in ("equals", "in"):
            if item.type not in SINGLE_VALUE_CHOICE_TYPES:
                c.error(
                    m.line,
                    path,
                    f"'{test}' needs a single-answer choice item; {item_id!r} is {item.type.value}",
                )
                return None
            value_nodes = (
                [f["equals"]] if test == "equals" else c.sequence(f["in"], join(path, "in"), non_empty=True)
            )
            values = [self._option_value(v, join(path, test), item) for v in value_nodes or []]
            if not values or any(v is None for v in values):
                return None
            return AnswerIn(item_id, frozenset(v for v in values if v is not None))
        if test == "includes":
            if item.type is not ItemType.MULTIPLE_CHOICE:
                c.error(
                    m.line, path, f"'includes' needs a multiple_choice item; {item_id!r} is {item.type.value}"
                )
                return None
            value = self._option_value(f["includes"], join(path, "includes"), item)
            return AnswerIncludes(item_id, value) if value is not None else None
        if item.type is not ItemType.NUMBER:
            c.error(
                m.line, path, f"'at_least'/'at_most' need a number item; {item_id!r} is {item.type.value}"
            )
            return None
        minimum = c.number(f.get("at_least"), join(path, "at_least"))
        maximum = c.number(f.get("at_most"), join(path, "at_most"))
        if ("at_least" in f and minimum is None) or ("at_most" in f and maximum is None):
            return None
        return NumberBetween(item_id, minimum, maximum)

    def _option_value(self, node: YNode, path: str, item: Item) -> str | None:
        c = self.checker
        if isinstance(node, YScalar) and not isinstance(node.value, str):
            c.error(node.line, path, f"expected an option of {item.id!r} as text, got {describe(node.value)}")
            return None
        value = c.text(node, path)
        if value is not None and value not in item.option_values:
            c.error(
                node.line,
                path,
                f"item {item.id!r} has no option {value!r} (options: {', '.join(item.option_values)})",
            )
            return None
        return value

    def _item_ref(
        self, node: YNode | None, path: str, *, rule: bool, ask_if: _Pending | None = None
    ) -> str | None:
        """Check a reference to an item; `rule` = the result (seen by all agencies) reads it."""
        c = self.checker
        item_id = c.text(node, path)
        if item_id is None or node is None:
            return None
        info = self.items.get(item_id)
        if info is None:
            if item_id not in self.broken_item_ids:
                c.error(node.line, path, f"unknown item {item_id!r}")
            return None
        if info.restricted and (rule or (ask_if is not None and ask_if.section_index != info.section_index)):
            c.error(node.line, path, _RESTRICTED_RULE.format(item_id))
            return None
        if ask_if is not None and info.order >= ask_if.first_order:
            c.error(
                node.line, path, f"ask_if may only read an item asked earlier in the form; {item_id!r} is not"
            )
            return None
        return item_id


_RESTRICTED_RULE = (
    "item {!r} is in a restricted section; results are shared with every agency, so rules may not read it"
)


def _span(band: Band) -> str:
    return f"{band.minimum}-{band.maximum}" if band.maximum is not None else f"{band.minimum}+"


def _score_span(low: int, high: int) -> str:
    return f"score {low}" if low == high else f"scores {low}-{high}"
