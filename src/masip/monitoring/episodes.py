"""Stalking episodes, re-offending, frequency and severity, computed from incidents.

The definitions come from section 4 of the MASIP interim evaluation report,
summarised in docs/domain.md, "Definitions the evaluation depends on". Where the report is silent, the choice
made here is written beside the code that makes it, and summarised below.
Nothing here reads Django settings: callers pass
``gap_days=settings.MASIP_EPISODE_GAP_DAYS``.

Stalking episode
    Per (perpetrator, victim) pair. Stalking research treats an episode as over
    once the perpetrator has had no contact with the victim for six months; any
    contact within six months continues the same offence. Here: incidents of a
    pair, in date order, belong to one episode while the gap from one incident
    to the next is at most ``gap_days`` calendar days (default 182, six months);
    a gap of exactly ``gap_days`` continues the episode, ``gap_days + 1`` or more
    starts a new one. Gaps are whole days between dates; the time of day is
    ignored (it is often unknown). Episodes of a pair never overlap and
    partition its incidents; each has a start (first contact), an end (last
    contact), an incident count and the highest severity.

Re-offending (research definition)
    The perpetrator starts a new episode after the index date (the day the unit
    accepted the case), with an original victim or a new one. An episode is new
    when its first incident falls strictly after the index date: incidents on
    the index date itself were (or could have been) known when the case was
    accepted. An episode that began on or before the index date and continues
    after it is the offence the unit took on, not re-offending. The original
    victims are, unless the caller names them, the victims with at least one
    incident on or before the index date. A first episode with anyone else that
    starts after the index date is re-offending against a new victim, even
    while the episode with the original victim is still running.

Re-offending (programme's pragmatic measure)
    The number of incidents after the index date against the victims taking
    part (by default the original victims), reported by a reporter in
    ``reporters`` (default: the victim, their advocate, or the police - the
    report's "reported by the victims ... to the police or their advocate
    contact"; reports from other agencies are left out by default).

Frequency
    Contacts per 30 days: the number of the perpetrator's incidents (with any
    victim) dated within a window of whole days, times 30, divided by the
    window's length in days. The per-case measure compares two windows of
    ``frequency_window_days`` (default 182): the one ending on the index date
    and the one starting the day after it. Windows of equal length are used on
    purpose: a rate over an episode's own span is inflated for short episodes
    (see `StalkingEpisode.contacts_per_30_days`).

Severity
    The harm caused to the victim, on the ordered scale `Severity` (0 none,
    1 distress, 2 serious alarm or distress - the s.4A PHA 1997 wording, 3
    threat, 4 physical harm). The per-case trend is the least-squares slope of
    severity against the incident date, in severity points per 30 days, over
    all the perpetrator's incidents; undefined (None) when all incidents fall
    on one day. The per-case change compares the mean severity in the two
    frequency windows.

API in two layers that agree exactly (the tests check it on random data):

- per perpetrator, over `Incident` records: `stalking_episodes`,
  `original_victims`, `reoffending`, `reported_incidents`, `contact_rate`,
  `mean_severity`, `severity_trend`, `perpetrator_outcome`;
- for a whole caseload, over `IncidentColumns` (numpy arrays):
  `caseload_outcomes`, which sorts once and computes every measure for every
  perpetrator with vectorised passes.
"""

from __future__ import annotations

import enum
import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from operator import attrgetter
from typing import Any

import numpy as np

# Six months, the programme's episode gap (report s.4: "ceases contact with the
# victim for six months"). A setting, since research uses other gaps.
EPISODE_GAP_DAYS = 182
# Frequency is expressed as contacts per 30 days.
FREQUENCY_PER_DAYS = 30
# Before/after windows for frequency and severity change: six months each side.
FREQUENCY_WINDOW_DAYS = 182

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()  # numpy's datetime64 epoch


class Severity(enum.IntEnum):
    """Harm caused to the victim, ordered. Values are stored as these integers."""

    NONE = 0
    DISTRESS = 1
    SERIOUS_ALARM_OR_DISTRESS = 2  # the s.4A Protection from Harassment Act 1997 threshold
    THREAT = 3
    PHYSICAL_HARM = 4


class Reporter(enum.StrEnum):
    """Who reported an incident to the unit."""

    VICTIM = "victim"
    POLICE = "police"
    ADVOCATE = "advocate"
    OTHER_AGENCY = "other_agency"


# The pragmatic measure counts what the victims taking part report, to the
# police or to their advocate (report s.4).
DEFAULT_REPORTERS: frozenset[Reporter] = frozenset({Reporter.VICTIM, Reporter.ADVOCATE, Reporter.POLICE})

