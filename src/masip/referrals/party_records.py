"""Referrals as records people are parties to (registered with people/records.py in
ReferralsConfig.ready(), order 10): a person's subject access pack and whether they
are a victim."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from masip.people.records import PartyRecords, Redact, register_party_records
from masip.referrals.models import ReferralParty


def referral_rows(person: Any) -> list[ReferralParty]:
    return list(
        ReferralParty.objects.filter(person=person)
        .select_related("referral")
        .prefetch_related("referral__parties__person__aliases", "referral__reported_incidents", "referral__triage_decisions")
    )


def referral_others(row: ReferralParty) -> Iterable[tuple[Any, str]]:
    for other in row.referral.parties.all():
        yield other.person, f"{other.get_role_display().lower()} in {row.referral.reference}"


def referral_section(rp: ReferralParty, redact: Redact) -> dict[str, Any]:
    return {
        "reference": rp.referral.reference,
        "received": rp.referral.received_on.isoformat(),
        "your_role": rp.get_role_display(),
        "how_received": rp.referral.get_channel_display(),
        "offence": rp.referral.get_current_offence_display(),
        "what_was_reported": redact(rp.referral.summary, f"{rp.referral.reference}: what was reported"),
        "incidents": [
            {
                "date": i.occurred_on.isoformat(),
                "what_happened": redact(i.description, f"{rp.referral.reference}: incident {i.occurred_on}"),
            }
            for i in rp.referral.reported_incidents.all()
        ],
        "triage_decisions": [
            {
                "decided": d.decided_at.date().isoformat(),
                "is_stalking": d.get_is_stalking_display(),
                "outcome": d.get_outcome_display(),
                "detail": redact(d.outcome_detail, f"{rp.referral.reference}: triage {d.decided_at.date()}"),
                "markers": [
                    f"{name}: {redact(note, f'{rp.referral.reference}: triage {d.decided_at.date()}, {name}')}"
                    for name, ticked, note in d.markers
                    if ticked
                ],
            }
            for d in rp.referral.triage_decisions.all()
        ],
    }


def victim_on_a_referral(person: Any) -> bool:
    return ReferralParty.objects.filter(person=person, role="victim").exists()


REFERRALS = PartyRecords(
    key="referrals", party_rows=referral_rows, others=referral_others, section=referral_section,
    is_victim=victim_on_a_referral,
)


def register() -> None:
    register_party_records(REFERRALS, order=10)
