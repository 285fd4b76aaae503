"""Pseudonymisation of the evaluation extract: pure functions over pandas frames.

No Django here. `extract.py` reads the database into raw frames (record ids,
dates, codes) and hands them to `pseudonymise_table` with a `TableSpec`; what
leaves is only what the spec names, so a column the reader happens to bring
along (a name, a summary, a note) cannot reach the evaluator.

Keyed pseudonyms
    HMAC-SHA-256 of (evaluation id, record kind, record id) under a key held
    outside the database (settings.MASIP_EVALUATION_KEY, from the deployment's
    environment). The same record gets the same pseudonym in every extract of
    one evaluation, so extracts taken months apart can be joined; two
    evaluations get unrelated pseudonyms, so their data cannot be linked
    without the key (ICO, "Anonymisation, pseudonymisation and privacy
    enhancing technologies guidance", ch. 3: keyed hashing).

Dates
    Shifted by a whole number of days per *shift unit*, drawn from the same
    keyed hash: every date of one case's perpetrator moves by the same amount,
    so intervals within a case (days to re-offence, time in custody, before and
    after an intervention) are exact while the calendar day is hidden. An
    analysis that needs real calendar time (the interrupted time series of H1
    and H2) gets the true *month* in a separate column, never the day.

Dates of birth
    Only an age band at a reference date leaves the database.

k-anonymity
    The quasi-identifiers (area, age band, sex, ethnicity when recorded,
    stalker type) of the persons table are checked for combinations shared by
    fewer than k people (k = 5). Offending columns are coarsened one level at
    a time along fixed hierarchies, the column whose coarsening leaves fewest
    people in small groups first; if every column is at its coarsest and a
    small group remains (or the caller asked for refusal instead of
    coarsening) the extract is refused with the reason.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

K_ANONYMITY = 5
# Dates move by up to this many days either way (never by zero, so no date is left as it was).
MAX_SHIFT_DAYS = 45
SUPPRESSED = "*"
NOT_RECORDED = "not_recorded"


class ExtractRefused(Exception):
    """The extract cannot be released; the message says why, in words an evaluator can act on."""


# -- keyed pseudonyms and date shifts -------------------------------------------------


def _mac(key: bytes, evaluation_id: str, purpose: str, kind: str, record_id: object) -> bytes:
    if not key:
        raise ValueError("A pseudonymisation key is required (MASIP_EVALUATION_KEY).")
    message = "\x1f".join((str(evaluation_id), purpose, kind, str(record_id))).encode()
    return hmac.new(key, message, hashlib.sha256).digest()


def pseudonym(key: bytes, evaluation_id: str, kind: str, record_id: object) -> str:
    """The pseudonym of one record: kind's initial and 20 hex digits (80 bits) of HMAC-SHA-256."""
    return f"{kind[:1].upper()}{_mac(key, evaluation_id, 'id', kind, record_id).hex()[:20]}"


def shift_days(key: bytes, evaluation_id: str, unit: object, *, max_days: int = MAX_SHIFT_DAYS) -> int:
    """Days to move every date of one shift unit by: in [-max_days, max_days], never 0."""
    value = int.from_bytes(_mac(key, evaluation_id, "shift", "unit", unit)[:8], "big")
    magnitude = value % max_days + 1
    return magnitude if (value >> 32) & 1 else -magnitude


# -- age bands -----------------------------------------------------------------------

# The bands of people.AgeRange, so a stated range and a date of birth land in the same band.
AGE_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 17, "under_18"),
    (18, 24, "18_24"),
    (25, 34, "25_34"),
    (35, 44, "35_44"),
    (45, 54, "45_54"),
    (55, 64, "55_64"),
    (65, 200, "65_plus"),
)


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_band(born: date | None, on: date, *, stated: str = "") -> str:
    """The age band at `on` from a date of birth, else the band recorded, else not recorded."""
    if born is None:
        return stated or NOT_RECORDED
    age = age_on(born, on)
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return NOT_RECORDED  # born after `on`: a data error, not an age