# Integer codes for `IncidentColumns.reported_by`, in declaration order.
REPORTER_CODES: dict[Reporter, int] = {reporter: code for code, reporter in enumerate(Reporter)}
_REPORTERS_BY_CODE: tuple[Reporter, ...] = tuple(Reporter)


class VictimKind(enum.StrEnum):
    """Whether a re-offence was against an original victim of the case or a new one."""

    ORIGINAL = "original"
    NEW = "new"


@dataclass(frozen=True, slots=True)
class Incident:
    """One contact by a perpetrator with a victim, as the unit recorded it.

    `severity` and `reported_by` accept the enum or its stored value (an int,
    a string), so a model row converts directly. Each record is one contact:
    two records on the same day are two contacts. Merging one contact reported
    twice (say by the victim and by the police) is the caller's job.
    """

    perpetrator_id: int
    victim_id: int
    occurred_on: date
    severity: Severity
    reported_by: Reporter
    occurred_at: time | None = None  # time of day when known; episodes ignore it
    incident_id: int | None = None

    def __post_init__(self) -> None:
        # A datetime is a date subclass, but mixing the two breaks day arithmetic.
        if isinstance(self.occurred_on, datetime) or not isinstance(self.occurred_on, date):
            raise TypeError(f"occurred_on must be a date, not {type(self.occurred_on).__name__}")
        if type(self.severity) is not Severity:
            object.__setattr__(self, "severity", Severity(self.severity))
        if type(self.reported_by) is not Reporter:
            object.__setattr__(self, "reported_by", Reporter(self.reported_by))


@dataclass(frozen=True, slots=True)
class StalkingEpisode:
    """A run of contacts by one perpetrator with one victim with no gap longer than the episode gap."""

    perpetrator_id: int
    victim_id: int
    number: int  # 1 for the pair's first episode in the data, then 2, 3, ...
    start: date  # first contact
    end: date  # last contact
    incident_count: int
    max_severity: Severity

    @property
    def days(self) -> int:
        """Calendar days the episode covers, counting both its first and last day."""
        return (self.end - self.start).days + 1

    @property
    def contacts_per_30_days(self) -> float:
        """Contacts per 30 days over the episode's own span (`days`).

        A one-day episode with one contact scores 30: fine for describing an
        episode, misleading for comparing cases; `contact_rate` over windows of
        equal length is the measure for that.
        """
        return self.incident_count * FREQUENCY_PER_DAYS / self.days


@dataclass(frozen=True, slots=True)
class Reoffending:
    """Re-offending by the research definition: new episodes after the index date."""

    first_reoffence_on: date | None  # start of the earliest new episode
    # Victim of the earliest new episode; when episodes with an original and a
    # new victim start on the same day, ORIGINAL.
    first_reoffence_victim: VictimKind | None
    new_episodes_original_victim: int
    new_episodes_new_victim: int

    @property
    def new_episodes(self) -> int:
        return self.new_episodes_original_victim + self.new_episodes_new_victim

    @property
    def reoffended(self) -> bool:
        return self.new_episodes > 0


@dataclass(frozen=True, slots=True)
class PerpetratorOutcome:
    """Every outcome measure for one perpetrator (one case) around its index date."""

    perpetrator_id: int
    index_date: date
    reoffending: Reoffending
    reported_incidents: int  # the programme's pragmatic re-offending measure
    contacts_per_30_days_before: float  # window ending on the index date
    contacts_per_30_days_after: float  # window starting the day after
    mean_severity_before: float | None  # None: no incidents in the window
    mean_severity_after: float | None
    severity_trend: float | None  # severity points per 30 days, all incidents


# -- per perpetrator, over Incident records ------------------------------------


def stalking_episodes(
    incidents: Iterable[Incident], *, gap_days: int = EPISODE_GAP_DAYS
) -> list[StalkingEpisode]:
    """The stalking episodes in `incidents`, for every (perpetrator, victim) pair in them.

    Input order does not matter. Returns episodes sorted by perpetrator,
    victim and start. A contact exactly `gap_days` after the previous one
    continues the episode; one more day starts a new episode.
    """
    _check_days("gap_days", gap_days, minimum=0)
    by_pair: dict[tuple[int, int], list[Incident]] = defaultdict(list)
    for incident in incidents:
        by_pair[(incident.perpetrator_id, incident.victim_id)].append(incident)
    episodes: list[StalkingEpisode] = []
    for perpetrator_id, victim_id in sorted(by_pair):
        pair = sorted(by_pair[(perpetrator_id, victim_id)], key=attrgetter("occurred_on"))
        number = 1
        run = [pair[0]]
        for incident in pair[1:]:
            if (incident.occurred_on - run[-1].occurred_on).days > gap_days:
                episodes.append(_episode(run, perpetrator_id, victim_id, number))
                number += 1
                run = []
            run.append(incident)
        episodes.append(_episode(run, perpetrator_id, victim_id, number))
    return episodes


