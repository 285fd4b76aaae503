"""The agenda rules, as plain Python: which cases a meeting discusses, in what order,
and when a series meets.

Each meeting series carries an `agenda_rule` (JSON, edited by the unit manager
in the admin; the shipped ones are in demo/reference.py). The rule names the
*reasons* a case comes to that series' meetings:

    {
      "new_cases": {"min_risk": 3, "include_unassessed": true, "limit": null},
      "referred": {"limit": 4},
      "triggers": true,
      "overdue_actions": true,
      "kept_on_agenda": true,
      "plan_reviews": true,
      "untriaged_referrals": true
    }

- new_cases: cases accepted at triage since the series last met. `min_risk`
  (0-3, the cases.RiskRank scale) keeps only cases assessed at least that high;
  `include_unassessed` also takes cases not yet assessed (London screens them at
  the meeting); `limit` takes only the highest-risk N.
- referred: cases another meeting decided to send to this series (Hampshire's
  weekly triage meeting selects the 3-4 highest-risk cases for the monthly
  clinic). With `limit`, the highest-risk N come now and the rest wait for the
  next meeting of the series - none is dropped.
- triggers: cases with an open re-review trigger (new referral, incident,
  offence, breach, advocate's concern, new information). A trigger simply adds
  an item; discussing the case resolves it.
- overdue_actions: cases with an action past its due date that has not been
  discussed since it became overdue.
- kept_on_agenda: cases the previous meeting of the series decided to keep on
  the agenda.
- plan_reviews: cases whose risk management plan has a strategy due for review
  and which no meeting has discussed since that date.
- untriaged_referrals: referrals still awaiting triage, for a meeting that
  triages (London's morning meeting, Hampshire's weekly triage meeting):
  partners say what their systems hold and the meeting records the triage
  decision. A referral triaged elsewhere first leaves the agenda.

Undiscussed items of the series' previous (closed) meeting are always carried
forward. A case appears once, with every reason it is there. Items are ordered
by risk (highest first; not yet assessed last), then by how long the case has
been waiting (the earliest of its reasons), then cases before referrals, by id.

An open meeting's agenda is kept in step with these rules whenever it is read
(meetings.services.agendas_keep_current), so what the rules call for now is
always on it - with the chair's additions and removals kept.

Nothing here touches the database: selectors gather `CaseFacts`, these
functions decide, services write. See tests/test_agenda_rules.py.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

MAX_RISK = 3

# With no earlier meeting of the series, how far back "since the last meeting" reaches.
FIRST_MEETING_LOOKBACK_DAYS = {"weekdays": 3, "weekly": 7, "fortnightly": 14, "monthly": 31, "as_needed": 14}


class ReasonKind(StrEnum):
    NEW_CASE = "new_case"
    REFERRED = "referred"
    TRIGGER = "trigger"
    OVERDUE_ACTION = "overdue_action"
    KEPT = "kept"
    PLAN_REVIEW = "plan_review"
    CARRIED_FORWARD = "carried_forward"
    UNTRIAGED_REFERRAL = "untriaged_referral"
    ADDED = "added"  # by the chair, with a reason


REASON_LABELS = {
    ReasonKind.NEW_CASE: "New case",
    ReasonKind.REFERRED: "Referred by a meeting",
    ReasonKind.TRIGGER: "Re-review trigger",
    ReasonKind.OVERDUE_ACTION: "Overdue action",
    ReasonKind.KEPT: "Kept on the agenda",
    ReasonKind.PLAN_REVIEW: "Plan review due",
    ReasonKind.CARRIED_FORWARD: "Not reached last time",
    ReasonKind.UNTRIAGED_REFERRAL: "Referral to triage",
    ReasonKind.ADDED: "Added by the chair",
}

_FLAGS = ("triggers", "overdue_actions", "kept_on_agenda", "plan_reviews", "untriaged_referrals")
_RULE_KEYS = {"new_cases", "referred", *_FLAGS}


class AgendaRuleError(ValueError):
    """An agenda_rule that cannot be read; the message says what to fix."""


@dataclass(frozen=True)
class NewCasesRule:
    min_risk: int = 0
    include_unassessed: bool = True
    limit: int | None = None

    def admits(self, risk_rank: int) -> bool:
        if risk_rank == 0:
            return self.include_unassessed or self.min_risk == 0
        return risk_rank >= self.min_risk


@dataclass(frozen=True)
class ReferredRule:
    limit: int | None = None


@dataclass(frozen=True)
class AgendaRule:
    new_cases: NewCasesRule | None = None
    referred: ReferredRule | None = None
    triggers: bool = False
    overdue_actions: bool = False
    kept_on_agenda: bool = False
    plan_reviews: bool = False
    untriaged_referrals: bool = False

    @classmethod
    def from_json(cls, data: Any) -> AgendaRule:
        """Read a series' agenda_rule; raise AgendaRuleError naming every problem."""
        if data in (None, ""):
            return cls()
        if not isinstance(data, dict):
            raise AgendaRuleError('The agenda rule must be a JSON object, for example {"triggers": true}.')
        problems = [f"unknown setting '{k}'" for k in sorted(set(data) - _RULE_KEYS)]
        for flag in _FLAGS:
            if flag in data and not isinstance(data[flag], bool):
                problems.append(f"'{flag}' must be true or false")
        new_cases = referred = None
        if data.get("new_cases") is not None:
            spec = data["new_cases"]
            if not isinstance(spec, dict) or set(spec) - {"min_risk", "include_unassessed", "limit"}:
                problems.append("'new_cases' takes min_risk, include_unassessed and limit")
            else:
                min_risk = spec.get("min_risk", 0)
                if not _is_int(min_risk) or not 0 <= min_risk <= MAX_RISK:
                    problems.append("'new_cases.min_risk' must be a whole number from 0 to 3")
                    min_risk = 0
                unassessed = spec.get("include_unassessed", True)
                if not isinstance(unassessed, bool):
                    problems.append("'new_cases.include_unassessed' must be true or false")
                limit = _limit(spec.get("limit"), "new_cases.limit", problems)
                new_cases = NewCasesRule(min_risk=min_risk, include_unassessed=bool(unassessed), limit=limit)
        if data.get("referred") is not None:
            spec = data["referred"]
            if spec is True:
                spec = {}
            if not isinstance(spec, dict) or set(spec) - {"limit"}:
                problems.append("'referred' takes only limit")
            else:
                referred = ReferredRule(limit=_limit(spec.get("limit"), "referred.limit", problems))
        if problems:
            raise AgendaRuleError("The agenda rule is not valid: " + "; ".join(problems) + ".")
        return cls(
            new_cases=new_cases,
            referred=referred,
            triggers=data.get("triggers", False),
            overdue_actions=data.get("overdue_actions", False),
            kept_on_agenda=data.get("kept_on_agenda", False),
            plan_reviews=data.get("plan_reviews", False),
            untriaged_referrals=data.get("untriaged_referrals", False),
        )

    def describe(self) -> list[str]:
        """The rule in words, for the meeting page and the admin."""
        lines = []
        if self.new_cases:
            rule = self.new_cases
            text = "Cases accepted at triage since the last meeting"
            if rule.min_risk:
                text += f" assessed at risk level {rule.min_risk} or higher"
                if rule.include_unassessed:
                    text += ", and those not yet assessed"
            if rule.limit:
                text += f" (the {rule.limit} highest-risk)"
            lines.append(text)
        if self.referred:
            text = "Cases another meeting referred here"
            if self.referred.limit:
                text += f" (up to {self.referred.limit} a meeting, highest risk first; the rest wait for the next)"
            lines.append(text)
        if self.triggers:
            lines.append("Cases with an open re-review trigger")
        if self.overdue_actions:
            lines.append("Cases with an overdue action")
        if self.kept_on_agenda:
            lines.append("Cases the last meeting kept on the agenda")
        if self.plan_reviews:
            lines.append("Cases whose risk management plan is due for review")
        if self.untriaged_referrals:
            lines.append("Referrals awaiting triage, for the meeting to triage")
        return lines or ["Only cases the chair adds"]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _limit(value: Any, name: str, problems: list[str]) -> int | None:
    if value is None:
        return None
    if not _is_int(value) or value < 1:
        problems.append(f"'{name}' must be a whole number of 1 or more")
        return None
    return value


