"""Loading definitions: every problem reported with file, line and field; nothing half-loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from masip.assessments.engine import (
    AGENCY_KINDS,
    SHIPPED_INSTRUMENTS_DIR,
    DefinitionError,
    InstrumentDefinition,
    InstrumentRegistry,
    load_definition,
    load_definition_text,
    load_directory,
)

SOURCE = "instruments/test.yaml"

# A small valid definition; the tests below change one thing at a time.
# Line numbers in the expected messages count from "code:" as line 1.
VALID = """\
code: test
name: Test tool
version: 1
levels:
  - {id: low, label: Low, rank: 1}
  - {id: high, label: High, rank: 3}
sections:
  - id: main
    title: Main
    items:
      - {id: q1, type: yes_no_dont_know, label: One, required: true}
      - {id: q2, type: yes_no, label: Two}
      - {id: q3, type: number, label: Three, integer: true, min: 0, max: 10}
  - id: clinical
    title: Clinical
    restricted_to: [health]
    items:
      - {id: c1, type: yes_no, label: Clinical one}
scores:
  - id: yes_count
    label: Yes answers
    count: {items: [q1, q2], answers: ["yes"]}
level:
  from_score: yes_count
  bands:
    - {level: low, min: 0, max: 1}
    - {level: high, min: 2, max: 2}
recommendations:
  - code: r1
    text: Do something
    when: {item: q1, equals: "yes"}