def _episode(run: list[Incident], perpetrator_id: int, victim_id: int, number: int) -> StalkingEpisode:
    return StalkingEpisode(
        perpetrator_id=perpetrator_id,
        victim_id=victim_id,
        number=number,
        start=run[0].occurred_on,
        end=run[-1].occurred_on,
        incident_count=len(run),
        max_severity=max(i.severity for i in run),
    )


def original_victims(incidents: Iterable[Incident], *, index_date: date) -> frozenset[int]:
    """Victims with at least one incident on or before the index date: the case's victims by default."""
    return frozenset(i.victim_id for i in incidents if i.occurred_on <= index_date)


def reoffending(
    incidents: Iterable[Incident],
    *,
    index_date: date,
    gap_days: int = EPISODE_GAP_DAYS,
    follow_up_days: int | None = None,
    original_victim_ids: Collection[int] | None = None,
) -> Reoffending:
    """Re-offending by one perpetrator after `index_date` (research definition).

    Counts the episodes (with any victim) whose first incident is after the
    index date and, when `follow_up_days` is given, no later than
    `index_date + follow_up_days` - so cases with different amounts of
    follow-up can be compared over the same period. Incidents after the
    follow-up cannot change whether an earlier episode is new, so they need not
    be removed first. `original_victim_ids` defaults to `original_victims`.
    Raises ValueError when the incidents belong to more than one perpetrator.
    """
    records = _one_perpetrator(incidents)
    _check_days("follow_up_days", follow_up_days, minimum=0)
    originals = (
        original_victims(records, index_date=index_date)
        if original_victim_ids is None
        else frozenset(original_victim_ids)
    )
    last_day = None if follow_up_days is None else index_date + timedelta(days=follow_up_days)
    new = [
        e
        for e in stalking_episodes(records, gap_days=gap_days)
        if e.start > index_date and (last_day is None or e.start <= last_day)
    ]
    with_original = [e for e in new if e.victim_id in originals]
    first_on = min((e.start for e in new), default=None)
    first_victim = None
    if first_on is not None:
        on_first_day = any(e.start == first_on for e in with_original)
        first_victim = VictimKind.ORIGINAL if on_first_day else VictimKind.NEW
    return Reoffending(
        first_reoffence_on=first_on,
        first_reoffence_victim=first_victim,
        new_episodes_original_victim=len(with_original),
        new_episodes_new_victim=len(new) - len(with_original),
    )


def reported_incidents(
    incidents: Iterable[Incident],
    *,
    index_date: date,
    follow_up_days: int | None = None,
    reporters: Collection[Reporter] = DEFAULT_REPORTERS,
    victim_ids: Collection[int] | None = None,
) -> int:
    """The programme's pragmatic re-offending measure for one perpetrator.

    Incidents after `index_date` (and no later than `index_date +
    follow_up_days` when given) against the victims taking part
    (`victim_ids`, default `original_victims`) reported by one of `reporters`.
    """
    records = _one_perpetrator(incidents)
    _check_days("follow_up_days", follow_up_days, minimum=0)
    wanted_reporters = frozenset(Reporter(r) for r in reporters)
    victims = (
        original_victims(records, index_date=index_date) if victim_ids is None else frozenset(victim_ids)
    )
    last_day = date.max if follow_up_days is None else index_date + timedelta(days=follow_up_days)
    return sum(
        1
        for i in records
        if index_date < i.occurred_on <= last_day
        and i.reported_by in wanted_reporters
        and i.victim_id in victims
    )


def contact_rate(
    incidents: Iterable[Incident],
    *,
    first_day: date,
    last_day: date,
    per_days: int = FREQUENCY_PER_DAYS,
) -> float:
    """Contacts per `per_days` days between `first_day` and `last_day`, both included.

    Counts every incident given (filter by perpetrator or victim first if
    needed) and divides by the window's length, not by the span of the
    incidents, so quiet stretches lower the rate.
    """
    _check_days("per_days", per_days, minimum=1)
    window = (last_day - first_day).days + 1
    if window < 1:
        raise ValueError("last_day must not be before first_day")
    contacts = sum(1 for i in incidents if first_day <= i.occurred_on <= last_day)
    return contacts * per_days / window


