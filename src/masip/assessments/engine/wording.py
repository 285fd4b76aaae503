"""Licensed wording: item labels loaded from a LAP's own data file.

The item texts of SASH and the SRP are licensed, so the shipped definitions
carry structure and placeholder labels only (docs/domain.md, "Instruments"). A LAP
holding a licence keeps the wording in a separate YAML file (never committed
to this repository) and loads it without code changes:

    instrument: sash        # must match the definition's code
    version: 1              # and its version: ids can change between versions
    notice: "Wording (c) ... licensed to ... LAP"
    sections:
      ex_partner: {title: "...", description: "..."}
    items:
      sash_01: {label: "...", help: "..."}
      sash_02: "..."          # shorthand for a label alone

Items not in the file keep their placeholder label. See
`instruments/wording/sash.example.yaml` for the format with made-up text.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from masip.assessments.engine.checking import Checker, join
from masip.assessments.engine.definition import InstrumentDefinition, Item, Section
from masip.assessments.engine.errors import DefinitionError, DefinitionProblem
from masip.assessments.engine.yamlnodes import YMap, YNode, YScalar, parse_yaml


@dataclass(frozen=True)
class _Text:
    line: int
    path: str
    fields: dict[str, str]  # label/help or title/description


@dataclass(frozen=True)
class WordingFile:
    """A parsed, shape-checked wording file, not yet matched to a definition."""

    source: str
    instrument: str
    version: int
    instrument_line: int
    version_line: int
    notice: str
    sections: dict[str, _Text]
    items: dict[str, _Text]


def read_wording(path: str | Path) -> WordingFile:
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError([DefinitionProblem(source, None, "", f"cannot read the file: {exc}")]) from exc
    return read_wording_text(text, source=source)


def read_wording_text(text: str, *, source: str = "<text>") -> WordingFile:
    tree, problems = parse_yaml(text, source)
    if tree is None:
        raise DefinitionError(problems)
    c = Checker(source)
    c.problems.extend(problems)
    doc = c.mapping(tree, "")
    if doc is None:
        raise DefinitionError(c.problems)
    f = c.fields(doc, "", required=("instrument", "version", "items"), optional=("notice", "sections"))
    instrument = c.identifier(f.get("instrument"), "instrument")
    version = c.integer(f.get("version"), "version", minimum=1)
    notice = c.text(f.get("notice"), "notice", allow_empty=True) or ""
    sections = _texts(c, f.get("sections"), "sections", ("title", "description"), shorthand="title")
    items = _texts(c, f.get("items"), "items", ("label", "help"), shorthand="label")
    if c.problems or instrument is None or version is None:
        raise DefinitionError(c.problems)
    return WordingFile(
        source=source,
        instrument=instrument,
        version=version,
        instrument_line=f["instrument"].line,
        version_line=f["version"].line,
        notice=notice,
        sections=sections,
        items=items,
    )


def apply_wording(
    definition: InstrumentDefinition, wording_file: str | Path | WordingFile
) -> InstrumentDefinition:
    """A copy of `definition` with the wording file's labels and help texts.

    The file must name this instrument and version; an item or section id the
    definition does not have is an error (with its line), so a wording file
    for another edition of a tool cannot be applied by mistake.
    """
    wording = wording_file if isinstance(wording_file, WordingFile) else read_wording(wording_file)
    c = Checker(wording.source)
    if wording.instrument != definition.code:
        c.error(
            wording.instrument_line,
            "instrument",
            f"this wording is for {wording.instrument!r}, not {definition.code!r}",
        )
    if wording.version != definition.version:
        c.error(
            wording.version_line,
            "version",
            f"this wording is for version {wording.version}; the definition is version {definition.version}",
        )
    section_ids = {s.id for s in definition.sections}
    for section_id, text in wording.sections.items():
        if section_id not in section_ids:
            c.error(
                text.line,
                text.path,
                f"unknown section {section_id!r} in {definition.code} v{definition.version}",
            )
    item_ids = {item.id for item in definition.items}
    for item_id, text in wording.items.items():
        if item_id not in item_ids:
            c.error(
                text.line, text.path, f"unknown item {item_id!r} in {definition.code} v{definition.version}"
            )
    if c.problems:
        raise DefinitionError(c.problems)

    def reword_item(item: Item) -> Item:
        text = wording.items.get(item.id)
        # The wording file's keys were checked against the item's text fields (label, help).
        changes: dict[str, Any] = {} if text is None else dict(text.fields)
        return replace(item, **changes)

    def reword_section(section: Section) -> Section:
        text = wording.sections.get(section.id)
        items = tuple(reword_item(item) for item in section.items)
        # The keys were checked against the section's text fields (title, description).
        changes: dict[str, Any] = {} if text is None else dict(text.fields)
        return replace(section, items=items, **changes)

    return replace(
        definition,
        sections=tuple(reword_section(s) for s in definition.sections),
        wording_source=wording.source,
    )


def _texts(
    c: Checker, node: YNode | None, path: str, names: tuple[str, str], *, shorthand: str
) -> dict[str, _Text]:
    texts: dict[str, _Text] = {}
    m = c.mapping(node, path)
    if m is None:
        return texts
    required, optional = names
    for key, (line, value) in m.entries.items():
        key_path = join(path, key)
        if isinstance(value, YScalar):
            label = c.text(value, key_path)
            if label is not None:
                texts[key] = _Text(line, key_path, {shorthand: label})
            continue
        entry = c.mapping(value, key_path)
        if not isinstance(entry, YMap):
            continue
        f = c.fields(entry, key_path, required=(required,), optional=(optional,))
        fields = {}
        for name in names:
            text = c.text(f.get(name), join(key_path, name), allow_empty=name == optional)
            if text is not None:
                fields[name] = text
        if required in fields:
            texts[key] = _Text(line, key_path, fields)
    return texts
