"""The per-perpetrator definitions: episodes, re-offending, the pragmatic measure, frequency, severity."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from masip.monitoring.episodes import (
    EPISODE_GAP_DAYS,
    Incident,
    Reporter,
    Severity,
    VictimKind,
    contact_rate,
    mean_severity,
    original_victims,
    perpetrator_outcome,
    reoffending,
    reported_incidents,
    severity_trend,
    stalking_episodes,
)

DAY0 = date(2020, 1, 1)
INDEX = date(2020, 6, 1)
PROPERTIES = settings(max_examples=300, deadline=None, database=None)


def on(days: int) -> date:
    return DAY0 + timedelta(days=days)


def contact(
    days: int,
    *,
    victim: int = 1,
    perpetrator: int = 1,
    severity: Severity = Severity.DISTRESS,
    by: Reporter = Reporter.VICTIM,
) -> Incident:
    return Incident(perpetrator, victim, on(days), severity, by)


def after_index(days: int, **kwargs) -> Incident:
    """A contact `days` after the index date (negative: before it)."""
    return contact((INDEX - DAY0).days + days, **kwargs)


def spans(episodes) -> list[tuple[date, date, int]]:
    return [(e.start, e.end, e.incident_count) for e in episodes]


# -- strategies ----------------------------------------------------------------

severities = st.sampled_from(Severity)
reporters = st.sampled_from(Reporter)


def incidents_of(
    perpetrators: st.SearchStrategy[int], *, max_size: int = 40
) -> st.SearchStrategy[list[Incident]]:
    # Days up to ~4 years, so gaps either side of six months are common.
    return st.lists(
        st.builds(
            Incident,
            perpetrator_id=perpetrators,
            victim_id=st.integers(1, 4),
            occurred_on=st.integers(0, 1500).map(on),
            severity=severities,
            reported_by=reporters,
        ),
        max_size=max_size,
    )


def incidents_near_the_gap(gap_days: int) -> st.SearchStrategy[list[Incident]]:
    """One pair's incidents whose consecutive gaps sit on and around the episode gap."""
    steps = st.sampled_from([0, 1, gap_days - 1, gap_days, gap_days + 1, 2 * gap_days])
    return st.lists(st.tuples(steps, severities), min_size=1, max_size=15).map(
        lambda pairs: [
            Incident(1, 1, on(sum(s for s, _ in pairs[: i + 1])), severity, Reporter.VICTIM)
            for i, (_, severity) in enumerate(pairs)
        ]
    )


one_perpetrator = incidents_of(st.just(1))
many_perpetrators = incidents_of(st.integers(1, 3))
gaps = st.integers(0, 400)


# -- the Incident record ---------------------------------------------------------


def test_incident_accepts_stored_values_and_rejects_a_datetime():
    incident = Incident(7, 8, DAY0, 3, "advocate")
    assert incident.severity is Severity.THREAT
    assert incident.reported_by is Reporter.ADVOCATE
    with pytest.raises(ValueError):
        Incident(7, 8, DAY0, 5, "victim")
    with pytest.raises(ValueError):
        Incident(7, 8, DAY0, 1, "neighbour")
    with pytest.raises(TypeError):
        Incident(7, 8, datetime(2020, 1, 1, 12), 1, "victim")


# -- episodes: examples ------------------------------------------------------------


def test_a_contact_exactly_the_gap_later_continues_the_episode():
    episodes = stalking_episodes([contact(0), contact(EPISODE_GAP_DAYS)])
    assert spans(episodes) == [(on(0), on(182), 2)]


def test_a_contact_one_day_more_than_the_gap_later_starts_a_new_episode():
    episodes = stalking_episodes([contact(0), contact(EPISODE_GAP_DAYS + 1)])
    assert spans(episodes) == [(on(0), on(0), 1), (on(183), on(183), 1)]
    assert [e.number for e in episodes] == [1, 2]


def test_the_gap_is_a_parameter():
    incidents = [contact(0), contact(30), contact(61)]
    assert spans(stalking_episodes(incidents, gap_days=30)) == [(on(0), on(30), 2), (on(61), on(61), 1)]
    assert spans(stalking_episodes(incidents, gap_days=31)) == [(on(0), on(61), 3)]
    assert len(stalking_episodes(incidents, gap_days=0)) == 3
    with pytest.raises(ValueError):
        stalking_episodes(incidents, gap_days=-1)