# -- coarsening hierarchies for the quasi-identifiers ----------------------------------

_WIDE_AGE = {
    "under_18": "under_18",
    "18_24": "18_34",
    "25_34": "18_34",
    "35_44": "35_54",
    "45_54": "35_54",
    "55_64": "55_plus",
    "65_plus": "55_plus",
}


def _area_to_partnership(value: str) -> str:
    return value.split("/", 1)[0]


def _wide_age(value: str) -> str:
    return _WIDE_AGE.get(value, value)


def _suppress(value: str) -> str:
    return SUPPRESSED


# Each column's steps from fine to coarse; applying step i maps level i-1 values to level i.
HIERARCHIES: dict[str, tuple[Callable[[str], str], ...]] = {
    "area": (_area_to_partnership, _suppress),  # "partnership/area" -> partnership -> *
    "age_band": (_wide_age, _suppress),
    "sex": (_suppress,),
    "ethnicity": (_suppress,),
    "stalker_type": (_suppress,),
}
QUASI_IDENTIFIERS = ("area", "age_band", "sex", "ethnicity", "stalker_type")


def small_groups(frame: pd.DataFrame, columns: Sequence[str], *, k: int = K_ANONYMITY) -> pd.DataFrame:
    """Combinations of `columns` shared by fewer than k rows, with their counts."""
    if frame.empty:
        return pd.DataFrame(columns=[*columns, "count"])
    counts = frame.groupby(list(columns), dropna=False, observed=True).size().rename("count").reset_index()
    return counts[counts["count"] < k].reset_index(drop=True)


def _rows_in_small_groups(frame: pd.DataFrame, columns: Sequence[str], k: int) -> int:
    return int(small_groups(frame, columns, k=k)["count"].sum())


@dataclass
class KAnonymityReport:
    k: int
    columns: tuple[str, ...]
    levels: dict[str, int] = field(default_factory=dict)  # column -> coarsening steps applied
    rows_in_small_groups_before: int = 0

    @property
    def coarsened(self) -> dict[str, int]:
        return {c: n for c, n in self.levels.items() if n}

    def describe(self) -> str:
        if not self.coarsened:
            return f"Every combination of {', '.join(self.columns)} is shared by at least {self.k} people."
        steps = ", ".join(f"{c} ({'suppressed' if _is_suppressed(c, n) else 'coarsened'})" for c, n in self.coarsened.items())
        return (
            f"{self.rows_in_small_groups_before} people were in groups smaller than {self.k}; "
            f"to release the extract these columns were generalised: {steps}."
        )


def _is_suppressed(column: str, level: int) -> bool:
    return level >= len(HIERARCHIES[column])


def apply_levels(frame: pd.DataFrame, levels: Mapping[str, int]) -> pd.DataFrame:
    """The frame with each quasi-identifier column generalised to the given level."""
    out = frame.copy()
    for column, level in levels.items():
        if column not in out.columns:
            continue
        for step in HIERARCHIES[column][:level]:
            out[column] = out[column].map(step)
    return out


