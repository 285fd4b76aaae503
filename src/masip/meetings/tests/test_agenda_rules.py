"""The agenda rules as pure functions: each shipped partnership's rule, the ordering, keeping
the stored agenda in step, and meeting dates from a cadence. No database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from masip.demo.reference import AGENDA_RULES
from masip.meetings.agenda import (
    ActionFact,
    AgendaRule,
    AgendaRuleError,
    CaseFacts,
    ImpossibleAgenda,
    PendingReferral,
    Proposal,
    ReasonKind,
    ReferralFacts,
    StoredItem,
    TriggerFact,
    build_agenda,
    following_date,
    next_meeting_dates,
    order_key,
    reconcile,
    window_start_for,
)

MEETING_DAY = date(2026, 11, 27)
WINDOW_START = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
UNTIL = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
OPENED = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


def rule(name: str) -> AgendaRule:
    return AgendaRule.from_json(AGENDA_RULES[name])


def build(rule_, facts, *, as_of=MEETING_DAY, referrals=()):
    return build_agenda(
        rule_, facts, as_of=as_of, window_start=WINDOW_START, until=UNTIL, referrals=referrals
    )


def new_case(case_id, risk, *, hours_ago=10, listed=False):
    return CaseFacts(
        case_id=case_id,
        risk_rank=risk,
        opened_at=OPENED,
        accepted_at=UNTIL - timedelta(hours=hours_ago),
        listed_in_series=listed,
    )


def referred(case_id, risk, *, days_ago=5):
    at = UNTIL - timedelta(days=days_ago)
    return CaseFacts(
        case_id=case_id,
        risk_rank=risk,
        opened_at=OPENED,
        pending_referrals=(PendingReferral(100 + case_id, at, "Weekly triage meeting, 20 Nov 2026"),),
    )


class TestShippedRules:
    def test_every_shipped_rule_is_valid_and_says_what_it_does(self):
        for name, data in AGENDA_RULES.items():
            lines = AgendaRule.from_json(data).describe()
            assert lines and all(isinstance(line, str) for line in lines), name

    def test_london_daily_takes_new_high_risk_and_unassessed_cases_only(self):
        facts = [new_case(1, 3), new_case(2, 2), new_case(3, 1), new_case(4, 0)]
        agenda = build(rule("Daily morning case review"), facts)
        assert [p.case_id for p in agenda] == [1, 4]  # high first; not yet assessed last
        assert all(p.kinds == {ReasonKind.NEW_CASE} for p in agenda)

    def test_london_daily_leaves_out_cases_accepted_before_the_last_meeting_or_already_discussed(self):
        facts = [new_case(1, 3, hours_ago=40), new_case(2, 3, listed=True), new_case(3, 3)]
        assert [p.case_id for p in build(rule("Daily morning case review"), facts)] == [3]

    def test_london_daily_brings_back_triggers_overdue_actions_and_kept_cases(self):
        facts = [
            CaseFacts(
                5,
                1,
                OPENED,
                open_triggers=(TriggerFact(9, "New incident", "Seen at work", UNTIL - timedelta(days=1)),),
            ),
            CaseFacts(
                6,
                2,
                OPENED,
                overdue_actions=(
                    ActionFact(
                        7,
                        "Advice to OIC",
                        "Met Police",
                        MEETING_DAY - timedelta(days=2),
                        UNTIL - timedelta(days=1),
                    ),
                ),
            ),
            CaseFacts(8, 3, OPENED, kept_from="Daily morning case review, 26 Nov 2026"),
        ]
        agenda = build(rule("Daily morning case review"), facts)
        assert [(p.case_id, p.kinds) for p in agenda] == [
            (8, {ReasonKind.KEPT}),
            (6, {ReasonKind.OVERDUE_ACTION}),
            (5, {ReasonKind.TRIGGER}),
        ]
        trigger = agenda[2].reasons[0]
        assert trigger.ref == 9 and "Seen at work" in trigger.text

    def test_hampshire_triage_takes_every_new_case(self):
        facts = [new_case(1, 1), new_case(2, 0), new_case(3, 3)]
        assert [p.case_id for p in build(rule("Weekly triage meeting"), facts)] == [3, 1, 2]

    def test_hampshire_clinic_takes_the_four_highest_risk_referred_cases(self):
        facts = [referred(i, risk) for i, risk in enumerate([1, 3, 2, 3, 3, 2], start=1)]
        facts.append(new_case(20, 3))  # the clinic takes no case straight from triage
        agenda = build(rule("Monthly stalking clinic"), facts)
        assert [p.case_id for p in agenda] == [2, 4, 5, 3]
        assert all(p.kinds == {ReasonKind.REFERRED} for p in agenda)

    def test_recolo_takes_referred_cases_without_a_limit(self):
        facts = [referred(i, 1) for i in range(1, 8)]
        assert len(build(rule("Recolo mental-health clinic"), facts)) == 7

    def test_cheshire_internal_takes_new_cases_and_plan_reviews_but_not_triggers(self):
        facts = [
            new_case(1, 0),
            CaseFacts(2, 2, OPENED, plan_review_on=MEETING_DAY - timedelta(days=1)),
            CaseFacts(3, 2, OPENED, plan_review_on=MEETING_DAY + timedelta(days=3)),
            CaseFacts(4, 3, OPENED, open_triggers=(TriggerFact(1, "New offence", "x", UNTIL),)),
        ]
        assert [p.case_id for p in build(rule("IASU internal meeting"), facts)] == [2, 1]

    def test_cheshire_partnership_meeting_takes_referrals_and_any_change(self):
        facts = [
            referred(1, 2),
            CaseFacts(4, 3, OPENED, open_triggers=(TriggerFact(1, "New offence", "x", UNTIL),)),
            new_case(5, 3),
        ]
        assert [p.case_id for p in build(rule("Partnership meeting (clinic)"), facts)] == [4, 1]

    def test_complex_case_consultation_takes_only_what_is_referred_or_kept(self):
        facts = [referred(1, 2), new_case(2, 3), CaseFacts(3, 3, OPENED, kept_from="last time")]
        assert {p.case_id for p in build(rule("Complex case consultation"), facts)} == {1, 3}


class TestReasons:
    def test_an_overdue_action_comes_once_then_only_if_not_discussed_since(self):
        action = ActionFact(1, "x", "Met Police", date(2026, 11, 20), datetime(2026, 11, 21, tzinfo=UTC))
        r = AgendaRule(overdue_actions=True)
        assert build(r, [CaseFacts(1, 2, OPENED, overdue_actions=(action,))])
        assert build(
            r, [CaseFacts(1, 2, OPENED, overdue_actions=(action,), last_discussed_on=date(2026, 11, 19))]
        )
        assert not build(
            r, [CaseFacts(1, 2, OPENED, overdue_actions=(action,), last_discussed_on=date(2026, 11, 23))]
        )

    def test_an_action_due_today_is_not_yet_overdue(self):
        action = ActionFact(1, "x", "Met Police", MEETING_DAY, UNTIL)
        assert not build(
            AgendaRule(overdue_actions=True), [CaseFacts(1, 2, OPENED, overdue_actions=(action,))]
        )

    def test_a_plan_review_is_due_until_a_meeting_discusses_the_case(self):
        r = AgendaRule(plan_reviews=True)
        due = MEETING_DAY - timedelta(days=3)
        assert build(r, [CaseFacts(1, 2, OPENED, plan_review_on=due)])
        assert build(
            r, [CaseFacts(1, 2, OPENED, plan_review_on=due, last_discussed_on=due - timedelta(days=1))]
        )
        assert not build(r, [CaseFacts(1, 2, OPENED, plan_review_on=due, last_discussed_on=due)])

    def test_a_case_not_reached_last_time_is_carried_forward_whatever_the_rule(self):
        agenda = build(AgendaRule(), [CaseFacts(1, 0, OPENED, carried_from="Weekly triage meeting, 20 Nov")])
        assert agenda[0].kinds == {ReasonKind.CARRIED_FORWARD}

    def test_a_case_with_several_reasons_appears_once_with_all_of_them(self):
        fact = CaseFacts(
            1,
            3,
            OPENED,
            accepted_at=UNTIL - timedelta(hours=2),
            open_triggers=(TriggerFact(4, "New referral", "again", UNTIL - timedelta(hours=1)),),
            kept_from="yesterday",
        )
        (only,) = build(rule("Daily morning case review"), [fact])
        assert only.kinds == {ReasonKind.NEW_CASE, ReasonKind.TRIGGER, ReasonKind.KEPT}
        assert only.waiting_since == min(r.since for r in only.reasons)


class TestRuleValidation:
    @pytest.mark.parametrize(
        "data, message",
        [
            ([], "must be a JSON object"),
            ({"trigers": True}, "unknown setting 'trigers'"),
            ({"triggers": "yes"}, "'triggers' must be true or false"),
            ({"new_cases": {"min_risk": 5}}, "min_risk' must be a whole number from 0 to 3"),
            ({"new_cases": {"limit": 0}}, "'new_cases.limit' must be a whole number of 1 or more"),
            ({"referred": {"limit": "four"}}, "'referred.limit' must be a whole number"),
            ({"new_cases": {"colour": "red"}}, "'new_cases' takes min_risk"),
        ],
    )
    def test_a_bad_rule_is_refused_with_what_to_fix(self, data, message):
        with pytest.raises(AgendaRuleError, match=message):
            AgendaRule.from_json(data)

    def test_an_empty_rule_lists_nothing_automatically(self):
        assert AgendaRule.from_json({}).describe() == ["Only cases the chair adds"]
        assert build(AgendaRule.from_json({}), [new_case(1, 3)]) == []


# -- properties ------------------------------------------------------------------

times = st.datetimes(
    min_value=datetime(2026, 10, 1), max_value=datetime(2026, 11, 27, 9, 0), timezones=st.just(UTC)
)
risk = st.integers(min_value=0, max_value=3)


@st.composite
def case_facts(draw, case_id):
    return CaseFacts(
        case_id=case_id,
        risk_rank=draw(risk),
        opened_at=OPENED,
        accepted_at=draw(st.none() | times),
        listed_in_series=draw(st.booleans()),
        pending_referrals=tuple(PendingReferral(i, draw(times), "m") for i in range(draw(st.integers(0, 2)))),
        open_triggers=tuple(TriggerFact(i, "k", "r", draw(times)) for i in range(draw(st.integers(0, 2)))),
        overdue_actions=tuple(
            ActionFact(i, "d", "o", d, datetime(d.year, d.month, d.day, tzinfo=UTC) + timedelta(days=1))
            for i, d in enumerate(draw(st.lists(st.dates(date(2026, 10, 1), date(2026, 12, 31)), max_size=2)))
        ),
        kept_from=draw(st.none() | st.just("last")),
        carried_from=draw(st.none() | st.just("last")),
        last_discussed_on=draw(st.none() | st.dates(date(2026, 10, 1), date(2026, 11, 26))),
        plan_review_on=draw(st.none() | st.dates(date(2026, 10, 1), date(2026, 12, 31))),
    )


@st.composite
def many_facts(draw):
    n = draw(st.integers(0, 25))
    return [draw(case_facts(i)) for i in range(1, n + 1)]


waiting_referrals = st.lists(
    st.builds(ReferralFacts, referral_id=st.integers(1, 30), risk_rank=risk, received_at=times),
    max_size=8,
    unique_by=lambda r: r.referral_id,
)

rules = st.builds(
    lambda new, min_risk, unassessed, new_limit, ref, ref_limit, t, o, k, p, u: AgendaRule.from_json(
        {
            **(
                {"new_cases": {"min_risk": min_risk, "include_unassessed": unassessed, "limit": new_limit}}
                if new
                else {}
            ),
            **({"referred": {"limit": ref_limit}} if ref else {}),
            "triggers": t,
            "overdue_actions": o,
            "kept_on_agenda": k,
            "plan_reviews": p,
            "untriaged_referrals": u,
        }
    ),
    st.booleans(),
    risk,
    st.booleans(),
    st.none() | st.integers(1, 5),
    st.booleans(),
    st.none() | st.integers(1, 5),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)

RULE_OF = {
    ReasonKind.NEW_CASE: lambda r: r.new_cases is not None,
    ReasonKind.REFERRED: lambda r: r.referred is not None,
    ReasonKind.TRIGGER: lambda r: r.triggers,
    ReasonKind.OVERDUE_ACTION: lambda r: r.overdue_actions,
    ReasonKind.KEPT: lambda r: r.kept_on_agenda,
    ReasonKind.PLAN_REVIEW: lambda r: r.plan_reviews,
    ReasonKind.CARRIED_FORWARD: lambda r: True,
    ReasonKind.UNTRIAGED_REFERRAL: lambda r: r.untriaged_referrals,
}


@settings(max_examples=300, deadline=None)
@given(rules, many_facts(), waiting_referrals)
def test_the_agenda_is_ordered_lists_each_case_once_and_only_for_reasons_the_rule_allows(
    rule_, facts, referrals
):
    agenda = build(rule_, facts, referrals=referrals)
    keys = [p.key for p in agenda]
    assert len(keys) == len(set(keys))
    assert agenda == sorted(agenda, key=lambda p: p.sort_key)
    for proposal in [p for p in agenda if p.referral_id is not None]:
        assert rule_.untriaged_referrals and proposal.kinds == {ReasonKind.UNTRIAGED_REFERRAL}
        assert proposal.case_id is None
    if rule_.untriaged_referrals:  # every referral that reached the unit before the meeting, none later
        assert {p.referral_id for p in agenda if p.referral_id} == {
            r.referral_id for r in referrals if r.received_at <= UNTIL
        }
    agenda = [p for p in agenda if p.referral_id is None]
    by_id = {f.case_id: f for f in facts}
    for proposal in agenda:
        assert proposal.reasons, proposal
        assert proposal.risk_rank == by_id[proposal.case_id].risk_rank
        for reason in proposal.reasons:
            assert RULE_OF[reason.kind](rule_), (reason.kind, rule_)
    if rule_.new_cases:
        new = [p for p in agenda if ReasonKind.NEW_CASE in p.kinds]
        for p in new:
            fact = by_id[p.case_id]
            assert not fact.listed_in_series and WINDOW_START <= fact.accepted_at <= UNTIL
            assert rule_.new_cases.admits(fact.risk_rank)
        if rule_.new_cases.limit:
            assert len(new) <= rule_.new_cases.limit


@settings(max_examples=200, deadline=None)
@given(st.lists(risk, max_size=20), st.integers(1, 5))
def test_referred_cases_all_reach_the_clinic_highest_risk_first_and_none_twice(risks, limit):
    """Successive clinics with a limit: each takes at most `limit`, the highest-risk waiting first."""
    waiting = {i: r for i, r in enumerate(risks, start=1)}
    r = AgendaRule.from_json({"referred": {"limit": limit}})
    seen: list[int] = []
    meetings = 0
    while waiting:
        facts = [referred(i, rk) for i, rk in waiting.items()]
        taken = [p.case_id for p in build(r, facts)]
        assert 0 < len(taken) <= limit
        # Highest risk first (not yet assessed, 0, comes last): nobody left waiting outranks anyone taken.
        assert min(waiting[i] for i in taken) >= max(
            (waiting[i] for i in waiting if i not in taken), default=0
        )
        seen += taken
        for i in taken:
            del waiting[i]
        meetings += 1
    assert sorted(seen) == list(range(1, len(risks) + 1))
    assert meetings == -(-len(risks) // limit)


# Stored items as a real agenda holds them: item ids are primary keys, and a meeting
# lists a case, or a referral, once (the uniq_agenda_case and uniq_agenda_referral
# constraints). The strategy once drew two items with one id for different cases:
# data no database can hold, which made the property "fail" without any fault in
# the reconciler (hypothesis's three failures in issue 9 were all of this kind).
stored_items = st.lists(
    st.builds(
        StoredItem,
        item_id=st.integers(1, 10_000),
        case_id=st.integers(1, 30),
        automatic=st.booleans(),
        removed=st.booleans(),
        recorded=st.booleans(),
        referral_id=st.none() | st.integers(1, 30),
    ),
    max_size=20,
    unique_by=(lambda s: s.item_id, lambda s: s.key),
).map(lambda items: [_as_stored(i) for i in items])


def _as_stored(item: StoredItem) -> StoredItem:
    # A referral item is about the referral only (its case is the one triage opens, kept elsewhere).
    if item.referral_id is None:
        return item
    return StoredItem(item.item_id, None, item.automatic, item.removed, item.recorded, item.referral_id)


def _item(item_id, case_id, *, automatic=True, removed=False, recorded=False, referral_id=None):
    return StoredItem(item_id, case_id, automatic, removed, recorded, referral_id)


OVERDUE_ONLY = AgendaRule(overdue_actions=True)
KEPT_ONLY = AgendaRule(kept_on_agenda=True)


@settings(max_examples=300, deadline=None)
@given(stored_items, rules, many_facts(), waiting_referrals)
# The shapes of the failures hypothesis found, as real agendas (distinct ids): a removed
# item beside a live automatic one, in both orders, with and without its case proposed.
@example([_item(1, 1), _item(2, 22, automatic=False, removed=True)], OVERDUE_ONLY, [], [])
@example([_item(2, 22, automatic=False, removed=True), _item(1, 1)], OVERDUE_ONLY, [], [])
@example(
    [_item(1, 2), _item(5, 1, removed=True)],
    KEPT_ONLY,
    [CaseFacts(1, 3, OPENED, kept_from="last"), CaseFacts(2, 1, OPENED, kept_from="last")],
    [],
)
@example(
    [_item(5, 1, removed=True), _item(1, 2, recorded=True), _item(7, None, referral_id=1, removed=True)],
    AgendaRule(kept_on_agenda=True, untriaged_referrals=True),
    [CaseFacts(1, 3, OPENED, kept_from="last")],
    [ReferralFacts(1, 2, UNTIL - timedelta(hours=3)), ReferralFacts(2, 0, UNTIL - timedelta(hours=1))],
)
def test_reconciling_never_loses_work_and_never_brings_back_a_removed_case(stored, rule_, facts, referrals):
    proposals = build(rule_, facts, referrals=referrals)
    changes = reconcile(stored, proposals)
    by_item = {s.item_id: s for s in stored}
    assert len(by_item) == len(stored)  # the strategy draws only agendas a database can hold
    proposed = {p.key for p in proposals}
    for item_id in changes.drop:
        item = by_item[item_id]
        assert item.automatic and not item.removed and not item.recorded
        assert item.key not in proposed
    stored_keys = {s.key for s in stored}
    assert all(p.key not in stored_keys for p in changes.add)
    for item_id, proposal in changes.update:
        assert not by_item[item_id].removed and not by_item[item_id].recorded
        assert by_item[item_id].key == proposal.key
    # Nothing removed, added by the chair or recorded on is dropped; a removed item is never revived.
    kept = {s.item_id for s in stored if s.removed or s.recorded or not s.automatic}
    assert not kept & set(changes.drop)
    assert not {s.key for s in stored if s.removed} & {p.key for p in changes.add}
    # Afterwards every proposed case or referral is on the agenda (or was deliberately removed).
    after = {s.key for s in stored if s.item_id not in changes.drop} | {p.key for p in changes.add}
    assert proposed <= after


@pytest.mark.parametrize(
    "stored, message",
    [
        # Hypothesis's first find: two stored items with one id, for different cases.
        ([_item(1, 1), _item(1, 22, automatic=False, removed=True)], "share the id 1"),
        ([_item(1, 22, automatic=False, removed=True), _item(1, 1)], "share the id 1"),
        ([_item(1, 4), _item(2, 4)], "lists case 4 twice"),
        ([_item(1, None, referral_id=4), _item(2, None, referral_id=4)], "lists referral 4 twice"),
    ],
)
def test_an_agenda_no_database_can_hold_is_refused_not_reconciled(stored, message):
    with pytest.raises(ImpossibleAgenda, match=message):
        reconcile(stored, [])


def test_a_case_and_a_referral_with_the_same_number_are_different_items():
    since = UNTIL - timedelta(hours=1)
    proposals = [
        Proposal(4, 2, since, ()),
        Proposal(None, 2, since, (), referral_id=4),
    ]
    changes = reconcile([_item(1, 4)], proposals)
    assert [p.key for p in changes.add] == [("referral", 4)]
    assert [(i, p.key) for i, p in changes.update] == [(1, ("case", 4))]
    assert order_key(2, since, 4) < order_key(2, since, None, 4)  # a case before a referral on a tie


class TestCadence:
    @settings(max_examples=200, deadline=None)
    @given(
        st.sampled_from(["weekdays", "weekly", "fortnightly", "monthly"]),
        st.dates(date(2024, 1, 1), date(2030, 12, 31)),
        st.integers(1, 30),
    )
    def test_dates_follow_the_cadence(self, cadence, first, count):
        dates = next_meeting_dates(cadence, first=first, count=count)
        assert len(dates) == count
        assert dates == sorted(set(dates))
        assert dates[0] >= first
        if cadence == "weekdays":
            assert all(d.weekday() < 5 for d in dates)
            assert all((b - a).days in (1, 3) for a, b in zip(dates, dates[1:], strict=False))
        elif cadence in ("weekly", "fortnightly"):
            step = 7 if cadence == "weekly" else 14
            assert dates[0] == first and all(
                (b - a).days == step for a, b in zip(dates, dates[1:], strict=False)
            )
        else:
            assert dates[0] == first or first.day > 28
            assert all(d.weekday() == first.weekday() for d in dates)
            months = [(d.year, d.month) for d in dates]
            assert len(set(months)) == count

    def test_monthly_keeps_the_week_of_the_month(self):
        # The 1st Thursday of November 2026 is the 5th.
        assert next_meeting_dates("monthly", first=date(2026, 11, 5), count=3) == [
            date(2026, 11, 5),
            date(2026, 12, 3),
            date(2027, 1, 7),
        ]
        # The last Friday stays the last Friday.
        assert next_meeting_dates("monthly", first=date(2026, 10, 30), count=2) == [
            date(2026, 10, 30),
            date(2026, 11, 27),
        ]

    def test_as_needed_is_one_meeting(self):
        assert next_meeting_dates("as_needed", first=MEETING_DAY, count=5) == [MEETING_DAY]

    def test_the_next_date_after_a_friday_daily_meeting_is_monday(self):
        assert following_date("weekdays", date(2026, 11, 27)) == date(2026, 11, 30)
        assert following_date("weekly", date(2026, 11, 24)) == date(2026, 12, 1)

    def test_the_first_meeting_of_a_series_looks_back_one_cadence(self):
        assert window_start_for("weekly", previous_meeting_on=None, meeting_date=MEETING_DAY) == date(
            2026, 11, 20
        )
        assert window_start_for(
            "weekly", previous_meeting_on=date(2026, 11, 18), meeting_date=MEETING_DAY
        ) == date(2026, 11, 18)
