"""The return's figures against hand-counted fixtures (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from masip.reporting import figures as fig
from masip.reporting.periods import Quarter, past_quarters

Q = Quarter(2026, 2)  # 1 April to 30 June 2026
CUTOFF = datetime(2026, 7, 1, tzinfo=UTC)
IN = datetime(2026, 5, 1, 9, tzinfo=UTC)  # recorded during the quarter
LATE = datetime(2026, 7, 1, 0, 0, tzinfo=UTC)  # recorded the first instant after it


def test_quarters():
    assert (Q.start, Q.end) == (date(2026, 4, 1), date(2026, 6, 30))
    assert Quarter(2026, 4).end == date(2026, 12, 31) and Quarter(2026, 4).next() == Quarter(2027, 1)
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter.containing(date(2024, 2, 29)) == Quarter(2024, 1)
    assert Quarter.parse("2026-q2") == Q and Q.code == "2026-Q2" and Q.label == "April to June 2026"
    assert past_quarters(date(2026, 7, 1), 2) == [Quarter(2026, 2), Quarter(2026, 1)]
    assert not Q.is_past(date(2026, 6, 30)) and Q.is_past(date(2026, 7, 1))
    with pytest.raises(ValueError):
        Quarter.parse("2026-Q5")


def test_referrals_count_those_received_in_the_quarter_and_recorded_by_its_end():
    rows = [
        fig.ReferralRow(1, "A", date(2026, 3, 31), IN),  # received the day before: not counted
        fig.ReferralRow(2, "B", date(2026, 4, 1), IN),  # first day
        fig.ReferralRow(3, "C", date(2026, 6, 30), IN),  # last day
        fig.ReferralRow(4, "D", date(2026, 6, 30), LATE),  # received in the quarter, recorded after: not counted
        fig.ReferralRow(5, "E", date(2026, 7, 1), IN),
    ]
    figure = fig.referrals(rows, Q, CUTOFF)
    assert (figure.value, figure.record_ids) == (2, [2, 3])


def test_victims_supported_counts_each_victim_once_while_support_runs_in_the_quarter():
    rows = [
        fig.SupportRow(1, victim_id=10, accepted_on=date(2026, 1, 5), ended_on=None, recorded_at=IN),  # ongoing
        fig.SupportRow(2, victim_id=10, accepted_on=date(2026, 5, 5), ended_on=None, recorded_at=IN),  # same victim
        fig.SupportRow(3, victim_id=11, accepted_on=date(2026, 2, 1), ended_on=date(2026, 3, 31), recorded_at=IN),
        fig.SupportRow(4, victim_id=12, accepted_on=date(2026, 2, 1), ended_on=date(2026, 4, 1), recorded_at=IN),
        fig.SupportRow(5, victim_id=13, accepted_on=None, ended_on=None, recorded_at=IN),  # offered, not accepted
        fig.SupportRow(6, victim_id=14, accepted_on=date(2026, 7, 1), ended_on=None, recorded_at=IN),
        fig.SupportRow(7, victim_id=15, accepted_on=date(2026, 6, 1), ended_on=None, recorded_at=LATE),
    ]
    figure = fig.victims_supported(rows, Q, CUTOFF)
    assert (figure.value, figure.record_ids) == (2, [1, 4])


def test_direct_interventions_count_perpetrators_once_and_ignore_indirect_work():
    rows = [
        fig.InterventionRow(1, "person:1", True, date(2026, 4, 10), None, IN),
        fig.InterventionRow(2, "person:1", True, date(2026, 5, 10), None, IN),  # same perpetrator
        fig.InterventionRow(3, "person:2", False, date(2026, 4, 10), None, IN),  # indirect
        fig.InterventionRow(4, "person:3", True, None, None, IN),  # offered, never started
        fig.InterventionRow(5, "person:4", True, date(2026, 1, 1), date(2026, 3, 31), IN),  # ended before
        fig.InterventionRow(6, "case:9", True, date(2026, 3, 1), date(2026, 4, 2), IN),  # ran into the quarter
        fig.InterventionRow(7, "person:5", True, date(2026, 6, 1), None, LATE),
    ]
    figure = fig.direct_interventions(rows, Q, CUTOFF)
    assert (figure.value, figure.record_ids) == (2, [1, 6])


def test_people_trained_sum_outward_events_and_an_approximate_count_makes_a_lower_bound():
    precise = [
        fig.TrainingRow(1, True, date(2026, 4, 2), 120, False, IN),
        fig.TrainingRow(2, True, date(2026, 6, 30), 73, False, IN),
        fig.TrainingRow(3, False, date(2026, 5, 1), 6, False, IN),  # inward: the unit's own staff trained
        fig.TrainingRow(4, True, date(2026, 7, 1), 40, False, IN),
    ]
    figure = fig.people_trained(precise, Q, CUTOFF)
    assert (figure.value, figure.lower_bound, fig.display(figure.as_json())) == (193, False, "193")
    approximate = [*precise, fig.TrainingRow(5, True, date(2026, 5, 20), 930, True, IN)]
    figure = fig.people_trained(approximate, Q, CUTOFF)
    assert (figure.value, figure.lower_bound, fig.display(figure.as_json())) == (1123, True, ">1,123")


def test_a_figure_not_collected_is_not_reported_not_zero():
    figures = fig.partnership_return(
        quarter=Q, cutoff=CUTOFF, referral_rows=[], support_rows=[], intervention_rows=[], training_rows=[],
        bases={fig.VICTIMS_SUPPORTED: fig.Basis(collected=False), fig.PEOPLE_TRAINED: fig.Basis(note="Probation only")},
    )
    assert fig.display(figures[fig.VICTIMS_SUPPORTED].as_json()) == "not reported"
    assert fig.display(figures[fig.REFERRALS].as_json()) == "0"
    assert figures[fig.PEOPLE_TRAINED].note == "Probation only"


def test_the_programme_sums_reported_figures_and_says_who_is_missing():
    che = {"referrals": {"value": 246, "reported": True}, "victims_supported": {"value": 53, "reported": True},
           "direct_interventions": {"value": 11, "reported": True},
           "people_trained": {"value": 1193, "reported": True}}
    ham = {"referrals": {"value": 83, "reported": True}, "victims_supported": {"value": None, "reported": False},
           "direct_interventions": {"value": 17, "reported": True},
           "people_trained": {"value": 930, "reported": True, "lower_bound": True}}
    total = fig.as_json(fig.programme_return({"Cheshire": che, "Hampshire": ham}))
    assert fig.display(total["referrals"]) == "329"
    assert fig.display(total["victims_supported"]) == ">53"
    assert total["victims_supported"]["note"] == "Excludes Hampshire (not reported)"
    assert fig.display(total["people_trained"]) == ">2,123"


def test_differences_list_each_changed_figure():
    filed = {"referrals": {"value": 3}, "people_trained": {"value": 10}}
    now = {"referrals": {"value": 4}, "people_trained": {"value": 10}}
    assert fig.differences(filed, now) == [("Referrals", "3", "4")]
