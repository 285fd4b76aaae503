"""A deterministic synthetic incident stream for many perpetrators, for tests and benchmarks.

`synthetic_caseload(seed=..., incidents=1_000_000)` builds a caseload with
numpy in well under a second per million incidents; the same seed and sizes
give the same data. Each perpetrator's history is a sequence of designed
"spells" of contact:

- sometimes (12%) an earlier spell with a previous victim, long before;
- the index spell with the original victim, during which the unit accepts the
  case: the index date falls a few days to six weeks after one of the first
  few incidents, so the spell often runs on past it (the "spans the index date"
  case that is not re-offending);
- for 30% of perpetrators, one or more later spells: 60% with the original
  victim after a gap longer than the episode gap (re-offending against the
  same victim), the rest with a new victim, after a gap of any length.

Within a spell, gaps between contacts are exponential with a spell-specific
mean of about a week (several contacts on one day happen), capped at 150 days
so a designed spell stays one episode under the six-month definition. Counts
per spell are overdispersed (negative binomial): most spells are short, a few
run to dozens of contacts. Severity starts at a spell-specific level drawn
from the `Severity` scale, varies around it and, for one spell in five,
escalates with time. Reporters are the victim (45%), police (30%), advocate
(15%) and other agencies (10%); advocates report only after the index date,
since the unit assigns them.

The incidents come back in date order, like rows recorded over time, so code
under test cannot rely on them being grouped by perpetrator.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np

from masip.monitoring.episodes import EPISODE_GAP_DAYS, REPORTER_CODES, Incident, IncidentColumns, Reporter

PRIOR_SPELL_SHARE = 0.12
REOFFENDING_SHARE = 0.30
SAME_VICTIM_SHARE = 0.60
LATER_SPELLS_P = 0.6  # later spells per re-offender: geometric, mean 1 / 0.6
MAX_GAP_IN_SPELL = 150  # below the episode gap, so a designed spell is one episode
MEAN_INCIDENTS = {"prior": 4.0, "index": 9.0, "later": 5.0}
SEVERITY_SHARES = (0.08, 0.37, 0.30, 0.18, 0.07)  # none, distress, serious alarm, threat, harm
REPORTER_SHARES = {
    Reporter.VICTIM: 0.45,
    Reporter.POLICE: 0.30,
    Reporter.ADVOCATE: 0.15,
    Reporter.OTHER_AGENCY: 0.10,
}

_PRIOR, _INDEX, _LATER = 0, 1, 2


@dataclass(frozen=True, eq=False)
class SyntheticCaseload:
    """Synthetic incidents in date order, with each perpetrator's index date."""

    incidents: IncidentColumns
    index_dates: dict[int, date]

    def records(self) -> Iterator[Incident]:
        """The incidents as `Incident` records, numbered from 1 in date order."""
        for number, incident in enumerate(self.incidents.incidents(), start=1):
            yield Incident(
                incident.perpetrator_id,
                incident.victim_id,
                incident.occurred_on,
                incident.severity,
                incident.reported_by,
                incident_id=number,
            )


def synthetic_caseload(
    *,
    seed: int,
    incidents: int | None = None,
    perpetrators: int | None = None,
    first_intake: date = date(2018, 9, 3),  # the programme's first reporting period began 3 Sep 2018
    intake_days: int = 730,
) -> SyntheticCaseload:
    """A synthetic caseload: exactly `incidents` incidents, or all incidents of `perpetrators` perpetrators.

    Give one of the two sizes. With `incidents`, the last perpetrator's
    history may be cut short. Index dates fall within about `intake_days`
    after `first_intake`. Perpetrators are numbered from 1; victims too, in a
    separate numbering.
    """
    if (incidents is None) == (perpetrators is None):
        raise ValueError("give exactly one of incidents and perpetrators")
    if perpetrators is not None:
        whole = _caseload(np.random.default_rng(seed), perpetrators, None, first_intake, intake_days)
        assert whole is not None  # only a caseload cut at a number of incidents can fall short
        return whole
    assert incidents is not None  # exactly one of the two sizes is given
    if incidents < 0:
        raise ValueError("incidents must not be negative")
    expected_per_perpetrator = (
        MEAN_INCIDENTS["index"]
        + PRIOR_SPELL_SHARE * MEAN_INCIDENTS["prior"]
        + REOFFENDING_SHARE / LATER_SPELLS_P * MEAN_INCIDENTS["later"]
    )
    count = math.ceil(incidents / expected_per_perpetrator * 1.1) + 10
    while True:  # rarely more than once; a fresh generator each time keeps it deterministic
        caseload = _caseload(np.random.default_rng(seed), count, incidents, first_intake, intake_days)
        if caseload is not None:
            return caseload
        count = count * 3 // 2


