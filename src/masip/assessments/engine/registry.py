"""All loaded instruments, keyed by (code, version).

Assessments store the code and version they were made with, so an old DASH
stays readable and scorable after a new version ships; new assessments use
`latest(code)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from masip.assessments.engine.definition import InstrumentDefinition
from masip.assessments.engine.errors import DefinitionError, DefinitionProblem
from masip.assessments.engine.loader import load_definition
from masip.assessments.engine.wording import apply_wording, read_wording

# The definitions shipped with the product, in the repository's `instruments/`
# folder (the package is installed editable from the checkout). A deployment
# that keeps them elsewhere passes its own directory to `load_directory`.
SHIPPED_INSTRUMENTS_DIR = Path(__file__).resolve().parents[4] / "instruments"


class InstrumentRegistry:
    """An immutable set of definitions; build one with `load_directory`."""

    def __init__(self, definitions: Iterable[InstrumentDefinition] = ()):
        self._by_key: dict[tuple[str, int], InstrumentDefinition] = {}
        problems = []
        for definition in definitions:
            earlier = self._by_key.get(definition.key)
            if earlier is not None:
                problems.append(
                    DefinitionProblem(
                        definition.file,
                        None,
                        "version",
                        f"{definition.code} version {definition.version} is also defined in {earlier.file}",
                    )
                )
                continue
            self._by_key[definition.key] = definition
        if problems:
            raise DefinitionError(problems)

    def get(self, code: str, version: int) -> InstrumentDefinition:
        """The definition an assessment was made with; KeyError if it is not loaded."""
        return self._by_key[(code, version)]

    def latest(self, code: str) -> InstrumentDefinition:
        """The highest version of an instrument; KeyError if none is loaded."""
        versions = self.versions(code)
        if not versions:
            raise KeyError(code)
        return self._by_key[(code, versions[-1])]

    def versions(self, code: str) -> tuple[int, ...]:
        return tuple(sorted(v for c, v in self._by_key if c == code))

    def codes(self) -> tuple[str, ...]:
        return tuple(sorted({c for c, _ in self._by_key}))

    def with_definition(self, definition: InstrumentDefinition) -> InstrumentRegistry:
        """A copy in which `definition` replaces the one with the same key (e.g. after `apply_wording`)."""
        others = [d for k, d in self._by_key.items() if k != definition.key]
        return InstrumentRegistry([*others, definition])

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def __iter__(self) -> Iterator[InstrumentDefinition]:
        return iter(sorted(self._by_key.values(), key=lambda d: d.key))

    def __len__(self) -> int:
        return len(self._by_key)


def load_directory(
    directory: str | Path = SHIPPED_INSTRUMENTS_DIR, *, wording_files: Iterable[str | Path] = ()
) -> InstrumentRegistry:
    """Load every `*.yaml` definition in `directory` (not its subfolders), then apply wording files.

    Each wording file names its instrument and version. Problems in every file
    are collected and raised together in one `DefinitionError`; nothing is
    half-loaded.
    """
    folder = Path(directory)
    problems: list[DefinitionProblem] = []
    definitions: list[InstrumentDefinition] = []
    if not folder.is_dir():
        raise DefinitionError([DefinitionProblem(str(folder), None, "", "not a directory")])
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        try:
            definitions.append(load_definition(path))
        except DefinitionError as exc:
            problems.extend(exc.problems)
    try:
        registry = InstrumentRegistry(definitions)
    except DefinitionError as exc:
        problems.extend(exc.problems)
        registry = InstrumentRegistry()
    for wording_path in wording_files:
        try:
            wording = read_wording(wording_path)
            if (wording.instrument, wording.version) not in registry:
                problems.append(
                    DefinitionProblem(
                        wording.source,
                        wording.instrument_line,
                        "instrument",
                        f"no definition {wording.instrument} version {wording.version} is loaded",
                    )
                )
                continue
            registry = registry.with_definition(
                apply_wording(registry.get(wording.instrument, wording.version), wording)
            )
        except DefinitionError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DefinitionError(problems)
    return registry