# -- the facts the rules read --------------------------------------------------


@dataclass(frozen=True)
class Reason:
    kind: str
    text: str
    since: datetime
    ref: int | None = None  # the trigger, action or referring item it comes from

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "since": self.since.isoformat(), "ref": self.ref}


@dataclass(frozen=True)
class PendingReferral:
    item_id: int
    referred_at: datetime
    from_meeting: str


@dataclass(frozen=True)
class TriggerFact:
    trigger_id: int
    kind_label: str
    reason: str
    raised_at: datetime


@dataclass(frozen=True)
class ActionFact:
    action_id: int
    description: str
    owner: str
    due_on: date
    since: datetime  # the start of the day after the due date: when it became overdue


@dataclass(frozen=True)
class CaseFacts:
    """What the rules need to know about one open case, as at the meeting."""

    case_id: int
    risk_rank: int
    opened_at: datetime
    accepted_at: datetime | None = None  # latest triage acceptance into this case
    listed_in_series: bool = False  # already discussed or removed at an earlier meeting of the series
    pending_referrals: tuple[PendingReferral, ...] = ()
    open_triggers: tuple[TriggerFact, ...] = ()
    overdue_actions: tuple[ActionFact, ...] = ()
    kept_from: str | None = None  # the previous meeting of the series kept it on the agenda
    carried_from: str | None = None  # on the previous (closed) meeting but not reached
    last_discussed_on: date | None = None  # at any meeting before this one
    plan_review_on: date | None = None  # earliest strategy review date of the current plan


