"""How urgent an untriaged referral is, and the order of the triage queue.

Pure functions; the stored `Referral.urgency` is computed here so the database
can order the queue with an index, and `queue_sort_key` states the same order
for tests and for anything sorting in memory.

The queue puts an assessed risk level first (a screening tool such as SASH
or S-DASH completed before triage), then risk flags and, within the same
flags, the oldest referral first. The flags weigh as bits so that every combination has one
place: violence outranks threats, which outrank a very frightened victim, and
two flags outrank either alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from masip.referrals.choices import Behaviour

VIOLENCE = 4
THREATS = 2
VERY_FRIGHTENED = 1


def urgency_score(behaviours: Iterable[str], *, victim_very_frightened: bool) -> int:
    behaviours = set(behaviours)
    score = 0
    if Behaviour.VIOLENCE in behaviours:
        score |= VIOLENCE
    if Behaviour.THREATS in behaviours:
        score |= THREATS
    if victim_very_frightened:
        score |= VERY_FRIGHTENED
    return score


def urgency_flags(score: int) -> list[str]:
    """The flags behind a score, as words for the queue."""
    flags = []
    if score & VIOLENCE:
        flags.append("Violence")
    if score & THREATS:
        flags.append("Threats")
    if score & VERY_FRIGHTENED:
        flags.append("Very frightened")
    return flags


def queue_sort_key(
    *, urgency: int, received_on: date, referral_id: int, risk_rank: int = 0
) -> tuple[int, int, date, int]:
    """Highest assessed risk first (0 = not assessed yet); then the most urgent
    flags; within them, oldest received first; then entry order."""
    return (-risk_rank, -urgency, received_on, referral_id)
