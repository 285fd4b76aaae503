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
    # A rate table: this column's share of each row's total is shown after the total, and the chart
    # has one bar per row (a stack of the columns) rather than one per column.
    rate_of: int | None = None
    total_label: str = "Total"

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
        if self.rate_of is not None:
            headers.append("Rate")
            texts = [[*line, _rate(line[self.rate_of], line[-1])] for line in texts]
        rows = [[label, *texts[i]] for i, (label, _) in enumerate(self.rows)]
        return {"title": self.title, "headers": headers, "rows": rows, "total": [self.total_label, *texts[-1]],
                "notes": self.notes}


def _rate(part: str, whole: str) -> str:
    """A share of two shown counts; where either is withheld, so is the share (it would give it away)."""
    part_n, whole_n = part.replace(",", ""), whole.replace(",", "")
    if not (part_n.isdigit() and whole_n.isdigit()):
        return "not shown"
    return f"{int(part_n) / int(whole_n):.0%}" if int(whole_n) else "-"


def quarters_between(start: date, end: date) -> list[Quarter]:
    quarter, out = Quarter.containing(start), []
    while quarter.start <= end:
        out.append(quarter)
        quarter = quarter.next()
    return out


def _frame(rows: Iterable[dict], columns: Sequence[str]) -> pd.DataFrame:
    """Rows as a frame with a weight `n`: a row is one record, or (from an aggregating selector) `n` alike."""
    frame = pd.DataFrame(list(rows), columns=[*columns, "n"])
    return frame.assign(n=frame.n.fillna(1).astype(int))


def _crosstab(frame: pd.DataFrame, row: str, column: str, columns: Sequence[str], row_order: Sequence[str],
              title: str, row_label: str, labels: dict[str, str] | None = None) -> Table:
    labels = labels or {}
    if frame.empty:
        counts = pd.DataFrame(0, index=list(row_order), columns=list(columns))
    else:
        # groupby() rather than pd.crosstab: the same counts, a fraction of the time.
        grouped = frame.groupby([row, column], sort=False)
        sizes = grouped["n"].sum() if "n" in frame.columns else grouped.size()
        counts = (sizes.unstack(fill_value=0)
                  .reindex(index=list(row_order), columns=list(columns), fill_value=0))
    counts = counts.fillna(0).astype(int)
    rows = [(labels.get(k, k), [int(v) for v in counts.loc[k].tolist()]) for k in counts.index
            if counts.loc[k].sum() > 0]
    return Table(title=title, row_label=row_label, columns=[labels.get(c, c) for c in columns], rows=rows)


def referrals_by_source(rows: Iterable[dict], *, start: date, end: date, source_labels: dict[str, str]) -> Table:
    """Referrals received in the period, by the referring agency and quarter received."""
    quarters = quarters_between(start, end)
    frame = _frame(rows, ["source", "received_on"])
    frame = frame[(frame.received_on >= start) & (frame.received_on <= end)]
    frame = frame.assign(quarter=[Quarter.containing(d).code for d in frame.received_on])
    return _crosstab(frame, "source", "quarter", [q.code for q in quarters], list(source_labels),
                     "Referrals by source and quarter received", "Source",
                     {**source_labels, **{q.code: q.label for q in quarters}})


def triage_outcomes(rows: Iterable[dict], *, start: date, end: date, outcome_labels: dict[str, str]) -> Table:
    """Referrals received in the period by where triage left them (the current decision)."""
    quarters = quarters_between(start, end)
    frame = _frame(rows, ["status", "received_on"])
    frame = frame[(frame.received_on >= start) & (frame.received_on <= end)]
    frame = frame.assign(quarter=[Quarter.containing(d).code for d in frame.received_on])
    return _crosstab(frame, "status", "quarter", [q.code for q in quarters], list(outcome_labels),
                     "Triage outcomes by quarter received", "Outcome",
                     {**outcome_labels, **{q.code: q.label for q in quarters}})


TRIAGE_BANDS = [("same day", 0, 0), ("1 to 2 days", 1, 2), ("3 to 7 days", 3, 7), ("more than 7 days", 8, None)]


def time_to_triage(rows: Iterable[dict], *, start: date, end: date) -> Table:
    """Days from receipt to the first triage decision, for referrals received in the period, by quarter."""
    quarters = quarters_between(start, end)
    frame = _frame(rows, ["received_on", "first_decided_on"])
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
        weighted = pd.Series(days).repeat(frame.n.tolist())
        median = weighted.median()
        table.notes.append(f"Median time to triage: {median:g} day{'' if median == 1 else 's'} "
                           f"({len(weighted):,} referrals triaged).")
    return table


