"""Property tests of the pure pseudonymisation (no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masip.evaluation.pseudonymise import (
    Column,
    ExtractRefused,
    TableSpec,
    age_band,
    enforce_k_anonymity,
    pseudonym,
    pseudonymise_table,
    shift_days,
    small_groups,
)

KEY = b"test-key-0123456789-0123456789-0123456789"
SPEC = TableSpec(
    "incidents",
    "test",
    (
        Column("incident", "pseudonym", "x", record_kind="incident", raw="id"),
        Column("perpetrator", "pseudonym", "x", record_kind="person", raw="suspect_id"),
        Column("occurred_on", "date", "x"),
        Column("occurred_month", "month", "x", raw="occurred_on"),
        Column("severity", "value", "x"),
    ),
    shift_unit="_unit",
)

names = st.text(alphabet=st.characters(min_codepoint=65, max_codepoint=122), min_size=6, max_size=20)
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def raw_incidents(draw):
    n = draw(st.integers(min_value=1, max_value=30))
    suspects = draw(st.lists(st.integers(100, 10**6), min_size=n, max_size=n))
    return pd.DataFrame({
        "id": draw(st.lists(st.integers(100, 10**9), min_size=n, max_size=n, unique=True)),
        "suspect_id": suspects,
        "occurred_on": draw(st.lists(days, min_size=n, max_size=n)),
        "severity": draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)),
        "_unit": [f"person:{s}" for s in suspects],
        # What a careless read might bring along: none of it may leave.
        "full_name": draw(st.lists(names, min_size=n, max_size=n)),
        "description": draw(st.lists(names, min_size=n, max_size=n)),
        "nhs_number": draw(st.lists(st.from_regex(r"9[0-9]{9}", fullmatch=True), min_size=n, max_size=n)),
    })


@settings(max_examples=60, deadline=None)
@given(raw=raw_incidents(), evaluation=st.uuids())
def test_no_identifier_or_free_text_survives(raw, evaluation):
    out = pseudonymise_table(raw, SPEC, key=KEY, evaluation_id=str(evaluation))
    assert list(out.columns) == ["incident", "perpetrator", "occurred_on", "occurred_month", "severity"]
    released = {str(v) for v in out.to_numpy().ravel()}
    for column in ("full_name", "description", "nhs_number", "id", "suspect_id"):
        leaked = released & {str(v) for v in raw[column]}
        assert not leaked, (column, leaked)
    # No row keeps its original date.
    assert all(o != r for o, r in zip(out["occurred_on"], raw["occurred_on"], strict=True))


@settings(max_examples=60, deadline=None)
@given(raw=raw_incidents(), first=st.uuids(), second=st.uuids())
def test_pseudonyms_stable_within_an_evaluation_and_unlinkable_across(raw, first, second):
    if first == second:
        return
    a = pseudonymise_table(raw, SPEC, key=KEY, evaluation_id=str(first))
    again = pseudonymise_table(raw, SPEC, key=KEY, evaluation_id=str(first))
    b = pseudonymise_table(raw, SPEC, key=KEY, evaluation_id=str(second))
    pd.testing.assert_frame_equal(a, again)
    assert not set(a["perpetrator"]) & set(b["perpetrator"])
    assert not set(a["incident"]) & set(b["incident"])
    # The same person gets the same pseudonym on every row of one evaluation.
    mapping = a.groupby(raw["suspect_id"].values)["perpetrator"].nunique()
    assert (mapping == 1).all()


@settings(max_examples=60, deadline=None)
@given(raw=raw_incidents(), evaluation=st.uuids())
def test_dates_shift_consistently_per_perpetrator(raw, evaluation):
    out = pseudonymise_table(raw, SPEC, key=KEY, evaluation_id=str(evaluation))
    shifts = pd.Series([(o - r).days for o, r in zip(out["occurred_on"], raw["occurred_on"], strict=True)])
    per_unit = shifts.groupby(raw["_unit"].values).nunique()
    assert (per_unit == 1).all()
    assert shifts.abs().between(1, 45).all()
    # The true month is kept for time series.
    assert out["occurred_month"].tolist() == [d.strftime("%Y-%m") for d in raw["occurred_on"]]


def test_the_key_matters():
    assert pseudonym(KEY, "e", "person", 1) != pseudonym(b"another key", "e", "person", 1)
    assert shift_days(KEY, "e", "person:1") == shift_days(KEY, "e", "person:1")
    with pytest.raises(ValueError):
        pseudonym(b"", "e", "person", 1)


@given(born=st.dates(min_value=date(1920, 1, 1), max_value=date(2015, 1, 1)), age=st.integers(0, 100))
def test_age_band_contains_the_age(born, age):
    try:
        on = born.replace(year=born.year + age)
    except ValueError:  # 29 February
        on = born.replace(year=born.year + age, day=28) + timedelta(days=1)
    band = age_band(born, on)
    if age < 18:
        assert band == "under_18"
    elif age >= 65:
        assert band == "65_plus"
    else:
        low, high = (int(x) for x in band.split("_"))
        assert low <= age <= high
    assert age_band(None, on, stated="25_34") == "25_34"


def people(rows):
    return pd.DataFrame(rows, columns=["area", "age_band", "sex", "stalker_type"])


def test_k_anonymity_coarsens_the_offending_column_only():
    rows = [("london/camden", "25_34", "male", "rejected")] * 5 + [("london/hackney", "25_34", "male", "rejected")] * 3
    rows += [("london/hackney", "25_34", "male", "rejected")] * 0
    frame = people(rows)
    out, report = enforce_k_anonymity(frame)
    assert report.coarsened == {"area": 1}
    assert set(out["area"]) == {"london"}
    assert small_groups(out, ["area", "age_band", "sex", "stalker_type"]).empty
    assert "area" in report.describe()


def test_k_anonymity_refuses_when_asked_not_to_coarsen_or_when_too_few():
    frame = people([("london/camden", "25_34", "male", "rejected")] * 4 + [("london/camden", "35_44", "male", "rejected")] * 6)
    with pytest.raises(ExtractRefused, match="fewer than 5"):
        enforce_k_anonymity(frame, coarsen=False)
    with pytest.raises(ExtractRefused, match="too few people"):
        enforce_k_anonymity(people([("london/camden", "25_34", "male", "rejected")] * 4))
    unchanged, report = enforce_k_anonymity(people([("london/camden", "25_34", "male", "rejected")] * 5))
    assert not report.coarsened and len(unchanged) == 5


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a/x", "a/y", "b/z"]), st.sampled_from(["18_24", "25_34", "55_64"]),
                          st.sampled_from(["male", "female"]), st.sampled_from(["rejected", "resentful", ""])),
                min_size=5, max_size=80))
def test_k_anonymity_release_has_no_group_below_k(rows):
    out, _ = enforce_k_anonymity(people(rows))
    assert small_groups(out, ["area", "age_band", "sex", "stalker_type"]).empty
    assert len(out) == len(rows)