@dataclass(frozen=True)
class ReferralFacts:
    """A referral of the partnership still awaiting triage."""

    referral_id: int
    risk_rank: int  # the risk assessed at screening, if any (referrals.Referral.risk_rank)
    received_at: datetime  # when it reached the unit


@dataclass(frozen=True)
class Proposal:
    """An item the rules call for: a case, or (with referral_id) a referral awaiting triage."""

    case_id: int | None
    risk_rank: int
    waiting_since: datetime
    reasons: tuple[Reason, ...]
    referral_id: int | None = None

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(r.kind for r in self.reasons)

    @property
    def key(self) -> tuple[str, int]:
        return subject_key(self.case_id, self.referral_id)

    @property
    def sort_key(self) -> tuple:
        return order_key(self.risk_rank, self.waiting_since, self.case_id, self.referral_id)


def subject_key(case_id: int | None, referral_id: int | None) -> tuple[str, int]:
    """What an agenda item is about: ("case", id) or ("referral", id)."""
    if referral_id is not None:
        return ("referral", referral_id)
    if case_id is None:
        raise ValueError("An agenda item is about a case or a referral.")
    return ("case", case_id)


def order_key(
    risk_rank: int, waiting_since: datetime, case_id: int | None, referral_id: int | None = None
) -> tuple:
    """Highest risk first, not yet assessed (0) last; then the longest waiting; then cases
    before referrals, each by id."""
    kind, number = subject_key(case_id, referral_id)
    return (-risk_rank if risk_rank else 1, waiting_since, kind == "referral", number)