def mean_severity(incidents: Iterable[Incident]) -> float | None:
    """Mean of the severity values (0-4); None when there are no incidents."""
    values = [int(i.severity) for i in incidents]
    return sum(values) / len(values) if values else None


def severity_trend(incidents: Iterable[Incident], *, per_days: int = FREQUENCY_PER_DAYS) -> float | None:
    """Least-squares slope of severity against date, in severity points per `per_days` days.

    Positive means escalating. Every incident is one point (several on one day
    weigh more). None when there are no incidents or all fall on one day,
    since a slope is then undefined.
    """
    _check_days("per_days", per_days, minimum=1)
    records = list(incidents)
    if not records:
        return None
    first = min(i.occurred_on for i in records)
    xs = [(i.occurred_on - first).days for i in records]
    if max(xs) == 0:
        return None
    ys = [int(i.severity) for i in records]
    n = len(records)
    mean_x = sum(xs) / n
    mean_y = sum(ys) / n
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mean_x) ** 2 for x in xs)
    return sxy / sxx * per_days


def perpetrator_outcome(
    incidents: Iterable[Incident],
    *,
    perpetrator_id: int,
    index_date: date,
    gap_days: int = EPISODE_GAP_DAYS,
    follow_up_days: int | None = None,
    reporters: Collection[Reporter] = DEFAULT_REPORTERS,
    original_victim_ids: Collection[int] | None = None,
    frequency_window_days: int = FREQUENCY_WINDOW_DAYS,
    per_days: int = FREQUENCY_PER_DAYS,
) -> PerpetratorOutcome:
    """Every outcome measure for one perpetrator: what `caseload_outcomes` gives per row.

    `incidents` are all this perpetrator's incidents with any victim, before
    and after the index date (an empty list is a case with no recorded
    contact). `original_victim_ids` names the victims of the case; it is used
    both to tell original from new victims and as the victims taking part in
    the pragmatic measure. Raises ValueError for another perpetrator's incident.
    """
    records = _one_perpetrator(incidents, perpetrator_id=perpetrator_id)
    _check_days("frequency_window_days", frequency_window_days, minimum=1)
    originals = (
        original_victims(records, index_date=index_date)
        if original_victim_ids is None
        else frozenset(original_victim_ids)
    )
    window = timedelta(days=frequency_window_days)
    before = [i for i in records if index_date - window < i.occurred_on <= index_date]
    after = [i for i in records if index_date < i.occurred_on <= index_date + window]
    return PerpetratorOutcome(
        perpetrator_id=perpetrator_id,
        index_date=index_date,
        reoffending=reoffending(
            records,
            index_date=index_date,
            gap_days=gap_days,
            follow_up_days=follow_up_days,
            original_victim_ids=originals,
        ),
        reported_incidents=reported_incidents(
            records,
            index_date=index_date,
            follow_up_days=follow_up_days,
            reporters=reporters,
            victim_ids=originals,
        ),
        contacts_per_30_days_before=contact_rate(
            before, first_day=index_date - window + timedelta(days=1), last_day=index_date, per_days=per_days
        ),
        contacts_per_30_days_after=contact_rate(
            after, first_day=index_date + timedelta(days=1), last_day=index_date + window, per_days=per_days
        ),
        mean_severity_before=mean_severity(before),
        mean_severity_after=mean_severity(after),
        severity_trend=severity_trend(records, per_days=per_days),
    )


def _one_perpetrator(incidents: Iterable[Incident], *, perpetrator_id: int | None = None) -> list[Incident]:
    records = list(incidents)
    ids = {i.perpetrator_id for i in records}
    if perpetrator_id is not None:
        ids.add(perpetrator_id)
    if len(ids) > 1:
        raise ValueError(f"incidents of one perpetrator expected, got perpetrators {sorted(ids)}")
    return records


def _check_days(name: str, value: int | None, *, minimum: int) -> None:
    if value is not None and (not isinstance(value, int) or value < minimum):
        raise ValueError(f"{name} must be a whole number of days, at least {minimum}; got {value!r}")


# -- a whole caseload, over columns --------------------------------------------


def _day_number(day: date) -> int:
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"a date expected, not {type(day).__name__}")
    return day.toordinal() - _EPOCH_ORDINAL


