"""The dashboards' measures: plain rows in, tables out (pandas), no database.

Each measure returns a Table: row labels, column labels, whole-number cells
and totals, so the same table is shown on the unit's page, protected for the
programme office (suppression.protect) and exported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from masip.reporting.periods import Quarter
from masip.reporting.suppression import protect


@dataclass
class Table:
    title: str
    row_label: str
    columns: list[str]
    rows: list[tuple[str, list[int]]]
    notes: list[str] = field(default_factory=list)
    totals: bool = True  # False where rows overlap (one is part of another) and a total means nothing

    def as_display(self, *, suppressed: bool = False) -> dict:
        """Headers, rows and the totals row as text; suppressed for anything leaving the unit."""
        if not self.totals:
            if suppressed:
                raise ValueError("A table without totals is not published outside the unit")
            return {"title": self.title, "headers": [self.row_label, *self.columns],
                    "rows": [[label, *[f"{n:,}" for n in values]] for label, values in self.rows], "total": None,
                    "notes": self.notes}
        headers = [self.row_label, *self.columns, "Total"]
        if not self.rows:
            return {"title": self.title, "headers": headers, "rows": [], "total": None, "notes": self.notes}
        values = [v for _, v in self.rows]
        if suppressed:
            texts = protect(values).texts()
        else:
            full = [[*v, sum(v)] for v in values]
            totals = [sum(col) for col in zip(*full, strict=True)]
            texts = [[f"{n:,}" for n in row] for row in [*full, totals]]
        rows = [[label, *texts[i]] for i, (label, _) in enumerate(self.rows)]
        return {"title": self.title, "headers": headers, "rows": rows, "total": ["Total", *texts[-1]],
                "notes": self.notes}


def quarters_between(start: date, end: date) -> list[Quarter]:
    quarter, out = Quarter.containing(start), []
    while quarter.start <= end:
        out.append(quarter)
        quarter = quarter.next()
    return out


def _crosstab(frame: pd.DataFrame, row: str, column: str, columns: Sequence[str], row_order: Sequence[str],
              title: str, row_label: str, labels: dict[str, str] | None = None) -> Table:
    labels = labels or {}
    if frame.empty:
        counts = pd.DataFrame(0, index=list(row_order), columns=list(columns))
    else:
        # groupby().size() rather than pd.crosstab: the same counts, a fraction of the time.
        counts = (frame.groupby([row, column], sort=False).size().unstack(fill_value=0)
                  .reindex(index=list(row_order), columns=list(columns), fill_value=0))
    counts = counts.fillna(0).astype(int)
    rows = [(labels.get(k, k), [int(v) for v in counts.loc[k].tolist()]) for k in counts.index
            if counts.loc[k].sum() > 0]
    return Table(title=title, row_label=row_label, columns=[labels.get(c, c) for c in columns], rows=rows)


def referrals_by_source(rows: Iterable[dict], *, start: date, end: date, source_labels: dict[str, str]) -> Table:
    """Referrals received in the period, by the referring agency and quarter received."""
    quarters = quarters_between(start, end)
    frame = pd.DataFrame(list(rows), columns=["source", "received_on"])
    frame = frame[(frame.received_on >= start) & (frame.received_on <= end)]
    frame = frame.assign(quarter=[Quarter.containing(d).code for d in frame.received_on])
    return _crosstab(frame, "source", "quarter", [q.code for q in quarters], list(source_labels),
                     "Referrals by source and quarter received", "Source",
                     {**source_labels, **{q.code: q.label for q in quarters}})


def triage_outcomes(rows: Iterable[dict], *, start: date, end: date, outcome_labels: dict[str, str]) -> Table:
    """Referrals received in the period by where triage left them (the current decision)."""
    quarters = quarters_between(start, end)
    frame = pd.DataFrame(list(rows), columns=["status", "received_on"])
    frame = frame[(frame.received_on >= start) & (frame.received_on <= end)]
    frame = frame.assign(quarter=[Quarter.containing(d).code for d in frame.received_on])
    return _crosstab(frame, "status", "quarter", [q.code for q in quarters], list(outcome_labels),
                     "Triage outcomes by quarter received", "Outcome",
                     {**outcome_labels, **{q.code: q.label for q in quarters}})


TRIAGE_BANDS = [("same day", 0, 0), ("1 to 2 days", 1, 2), ("3 to 7 days", 3, 7), ("more than 7 days", 8, None)]


def time_to_triage(rows: Iterable[dict], *, start: date, end: date) -> Table:
    """Days from receipt to the first triage decision, for referrals received in the period, by quarter."""
    quarters = quarters_between(start, end)
    frame = pd.DataFrame(list(rows), columns=["received_on", "first_decided_on"])
    frame = frame[(frame.received_on >= start) & (frame.received_on <= end) & frame.first_decided_on.notna()]
    days = [(d - r).days for r, d in zip(frame.received_on, frame.first_decided_on, strict=True)]
    band_of = []
    for n in days:
        for label, low, high in TRIAGE_BANDS:
            if n >= low and (high is None or n <= high):
                band_of.append(label)
                break
    frame = frame.assign(band=band_of, quarter=[Quarter.containing(d).code for d in frame.received_on])
    table = _crosstab(frame, "band", "quarter", [q.code for q in quarters], [b[0] for b in TRIAGE_BANDS],
                      "Time from receipt to first triage decision", "Time to triage",
                      {q.code: q.label for q in quarters})
    if days:
        median = pd.Series(days).median()
        table.notes.append(f"Median time to triage: {median:g} day{'' if median == 1 else 's'} "
                           f"({len(days):,} referrals triaged).")
    return table


def open_cases_by_risk(rows: Iterable[dict], *, risk_labels: dict[int, str], lead_label: str = "Lead agency") -> Table:
    """Open cases now, by current risk and the lead officer's agency."""
    frame = pd.DataFrame(list(rows), columns=["risk_rank", "lead_agency"])
    frame = frame.assign(risk=[risk_labels.get(r, str(r)) for r in frame.risk_rank],
                         lead_agency=frame.lead_agency.fillna("No lead officer"))
    agencies = sorted(frame.lead_agency.unique().tolist())
    order = [risk_labels[k] for k in sorted(risk_labels, reverse=True)]
    return _crosstab(frame, "risk", "lead_agency", agencies, order, "Open cases by current risk and lead agency",
                     "Risk")


