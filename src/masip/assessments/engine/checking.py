"""Typed readers over the line-aware YAML tree that collect problems as they go.

Shared by the definition loader and the wording loader. Every reader returns
None (and records a problem) when a value is missing or of the wrong kind, so
one pass reports every mistake in a file.
"""

from __future__ import annotations

import math
import re

from masip.assessments.engine.errors import DefinitionProblem
from masip.assessments.engine.yamlnodes import YList, YMap, YNode, YScalar

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
OPTION_VALUE = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")


def describe(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    return repr(value)


class Checker:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[DefinitionProblem] = []

    def error(self, line: int | None, path: str, message: str) -> None:
        self.problems.append(DefinitionProblem(self.file, line, path, message))

    def mapping(self, node: YNode | None, path: str) -> YMap | None:
        if isinstance(node, YMap):
            return node
        if node is not None:
            self.error(node.line, path, "expected a mapping of fields")
        return None

    def sequence(self, node: YNode | None, path: str, *, non_empty: bool = False) -> list[YNode] | None:
        if isinstance(node, YList):
            if non_empty and not node.items:
                self.error(node.line, path, "must not be empty")
            return node.items
        if node is not None:
            self.error(node.line, path, "expected a list")
        return None

    def fields(
        self,
        node: YMap,
        path: str,
        *,
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
    ) -> dict[str, YNode]:
        """The fields of a mapping; reports unknown fields (typos) and missing required ones."""
        known = set(required) | set(optional)
        found: dict[str, YNode] = {}
        for key, (key_line, value) in node.entries.items():
            if key in known:
                found[key] = value
            else:
                allowed = ", ".join(sorted(known))
                self.error(key_line, join(path, key), f"unknown field {key!r} (allowed: {allowed})")
        for name in required:
            if name not in found:
                self.error(node.line, path or "(document)", f"missing required field {name!r}")
        return found

    def text(self, node: YNode | None, path: str, *, allow_empty: bool = False) -> str | None:
        if node is None:
            return None
        if isinstance(node, YScalar) and isinstance(node.value, str):
            if not allow_empty and not node.value.strip():
                self.error(node.line, path, "must not be empty")
                return None
            return node.value
        self.error(node.line, path, f"expected text, got {shape(node)}")
        return None

    def identifier(
        self, node: YNode | None, path: str, *, pattern: re.Pattern[str] = IDENTIFIER
    ) -> str | None:
        value = self.text(node, path)
        if value is None or node is None:
            return None
        if not pattern.match(value):
            self.error(
                node.line,
                path,
                f"{value!r} is not a valid id (lower-case letters, digits and _, starting with a letter)",
            )
            return None
        return value

    def boolean(self, node: YNode | None, path: str) -> bool | None:
        if node is None:
            return None
        if isinstance(node, YScalar) and isinstance(node.value, bool):
            return node.value
        self.error(node.line, path, f"expected true or false, got {shape(node)}")
        return None

    def integer(self, node: YNode | None, path: str, *, minimum: int | None = None) -> int | None:
        if node is None:
            return None
        if not (
            isinstance(node, YScalar) and isinstance(node.value, int) and not isinstance(node.value, bool)
        ):
            self.error(node.line, path, f"expected a whole number, got {shape(node)}")
            return None
        if minimum is not None and node.value < minimum:
            self.error(node.line, path, f"must be at least {minimum}")
            return None
        return node.value

    def number(self, node: YNode | None, path: str) -> float | None:
        if node is None:
            return None
        value = node.value if isinstance(node, YScalar) else None
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return value
        self.error(node.line, path, f"expected a number, got {shape(node)}")
        return None


def shape(node: YNode) -> str:
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YList):
        return "a list"
    return describe(node.value)


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key