"""


def load(text: str) -> InstrumentDefinition:
    return load_definition_text(text, source=SOURCE)


def problems(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as error:
        load(text)
    return [str(p) for p in error.value.problems]


def test_the_base_definition_is_valid():
    definition = load(VALID)
    assert definition.key == ("test", 1)
    assert [i.id for i in definition.items] == ["q1", "q2", "q3", "c1"]


def test_unknown_item_type_names_file_line_and_field():
    text = VALID.replace("{id: q2, type: yes_no,", "{id: q2, type: yesno,")
    assert problems(text) == [
        "instruments/test.yaml line 12, sections[0].items[1].type: unknown item type 'yesno' "
        "(one of: yes_no_dont_know, yes_no, low_moderate_high, single_choice, multiple_choice, number, date, text)"
    ]


def test_every_problem_is_reported_at_once():
    text = (
        VALID.replace("{id: q2, type: yes_no,", "{id: q2, type: yesno,")  # line 12
        .replace("min: 0, max: 10}", "min: 0, max: 10, requried: true}")  # line 13
        .replace("restricted_to: [health]", "restricted_to: [nurses]")  # line 16
        .replace('when: {item: q1, equals: "yes"}', 'when: {item: q9, equals: "yes"}')  # line 31
    )
    found = problems(text)
    assert len(found) == 4
    assert found[0].startswith("instruments/test.yaml line 12, sections[0].items[1].type: unknown item type")
    assert found[1].startswith("instruments/test.yaml line 13, sections[0].items[2].requried: unknown field")
    assert found[2].startswith(
        "instruments/test.yaml line 16, sections[1].restricted_to[0]: unknown agency kind"
    )
    assert found[3] == "instruments/test.yaml line 31, recommendations[0].when.item: unknown item 'q9'"


def test_duplicate_item_ids_across_sections():
    text = VALID.replace("{id: c1, type: yes_no", "{id: q1, type: yes_no")
    assert "instruments/test.yaml line 18, sections[1].items[0].id: duplicate item id 'q1'" in problems(text)


def test_missing_required_field_points_at_the_mapping():
    text = VALID.replace("{id: q2, type: yes_no, label: Two}", "{id: q2, type: yes_no}")
    assert problems(text) == [
        "instruments/test.yaml line 12, sections[0].items[1]: missing required field 'label'"
    ]


def test_duplicate_yaml_keys_are_not_silently_overwritten():
    text = VALID.replace("version: 1\n", "version: 1\nversion: 2\n")
    assert problems(text) == ["instruments/test.yaml line 4: duplicate key 'version'"]


def test_score_counting_an_unknown_item():
    text = VALID.replace("count: {items: [q1, q2]", "count: {items: [q1, q7]")
    assert "instruments/test.yaml line 22, scores[0].count.items[1]: unknown item 'q7'" in problems(text)


def test_counting_an_answer_the_item_cannot_have():
    text = VALID.replace('answers: ["yes"]', 'answers: ["dont_know"]')
    assert problems(text) == [
        "instruments/test.yaml line 22, scores[0].count.items[1]: item 'q2' has no option 'dont_know' to count"
    ]


def test_condition_on_an_option_the_item_does_not_have():
    text = VALID.replace('equals: "yes"}', 'equals: "maybe"}')
    assert problems(text) == [
        "instruments/test.yaml line 31, recommendations[0].when.equals: "
        "item 'q1' has no option 'maybe' (options: yes, no, dont_know)"
    ]


def test_yes_and_no_are_text_but_true_is_reported():
    # YAML 1.1 would read an unquoted yes as a boolean; the loader keeps it text.
    assert load(VALID.replace('equals: "yes"}', "equals: yes}")).recommendations[0].when.values == {"yes"}
    assert problems(VALID.replace('equals: "yes"}', "equals: true}")) == [
        "instruments/test.yaml line 31, recommendations[0].when.equals: expected an option of 'q1' as text, got true"
    ]


def test_recommendation_on_an_unknown_score_or_level():
    text = VALID.replace(
        'when: {item: q1, equals: "yes"}',
        "when: {all: [{score: nope, at_least: 1}, {level_at_least: medium}]}",
    )
    assert problems(text) == [
        "instruments/test.yaml line 31, recommendations[0].when.all[0].score: unknown score 'nope'",
        "instruments/test.yaml line 31, recommendations[0].when.all[1].level_at_least: unknown level 'medium'",
    ]


def test_bands_that_overlap():
    text = VALID.replace("{level: high, min: 2, max: 2}", "{level: high, min: 1, max: 2}")
    assert problems(text) == [
        "instruments/test.yaml line 27, level.bands[1]: band 1-2 overlaps band 0-1; list bands from the lowest score up"
    ]


def test_bands_that_leave_a_gap():
    text = VALID.replace("{level: low, min: 0, max: 1}", "{level: low, min: 0, max: 0}")
    assert problems(text) == ["instruments/test.yaml line 27, level.bands[1]: gap: no band covers score 1"]


def test_bands_that_do_not_reach_the_highest_possible_score():
    text = VALID.replace("{level: high, min: 2, max: 2}", "{level: high, min: 2, max: 1}")
    assert "instruments/test.yaml line 27, level.bands[1]: max (1) is below min (2)" in problems(text)
    text = VALID.replace("{level: low, min: 0, max: 1}", "{level: low, min: 0, max: 0}").replace(
        "{level: high, min: 2, max: 2}", "{level: high, min: 1, max: 1}"
    )
    assert problems(text) == [
        "instruments/test.yaml line 27, level.bands[1].max: gap: no band covers score 2 (highest possible yes_count: 2)"
    ]


def test_bands_that_do_not_start_at_the_lowest_possible_score():
    text = VALID.replace("{level: low, min: 0, max: 1}", "{level: low, min: 1, max: 1}")
    assert problems(text) == [
        "instruments/test.yaml line 26, level.bands[0].min: gap: no band covers score 0 (lowest possible yes_count: 0)"
    ]


def test_bands_may_not_fall_to_a_lower_level_as_the_score_rises():
    text = VALID.replace("{level: low, min: 0, max: 1}", "{level: high, min: 0, max: 1}").replace(
        "{level: high, min: 2, max: 2}", "{level: low, min: 2, max: 2}"
    )
    assert problems(text) == [
        "instruments/test.yaml line 27, level.bands[1].level: bands must not fall to a lower level as the score rises"
    ]


def test_rules_may_not_read_restricted_items():
    # The result is shown to every agency on the case; a rule reading a
    # health-only answer would leak it.
    text = VALID.replace('when: {item: q1, equals: "yes"}', 'when: {item: c1, equals: "yes"}')
    assert problems(text) == [
        "instruments/test.yaml line 31, recommendations[0].when.item: item 'c1' is in a restricted section; "
        "results are shared with every agency, so rules may not read it"
    ]


def test_ask_if_reads_only_earlier_items_and_only_answers():
    later = VALID.replace(
        "{id: q1, type: yes_no_dont_know, label: One, required: true}",
        '{id: q1, type: yes_no_dont_know, label: One, ask_if: {item: q2, equals: "yes"}}',
    )
    assert problems(later) == [
        "instruments/test.yaml line 11, sections[0].items[0].ask_if.item: "
        "ask_if may only read an item asked earlier in the form; 'q2' is not"
    ]
    on_score = VALID.replace(
        "{id: q2, type: yes_no, label: Two}",
        "{id: q2, type: yes_no, label: Two, ask_if: {score: yes_count, at_least: 1}}",
    )
    assert problems(on_score) == [
        "instruments/test.yaml line 12, sections[0].items[1].ask_if: ask_if may only read answers, not scores or levels"
    ]


def test_section_ask_if_is_loaded():
    text = VALID.replace(
        "    title: Clinical\n", '    title: Clinical\n    ask_if: {item: q1, in: ["yes", dont_know]}\n'
    )
    definition = load(text)
    assert definition.sections[1].ask_if is not None


def test_level_rank_must_be_on_the_cross_instrument_scale():
    text = VALID.replace("{id: high, label: High, rank: 3}", "{id: high, label: High, rank: 4}")
    assert (
        "instruments/test.yaml line 6, levels[1].rank: rank must be 1 (low), 2 (moderate) or 3 (high)"
        in problems(text)
    )


def test_judgement_needs_a_level_rule_and_every_flag():
    text = VALID.replace("level:\n  from_score", "judgement:\n  may_raise: true\nlevel:\n  from_score")
    assert problems(text) == [
        "instruments/test.yaml line 24, judgement: missing required field 'may_lower'"
    ] + ["instruments/test.yaml line 24, judgement: missing required field 'reason_required'"]


def test_stalker_type_must_use_the_srp_types():
    text = (
        VALID.replace(
            "{id: q3, type: number, label: Three, integer: true, min: 0, max: 10}",
            "{id: q3, type: single_choice, label: Type, options: [{value: jealous, label: J}, {value: rejected, label: R}]}",
        )
        + "stalker_type_from: q3\n"
    )
    assert problems(text) == [
        "instruments/test.yaml line 32, stalker_type_from: item 'q3' must be a single_choice whose options are "
        "SRP stalker types (rejected, resentful, intimacy_seeking, incompetent_suitor, predatory)"
    ]


def test_field_that_does_not_fit_the_item_type():
    text = VALID.replace("{id: q2, type: yes_no, label: Two}", "{id: q2, type: yes_no, label: Two, max: 3}")
    assert problems(text) == [
        "instruments/test.yaml line 12, sections[0].items[1].max: 'max' does not apply to a yes_no item"
    ]


def test_yaml_syntax_error_has_its_line():
    text = VALID.replace("title: Main", "title: [Main")
    found = problems(text)
    assert len(found) == 1
    assert found[0].startswith("instruments/test.yaml line 10: not valid YAML")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "instruments/test.yaml: the file is empty"),
        ("- a list\n", "instruments/test.yaml line 1: expected a mapping of fields"),
        ("a: &x [*x]\n", "instruments/test.yaml line 1: an alias refers to itself"),
        ("<<: {code: x}\n", "instruments/test.yaml line 1: merge keys (<<) are not supported"),
    ],
)
def test_documents_that_are_not_definitions(text, message):
    assert message in problems(text)


def test_load_definition_names_the_file(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text(VALID.replace("version: 1", "version: one"))
    with pytest.raises(DefinitionError) as error:
        load_definition(path)
    assert str(error.value) == f"{path} line 3, version: expected a whole number, got 'one'"


# --- directories and the registry ---------------------------------------------


def test_load_directory_reports_every_broken_file_and_loads_none(tmp_path: Path):
    (tmp_path / "good.yaml").write_text(VALID)
    (tmp_path / "bad1.yaml").write_text(
        VALID.replace("code: test", "code: t1").replace("type: yes_no,", "type: yesno,")
    )
    (tmp_path / "bad2.yaml").write_text(VALID.replace("code: test", "code: t2").replace("rank: 3", "rank: 0"))
    with pytest.raises(DefinitionError) as error:
        load_directory(tmp_path)
    files = sorted({Path(p.file).name for p in error.value.problems})
    assert files == ["bad1.yaml", "bad2.yaml"]


def test_same_code_and_version_twice_is_an_error(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(VALID)
    (tmp_path / "b.yaml").write_text(VALID.replace("name: Test tool", "name: Copy"))
    with pytest.raises(DefinitionError) as error:
        load_directory(tmp_path)
    assert (
        str(error.value)
        == f"{tmp_path / 'b.yaml'}, version: test version 1 is also defined in {tmp_path / 'a.yaml'}"
    )


def test_registry_keys_by_code_and_version_and_finds_the_latest(tmp_path: Path):
    (tmp_path / "v1.yaml").write_text(VALID)
    (tmp_path / "v3.yaml").write_text(
        VALID.replace("version: 1", "version: 3").replace("name: Test tool", "name: V3")
    )
    (tmp_path / "v2.yml").write_text(VALID.replace("version: 1", "version: 2"))
    registry = load_directory(tmp_path)
    assert len(registry) == 3 and ("test", 2) in registry
    assert registry.versions("test") == (1, 2, 3)
    assert registry.latest("test").name == "V3"
    assert registry.get("test", 1).version == 1
    with pytest.raises(KeyError):
        registry.get("test", 4)
    with pytest.raises(KeyError):
        registry.latest("dash")
    assert len(InstrumentRegistry()) == 0


def test_shipped_definitions_folder_is_the_default():
    assert SHIPPED_INSTRUMENTS_DIR.name == "instruments"
    assert load_directory().codes() == load_directory(SHIPPED_INSTRUMENTS_DIR).codes()


def test_agency_kinds_match_the_partnerships_app():
    from masip.partnerships.models import AgencyKind

    assert set(AgencyKind.values) == AGENCY_KINDS