def by_partnership(rows: Iterable[dict], *, column: str, columns: Sequence[str], partnerships: Sequence[str],
                   title: str, labels: dict[str, str] | None = None) -> Table:
    """Partnerships side by side: one row each, counted by `column`."""
    frame = pd.DataFrame(list(rows), columns=["partnership", column])
    table = _crosstab(frame, "partnership", column, list(columns), list(partnerships), title, "Partnership", labels)
    present = {label for label, _ in table.rows}
    table.rows += [(p, [0] * len(columns)) for p in partnerships if p not in present]
    table.rows.sort(key=lambda row: row[0])
    return table


GOVUK_COLOURS = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#28a197", "#b58840", "#505a5f"]


def chart(table: Table) -> dict:
    """A stacked bar chart of a table (plotly's JSON): one bar per column, one colour per row."""
    data = [
        {"type": "bar", "name": label, "x": table.columns, "y": values,
         "marker": {"color": GOVUK_COLOURS[i % len(GOVUK_COLOURS)]}}
        for i, (label, values) in enumerate(table.rows)
    ]
    layout = {
        "barmode": "stack" if table.totals else "group", "height": 360, "margin": {"l": 50, "r": 10, "t": 70, "b": 40},
        "font": {"family": "arial, sans-serif", "size": 14, "color": "#0b0c0c"},
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff",
    }
    return {"data": data, "layout": layout}


def chart_description(table: Table) -> str:
    """The chart's text alternative: what it shows, and where the numbers are."""
    if not table.totals:
        return (f"Bar chart: {table.title.lower()}, side by side for each period. "
                "The figures are in the table that follows.")
    total = sum(sum(values) for _, values in table.rows)
    biggest = max(table.rows, key=lambda row: sum(row[1]))[0] if table.rows else ""
    return (f"Bar chart: {table.title.lower()}, {total:,} in all"
            f"{f'; the largest group is {biggest.lower()}' if biggest else ''}. The figures are in the table that follows.")