def enforce_k_anonymity(
    frame: pd.DataFrame,
    *,
    columns: Sequence[str] = QUASI_IDENTIFIERS,
    k: int = K_ANONYMITY,
    coarsen: bool = True,
) -> tuple[pd.DataFrame, KAnonymityReport]:
    """Generalise quasi-identifier columns until every combination has k rows, or refuse.

    Returns the generalised frame and a report of what was done. Raises
    ExtractRefused when `coarsen` is False and a small group exists, or when
    no further coarsening is possible and one still does.
    """
    present = tuple(c for c in columns if c in frame.columns)
    report = KAnonymityReport(k=k, columns=present, levels={c: 0 for c in present})
    report.rows_in_small_groups_before = _rows_in_small_groups(frame, present, k) if present else 0
    if not present or report.rows_in_small_groups_before == 0:
        return frame, report
    if not coarsen:
        groups = small_groups(frame, present, k=k)
        raise ExtractRefused(
            f"{len(groups)} combinations of {', '.join(present)} are shared by fewer than {k} people "
            f"({report.rows_in_small_groups_before} people in all). Ask for coarsening, or narrow the columns."
        )
    current = frame
    while True:
        remaining = _rows_in_small_groups(current, present, k)
        if remaining == 0:
            return current, report
        candidates = []
        for order, column in enumerate(present):
            level = report.levels[column]
            if level >= len(HIERARCHIES[column]):
                continue
            trial = apply_levels(frame, {**report.levels, column: level + 1})
            candidates.append((_rows_in_small_groups(trial, present, k), order, column, trial))
        if not candidates:
            raise ExtractRefused(
                f"Even with every quasi-identifier ({', '.join(present)}) fully generalised, "
                f"{remaining} people remain in a group smaller than {k}: too few people to release."
            )
        _, _, column, current = min(candidates, key=lambda c: (c[0], c[1]))
        report.levels[column] += 1


# -- table specifications and the transform ----------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of an extract table and where it comes from.

    kind:
      pseudonym  - the source holds a record id; out goes the keyed pseudonym of `record_kind`
      date       - a date shifted by the row's shift unit's offset
      month      - a true calendar month (YYYY-MM) of a date, for time series
      value      - a code, number or flag, copied as it is (never free text)
    """

    name: str
    kind: str
    source: str  # "app_label.Model.field" for the data dictionary, or a derivation
    description: str = ""
    record_kind: str = ""  # for pseudonyms: person, case, referral, ...
    raw: str = ""  # the raw frame's column; defaults to name


@dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    columns: tuple[Column, ...]
    shift_unit: str = ""  # raw column whose value names the shift unit for date columns

    def raw_column(self, column: Column) -> str:
        return column.raw or column.name


def pseudonymise_table(
    raw: pd.DataFrame, spec: TableSpec, *, key: bytes, evaluation_id: str
) -> pd.DataFrame:
    """The released form of one table: only the spec's columns, ids replaced, dates shifted."""
    out: dict[str, object] = {}
    needs_shift = any(c.kind == "date" for c in spec.columns)
    if needs_shift:
        if not spec.shift_unit:
            raise ValueError(f"{spec.name}: date columns need a shift unit")
        units = raw[spec.shift_unit].tolist() if len(raw) else []
        cache: dict[object, int] = {}
        offsets = np.array(
            [cache.setdefault(u, shift_days(key, evaluation_id, u)) for u in units], dtype="int64"
        )
    for column in spec.columns:
        values = raw[spec.raw_column(column)] if len(raw) else pd.Series([], dtype=object)
        if column.kind == "pseudonym":
            out[column.name] = [
                None if _missing(v) else pseudonym(key, evaluation_id, column.record_kind, _as_id(v))
                for v in values.tolist()
            ]
        elif column.kind == "date":
            days = pd.to_datetime(values, errors="coerce")
            out[column.name] = (days + pd.to_timedelta(offsets, unit="D")).dt.date if len(raw) else []
        elif column.kind == "month":
            days = pd.to_datetime(values, errors="coerce")
            out[column.name] = days.dt.strftime("%Y-%m").where(days.notna(), None) if len(raw) else []
        elif column.kind == "value":
            out[column.name] = values.tolist()
        else:
            raise ValueError(f"unknown column kind {column.kind!r}")
    frame = pd.DataFrame(out, columns=[c.name for c in spec.columns])
    for column in spec.columns:
        if column.kind == "date":
            frame[column.name] = frame[column.name].astype("object").where(frame[column.name].notna(), None)
    return frame


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


def _as_id(value: object) -> object:
    # Ids arrive as ints, or as floats when a nullable column went through pandas.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, np.integer):
        return int(value)
    return value
