"""Errors the engine raises: each carries every problem found, not only the first.

A definition or wording file with three mistakes should be fixed in one pass,
so loading collects all problems and raises once (`DefinitionError`); a broken
file never half-loads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class DefinitionProblem:
    """One thing wrong with a definition or wording file, and where it is."""

    file: str
    line: int | None  # 1-based; None when the problem is the file as a whole
    path: str  # e.g. "sections[0].items[3].type"; "" for the document itself
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file} line {self.line}"
        return f"{where}, {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class DefinitionError(Exception):
    """A definition (or wording) file is invalid; `problems` lists every problem found."""

    def __init__(self, problems: Iterable[DefinitionProblem]):
        self.problems: tuple[DefinitionProblem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class AnswerError(ValueError):
    """Answers cannot be scored; `problems` lists every `AnswerProblem`."""

    def __init__(self, problems: Iterable[object]):
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class JudgementError(ValueError):
    """A professional-judgement override breaks the instrument's rules."""

    def __init__(self, problems: Iterable[str]):
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("; ".join(self.problems))