HARASSMENT = ("s2", "s4")
STALKING = ("s2a", "s4a")


def classification_corrections(rows: Iterable[dict], *, start: date, end: date) -> Table:
    """Referrals recorded as harassment (s.2, s.4), and how many triage found to be stalking (s.2A, s.4A).

    The report found about a third of London's harassment records were stalking; the comparison
    areas' data are weak for the same reason (DOMAIN.md, "The evaluation").
    """
    quarters = quarters_between(start, end)
    recorded = {q.code: 0 for q in quarters}
    corrected = {q.code: 0 for q in quarters}
    for r in rows:
        if not (start <= r["received_on"] <= end) or r.get("recorded_offence") not in HARASSMENT:
            continue
        code = Quarter.containing(r["received_on"]).code
        recorded[code] += 1
        if r.get("current_offence") in STALKING:
            corrected[code] += 1
    table = Table(
        title="Harassment recorded, stalking found at triage", row_label="Referrals",
        columns=[q.label for q in quarters],
        rows=[("Recorded as harassment", list(recorded.values())),
              ("of which triage found stalking", list(corrected.values()))],
        totals=False,
    )
    total_recorded, total_corrected = sum(recorded.values()), sum(corrected.values())
    if total_recorded:
        table.notes.append(f"{total_corrected / total_recorded:.0%} of referrals recorded as harassment were "
                           "found to be stalking.")
    return table


def open_cases_by_stalker_type(rows: Iterable[dict], *, type_labels: dict[str, str]) -> Table:
    """Open cases by the SRP stalker type (Mullen, Pathé and Purcell), 'not yet typed' where none is recorded."""
    frame = pd.DataFrame(list(rows), columns=["stalker_type"])
    frame = frame.assign(kind=[t or "" for t in frame.stalker_type], all="Open cases")
    labels = {**type_labels, "": "Not yet typed"}
    return _crosstab(frame, "kind", "all", ["Open cases"], [*type_labels, ""], "Open cases by stalker type",
                     "Stalker type", labels)


# -- the casework's measures: actions, meetings, interventions, justice, re-review ------------------

ACTION_OUTCOMES = {"on_time": "On time", "late": "Late", "overdue": "Overdue (still open)"}


def actions_on_time(rows: Iterable[dict], *, start: date, end: date, today: date) -> Table:
    """Actions that fell due in the period, by the owning agency: done on time, done late, or still open.

    Rows carry the action's status, due date and completion date; the outcome is the meetings
    context's own rule (meetings.action_rules.completion_outcome), given by the selector.
    """
    frame = pd.DataFrame(list(rows), columns=["agency", "outcome", "due_on"])
    frame = frame[(frame.due_on >= start) & (frame.due_on <= min(end, today)) & frame.outcome.isin(ACTION_OUTCOMES)]
    agencies = sorted(frame.agency.unique().tolist())
    table = _crosstab(frame, "agency", "outcome", list(ACTION_OUTCOMES), agencies,
                      "Meeting actions that fell due, by owning agency", "Agency", ACTION_OUTCOMES)
    due = len(frame)
    if due:
        on_time = int((frame.outcome == "on_time").sum())
        table.notes.append(f"{on_time / due:.0%} of the {due:,} actions that fell due were done on time.")
    return table


ATTENDANCE = {"present": "Present", "apologies": "Apologies"}


def attendance_by_agency(rows: Iterable[dict], *, meetings_held: int) -> Table:
    """Who came to the meetings held in the period: present and apologies, by agency."""
    frame = pd.DataFrame(list(rows), columns=["agency", "status"])
    agencies = sorted(frame.agency.unique().tolist())
    table = _crosstab(frame, "agency", "status", list(ATTENDANCE), agencies,
                      "Meeting attendance by agency", "Agency", ATTENDANCE)
    table.notes.append(f"{meetings_held:,} meeting{'' if meetings_held == 1 else 's'} held in the period.")
    return table


NOT_RECORDED = "Not recorded"