def test_the_gap_runs_from_the_previous_contact_not_from_the_episode_start():
    # Monthly contact for a year is one episode, though it lasts longer than six months.
    episodes = stalking_episodes([contact(30 * month) for month in range(13)])
    assert spans(episodes) == [(on(0), on(360), 13)]


def test_episodes_are_per_victim():
    # Contact with another victim does not keep the first victim's episode going.
    incidents = [contact(0, victim=1), contact(100, victim=2), contact(200, victim=1)]
    episodes = stalking_episodes(incidents)
    assert [(e.victim_id, e.start, e.end) for e in episodes] == [
        (1, on(0), on(0)),
        (1, on(200), on(200)),
        (2, on(100), on(100)),
    ]


def test_episode_records_its_highest_severity_and_span():
    incidents = [
        contact(0, severity=Severity.DISTRESS),
        contact(10, severity=Severity.PHYSICAL_HARM),
        contact(19, severity=Severity.NONE),
    ]
    (episode,) = stalking_episodes(incidents)
    assert episode.max_severity is Severity.PHYSICAL_HARM
    assert episode.days == 20
    assert episode.contacts_per_30_days == pytest.approx(4.5)


def test_unsorted_input_gives_the_same_episodes():
    incidents = [contact(d) for d in (0, 5, 300, 310, 700)]
    shuffled = incidents[:]
    random.Random(4).shuffle(shuffled)
    assert stalking_episodes(shuffled) == stalking_episodes(incidents)
    assert spans(stalking_episodes(shuffled)) == [
        (on(0), on(5), 2),
        (on(300), on(310), 2),
        (on(700), on(700), 1),
    ]


def test_duplicate_incidents_on_one_day_are_separate_contacts_in_one_episode():
    incidents = [contact(10), contact(10), contact(10, severity=Severity.THREAT)]
    (episode,) = stalking_episodes(incidents)
    assert (episode.start, episode.end, episode.incident_count) == (on(10), on(10), 3)
    assert episode.max_severity is Severity.THREAT


def test_no_incidents_no_episodes():
    assert stalking_episodes([]) == []


# -- episodes: properties ----------------------------------------------------------


def check_episodes_follow_the_definition(incidents: list[Incident], gap_days: int) -> None:
    episodes = stalking_episodes(incidents, gap_days=gap_days)
    pairs = sorted({(i.perpetrator_id, i.victim_id) for i in incidents})
    assert sorted({(e.perpetrator_id, e.victim_id) for e in episodes}) == pairs
    for pair in pairs:
        mine = [e for e in episodes if (e.perpetrator_id, e.victim_id) == pair]
        contacts = [i for i in incidents if (i.perpetrator_id, i.victim_id) == pair]
        assert [e.number for e in mine] == list(range(1, len(mine) + 1))
        # Never overlapping, and separated by more than the gap.
        for earlier, later in zip(mine, mine[1:], strict=False):
            assert (later.start - earlier.end).days > gap_days
        # Each episode holds exactly the incidents between its start and end,
        # with no gap above the limit inside it: the episodes partition the pair.
        assert sum(e.incident_count for e in mine) == len(contacts)
        for episode in mine:
            inside = sorted(i.occurred_on for i in contacts if episode.start <= i.occurred_on <= episode.end)
            assert len(inside) == episode.incident_count
            assert (inside[0], inside[-1]) == (episode.start, episode.end)
            assert all((b - a).days <= gap_days for a, b in zip(inside, inside[1:], strict=False))
            in_episode = [i for i in contacts if episode.start <= i.occurred_on <= episode.end]
            assert episode.max_severity == max(i.severity for i in in_episode)


@PROPERTIES
@given(many_perpetrators, gaps)
def test_episodes_follow_the_definition(incidents, gap_days):
    check_episodes_follow_the_definition(incidents, gap_days)


@PROPERTIES
@given(st.integers(1, 200).flatmap(lambda g: st.tuples(incidents_near_the_gap(g), st.just(g))))
def test_episodes_follow_the_definition_at_the_boundary(case):
    incidents, gap_days = case
    check_episodes_follow_the_definition(incidents, gap_days)


@PROPERTIES
@given(many_perpetrators, st.randoms(use_true_random=False))
def test_episodes_do_not_depend_on_input_order(incidents, rnd):
    shuffled = incidents[:]
    rnd.shuffle(shuffled)
    assert stalking_episodes(shuffled) == stalking_episodes(incidents)


