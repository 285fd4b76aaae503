"""Triage queue order: pure functions, no database."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from masip.referrals.choices import Behaviour
from masip.referrals.urgency import queue_sort_key, urgency_flags, urgency_score


def test_flags_weigh_violence_over_threats_over_fear():
    violence = urgency_score([Behaviour.VIOLENCE], victim_very_frightened=False)
    threats = urgency_score([Behaviour.THREATS], victim_very_frightened=False)
    frightened = urgency_score([Behaviour.MESSAGES], victim_very_frightened=True)
    nothing = urgency_score([Behaviour.MESSAGES, Behaviour.GIFTS], victim_very_frightened=False)
    assert violence > threats > frightened > nothing == 0


def test_two_flags_outrank_either_alone():
    both = urgency_score([Behaviour.THREATS], victim_very_frightened=True)
    assert both > urgency_score([Behaviour.THREATS], victim_very_frightened=False)
    assert urgency_flags(both) == ["Threats", "Very frightened"]


def test_queue_puts_flags_first_then_oldest_first():
    rows = [
        dict(urgency=0, received_on=date(2026, 1, 1), referral_id=1),
        dict(urgency=2, received_on=date(2026, 3, 1), referral_id=2),
        dict(urgency=2, received_on=date(2026, 2, 1), referral_id=3),
        dict(urgency=4, received_on=date(2026, 4, 1), referral_id=4),
    ]
    ordered = sorted(rows, key=lambda r: queue_sort_key(**r))
    assert [r["referral_id"] for r in ordered] == [4, 3, 2, 1]


behaviours = st.sets(st.sampled_from(list(Behaviour.values)))


@given(behaviours, st.booleans(), st.sampled_from(list(Behaviour.values)))
def test_adding_a_behaviour_never_lowers_urgency(found, frightened, extra):
    assert urgency_score(found | {extra}, victim_very_frightened=frightened) >= urgency_score(
        found, victim_very_frightened=frightened
    )


@given(behaviours)
def test_a_very_frightened_victim_never_lowers_urgency(found):
    assert urgency_score(found, victim_very_frightened=True) > urgency_score(
        found, victim_very_frightened=False
    )