def interventions_by_engagement(rows: Iterable[dict], *, start: date, end: date,
                                engagement_labels: dict[str, str]) -> Table:
    """Interventions started in the period, by type (and mode), and how the person engaged."""
    frame = pd.DataFrame(list(rows), columns=["type", "engagement", "started_on"])
    frame = frame[(frame.started_on >= start) & (frame.started_on <= end)]
    frame = frame.assign(engagement=[e or "" for e in frame.engagement])
    labels = {**engagement_labels, "": NOT_RECORDED}
    types = sorted(frame.type.unique().tolist())
    return _crosstab(frame, "type", "engagement", [*engagement_labels, ""], types,
                     "Interventions started, by type and engagement", "Intervention", labels)


OFFENCE_COLUMNS = {"s2": "s.2", "s2a": "s.2A", "s4": "s.4", "s4a": "s.4A", "other": "Other"}


def justice_outcomes(rows: Iterable[dict], *, start: date, end: date, kind_labels: dict[str, str]) -> Table:
    """Criminal-justice events in the period by the Protection from Harassment Act section.

    The note gives the share of stalking charges brought under s.4A (fear of violence or
    serious alarm or distress) rather than s.2A - a figure the evaluation watches.
    """
    frame = pd.DataFrame(list(rows), columns=["kind", "offence", "occurred_on"])
    frame = frame[(frame.occurred_on >= start) & (frame.occurred_on <= end)]
    table = _crosstab(frame, "kind", "offence", list(OFFENCE_COLUMNS), list(kind_labels),
                      "Criminal-justice outcomes by offence", "Event", {**kind_labels, **OFFENCE_COLUMNS})
    charges = frame[frame.kind == "charge"]
    stalking = int(charges.offence.isin(["s2a", "s4a"]).sum())
    if stalking:
        s4a = int((charges.offence == "s4a").sum())
        table.notes.append(f"Stalking charges: {s4a:,} of {stalking:,} ({s4a / stalking:.0%}) under s.4A, "
                           f"{stalking - s4a:,} under s.2A.")
    return table


ORDER_ROWS = {
    "restraining_order:conviction": "Restraining order on conviction (s.5)",
    "restraining_order:acquittal": "Restraining order on acquittal (s.5A)",
    "restraining_order:": "Restraining order",
    "spo:interim": "Interim Stalking Protection Order",
    "spo:full": "Stalking Protection Order",
    "bail:": "Bail conditions",
}
ORDER_DECISIONS = {"granted": "Granted", "refused": "Refused"}


def order_row(kind: str, *, basis: str = "", interim: bool = False) -> str:
    """The dashboard's row for an order: restraining orders by basis, SPOs interim or full."""
    if kind == "spo":
        return "spo:interim" if interim else "spo:full"
    return f"{kind}:{basis if kind == 'restraining_order' else ''}"


def orders_decided(rows: Iterable[dict], *, start: date, end: date) -> Table:
    """Protective orders decided in the period: granted or refused, by kind."""
    frame = pd.DataFrame(list(rows), columns=["row", "status", "decided_on"])
    frame = frame[frame.decided_on.notna()]
    frame = frame[(frame.decided_on >= start) & (frame.decided_on <= end)]
    return _crosstab(frame, "row", "status", list(ORDER_DECISIONS), list(ORDER_ROWS),
                     "Protective orders decided", "Order", {**ORDER_ROWS, **ORDER_DECISIONS})


BACKLOG_BANDS = [("under 7 days", 0, 6), ("7 to 28 days", 7, 28), ("over 28 days", 29, None)]


def rereview_backlog(rows: Iterable[dict], *, today: date, kind_labels: dict[str, str]) -> Table:
    """Re-review triggers still waiting on open cases today, by what raised them and how long they have waited."""
    frame = pd.DataFrame(list(rows), columns=["kind", "raised_on"])
    waited = [(today - d).days for d in frame.raised_on]
    bands = []
    for days in (max(w, 0) for w in waited):
        bands.append(next(label for label, low, high in BACKLOG_BANDS if days >= low and (high is None or days <= high)))
    frame = frame.assign(band=bands)
    table = _crosstab(frame, "kind", "band", [b[0] for b in BACKLOG_BANDS], list(kind_labels),
                      "Re-review backlog today, by trigger and time waiting", "Trigger", kind_labels)
    if waited:
        table.notes.append(f"Longest wait: {max(waited):,} day{'' if max(waited) == 1 else 's'}.")
    return table