def open_cases_by_risk(rows: Iterable[dict], *, risk_labels: dict[int, str], lead_label: str = "Lead agency") -> Table:
    """Open cases now, by current risk and the lead officer's agency."""
    frame = _frame(rows, ["risk_rank", "lead_agency"])
    frame = frame.assign(risk=[risk_labels.get(r, str(r)) for r in frame.risk_rank],
                         lead_agency=frame.lead_agency.fillna("No lead officer"))
    agencies = sorted(frame.lead_agency.unique().tolist())
    order = [risk_labels[k] for k in sorted(risk_labels, reverse=True)]
    return _crosstab(frame, "risk", "lead_agency", agencies, order, "Open cases by current risk and lead agency",
                     "Risk")


def by_partnership(rows: Iterable[dict], *, column: str, columns: Sequence[str], partnerships: Sequence[str],
                   title: str, labels: dict[str, str] | None = None) -> Table:
    """Partnerships side by side: one row each, counted by `column`."""
    frame = _frame(rows, ["partnership", column])
    table = _crosstab(frame, "partnership", column, list(columns), list(partnerships), title, "Partnership", labels)
    present = {label for label, _ in table.rows}
    table.rows += [(p, [0] * len(columns)) for p in partnerships if p not in present]
    table.rows.sort(key=lambda row: row[0])
    return table


GOVUK_COLOURS = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#28a197", "#b58840", "#505a5f"]


def chart(table: Table) -> dict:
    """A stacked bar chart of a table (plotly's JSON): one bar per column, one colour per row
    (a rate table: one bar per row, one colour per column)."""
    if table.rate_of is not None:
        labels = [label for label, _ in table.rows]
        data = [  # horizontal: the row labels (intervention names) are long
            {"type": "bar", "orientation": "h", "name": column, "y": labels, "x": [values[j] for _, values in table.rows],
             "marker": {"color": GOVUK_COLOURS[j % len(GOVUK_COLOURS)]}}
            for j, column in enumerate(table.columns)
        ]
    else:
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
    if table.rate_of is not None:  # bars named by rows, whose labels can be long: room for them below
        layout.update(height=140 + 40 * len(table.rows), yaxis={"automargin": True, "autorange": "reversed"})
    return {"data": data, "layout": layout}


def chart_description(table: Table) -> str:
    """The chart's text alternative: what it shows, and where the numbers are."""
    if table.rate_of is not None:
        return (f"Bar chart: {table.title.lower()}, one bar for each {table.row_label.lower()}, split into "
                f"{' and '.join(c.lower() for c in table.columns)}. The figures and rates are in the table that follows.")
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
        recorded[code] += r.get("n", 1)
        if r.get("current_offence") in STALKING:
            corrected[code] += r.get("n", 1)
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
    frame = _frame(rows, ["stalker_type"])
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
    frame = _frame(rows, ["kind", "raised_on"])
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


# -- re-offending and episodes ---------------------------------------------------------------------

REOFFENDED, NOT_REOFFENDED = "reoffended", "not_reoffended"
REOFFENDING_COLUMNS = {REOFFENDED: "New episode after acceptance", NOT_REOFFENDED: "No new episode"}
NO_INTERVENTION = "None"
DIRECT, INDIRECT_ONLY = "Direct intervention", "Indirect only"


def reoffending_definition(gap_days: int) -> str:
    return (
        "Re-offending (the research definition): the perpetrator began a new stalking episode after the day the "
        f"unit accepted the case and no later than the end of the period, with an original victim or a new one. "
        f"An episode ends when the perpetrator has had no contact with the victim for more than {gap_days} days; "
        "the stalking the unit took on, however long it goes on, is not re-offending. Contacts are the incidents "
        "recorded on the perpetrator's cases in the partnership and those their referrals reported. The "
        "caseload is every case open at any time in the period; the rate is the share of its cases with a new "
        "episode."
    )


