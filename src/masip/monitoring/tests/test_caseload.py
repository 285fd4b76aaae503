"""The whole-caseload computation agrees with the per-perpetrator definitions."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masip.monitoring.episodes import (
    REPORTER_CODES,
    Incident,
    IncidentColumns,
    PerpetratorOutcome,
    Reporter,
    Severity,
    VictimKind,
    caseload_outcomes,
    perpetrator_outcome,
    stalking_episodes,
)
from masip.monitoring.synthetic import synthetic_caseload

DAY0 = date(2020, 1, 1)


def on(days: int) -> date:
    return DAY0 + timedelta(days=days)


def same_outcome(bulk: PerpetratorOutcome, simple: PerpetratorOutcome) -> bool:
    """Equal, except the severity slope, whose float sums may be added in another order."""
    a, b = bulk.severity_trend, simple.severity_trend
    trends_agree = (a is None and b is None) or (
        a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    )
    return trends_agree and replace(bulk, severity_trend=None) == replace(simple, severity_trend=None)


def expected_outcomes(
    incidents: list[Incident], index_dates: dict[int, date], **options
) -> list[PerpetratorOutcome]:
    by_perpetrator = defaultdict(list)
    for incident in incidents:
        by_perpetrator[incident.perpetrator_id].append(incident)
    named = options.pop("original_victims", None) or {}
    return [
        perpetrator_outcome(
            by_perpetrator[perpetrator_id],
            perpetrator_id=perpetrator_id,
            index_date=index_dates[perpetrator_id],
            original_victim_ids=named.get(perpetrator_id),
            **options,
        )
        for perpetrator_id in sorted(index_dates)
    ]


def check_agreement(incidents: list[Incident], index_dates: dict[int, date], **options) -> None:
    result = caseload_outcomes(IncidentColumns.from_incidents(incidents), index_dates, **options)
    assert list(result.episodes) == stalking_episodes(incidents, gap_days=options.get("gap_days", 182))
    bulk = list(result.perpetrators)
    simple = expected_outcomes(incidents, index_dates, **options)
    assert [o.perpetrator_id for o in bulk] == [o.perpetrator_id for o in simple]
    for b, s in zip(bulk, simple, strict=True):
        assert same_outcome(b, s), (b, s)


# -- random data -----------------------------------------------------------------

incident_lists = st.lists(
    st.builds(
        Incident,
        perpetrator_id=st.integers(1, 5),
        victim_id=st.integers(1, 4),
        occurred_on=st.integers(0, 1500).map(on),
        severity=st.sampled_from(Severity),
        reported_by=st.sampled_from(Reporter),
    ),
    max_size=60,
)
# Perpetrators 1-6: some with incidents and no index date, some with an index date and no incidents.
index_date_maps = st.dictionaries(st.integers(2, 6), st.integers(-100, 1600).map(on))
options = st.fixed_dictionaries(
    {},
    optional={
        "gap_days": st.integers(0, 400),
        "follow_up_days": st.none() | st.integers(0, 800),
        "reporters": st.frozensets(st.sampled_from(Reporter)),
        "frequency_window_days": st.integers(1, 400),
        "per_days": st.integers(1, 60),
        "original_victims": st.dictionaries(st.integers(1, 6), st.frozensets(st.integers(1, 4))),
    },
)


@settings(max_examples=400, deadline=None, database=None)
@given(incident_lists, index_date_maps, options)
def test_caseload_outcomes_agree_with_the_per_perpetrator_functions(incidents, index_dates, chosen):
    check_agreement(incidents, index_dates, **chosen)


# Dense data: a few weeks of days and short gaps and windows, so that contacts
# fall exactly on every boundary (gap, index date, window, follow-up) often.
dense_incident_lists = st.lists(
    st.builds(
        Incident,
        perpetrator_id=st.integers(1, 3),
        victim_id=st.integers(1, 3),
        occurred_on=st.integers(0, 40).map(on),
        severity=st.sampled_from(Severity),
        reported_by=st.sampled_from(Reporter),
    ),
    max_size=40,
)
dense_options = st.fixed_dictionaries(
    {
        "gap_days": st.integers(0, 8),
        "follow_up_days": st.none() | st.integers(0, 15),
        "frequency_window_days": st.integers(1, 10),
    }
)


@settings(max_examples=400, deadline=None, database=None)
@given(dense_incident_lists, st.dictionaries(st.integers(1, 4), st.integers(0, 40).map(on)), dense_options)
def test_caseload_outcomes_agree_at_the_boundaries(incidents, index_dates, chosen):
    check_agreement(incidents, index_dates, **chosen)


@pytest.mark.parametrize("gap_days", [30, 182, 365])
def test_caseload_outcomes_agree_on_a_synthetic_caseload(gap_days):
    caseload = synthetic_caseload(seed=7, perpetrators=400)
    check_agreement(list(caseload.records()), caseload.index_dates, gap_days=gap_days, follow_up_days=365)


# -- examples --------------------------------------------------------------------


def test_caseload_outcomes_on_a_small_caseload():
    index = date(2021, 3, 1)
    incidents = [
        # 1: an episode spanning the index date, then a new one with the same victim.
        Incident(1, 10, index - timedelta(days=20), Severity.DISTRESS, Reporter.POLICE),
        Incident(1, 10, index + timedelta(days=40), Severity.THREAT, Reporter.ADVOCATE),
        Incident(1, 10, index + timedelta(days=40 + 183), Severity.THREAT, Reporter.VICTIM),
        # 2: stops; two reports on one day.
        Incident(2, 20, index - timedelta(days=5), Severity.NONE, Reporter.VICTIM),
        Incident(2, 20, index - timedelta(days=5), Severity.NONE, Reporter.POLICE),
        # 3: a new victim after the index date.
        Incident(3, 30, index - timedelta(days=2), Severity.DISTRESS, Reporter.VICTIM),
        Incident(3, 31, index + timedelta(days=9), Severity.PHYSICAL_HARM, Reporter.POLICE),
        # 4: has incidents but no index date: episodes only.
        Incident(4, 40, index, Severity.DISTRESS, Reporter.VICTIM),
    ]
    index_dates = {1: index, 2: index, 3: index, 5: index}  # 5: no incidents
    result = caseload_outcomes(IncidentColumns.from_incidents(reversed(incidents)), index_dates)

    assert [(e.perpetrator_id, e.victim_id, e.number, e.incident_count) for e in result.episodes] == [
        (1, 10, 1, 2),
        (1, 10, 2, 1),
        (2, 20, 1, 2),
        (3, 30, 1, 1),
        (3, 31, 1, 1),
        (4, 40, 1, 1),
    ]
    table = result.perpetrators
    assert table.perpetrator_id.tolist() == [1, 2, 3, 5]
    assert table.reoffended.tolist() == [True, False, True, False]
    first = table.outcome_for(1)
    assert first.reoffending.first_reoffence_on == index + timedelta(days=223)
    assert first.reoffending.first_reoffence_victim is VictimKind.ORIGINAL
    assert first.reported_incidents == 2
    third = table.outcome_for(3)
    assert third.reoffending.first_reoffence_victim is VictimKind.NEW
    assert third.reported_incidents == 0  # the new victim is not taking part
    assert table.outcome_for(5).reoffending.new_episodes == 0
    with pytest.raises(KeyError):
        table.outcome_for(4)
    frame = table.to_frame()
    assert frame["reoffended"].tolist() == [True, False, True, False]
    assert frame["first_reoffence_victim"].tolist() == ["original", None, "new", None]
    assert len(result.episodes.to_frame()) == 6


def test_frequency_windows_are_the_six_months_up_to_and_after_the_index_date():
    index = date(2021, 3, 1)
    window = timedelta(days=182)
    incidents = [
        Incident(1, 10, index - window, Severity.PHYSICAL_HARM, Reporter.VICTIM),  # just outside
        Incident(1, 10, index - window + timedelta(days=1), Severity.DISTRESS, Reporter.VICTIM),
        Incident(1, 10, index, Severity.THREAT, Reporter.VICTIM),
        Incident(1, 10, index + timedelta(days=1), Severity.NONE, Reporter.VICTIM),
        Incident(1, 10, index + window, Severity.DISTRESS, Reporter.VICTIM),
        Incident(
            1, 10, index + window + timedelta(days=1), Severity.PHYSICAL_HARM, Reporter.VICTIM
        ),  # outside
    ]
    simple = perpetrator_outcome(incidents, perpetrator_id=1, index_date=index)
    (bulk,) = caseload_outcomes(IncidentColumns.from_incidents(incidents), {1: index}).perpetrators
    for outcome in (simple, bulk):
        assert outcome.contacts_per_30_days_before == outcome.contacts_per_30_days_after == 2 * 30 / 182
        assert outcome.mean_severity_before == 2
        assert outcome.mean_severity_after == 0.5


def test_caseload_outcomes_with_no_incidents():
    result = caseload_outcomes(IncidentColumns.empty(), {1: DAY0})
    assert len(result.episodes) == 0
    (outcome,) = result.perpetrators
    assert outcome == perpetrator_outcome([], perpetrator_id=1, index_date=DAY0)
    assert len(caseload_outcomes(IncidentColumns.empty(), {}).perpetrators) == 0


def test_caseload_outcomes_checks_its_parameters():
    with pytest.raises(ValueError):
        caseload_outcomes(IncidentColumns.empty(), {}, gap_days=-1)
    with pytest.raises(ValueError):
        caseload_outcomes(IncidentColumns.empty(), {}, frequency_window_days=0)


# -- IncidentColumns ---------------------------------------------------------------


def test_columns_from_model_rows_round_trip():
    rows = [
        (5, 6, date(2020, 2, 29), 4, "advocate"),
        (5, 7, date(1969, 12, 31), Severity.NONE, Reporter.POLICE),
    ]
    columns = IncidentColumns.from_rows(rows)
    assert columns.occurred_on.tolist() == [date(2020, 2, 29), date(1969, 12, 31)]
    assert columns.reported_by.tolist() == [
        REPORTER_CODES[Reporter.ADVOCATE],
        REPORTER_CODES[Reporter.POLICE],
    ]
    assert list(columns.incidents()) == [
        Incident(5, 6, date(2020, 2, 29), Severity.PHYSICAL_HARM, Reporter.ADVOCATE),
        Incident(5, 7, date(1969, 12, 31), Severity.NONE, Reporter.POLICE),
    ]
    assert len(IncidentColumns.from_rows([])) == 0


def test_columns_reject_bad_values():
    good = dict(
        perpetrator_id=[1],
        victim_id=[2],
        occurred_on=np.array(["2020-01-01"], dtype="datetime64[D]"),
        severity=[1],
        reported_by=[0],
    )
    IncidentColumns(**good)
    for severity in (-1, 5, 300):
        with pytest.raises(ValueError):
            IncidentColumns(**{**good, "severity": [severity]})
        with pytest.raises(ValueError):
            IncidentColumns.from_rows([(1, 2, date(2020, 1, 1), severity, "victim")])
    with pytest.raises(ValueError):
        IncidentColumns(**{**good, "reported_by": [4]})
    with pytest.raises(ValueError):
        IncidentColumns(**{**good, "victim_id": [2, 3]})
    with pytest.raises(ValueError):
        IncidentColumns(**{**good, "occurred_on": np.array(["NaT"], dtype="datetime64[D]")})
    with pytest.raises(ValueError):
        IncidentColumns.from_rows([(1, 2, date(2020, 1, 1), 1, "neighbour")])