@dataclass(frozen=True, eq=False)
class IncidentColumns:
    """Many incidents as parallel numpy arrays: the input of `caseload_outcomes`.

    perpetrator_id, victim_id: int64. occurred_on: datetime64[D].
    severity: int8, `Severity` values. reported_by: int8, `REPORTER_CODES`.
    Arrays given are converted to these dtypes and checked on construction.
    """

    perpetrator_id: np.ndarray
    victim_id: np.ndarray
    occurred_on: np.ndarray
    severity: np.ndarray
    reported_by: np.ndarray

    def __post_init__(self) -> None:
        # Codes are range-checked as int64 before narrowing, so 300 is an error, not an overflow.
        severity = np.asarray(self.severity, dtype=np.int64)
        reported_by = np.asarray(self.reported_by, dtype=np.int64)
        if len(severity) and (severity.min() < min(Severity) or severity.max() > max(Severity)):
            raise ValueError("severity outside the Severity scale")
        if len(reported_by) and (reported_by.min() < 0 or reported_by.max() >= len(_REPORTERS_BY_CODE)):
            raise ValueError("reported_by is not a REPORTER_CODES code")
        converted = {
            "perpetrator_id": np.asarray(self.perpetrator_id, dtype=np.int64),
            "victim_id": np.asarray(self.victim_id, dtype=np.int64),
            "occurred_on": np.asarray(self.occurred_on, dtype="datetime64[D]"),
            "severity": severity.astype(np.int8),
            "reported_by": reported_by.astype(np.int8),
        }
        for name, array in converted.items():
            if array.ndim != 1:
                raise ValueError(f"{name} must be one-dimensional")
            object.__setattr__(self, name, array)
        if len({len(a) for a in converted.values()}) > 1:
            raise ValueError("all columns must have the same length")
        if np.isnat(self.occurred_on).any():
            raise ValueError("occurred_on has missing dates")

    def __len__(self) -> int:
        return len(self.perpetrator_id)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, int, date, int, str]]) -> IncidentColumns:
        """Build columns from (perpetrator_id, victim_id, occurred_on, severity, reported_by) tuples.

        The shape of `Incident.objects.values_list(...)` rows: severity as an
        int or `Severity`, reported_by as a `Reporter` or its string value.
        """
        rows = list(rows)
        count = len(rows)
        if not count:
            return cls.empty()
        perpetrators, victims, days, severities, reporters = zip(*rows, strict=True)
        codes: dict[Any, int] = {str(r): code for r, code in REPORTER_CODES.items()}
        try:
            reporter_codes = np.fromiter((codes[r] for r in reporters), dtype=np.int8, count=count)
        except KeyError as unknown:
            raise ValueError(f"{unknown.args[0]!r} is not a Reporter") from None
        return cls(
            perpetrator_id=np.fromiter(perpetrators, dtype=np.int64, count=count),
            victim_id=np.fromiter(victims, dtype=np.int64, count=count),
            occurred_on=np.fromiter(map(_day_number, days), dtype=np.int64, count=count).astype(
                "datetime64[D]"
            ),
            severity=np.fromiter(severities, dtype=np.int64, count=count),  # range-checked by __post_init__
            reported_by=reporter_codes,
        )

    @classmethod
    def from_incidents(cls, incidents: Iterable[Incident]) -> IncidentColumns:
        return cls.from_rows(
            (i.perpetrator_id, i.victim_id, i.occurred_on, i.severity, i.reported_by) for i in incidents
        )

    @classmethod
    def empty(cls) -> IncidentColumns:
        return cls(*(np.empty(0, dtype=np.int64) for _ in range(5)))

    def incidents(self) -> Iterator[Incident]:
        """The rows as `Incident` records (without time or id), in column order."""
        for perpetrator_id, victim_id, occurred_on, severity, reporter in zip(
            self.perpetrator_id.tolist(),
            self.victim_id.tolist(),
            self.occurred_on.tolist(),
            self.severity.tolist(),
            self.reported_by.tolist(),
            strict=True,
        ):
            yield Incident(
                perpetrator_id, victim_id, occurred_on, Severity(severity), _REPORTERS_BY_CODE[reporter]
            )


@dataclass(frozen=True, eq=False)
class EpisodeTable:
    """Stalking episodes as parallel arrays, sorted by perpetrator, victim and start.

    Iterating yields `StalkingEpisode` records, equal to what
    `stalking_episodes` returns for the same incidents.
    """

    perpetrator_id: np.ndarray  # int64
    victim_id: np.ndarray  # int64
    number: np.ndarray  # int64, 1 for the pair's first episode
    start: np.ndarray  # datetime64[D]
    end: np.ndarray  # datetime64[D]
    incident_count: np.ndarray  # int64
    max_severity: np.ndarray  # int8

    def __len__(self) -> int:
        return len(self.perpetrator_id)

    def __iter__(self) -> Iterator[StalkingEpisode]:
        for perpetrator_id, victim_id, number, start, end, incident_count, max_severity in zip(
            self.perpetrator_id.tolist(),
            self.victim_id.tolist(),
            self.number.tolist(),
            self.start.tolist(),
            self.end.tolist(),
            self.incident_count.tolist(),
            self.max_severity.tolist(),
            strict=True,
        ):
            yield StalkingEpisode(
                perpetrator_id, victim_id, number, start, end, incident_count, max_severity=Severity(max_severity)
            )

    def to_frame(self) -> Any:
        """A pandas DataFrame, one row per episode (pandas is imported only here)."""
        import pandas as pd

        return pd.DataFrame({name: getattr(self, name) for name in self.__dataclass_fields__})