def build_agenda(
    rule: AgendaRule,
    facts: Iterable[CaseFacts],
    *,
    as_of: date,
    window_start: datetime,
    until: datetime,
    referrals: Iterable[ReferralFacts] = (),
) -> list[Proposal]:
    """The items a meeting should have, ordered.

    `window_start`..`until` bounds "since the last meeting"; `as_of` is the day
    overdue actions and plan reviews are judged on: the meeting's date, or today
    for a meeting still to come (its agenda is kept current until it is held).
    `referrals` are those awaiting triage, for a rule that triages them.
    """
    reasons_by_case: dict[int, list[Reason]] = {}
    by_id: dict[int, CaseFacts] = {}
    new_candidates: list[CaseFacts] = []
    accepted_at: dict[int, datetime] = {}  # case id -> accepted at triage, for the new-case candidates
    referred_candidates: list[CaseFacts] = []
    for fact in facts:
        by_id[fact.case_id] = fact
        reasons: list[Reason] = []
        if fact.carried_from:
            reasons.append(
                Reason(ReasonKind.CARRIED_FORWARD, f"Not reached at {fact.carried_from}", fact.opened_at)
            )
        if (
            rule.new_cases
            and fact.accepted_at is not None
            and window_start <= fact.accepted_at <= until
            and not fact.listed_in_series
            and rule.new_cases.admits(fact.risk_rank)
        ):
            new_candidates.append(fact)
            accepted_at[fact.case_id] = fact.accepted_at
        if rule.referred and fact.pending_referrals:
            referred_candidates.append(fact)
        if rule.triggers:
            reasons += [
                Reason(ReasonKind.TRIGGER, f"{t.kind_label}: {t.reason}", t.raised_at, t.trigger_id)
                for t in fact.open_triggers
                if t.raised_at <= until
            ]
        if rule.overdue_actions:
            reasons += [
                Reason(
                    ReasonKind.OVERDUE_ACTION,
                    f"{a.owner}: {a.description} (due {a.due_on:%-d %b %Y})",
                    a.since,
                    a.action_id,
                )
                for a in fact.overdue_actions
                if a.due_on < as_of and (fact.last_discussed_on is None or fact.last_discussed_on <= a.due_on)
            ]
        if rule.kept_on_agenda and fact.kept_from:
            reasons.append(Reason(ReasonKind.KEPT, f"Kept on the agenda at {fact.kept_from}", fact.opened_at))
        if (
            rule.plan_reviews
            and fact.plan_review_on is not None
            and fact.plan_review_on <= as_of
            and (fact.last_discussed_on is None or fact.last_discussed_on < fact.plan_review_on)
        ):
            since = datetime.combine(fact.plan_review_on, datetime.min.time(), tzinfo=window_start.tzinfo)
            reasons.append(
                Reason(ReasonKind.PLAN_REVIEW, f"Plan review due {fact.plan_review_on:%-d %b %Y}", since)
            )
        if reasons:
            reasons_by_case[fact.case_id] = reasons

    if rule.new_cases:
        chosen = _highest(new_candidates, rule.new_cases.limit, lambda f: accepted_at[f.case_id])
        for fact in chosen:
            reasons_by_case.setdefault(fact.case_id, []).append(
                Reason(
                    ReasonKind.NEW_CASE, "Accepted at triage since the last meeting", accepted_at[fact.case_id]
                )
            )
    if rule.referred:
        chosen = _highest(
            referred_candidates, rule.referred.limit, lambda f: _earliest_referral(f).referred_at
        )
        for fact in chosen:
            for referral in fact.pending_referrals:
                reasons_by_case.setdefault(fact.case_id, []).append(
                    Reason(
                        ReasonKind.REFERRED,
                        f"Referred by {referral.from_meeting}",
                        referral.referred_at,
                        referral.item_id,
                    )
                )

    proposals = []
    for case_id, reasons in reasons_by_case.items():
        fact = by_id[case_id]
        reasons.sort(key=lambda r: (r.since, r.kind))
        proposals.append(
            Proposal(
                case_id=case_id,
                risk_rank=fact.risk_rank,
                waiting_since=reasons[0].since,
                reasons=tuple(reasons),
            )
        )
    if rule.untriaged_referrals:
        for waiting in referrals:
            if waiting.received_at > until:
                continue
            proposals.append(
                Proposal(
                    case_id=None,
                    referral_id=waiting.referral_id,
                    risk_rank=waiting.risk_rank,
                    waiting_since=waiting.received_at,
                    reasons=(
                        Reason(
                            ReasonKind.UNTRIAGED_REFERRAL,
                            f"Referral received {waiting.received_at:%-d %b %Y}, awaiting triage",
                            waiting.received_at,
                            waiting.referral_id,
                        ),
                    ),
                )
            )
    proposals.sort(key=lambda p: p.sort_key)
    return proposals


def _earliest_referral(fact: CaseFacts) -> PendingReferral:
    return min(fact.pending_referrals, key=lambda r: r.referred_at)


def _highest(
    candidates: list[CaseFacts], limit: int | None, since: Callable[[CaseFacts], datetime]
) -> list[CaseFacts]:
    ranked = sorted(candidates, key=lambda f: order_key(f.risk_rank, since(f), f.case_id))
    return ranked if limit is None else ranked[:limit]


# -- keeping the stored agenda in step with the rules ----------------------------


@dataclass(frozen=True)
class StoredItem:
    """An agenda item already saved for the meeting (about a case, or a referral)."""

    item_id: int
    case_id: int | None
    automatic: bool  # listed by the rules, not added by the chair
    removed: bool  # taken off by the chair with a reason: never put back automatically
    recorded: bool  # anything recorded on it (discussion, shared information, actions, a triage decision)
    referral_id: int | None = None

    @property
    def key(self) -> tuple[str, int]:
        return subject_key(self.case_id, self.referral_id)


@dataclass(frozen=True)
class AgendaChanges:
    add: list[Proposal] = field(default_factory=list)
    update: list[tuple[int, Proposal]] = field(default_factory=list)  # (item id, fresh reasons)
    drop: list[int] = field(default_factory=list)  # item ids no longer called for

    def __bool__(self) -> bool:
        return bool(self.add or self.update or self.drop)