def _reoffending_frame(rows: Iterable[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=["partnership", "stalker_type", "interventions", "direct", "new_episodes"])
    return frame.assign(outcome=[REOFFENDED if n > 0 else NOT_REOFFENDED for n in frame.new_episodes],
                        stalker_type=[t or "" for t in frame.stalker_type],
                        mode=[DIRECT if d is True else (INDIRECT_ONLY if len(i) else NO_INTERVENTION)
                              for d, i in zip(frame.direct, frame.interventions, strict=True)])


def _reoffending_notes(frame: pd.DataFrame, gap_days: int) -> list[str]:
    notes = []
    if len(frame):
        reoffended = int((frame.outcome == REOFFENDED).sum())
        notes.append(f"{reoffended:,} of the {len(frame):,} cases in the caseload ({reoffended / len(frame):.0%}) began "
                     f"a new episode after acceptance: {int(frame.new_episodes.sum()):,} new episodes in all.")
    return [*notes, reoffending_definition(gap_days)]


def reoffending_by_stalker_type(rows: Iterable[dict], *, type_labels: dict[str, str], gap_days: int) -> Table:
    """Cases in the caseload by stalker type (the latest signed-off assessment that gave one), with and without a
    new stalking episode after acceptance, and the rate. Rows carry the case's `new_episodes`, from the
    monitoring context's episode functions."""
    frame = _reoffending_frame(rows)
    table = _crosstab(frame, "stalker_type", "outcome", list(REOFFENDING_COLUMNS), [*type_labels, ""],
                      "Re-offending by stalker type", "Stalker type",
                      {**type_labels, "": "Not yet typed", **REOFFENDING_COLUMNS})
    table.rate_of, table.notes = 0, [
        *_reoffending_notes(frame, gap_days),
        "Stalker type: from the latest signed-off assessment that recorded one; 'not yet typed' where none has.",
    ]
    return table


def _by_intervention(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per case and intervention type it received (or 'None'): a case with several is under each."""
    frame = frame.assign(intervention=[list(i) or [NO_INTERVENTION] for i in frame.interventions])
    return frame.explode("intervention")


def _intervention_order(frame: pd.DataFrame) -> list[str]:
    names = sorted(set(frame.intervention) - {NO_INTERVENTION})
    return [*names, NO_INTERVENTION]


INTERVENTION_NOTE = ("Interventions: every type recorded with the perpetrator on the case and not declined, "
                     "started by the end of the period (or with no start date); a case that received several types is counted under each, so the "
                     "total row counts a case once for each type it received.")


def reoffending_by_intervention(rows: Iterable[dict], *, gap_days: int) -> Table:
    """Cases in the caseload by each intervention type received (or none), with and without a new episode."""
    frame = _reoffending_frame(rows)
    exploded = _by_intervention(frame)
    table = _crosstab(exploded, "intervention", "outcome", list(REOFFENDING_COLUMNS), _intervention_order(exploded),
                      "Re-offending by intervention received", "Intervention received", REOFFENDING_COLUMNS)
    table.rate_of, table.total_label = 0, "Total (cases once per type received)"
    table.notes = [*_reoffending_notes(frame, gap_days), INTERVENTION_NOTE]
    return table


def _side_by_side(frame: pd.DataFrame, dimension: str, order: Sequence[str], *, partnerships: Sequence[str],
                  labels: dict[str, str], title: str, row_label: str) -> Table:
    """Every partnership and category as a row (zeros included: a missing row would tell a reader it is empty)."""
    keyed = frame.assign(row=[f"{p}|{k}" for p, k in zip(frame.partnership, frame[dimension], strict=True)])
    keys = [f"{p}|{k}" for p in partnerships for k in order]
    table = _crosstab(keyed, "row", "outcome", list(REOFFENDING_COLUMNS), keys, title, row_label, REOFFENDING_COLUMNS)
    present = dict(table.rows)
    table.rows = [(f"{k.split('|', 1)[0]}: {labels.get(k.split('|', 1)[1], k.split('|', 1)[1])}",
                   present.get(k, [0] * len(REOFFENDING_COLUMNS))) for k in keys]
    table.rate_of = 0
    return table


def programme_reoffending(rows: Iterable[dict], *, partnerships: Sequence[str], type_labels: dict[str, str],
                          gap_days: int, period: str) -> list[Table]:
    """The partnerships side by side: re-offending by stalker type and by intervention (suppressed by the caller)."""
    frame = _reoffending_frame(rows)
    by_type = _side_by_side(frame, "stalker_type", [*type_labels, ""], partnerships=partnerships,
                            labels={**type_labels, "": "Not yet typed"},
                            title=f"Re-offending by stalker type, caseload of {period}",
                            row_label="Partnership and stalker type")
    by_type.notes = [reoffending_definition(gap_days)]
    # By mode, not by each type: three partnerships by a dozen types would be mostly cells below 5 (and the
    # suppression of so many takes long); direct work with the perpetrator is what hypothesis 5 asks about.
    by_mode = _side_by_side(frame, "mode", [DIRECT, INDIRECT_ONLY, NO_INTERVENTION], partnerships=partnerships,
                            labels={}, title=f"Re-offending by intervention received, caseload of {period}",
                            row_label="Partnership and intervention")
    by_mode.notes = [reoffending_definition(gap_days),
                     "Intervention: direct where the case received any direct intervention (not declined, started by "
                     "the end of the period); indirect only where it received only indirect ones; none otherwise."]
    return [by_type, by_mode]