@PROPERTIES
@given(one_perpetrator, st.builds(contact, st.integers(0, 1500), victim=st.integers(1, 4)), gaps)
def test_adding_an_incident_only_merges_or_adds_episodes(incidents, extra, gap_days):
    """Adding a contact can bridge episodes (fewer of them) or start one (one more), never split one."""
    before = stalking_episodes(incidents, gap_days=gap_days)
    after = stalking_episodes([*incidents, extra], gap_days=gap_days)
    assert sum(e.incident_count for e in after) == sum(e.incident_count for e in before) + 1
    assert len(after) <= len(before) + 1
    # Every old episode lies inside one new episode of the same pair.
    for old in before:
        assert any(
            (new.perpetrator_id, new.victim_id) == (old.perpetrator_id, old.victim_id)
            and new.start <= old.start
            and old.end <= new.end
            for new in after
        )
    # The new contact's pair: one more episode at most, possibly many fewer.
    pair = (extra.perpetrator_id, extra.victim_id)
    count = sum(1 for e in before if (e.perpetrator_id, e.victim_id) == pair)
    count_after = sum(1 for e in after if (e.perpetrator_id, e.victim_id) == pair)
    assert 1 <= count_after <= count + 1


@PROPERTIES
@given(one_perpetrator, gaps, gaps)
def test_a_longer_gap_never_gives_more_episodes(incidents, gap_a, gap_b):
    shorter, longer = sorted((gap_a, gap_b))
    assert len(stalking_episodes(incidents, gap_days=longer)) <= len(
        stalking_episodes(incidents, gap_days=shorter)
    )


def test_adding_a_contact_can_merge_two_episodes():
    incidents = [contact(0), contact(300)]
    assert len(stalking_episodes(incidents)) == 2
    assert len(stalking_episodes([*incidents, contact(150)])) == 1


# -- re-offending ------------------------------------------------------------------


def test_an_episode_spanning_the_index_date_is_not_reoffending():
    # Began before the unit accepted the case and ran on for eight months after it.
    incidents = [after_index(d) for d in (-30, -10, 30, 120, 250)]
    result = reoffending(incidents, index_date=INDEX)
    assert not result.reoffended
    assert result.new_episodes == 0
    assert result.first_reoffence_on is None and result.first_reoffence_victim is None


def test_a_new_episode_with_the_same_victim_after_the_index_date_is_reoffending():
    incidents = [after_index(-10), after_index(5), after_index(5 + 183), after_index(5 + 190)]
    result = reoffending(incidents, index_date=INDEX)
    assert result.reoffended
    assert result.first_reoffence_on == INDEX + timedelta(days=188)
    assert result.first_reoffence_victim is VictimKind.ORIGINAL
    assert (result.new_episodes_original_victim, result.new_episodes_new_victim) == (1, 0)


def test_contact_exactly_the_gap_after_the_last_one_is_not_reoffending():
    incidents = [after_index(-10), after_index(-10 + EPISODE_GAP_DAYS)]
    assert not reoffending(incidents, index_date=INDEX).reoffended
    incidents = [after_index(-10), after_index(-10 + EPISODE_GAP_DAYS + 1)]
    assert reoffending(incidents, index_date=INDEX).reoffended


def test_a_first_contact_with_a_new_victim_after_the_index_date_is_reoffending():
    # The episode with the original victim is still running; the new victim's is new all the same.
    incidents = [after_index(-10, victim=1), after_index(20, victim=1), after_index(30, victim=2)]
    result = reoffending(incidents, index_date=INDEX)
    assert result.reoffended
    assert result.first_reoffence_on == INDEX + timedelta(days=30)
    assert result.first_reoffence_victim is VictimKind.NEW
    assert (result.new_episodes_original_victim, result.new_episodes_new_victim) == (0, 1)


def test_a_victim_first_contacted_before_the_index_date_is_an_original_victim():
    incidents = [after_index(-300, victim=2), after_index(-10, victim=1), after_index(200, victim=2)]
    assert original_victims(incidents, index_date=INDEX) == {1, 2}
    result = reoffending(incidents, index_date=INDEX)
    assert result.first_reoffence_victim is VictimKind.ORIGINAL
    # Unless the caller names the case's victims.
    named = reoffending(incidents, index_date=INDEX, original_victim_ids={1})
    assert named.first_reoffence_victim is VictimKind.NEW


def test_an_episode_starting_on_the_index_date_is_not_reoffending():
    assert not reoffending([after_index(0)], index_date=INDEX).reoffended
    assert reoffending([after_index(1)], index_date=INDEX).reoffended


