"""The records people are parties to (referrals, cases), registered by the contexts that
hold them: `people` sits below referrals and cases (docs/architecture.md, "Floors")
and imports neither.

`register_party_records(source)`, in the owning app's `AppConfig.ready()`; referrals
registers with order 10, cases with order 20, and every reader goes through them in
that order (lower first): the subject access pack lists referrals before cases and
numbers third parties in that order, and "is this person a victim?" asks referrals
first.

A source gives, for one kind of record:
- `key`: the subject access pack's section ("referrals", "cases");
- `party_rows(person)`: the person's party rows, each with its record and the
  record's parties (with their people and aliases) loaded;
- `others(row)`: `(person, "role in REFERENCE")` for every party of the row's record;
- `section(row, redact)`: the row's entry in the pack, free text passed through
  `redact(text, where)`;
- `is_victim(person)`: whether the person is a victim on any such record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Redact = Callable[[str, str], str]


@dataclass(frozen=True)
class PartyRecords:
    key: str
    party_rows: Callable[[Any], list[Any]]
    others: Callable[[Any], Iterable[tuple[Any, str]]]
    section: Callable[[Any, Redact], dict[str, Any]]
    is_victim: Callable[[Any], bool]


_SOURCES: list[tuple[int, PartyRecords]] = []


def register_party_records(source: PartyRecords, *, order: int = 50) -> PartyRecords:
    if all(existing.key != source.key for _, existing in _SOURCES):
        _SOURCES.append((order, source))
        _SOURCES.sort(key=lambda item: item[0])
    return source


def party_records() -> list[PartyRecords]:
    """Every registered source, lower order first."""
    return [source for _, source in _SOURCES]
