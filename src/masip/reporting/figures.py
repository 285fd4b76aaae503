"""The quarterly return's figures, computed from plain rows (no database).

Each figure counts records as they stood at the end of the quarter: a row
recorded after the quarter's cutoff is left out, so a record added later for
an earlier date does not change the return unless it is filed again (and then
the differences are listed). Definitions are shown beside each figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from masip.reporting.periods import Quarter

REFERRALS = "referrals"
VICTIMS_SUPPORTED = "victims_supported"
DIRECT_INTERVENTIONS = "direct_interventions"
PEOPLE_TRAINED = "people_trained"
FIGURES = (REFERRALS, VICTIMS_SUPPORTED, DIRECT_INTERVENTIONS, PEOPLE_TRAINED)

LABELS = {
    REFERRALS: "Referrals",
    VICTIMS_SUPPORTED: "Victims supported by an advocate",
    DIRECT_INTERVENTIONS: "Direct interventions with perpetrators",
    PEOPLE_TRAINED: "People trained",
}

DEFINITIONS = {
    REFERRALS: (
        "Referrals received in the quarter (by date received), whatever their triage outcome, including "
        "referrals that joined an existing case. Recorded by the end of the quarter."
    ),
    VICTIMS_SUPPORTED: (
        "Victims with an advocate's support accepted and running at some time in the quarter (accepted "
        "on or before its last day, not ended before its first). Each victim counts once, however many "
        "cases they are in."
    ),
    DIRECT_INTERVENTIONS: (
        "Perpetrators with a direct intervention (delivered by the unit's own staff) under way at some "
        "time in the quarter: started on or before its last day and not ended before its first. Each "
        "perpetrator counts once. Indirect interventions (advice, referrals elsewhere) are not counted."
    ),
    PEOPLE_TRAINED: (
        "People trained by the unit (outward training) at events held in the quarter. Where an event's "
        "count is approximate, the total is a lower bound and is shown as '>N'."
    ),
}

NOT_REPORTED = "not reported"


@dataclass(frozen=True)
class ReferralRow:
    id: int
    reference: str
    received_on: date
    recorded_at: datetime


@dataclass(frozen=True)
class SupportRow:
    id: int
    victim_id: int
    accepted_on: date | None
    ended_on: date | None
    recorded_at: datetime
    label: str = ""


@dataclass(frozen=True)
class InterventionRow:
    id: int
    perpetrator_key: str  # the same perpetrator across cases counts once
    direct: bool
    start_on: date | None
    end_on: date | None
    recorded_at: datetime
    label: str = ""


@dataclass(frozen=True)
class TrainingRow:
    id: int
    outward: bool
    held_on: date
    number: int
    lower_bound: bool
    recorded_at: datetime
    label: str = ""


@dataclass
class Figure:
    value: int | None
    reported: bool = True
    lower_bound: bool = False
    note: str = ""
    record_ids: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "reported": self.reported, "lower_bound": self.lower_bound, "note": self.note}


def display(figure: Mapping[str, Any]) -> str:
    """A figure as a reader sees it: '1,193', '>930' or 'not reported'."""
    if not figure.get("reported", True) or figure.get("value") is None:
        return NOT_REPORTED
    return f"{'>' if figure.get('lower_bound') else ''}{figure['value']:,}"


def _running(start: date | None, end: date | None, quarter: Quarter) -> bool:
    return start is not None and start <= quarter.end and (end is None or end >= quarter.start)


def referrals(rows: Iterable[ReferralRow], quarter: Quarter, cutoff: datetime) -> Figure:
    ids = [r.id for r in rows if quarter.contains(r.received_on) and r.recorded_at < cutoff]
    return Figure(len(ids), record_ids=ids)


def victims_supported(rows: Iterable[SupportRow], quarter: Quarter, cutoff: datetime) -> Figure:
    victims: dict[int, int] = {}
    for r in rows:
        if r.recorded_at < cutoff and _running(r.accepted_on, r.ended_on, quarter):
            victims.setdefault(r.victim_id, r.id)
    return Figure(len(victims), record_ids=sorted(victims.values()))


def direct_interventions(rows: Iterable[InterventionRow], quarter: Quarter, cutoff: datetime) -> Figure:
    perpetrators: dict[str, int] = {}
    for r in rows:
        if r.direct and r.recorded_at < cutoff and _running(r.start_on, r.end_on, quarter):
            perpetrators.setdefault(r.perpetrator_key, r.id)
    return Figure(len(perpetrators), record_ids=sorted(perpetrators.values()))


def people_trained(rows: Iterable[TrainingRow], quarter: Quarter, cutoff: datetime) -> Figure:
    counted = [r for r in rows if r.outward and quarter.contains(r.held_on) and r.recorded_at < cutoff]
    return Figure(
        sum(r.number for r in counted),
        lower_bound=any(r.lower_bound for r in counted),
        record_ids=[r.id for r in counted],
    )


@dataclass(frozen=True)
class Basis:
    collected: bool = True
    note: str = ""


def partnership_return(
    *,
    quarter: Quarter,
    cutoff: datetime,
    referral_rows: Iterable[ReferralRow],
    support_rows: Iterable[SupportRow],
    intervention_rows: Iterable[InterventionRow],
    training_rows: Iterable[TrainingRow],
    bases: Mapping[str, Basis] | None = None,
) -> dict[str, Figure]:
    """The four figures for one partnership; a figure it does not collect is not reported (not zero)."""
    bases = bases or {}
    computed = {
        REFERRALS: referrals(referral_rows, quarter, cutoff),
        VICTIMS_SUPPORTED: victims_supported(support_rows, quarter, cutoff),
        DIRECT_INTERVENTIONS: direct_interventions(intervention_rows, quarter, cutoff),
        PEOPLE_TRAINED: people_trained(training_rows, quarter, cutoff),
    }
    for code, figure in computed.items():
        basis = bases.get(code, Basis())
        figure.note = basis.note
        if not basis.collected:
            computed[code] = Figure(None, reported=False, note=basis.note or "Not collected by this partnership")
    return computed


def programme_return(by_partnership: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> dict[str, Figure]:
    """The programme's figures: the sum of the partnerships' reported figures, saying who is missing."""
    out = {}
    for code in FIGURES:
        parts = {name: figs[code] for name, figs in by_partnership.items()}
        reported = {n: f for n, f in parts.items() if f.get("reported", True) and f.get("value") is not None}
        missing = sorted(set(parts) - set(reported))
        if not reported:
            out[code] = Figure(None, reported=False, note="Not reported by any partnership")
            continue
        note = f"Excludes {', '.join(missing)} (not reported)" if missing else ""
        out[code] = Figure(
            sum(f["value"] for f in reported.values()),
            lower_bound=bool(missing) or any(f.get("lower_bound") for f in reported.values()),
            note=note,
        )
    return out


def as_json(figures: Mapping[str, Figure]) -> dict[str, dict[str, Any]]:
    return {code: figures[code].as_json() for code in FIGURES if code in figures}


def differences(filed: Mapping[str, Mapping[str, Any]], now: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, str, str]]:
    """(figure label, as filed, as computed now) for each figure that has changed since filing."""
    out = []
    for code in FIGURES:
        before = display(filed.get(code, {"reported": False, "value": None}))
        after = display(now.get(code, {"reported": False, "value": None}))
        if before != after:
            out.append((LABELS[code], before, after))
    return out