@dataclass(frozen=True, eq=False)
class PerpetratorOutcomeTable:
    """`PerpetratorOutcome` for every perpetrator with an index date, as arrays sorted by perpetrator.

    Missing values: NaT for dates, NaN for floats; iteration turns them into None.
    `first_reoffence_victim` is 0 (none), 1 (original) or 2 (new).
    """

    perpetrator_id: np.ndarray
    index_date: np.ndarray
    first_reoffence_on: np.ndarray
    first_reoffence_victim: np.ndarray
    new_episodes_original_victim: np.ndarray
    new_episodes_new_victim: np.ndarray
    reported_incidents: np.ndarray
    contacts_per_30_days_before: np.ndarray
    contacts_per_30_days_after: np.ndarray
    mean_severity_before: np.ndarray
    mean_severity_after: np.ndarray
    severity_trend: np.ndarray

    _VICTIM_KINDS = (None, VictimKind.ORIGINAL, VictimKind.NEW)

    def __len__(self) -> int:
        return len(self.perpetrator_id)

    @property
    def new_episodes(self) -> np.ndarray:
        return self.new_episodes_original_victim + self.new_episodes_new_victim

    @property
    def reoffended(self) -> np.ndarray:
        return self.new_episodes > 0

    def __iter__(self) -> Iterator[PerpetratorOutcome]:
        for i in range(len(self)):
            yield self._outcome(i)

    def outcome_for(self, perpetrator_id: int) -> PerpetratorOutcome:
        """The outcome of one perpetrator; KeyError when they had no index date."""
        i = int(np.searchsorted(self.perpetrator_id, perpetrator_id))
        if i == len(self) or self.perpetrator_id[i] != perpetrator_id:
            raise KeyError(perpetrator_id)
        return self._outcome(i)

    def _outcome(self, i: int) -> PerpetratorOutcome:
        return PerpetratorOutcome(
            perpetrator_id=int(self.perpetrator_id[i]),
            index_date=self.index_date[i].item(),
            reoffending=Reoffending(
                first_reoffence_on=self.first_reoffence_on[i].item(),
                first_reoffence_victim=self._VICTIM_KINDS[self.first_reoffence_victim[i]],
                new_episodes_original_victim=int(self.new_episodes_original_victim[i]),
                new_episodes_new_victim=int(self.new_episodes_new_victim[i]),
            ),
            reported_incidents=int(self.reported_incidents[i]),
            contacts_per_30_days_before=float(self.contacts_per_30_days_before[i]),
            contacts_per_30_days_after=float(self.contacts_per_30_days_after[i]),
            mean_severity_before=_none_if_nan(self.mean_severity_before[i]),
            mean_severity_after=_none_if_nan(self.mean_severity_after[i]),
            severity_trend=_none_if_nan(self.severity_trend[i]),
        )

    def to_frame(self) -> Any:
        """A pandas DataFrame, one row per perpetrator (pandas is imported only here)."""
        import pandas as pd

        frame = pd.DataFrame({name: getattr(self, name) for name in self.__dataclass_fields__})
        frame["first_reoffence_victim"] = [
            None if k is None else str(k)
            for k in (self._VICTIM_KINDS[c] for c in self.first_reoffence_victim)
        ]
        frame["new_episodes"] = self.new_episodes
        frame["reoffended"] = self.reoffended
        return frame