def test_same_day_new_episodes_with_original_and_new_victims_count_as_original_first():
    incidents = [after_index(-300, victim=1), after_index(50, victim=1), after_index(50, victim=2)]
    result = reoffending(incidents, index_date=INDEX)
    assert result.first_reoffence_victim is VictimKind.ORIGINAL
    assert result.new_episodes == 2


def test_follow_up_limits_which_new_episodes_count():
    incidents = [after_index(-5), after_index(200), after_index(600)]
    assert reoffending(incidents, index_date=INDEX).new_episodes == 2
    assert reoffending(incidents, index_date=INDEX, follow_up_days=365).new_episodes == 1
    assert reoffending(incidents, index_date=INDEX, follow_up_days=200).new_episodes == 1
    assert reoffending(incidents, index_date=INDEX, follow_up_days=199).new_episodes == 0


def test_reoffending_refuses_incidents_of_two_perpetrators():
    with pytest.raises(ValueError):
        reoffending([contact(0, perpetrator=1), contact(1, perpetrator=2)], index_date=INDEX)


@PROPERTIES
@given(one_perpetrator, st.integers(0, 1500).map(on), gaps)
def test_reoffending_counts_exactly_the_episodes_starting_after_the_index_date(
    incidents, index_date, gap_days
):
    result = reoffending(incidents, index_date=index_date, gap_days=gap_days)
    starts = [e.start for e in stalking_episodes(incidents, gap_days=gap_days) if e.start > index_date]
    assert result.new_episodes == len(starts)
    assert result.first_reoffence_on == min(starts, default=None)
    assert result.reoffended == bool(starts)


@PROPERTIES
@given(one_perpetrator, st.integers(0, 1500).map(on), st.integers(0, 800), st.integers(0, 800))
def test_a_longer_follow_up_never_counts_fewer_new_episodes(incidents, index_date, follow_a, follow_b):
    shorter, longer = sorted((follow_a, follow_b))
    assert (
        reoffending(incidents, index_date=index_date, follow_up_days=shorter).new_episodes
        <= reoffending(incidents, index_date=index_date, follow_up_days=longer).new_episodes
        <= reoffending(incidents, index_date=index_date).new_episodes
    )


@PROPERTIES
@given(
    one_perpetrator,
    st.integers(0, 1500).map(on),
    st.builds(contact, st.integers(0, 1500), victim=st.integers(1, 4)),
)
def test_a_contact_on_or_before_the_index_date_never_adds_reoffending(incidents, index_date, extra):
    """A contact up to the index date can only extend or bridge episodes into it; it starts none after it."""
    assume(extra.occurred_on <= index_date)
    # Keep the victims' status fixed: name the original victims explicitly.
    originals = original_victims([*incidents, extra], index_date=index_date)
    before = reoffending(incidents, index_date=index_date, original_victim_ids=originals)
    after = reoffending([*incidents, extra], index_date=index_date, original_victim_ids=originals)
    assert after.new_episodes <= before.new_episodes


# -- the pragmatic measure ----------------------------------------------------------


def test_reported_incidents_counts_victims_advocates_and_police_after_the_index_date():
    incidents = [
        after_index(-3, by=Reporter.POLICE),  # before: not counted
        after_index(0, by=Reporter.VICTIM),  # on the index date: not counted
        after_index(1, by=Reporter.VICTIM),
        after_index(2, by=Reporter.ADVOCATE),
        after_index(3, by=Reporter.POLICE),
        after_index(4, by=Reporter.OTHER_AGENCY),  # not by default
        after_index(5, victim=2, by=Reporter.VICTIM),  # a victim not taking part
    ]
    assert reported_incidents(incidents, index_date=INDEX) == 3
    assert (
        reported_incidents(incidents, index_date=INDEX, reporters={Reporter.VICTIM, Reporter.ADVOCATE}) == 2
    )
    assert reported_incidents(incidents, index_date=INDEX, reporters=set(Reporter)) == 4
    assert reported_incidents(incidents, index_date=INDEX, victim_ids={1, 2}) == 4
    assert reported_incidents(incidents, index_date=INDEX, follow_up_days=2) == 2


@PROPERTIES
@given(
    one_perpetrator,
    st.integers(0, 1500).map(on),
    st.builds(contact, st.integers(0, 1500), victim=st.integers(1, 4)),
)
def test_adding_an_incident_never_lowers_the_reported_count(incidents, index_date, extra):
    victims = {1, 2, 3, 4}
    assert reported_incidents([*incidents, extra], index_date=index_date, victim_ids=victims) >= (
        reported_incidents(incidents, index_date=index_date, victim_ids=victims)
    )


