"""Read YAML into a small tree that remembers the line of every value.

Definition errors must name the file, line and field, so the loader works on
PyYAML's composed node tree (which carries marks) rather than on plain dicts.
Two deliberate departures from PyYAML's defaults:

- Only `true`/`false` are booleans (as in YAML 1.2). Under YAML 1.1 an unquoted
  `yes` or `no` becomes a boolean, and instruments are full of "yes" answers.
- Aliases are expanded with a budget and recursion check, so a hostile or
  mistaken file ("billion laughs", `&a [*a]`) is reported, not looped over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from masip.assessments.engine.errors import DefinitionProblem

MAX_NODES = 50_000  # far above any real instrument (DASH is ~600 nodes)
_BOOL_TAG = "tag:yaml.org,2002:bool"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans: `yes`, `no`, `on`, `off` stay text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


@dataclass
class YScalar:
    value: object  # str, int, float, bool, None, date, datetime, bytes
    line: int


@dataclass
class YList:
    items: list[YNode]
    line: int


@dataclass
class YMap:
    # key -> (line of the key, value); keys that are not text are reported and dropped
    entries: dict[str, tuple[int, YNode]]
    line: int


YNode = YScalar | YList | YMap


class _TooBig(Exception):
    pass


def parse_yaml(text: str, file: str) -> tuple[YNode | None, list[DefinitionProblem]]:
    """Parse one YAML document; returns (tree or None, problems)."""
    problems: list[DefinitionProblem] = []
    try:
        loader = _Loader(text)  # the reader rejects control characters here already
        node = loader.get_single_node()
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        return None, [
            DefinitionProblem(
                file, line, "", f"not valid YAML: {exc.reason} (character #x{exc.character:04x})"
            )
        ]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = mark.line + 1 if mark is not None else None
        reason = " ".join(part for part in (exc.context, exc.problem) if part)
        return None, [DefinitionProblem(file, at, "", f"not valid YAML: {reason}")]
    except yaml.YAMLError as exc:
        return None, [DefinitionProblem(file, None, "", f"not valid YAML: {exc}")]
    except RecursionError:
        return None, [DefinitionProblem(file, None, "", "not valid YAML: nested too deeply")]
    if node is None:
        return None, [DefinitionProblem(file, None, "", "the file is empty")]

    budget = [MAX_NODES]

    def convert(node: yaml.Node, ancestors: frozenset[int]) -> YNode:
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooBig
        line = node.start_mark.line + 1
        if id(node) in ancestors:
            problems.append(DefinitionProblem(file, line, "", "an alias refers to itself"))
            return YScalar(None, line)
        inner = ancestors | {id(node)}
        if isinstance(node, yaml.ScalarNode):
            try:
                value = loader.construct_object(node, deep=True)
            except Exception as exc:  # a bad timestamp, an unknown tag, ...
                reason = exc.problem if isinstance(exc, yaml.MarkedYAMLError) and exc.problem else str(exc)
                problems.append(
                    DefinitionProblem(file, line, "", f"cannot read value {node.value!r}: {reason}")
                )
                value = None
            return YScalar(value, line)
        if isinstance(node, yaml.SequenceNode):
            return YList([convert(child, inner) for child in node.value], line)
        if isinstance(node, yaml.MappingNode):
            entries: dict[str, tuple[int, YNode]] = {}
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1
                if key_node.tag == _MERGE_TAG:
                    problems.append(
                        DefinitionProblem(file, key_line, "", "merge keys (<<) are not supported")
                    )
                    continue
                key = convert(key_node, inner)
                value = convert(value_node, inner)
                if not isinstance(key, YScalar) or not isinstance(key.value, str):
                    shown = repr(key.value) if isinstance(key, YScalar) else "a list or mapping"
                    problems.append(DefinitionProblem(file, key_line, "", f"a key must be text, not {shown}"))
                    continue
                if key.value in entries:
                    problems.append(DefinitionProblem(file, key_line, "", f"duplicate key {key.value!r}"))
                    continue
                entries[key.value] = (key_line, value)
            return YMap(entries, line)
        raise AssertionError(f"unexpected YAML node {node!r}")  # compose yields only the three kinds

    try:
        tree = convert(node, frozenset())
    except _TooBig:
        return None, [
            DefinitionProblem(
                file, None, "", f"document too large (over {MAX_NODES} values, aliases expanded)"
            )
        ]
    except RecursionError:
        return None, [DefinitionProblem(file, None, "", "document nested too deeply")]
    finally:
        loader.dispose()
    return tree, problems