def _none_if_nan(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


@dataclass(frozen=True, eq=False)
class CaseloadOutcomes:
    """What `caseload_outcomes` returns: every episode, and every perpetrator's outcome."""

    episodes: EpisodeTable
    perpetrators: PerpetratorOutcomeTable = field(repr=False)


def caseload_outcomes(
    incidents: IncidentColumns,
    index_dates: Mapping[int, date],
    *,
    gap_days: int = EPISODE_GAP_DAYS,
    follow_up_days: int | None = None,
    reporters: Collection[Reporter] = DEFAULT_REPORTERS,
    original_victims: Mapping[int, Collection[int]] | None = None,
    frequency_window_days: int = FREQUENCY_WINDOW_DAYS,
    per_days: int = FREQUENCY_PER_DAYS,
) -> CaseloadOutcomes:
    """Episodes for every pair, and outcomes for every perpetrator in `index_dates`, in one go.

    The same definitions and parameters as `stalking_episodes` and
    `perpetrator_outcome`, with the same results. `index_dates` maps each
    perpetrator (case) to the day the unit accepted it; perpetrators with
    incidents but no index date get episodes but no outcome row; perpetrators
    with an index date but no incidents get a row of zeros. `original_victims`
    maps a perpetrator to the victims of their case; perpetrators left out of
    it (or all, when it is None) default to `original_victims()`'s rule.

    Sorts the incidents once by (perpetrator, victim, date), then computes
    everything with whole-array numpy passes: a few tenths of a second per
    million incidents (`python -m benchmarks episodes`).
    """
    _check_days("gap_days", gap_days, minimum=0)
    _check_days("follow_up_days", follow_up_days, minimum=0)
    _check_days("frequency_window_days", frequency_window_days, minimum=1)
    _check_days("per_days", per_days, minimum=1)

    # Index dates as sorted arrays, for searchsorted lookups.
    index_perpetrator = np.fromiter(index_dates.keys(), dtype=np.int64, count=len(index_dates))
    index_day = np.fromiter(map(_day_number, index_dates.values()), dtype=np.int64, count=len(index_dates))
    by_perpetrator = np.argsort(index_perpetrator, kind="stable")
    index_perpetrator, index_day = index_perpetrator[by_perpetrator], index_day[by_perpetrator]
    cases = len(index_perpetrator)

    order = np.lexsort((incidents.occurred_on, incidents.victim_id, incidents.perpetrator_id))
    perpetrator = incidents.perpetrator_id[order]
    victim = incidents.victim_id[order]
    day = incidents.occurred_on[order].astype(np.int64)
    severity = incidents.severity[order]
    reporter = incidents.reported_by[order]
    n = len(order)

    # Boundaries: where a perpetrator's, a pair's and an episode's incidents begin.
    perpetrator_begins = np.ones(n, dtype=bool)
    perpetrator_begins[1:] = perpetrator[1:] != perpetrator[:-1]
    pair_begins = perpetrator_begins.copy()
    pair_begins[1:] |= victim[1:] != victim[:-1]
    episode_begins = pair_begins.copy()
    episode_begins[1:] |= np.diff(day) > gap_days  # exactly gap_days continues the episode

    episode_first = np.flatnonzero(episode_begins)
    episode_last = np.empty_like(episode_first)
    episode_last[:-1] = episode_first[1:] - 1
    if n:
        episode_last[-1] = n - 1
    pair_of = np.cumsum(pair_begins) - 1  # per incident
    episode_pair = pair_of[episode_first]
    first_episode_of_pair = np.flatnonzero(pair_begins[episode_first])
    episode_start = day[episode_first]
    episodes = EpisodeTable(
        perpetrator_id=perpetrator[episode_first],
        victim_id=victim[episode_first],
        number=np.arange(len(episode_first)) - first_episode_of_pair[episode_pair] + 1,
        start=episode_start.astype("datetime64[D]"),
        end=day[episode_last].astype("datetime64[D]"),
        incident_count=episode_last - episode_first + 1,
        max_severity=np.maximum.reduceat(severity, episode_first) if n else severity[:0],
    )

    # Per perpetrator group (g): is there an index date, and which outcome row.
    group_first = np.flatnonzero(perpetrator_begins)
    group_of = np.cumsum(perpetrator_begins) - 1  # per incident
    groups = len(group_first)
    group_perpetrator = perpetrator[group_first]
    row = np.searchsorted(index_perpetrator, group_perpetrator)
    known = row < cases
    known[known] = index_perpetrator[row[known]] == group_perpetrator[known]
    group_index_day = np.zeros(groups, dtype=np.int64)
    group_index_day[known] = index_day[row[known]]
    incident_known = known[group_of]
    incident_index_day = group_index_day[group_of]

    # Original victims, per pair.
    pair_first = np.flatnonzero(pair_begins)
    pair_group = group_of[pair_first]
    pair_original = known[pair_group] & (day[pair_first] <= group_index_day[pair_group])
    if original_victims:
        named = np.fromiter(
            (p in original_victims for p in perpetrator[pair_first].tolist()),
            dtype=bool,
            count=len(pair_first),
        )
        pair_original[named] = np.fromiter(
            (
                v in original_victims[p]
                for p, v in zip(
                    perpetrator[pair_first[named]].tolist(), victim[pair_first[named]].tolist(), strict=True
                )
            ),
            dtype=bool,
            count=int(named.sum()),
        )

    # Re-offending: episodes starting after the index date (within the follow-up).
    episode_group = group_of[episode_first]
    episode_index_day = group_index_day[episode_group]
    new = known[episode_group] & (episode_start > episode_index_day)
    if follow_up_days is not None:
        new &= episode_start <= episode_index_day + follow_up_days
    episode_original = pair_original[episode_pair]
    new_original = np.bincount(episode_group[new & episode_original], minlength=groups)
    new_other = np.bincount(episode_group[new & ~episode_original], minlength=groups)
    first_reoffence = np.zeros(groups, dtype=np.int64)
    new_group = episode_group[new]
    if len(new_group):
        begins = np.flatnonzero(np.append(True, new_group[1:] != new_group[:-1]))
        first_reoffence[new_group[begins]] = np.minimum.reduceat(episode_start[new], begins)
    on_first_day = new & (episode_start == first_reoffence[episode_group])
    first_with_original = np.bincount(episode_group[on_first_day & episode_original], minlength=groups) > 0
    first_victim = np.where(new_original + new_other > 0, np.where(first_with_original, 1, 2), 0)

    # The pragmatic measure: reported incidents after the index date.
    after_index = incident_known & (day > incident_index_day)
    counted = after_index & pair_original[pair_of]
    if follow_up_days is not None:
        counted &= day <= incident_index_day + follow_up_days
    reporter_codes = [REPORTER_CODES[Reporter(r)] for r in reporters]
    counted &= np.isin(reporter, reporter_codes)
    reported = np.bincount(group_of[counted], minlength=groups)

    # Frequency and mean severity in the windows either side of the index date.
    before = incident_known & (day > incident_index_day - frequency_window_days) & ~after_index
    after = after_index & (day <= incident_index_day + frequency_window_days)
    contacts_before = np.bincount(group_of[before], minlength=groups)
    contacts_after = np.bincount(group_of[after], minlength=groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        severity_before = (
            np.bincount(group_of[before], weights=severity[before], minlength=groups) / contacts_before
        )
        severity_after = (
            np.bincount(group_of[after], weights=severity[after], minlength=groups) / contacts_after
        )

    # Severity trend: least-squares slope, centred sums per perpetrator.
    trend = np.full(groups, np.nan)
    if n:
        size = np.diff(np.append(group_first, n))
        earliest = np.minimum.reduceat(day, group_first)
        x = (day - earliest[group_of]).astype(np.float64)
        y = severity.astype(np.float64)
        dx = x - (np.add.reduceat(x, group_first) / size)[group_of]
        dy = y - (np.add.reduceat(y, group_first) / size)[group_of]
        sxx = np.add.reduceat(dx * dx, group_first)
        sxy = np.add.reduceat(dx * dy, group_first)
        spread = np.maximum.reduceat(day, group_first) > earliest
        trend[spread] = sxy[spread] / sxx[spread] * per_days

    # Scatter the per-group figures into one row per indexed perpetrator.
    rows = row[known]

    def per_case(values: np.ndarray, empty: Any, dtype: Any) -> np.ndarray:
        out = np.full(cases, empty, dtype=dtype)
        out[rows] = values[known]
        return out

    first_on = per_case(first_reoffence, 0, np.int64).astype("datetime64[D]")
    first_on[per_case(new_original + new_other, 0, np.int64) == 0] = np.datetime64("NaT")
    perpetrators = PerpetratorOutcomeTable(
        perpetrator_id=index_perpetrator,
        index_date=index_day.astype("datetime64[D]"),
        first_reoffence_on=first_on,
        first_reoffence_victim=per_case(first_victim, 0, np.int8),
        new_episodes_original_victim=per_case(new_original, 0, np.int64),
        new_episodes_new_victim=per_case(new_other, 0, np.int64),
        reported_incidents=per_case(reported, 0, np.int64),
        contacts_per_30_days_before=per_case(contacts_before, 0, np.int64) * per_days / frequency_window_days,
        contacts_per_30_days_after=per_case(contacts_after, 0, np.int64) * per_days / frequency_window_days,
        mean_severity_before=per_case(severity_before, np.nan, np.float64),
        mean_severity_after=per_case(severity_after, np.nan, np.float64),
        severity_trend=per_case(trend, np.nan, np.float64),
    )
    return CaseloadOutcomes(episodes=episodes, perpetrators=perpetrators)