class ImpossibleAgenda(ValueError):
    """Stored items or proposals that cannot exist (the database's keys forbid them)."""


def reconcile(stored: Sequence[StoredItem], proposals: Sequence[Proposal]) -> AgendaChanges:
    """What to change so the stored agenda matches the rules, without losing anyone's work.

    Never drops an item the chair added, one with anything recorded on it, or
    one the chair removed (which also stops the rules putting it back).

    The stored items must be a real agenda: item ids are primary keys and a
    meeting lists a case (or a referral) at most once. Anything else is refused
    rather than reconciled, because "which item is this?" has no answer.
    """
    by_key: dict[tuple[str, int], StoredItem] = {}
    ids: set[int] = set()
    for item in stored:
        if item.item_id in ids:
            raise ImpossibleAgenda(f"Two stored agenda items share the id {item.item_id}.")
        if item.key in by_key:
            raise ImpossibleAgenda(f"The agenda lists {item.key[0]} {item.key[1]} twice.")
        ids.add(item.item_id)
        by_key[item.key] = item
    wanted: dict[tuple[str, int], Proposal] = {}
    for proposal in proposals:
        if proposal.key in wanted:
            raise ImpossibleAgenda(f"The rules propose {proposal.key[0]} {proposal.key[1]} twice.")
        wanted[proposal.key] = proposal
    changes = AgendaChanges()
    for proposal in proposals:
        listed = by_key.get(proposal.key)
        if listed is None:
            changes.add.append(proposal)
        elif not listed.removed and not listed.recorded:
            changes.update.append((listed.item_id, proposal))
    for item in stored:
        if item.key not in wanted and item.automatic and not item.removed and not item.recorded:
            changes.drop.append(item.item_id)
    return changes


# -- when a series meets ------------------------------------------------------


def next_meeting_dates(cadence: str, *, first: date, count: int) -> list[date]:
    """`count` meeting dates from `first` on, following the cadence.

    weekdays: every Monday to Friday (a weekend `first` moves to Monday);
    weekly / fortnightly: every 7 / 14 days; monthly: the same weekday in the
    same week of each month as `first` (the 2nd Tuesday, or the last Friday
    when `first` is in the month's last week); as_needed: just `first`.
    """
    if count < 1:
        return []
    if cadence == "as_needed":
        return [first]
    if cadence == "weekdays":
        dates: list[date] = []
        day = first
        while len(dates) < count:
            if day.weekday() < 5:
                dates.append(day)
            day += timedelta(days=1)
        return dates
    if cadence in ("weekly", "fortnightly"):
        step = 7 if cadence == "weekly" else 14
        return [first + timedelta(days=step * i) for i in range(count)]
    if cadence == "monthly":
        week = (first.day - 1) // 7  # 0 = first week of the month
        last_week = first.day + 7 > calendar.monthrange(first.year, first.month)[1]
        dates, year, month = [], first.year, first.month
        while len(dates) < count:
            dates.append(nth_weekday(year, month, first.weekday(), -1 if last_week else week))
            month += 1
            if month > 12:
                year, month = year + 1, 1
        return dates
    raise ValueError(f"Unknown cadence {cadence!r}")


def nth_weekday(year: int, month: int, weekday: int, week: int) -> date:
    """The weekday (0 = Monday) of the given week of a month (0-based; -1 = the last; week 4 falls back to the last)."""
    days = calendar.monthrange(year, month)[1]
    matching = [d for d in range(1, days + 1) if date(year, month, d).weekday() == weekday]
    if week < 0 or week >= len(matching):
        return date(year, month, matching[-1])
    return date(year, month, matching[week])


def following_date(cadence: str, last: date) -> date:
    """The next date after `last` a series meets (the default first date when scheduling)."""
    if cadence == "as_needed":
        return last + timedelta(days=1)
    dates = next_meeting_dates(cadence, first=last, count=2)
    return dates[1] if dates[0] == last else dates[0]


def window_start_for(cadence: str, *, previous_meeting_on: date | None, meeting_date: date) -> date:
    """The first day whose triage decisions count as "since the last meeting"."""
    if previous_meeting_on is not None:
        return previous_meeting_on
    return meeting_date - timedelta(days=FIRST_MEETING_LOOKBACK_DAYS.get(cadence, 14))