def _caseload(
    rng: np.random.Generator, count: int, cut: int | None, first_intake: date, intake_days: int
) -> SyntheticCaseload | None:
    # Spells per perpetrator: [prior] index [later ...].
    has_prior = rng.random(count) < PRIOR_SPELL_SHARE
    later = np.where(rng.random(count) < REOFFENDING_SHARE, rng.geometric(LATER_SPELLS_P, count), 0)
    spells_per_perpetrator = has_prior + 1 + later
    spells = int(spells_per_perpetrator.sum())
    spell_perpetrator = np.repeat(np.arange(count), spells_per_perpetrator)
    perpetrator_first_spell = np.cumsum(spells_per_perpetrator) - spells_per_perpetrator
    position = np.arange(spells) - perpetrator_first_spell[spell_perpetrator]
    index_position = has_prior.astype(np.int64)
    kind = np.sign(position - index_position[spell_perpetrator]) + 1  # prior 0, index 1, later 2
    same_victim = (kind == _INDEX) | ((kind == _LATER) & (rng.random(spells) < SAME_VICTIM_SHARE))

    # Victims: the original victim of perpetrator k is k + 1; others are numbered after them.
    new_victim = ~same_victim
    spell_victim = np.where(new_victim, count + np.cumsum(new_victim), spell_perpetrator + 1)

    # Incidents per spell (1 + negative binomial) and the days between them.
    mean = np.select([kind == _PRIOR, kind == _INDEX], [MEAN_INCIDENTS["prior"], MEAN_INCIDENTS["index"]])
    mean = np.where(kind == _LATER, MEAN_INCIDENTS["later"], mean)
    dispersion = 0.8
    per_spell = 1 + rng.negative_binomial(dispersion, dispersion / (dispersion + mean - 1))
    total = int(per_spell.sum())
    if cut is not None and total < cut:
        return None
    spell_of = np.repeat(np.arange(spells), per_spell)
    spell_first = np.cumsum(per_spell) - per_spell
    mean_gap = np.clip(rng.lognormal(math.log(7), 0.8, spells), 1, 60)
    gaps = np.minimum(np.floor(rng.exponential(1.0, total) * mean_gap[spell_of]), MAX_GAP_IN_SPELL)
    gaps = gaps.astype(np.int64)
    gaps[spell_first] = 0
    elapsed = np.cumsum(gaps)
    offset = elapsed - elapsed[spell_first][spell_of]  # days since the spell's first contact
    duration = offset[spell_first + per_spell - 1]

    # Place the spells one after another: a gap longer than the episode gap
    # before a spell with the same victim, any gap before one with a new victim.
    long_gap = EPISODE_GAP_DAYS + 1 + np.floor(rng.exponential(240, spells)).astype(np.int64)
    any_gap = 1 + np.floor(rng.exponential(180, spells)).astype(np.int64)
    step = np.where(same_victim, long_gap, any_gap)
    step[1:] += duration[:-1]
    step[perpetrator_first_spell] = 0
    relative = np.cumsum(step)
    relative -= relative[perpetrator_first_spell][spell_perpetrator]
    index_spell = perpetrator_first_spell + index_position
    intake = _day(first_intake) + rng.integers(0, intake_days, count)
    spell_start = intake[spell_perpetrator] + relative - relative[index_spell][spell_perpetrator]
    day = spell_start[spell_of] + offset

    # The unit accepts the case a few days to six weeks after one of the first few incidents.
    referred_after = np.minimum(rng.geometric(0.35, count), per_spell[index_spell]) - 1
    index_day = day[spell_first[index_spell] + referred_after] + rng.integers(3, 43, count)

    # Severity around a spell's level; one spell in five escalates by a step every three months.
    level = rng.choice(len(SEVERITY_SHARES), spells, p=SEVERITY_SHARES)
    escalates = rng.random(spells) < 0.2
    noise = np.rint(rng.normal(0, 0.7, total)).astype(np.int64)
    severity = np.clip(level[spell_of] + noise + escalates[spell_of] * (offset // 90), 0, 4).astype(np.int8)

    reporter_codes = np.array([REPORTER_CODES[r] for r in REPORTER_SHARES], dtype=np.int8)
    reporter = rng.choice(reporter_codes, total, p=list(REPORTER_SHARES.values()))
    perpetrator_of = spell_perpetrator[spell_of]
    unassigned = (reporter == REPORTER_CODES[Reporter.ADVOCATE]) & (day <= index_day[perpetrator_of])
    reporter[unassigned] = REPORTER_CODES[Reporter.VICTIM]

    kept = slice(None) if cut is None else slice(0, cut)
    perpetrator_of, victim, day = perpetrator_of[kept], spell_victim[spell_of][kept], day[kept]
    severity, reporter = severity[kept], reporter[kept]
    in_data = np.unique(perpetrator_of) if cut is not None else np.arange(count)
    chronological = np.argsort(day, kind="stable")
    columns = IncidentColumns(
        perpetrator_id=perpetrator_of[chronological] + 1,
        victim_id=victim[chronological],
        occurred_on=day[chronological].astype("datetime64[D]"),
        severity=severity[chronological],
        reported_by=reporter[chronological],
    )
    index_dates = dict(
        zip((in_data + 1).tolist(), index_day[in_data].astype("datetime64[D]").tolist(), strict=True)
    )
    return SyntheticCaseload(incidents=columns, index_dates=index_dates)


def _day(value: date) -> int:
    return int(np.datetime64(value, "D").astype(np.int64))
