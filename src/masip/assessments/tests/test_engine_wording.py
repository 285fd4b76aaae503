"""Licensed wording loaded as data: checked against the definition, never changing its rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from masip.assessments.engine import (
    SHIPPED_INSTRUMENTS_DIR,
    DefinitionError,
    apply_wording,
    evaluate,
    load_directory,
    read_wording,
)

EXAMPLE = SHIPPED_INSTRUMENTS_DIR / "wording" / "sash.example.yaml"
SASH = load_directory().latest("sash")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sash-wording.yaml"
    path.write_text(text)
    return path


def test_example_wording_replaces_labels_and_nothing_else():
    worded = apply_wording(SASH, EXAMPLE)
    assert worded.item("sash_07").label.startswith("EXAMPLE placeholder question 7")
    assert worded.item("sash_07").help == "EXAMPLE placeholder guidance for item 7."
    assert worded.item("sash_ex_2").label == "EXAMPLE placeholder ex-partner question 2"
    assert worded.sections[1].title.startswith("EXAMPLE section title")
    assert worded.wording_source == str(EXAMPLE)
    # Structure and rules are untouched; the original is not modified.
    assert [(i.id, i.type, i.required, i.ask_if) for i in worded.items] == [
        (i.id, i.type, i.required, i.ask_if) for i in SASH.items
    ]
    assert worded.level_rule == SASH.level_rule and worded.recommendations == SASH.recommendations
    assert SASH.item("sash_07").label == "SASH item 7 (licensed wording not loaded)"


def test_items_left_out_keep_their_placeholder(tmp_path: Path):
    path = write(tmp_path, "instrument: sash\nversion: 1\nitems:\n  sash_01: Licensed text one\n")
    worded = apply_wording(SASH, path)
    assert worded.item("sash_01").label == "Licensed text one"
    assert worded.item("sash_02").label == SASH.item("sash_02").label


def test_scoring_is_the_same_with_or_without_wording():
    answers = {f"sash_{n:02d}": "yes" for n in range(1, 14)}
    answers |= {"suspect_is_ex_partner": "no", "overall_concern": "moderate", "concern_reasons": "Reasons."}
    assert evaluate(apply_wording(SASH, EXAMPLE), answers) == evaluate(SASH, answers)


def test_unknown_item_ids_are_errors_with_their_line(tmp_path: Path):
    path = write(
        tmp_path,
        "instrument: sash\nversion: 1\nitems:\n  sash_01: One\n  sash_99: Ninety-nine\n  sash_ex_4: {label: Four}\n",
    )
    with pytest.raises(DefinitionError) as error:
        apply_wording(SASH, path)
    assert [str(p) for p in error.value.problems] == [
        f"{path} line 5, items.sash_99: unknown item 'sash_99' in sash v1",
        f"{path} line 6, items.sash_ex_4: unknown item 'sash_ex_4' in sash v1",
    ]


def test_wording_for_another_instrument_or_version_is_refused(tmp_path: Path):
    path = write(tmp_path, "instrument: srp\nversion: 2\nitems: {}\n")
    with pytest.raises(DefinitionError) as error:
        apply_wording(SASH, path)
    assert [str(p) for p in error.value.problems] == [
        f"{path} line 1, instrument: this wording is for 'srp', not 'sash'",
        f"{path} line 2, version: this wording is for version 2; the definition is version 1",
    ]


def test_wording_file_shape_is_checked(tmp_path: Path):
    path = write(tmp_path, "instrument: sash\nversion: 1\nitems:\n  sash_01: {label: '', hint: x}\n")
    with pytest.raises(DefinitionError) as error:
        read_wording(path)
    assert [str(p) for p in error.value.problems] == [
        f"{path} line 4, items.sash_01.hint: unknown field 'hint' (allowed: help, label)",
        f"{path} line 4, items.sash_01.label: must not be empty",
    ]


def test_load_directory_applies_wording_files(tmp_path: Path):
    registry = load_directory(wording_files=[EXAMPLE])
    assert registry.latest("sash").wording_source == str(EXAMPLE)
    assert registry.latest("srp").wording_source is None

    orphan = write(tmp_path, "instrument: sash\nversion: 7\nitems: {}\n")
    with pytest.raises(DefinitionError) as error:
        load_directory(wording_files=[orphan])
    assert str(error.value) == f"{orphan} line 1, instrument: no definition sash version 7 is loaded"
