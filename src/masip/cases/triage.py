"""What cases contribute to triage (referrals.triage_context): the suspect's open and past
cases with their risk, and the other people the suspect is known to have targeted."""

from __future__ import annotations

from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Prefetch, Value, When

from masip.cases.models import CaseParty, CasePartyRole, CaseStatus
from masip.cases.selectors import cases_visible_to
from masip.referrals.choices import PartyRole
from masip.referrals.models import ReferralParty
from masip.referrals.triage_context import TriagePanel, register_panel

SHOWN = 20  # a suspect with more history than this is summarised with a count


@register_panel(order=20)
def suspect_history_panel(referral: Any, user: Any) -> TriagePanel | None:
    suspect = next((p for p in referral.parties.all() if p.role == PartyRole.SUSPECT), None)
    if suspect is None or suspect.match_pending:
        return None  # who the suspect is is confirmed first
    person = suspect.person
    named_here = {p.person_id for p in referral.parties.all()}
    cases_qs = (
        cases_visible_to(user)
        .filter(partnership=referral.partnership, suspect=person)
        .annotate(open_first=SqlCase(When(status=CaseStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("open_first", "-opened_on", "-id")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=CaseParty.objects.filter(role=CasePartyRole.VICTIM).select_related("person"),
                to_attr="victim_parties",
            )
        )
    )
    cases = list(cases_qs[: SHOWN + 1])
    victims: dict[int, dict[str, Any]] = {}
    for case in cases[:SHOWN]:
        for party in case.victim_parties:
            if party.person_id not in named_here:
                entry = victims.setdefault(
                    party.person_id, {"person": party.person, "where": [], "relationship": party.get_relationship_to_suspect_display()}
                )
                entry["where"].append(case.reference)
    # Referrals about the suspect that did not become cases (advice, signposting, closed) name victims too.
    elsewhere = list(
        ReferralParty.objects.filter(
            role=PartyRole.VICTIM, referral__partnership=referral.partnership,
            referral__parties__person=person, referral__parties__role=PartyRole.SUSPECT,
        )
        .exclude(referral=referral)
        .select_related("person", "referral")
        .order_by("-referral__received_on", "-id")[: SHOWN + 1]
    )
    for referral_party in elsewhere[:SHOWN]:
        if referral_party.person_id in named_here:
            continue
        entry = victims.setdefault(
            referral_party.person_id,
            {
                "person": referral_party.person, "where": [],
                "relationship": referral_party.get_relationship_to_suspect_display(),
            },
        )
        if referral_party.referral.case_id is None:
            entry["where"].append(referral_party.referral.reference)
    other_victims = sorted(victims.values(), key=lambda v: v["person"].display_name)
    return TriagePanel(
        "cases/_triage_history.html",
        {
            "suspect": person,
            "cases": cases[:SHOWN],
            "more_cases": len(cases) > SHOWN,
            "open_case": next((c for c in cases if c.status == CaseStatus.OPEN), None),
            "other_victims": other_victims,
            "more_victims": len(elsewhere) > SHOWN,
        },
        subjects=[*cases[:SHOWN], *[v["person"] for v in other_victims]],
    )

