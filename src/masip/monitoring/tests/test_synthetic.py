"""The synthetic caseload: deterministic, the size asked for, and shaped like the definitions expect."""

from __future__ import annotations

import numpy as np
import pytest

from masip.monitoring.episodes import REPORTER_CODES, Reporter, caseload_outcomes
from masip.monitoring.synthetic import synthetic_caseload


def test_same_seed_same_caseload_and_another_seed_another():
    a = synthetic_caseload(seed=3, incidents=20_000)
    b = synthetic_caseload(seed=3, incidents=20_000)
    c = synthetic_caseload(seed=4, incidents=20_000)
    for name in ("perpetrator_id", "victim_id", "occurred_on", "severity", "reported_by"):
        assert np.array_equal(getattr(a.incidents, name), getattr(b.incidents, name))
    assert a.index_dates == b.index_dates
    assert not np.array_equal(a.incidents.occurred_on, c.incidents.occurred_on)


@pytest.mark.parametrize("size", [0, 1, 999, 50_000])
def test_exactly_the_number_of_incidents_asked_for(size):
    caseload = synthetic_caseload(seed=1, incidents=size)
    assert len(caseload.incidents) == size
    # Every perpetrator in the data has an index date, and only they do.
    assert set(caseload.index_dates) == set(np.unique(caseload.incidents.perpetrator_id).tolist())


def test_perpetrators_size():
    caseload = synthetic_caseload(seed=1, perpetrators=250)
    assert sorted(caseload.index_dates) == list(range(1, 251))
    assert set(np.unique(caseload.incidents.perpetrator_id).tolist()) == set(range(1, 251))
    with pytest.raises(ValueError):
        synthetic_caseload(seed=1)
    with pytest.raises(ValueError):
        synthetic_caseload(seed=1, incidents=10, perpetrators=10)


def test_incidents_come_in_date_order_and_records_are_numbered():
    caseload = synthetic_caseload(seed=2, incidents=5_000)
    assert (np.diff(caseload.incidents.occurred_on.astype(np.int64)) >= 0).all()
    records = list(caseload.records())
    assert [r.incident_id for r in records[:3]] == [1, 2, 3]
    assert len(records) == 5_000


def test_the_caseload_looks_like_a_stalking_caseload():
    caseload = synthetic_caseload(seed=2019, incidents=200_000)
    columns = caseload.incidents
    outcomes = caseload_outcomes(columns, caseload.index_dates).perpetrators
    # Most perpetrators stop; a minority re-offend, more often against the same victim.
    assert 0.2 < outcomes.reoffended.mean() < 0.4
    kinds = np.bincount(outcomes.first_reoffence_victim, minlength=3)
    assert kinds[1] > kinds[2] > 0
    # Many index episodes run on past the index date.
    assert (outcomes.contacts_per_30_days_after > 0).mean() > 0.3
    # Every severity level and every reporter occurs.
    assert np.bincount(columns.severity, minlength=5).min() > 0
    assert np.bincount(columns.reported_by, minlength=4).min() > 0
    # Several contacts on one day happen.
    order = np.lexsort((columns.occurred_on, columns.victim_id, columns.perpetrator_id))
    same_day = (np.diff(columns.perpetrator_id[order]) == 0) & (
        np.diff(columns.occurred_on[order].astype(int)) == 0
    )
    assert same_day.any()
    # Advocates report only after the unit accepted the case.
    index_day = np.array(
        [caseload.index_dates[p] for p in columns.perpetrator_id.tolist()], dtype="datetime64[D]"
    )
    by_advocate = columns.reported_by == REPORTER_CODES[Reporter.ADVOCATE]
    assert (columns.occurred_on[by_advocate] > index_day[by_advocate]).all()