# -- frequency and severity ---------------------------------------------------------


def test_contact_rate_is_per_30_days_over_the_whole_window():
    incidents = [contact(0), contact(1), contact(59), contact(60)]
    assert contact_rate(incidents, first_day=on(0), last_day=on(59)) == pytest.approx(1.5)
    assert contact_rate(incidents, first_day=on(0), last_day=on(0)) == 30
    assert contact_rate(incidents, first_day=on(0), last_day=on(59), per_days=60) == 3
    with pytest.raises(ValueError):
        contact_rate(incidents, first_day=on(1), last_day=on(0))


def test_severity_trend_is_the_least_squares_slope_per_30_days():
    escalating = [
        contact(0, severity=Severity.NONE),
        contact(30, severity=Severity.DISTRESS),
        contact(60, severity=Severity.SERIOUS_ALARM_OR_DISTRESS),
    ]
    assert severity_trend(escalating) == pytest.approx(1.0)
    assert severity_trend(escalating, per_days=60) == pytest.approx(2.0)
    falling = [contact(0, severity=Severity.THREAT), contact(90, severity=Severity.DISTRESS)]
    assert severity_trend(falling) == pytest.approx(-2 / 3)
    # Least squares, not the line between the first and last points.
    bumpy = [
        contact(0, severity=Severity.NONE),
        contact(10, severity=Severity.PHYSICAL_HARM),
        contact(20, severity=Severity.NONE),
    ]
    assert severity_trend(bumpy) == pytest.approx(0.0)


def test_severity_trend_is_undefined_without_two_days():
    assert severity_trend([]) is None
    assert severity_trend([contact(5, severity=Severity.NONE), contact(5, severity=Severity.THREAT)]) is None


@PROPERTIES
@given(one_perpetrator.filter(lambda xs: len({i.occurred_on for i in xs}) >= 2), st.integers(1, 3))
def test_severity_trend_follows_a_constant_shift_and_flips_with_severity(incidents, shift):
    trend = severity_trend(incidents)
    # Moving every incident by the same number of days leaves the slope as it was.
    moved = [
        Incident(1, i.victim_id, i.occurred_on + timedelta(days=shift * 17), i.severity, i.reported_by)
        for i in incidents
    ]
    assert severity_trend(moved) == pytest.approx(trend, abs=1e-9)
    # Mirroring severity (4 - s) mirrors the slope.
    mirrored = [Incident(1, i.victim_id, i.occurred_on, 4 - i.severity, i.reported_by) for i in incidents]
    assert severity_trend(mirrored) == pytest.approx(-trend, abs=1e-9)


def test_mean_severity():
    assert mean_severity([]) is None
    assert mean_severity([contact(0, severity=Severity.NONE), contact(1, severity=Severity.THREAT)]) == 1.5


def test_perpetrator_outcome_brings_the_measures_together():
    incidents = [
        after_index(-100, severity=Severity.DISTRESS),
        after_index(-50, severity=Severity.DISTRESS),
        after_index(-1, severity=Severity.THREAT, by=Reporter.POLICE),
        after_index(10, severity=Severity.THREAT, by=Reporter.ADVOCATE),
        after_index(400, victim=2, severity=Severity.PHYSICAL_HARM, by=Reporter.POLICE),
    ]
    outcome = perpetrator_outcome(incidents, perpetrator_id=1, index_date=INDEX)
    assert outcome.reoffending.new_episodes_new_victim == 1
    assert outcome.reoffending.first_reoffence_on == INDEX + timedelta(days=400)
    assert outcome.reported_incidents == 1  # the new victim is not taking part
    assert outcome.contacts_per_30_days_before == pytest.approx(3 * 30 / 182)
    assert outcome.contacts_per_30_days_after == pytest.approx(1 * 30 / 182)
    assert outcome.mean_severity_before == pytest.approx(5 / 3)
    assert outcome.mean_severity_after == 3
    assert outcome.severity_trend > 0
    with pytest.raises(ValueError):
        perpetrator_outcome(incidents, perpetrator_id=2, index_date=INDEX)


def test_perpetrator_outcome_with_no_incidents():
    outcome = perpetrator_outcome([], perpetrator_id=9, index_date=INDEX)
    assert not outcome.reoffending.reoffended
    assert outcome.reported_incidents == 0
    assert outcome.contacts_per_30_days_before == outcome.contacts_per_30_days_after == 0
    assert outcome.mean_severity_before is None and outcome.severity_trend is None
