from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from masip.access import policy
from masip.partnerships.models import Partnership
from masip.people.selectors import people_visible_to
from masip.referrals.choices import PartyRole, ReferralStatus
from masip.referrals.models import Referral, ReferralParty, TriageDecision

_PARTIES = Prefetch(
    "parties",
    queryset=ReferralParty.objects.select_related("person").order_by("-role", "id"),
)


def referrals_visible_to(user: Any) -> QuerySet[Referral]:
    return Referral.objects.filter(partnership_id__in=policy.casework_partnership_ids(user))


def referral_get(user: Any, pk: int) -> Referral:
    """A referral the user may see, with its parties, incidents and triage history; otherwise not found."""
    return get_object_or_404(
        referrals_visible_to(user)
        .select_related("partnership", "case", "created_by", "possible_duplicate_of")
        .prefetch_related(
            _PARTIES,
            "reported_incidents",
            Prefetch(
                "triage_decisions",
                queryset=TriageDecision.objects.select_related("decided_by", "case").order_by(
                    "-decided_at", "-id"
                ),
            ),
        ),
        pk=pk,
    )


def triage_queue(user: Any, partnership: Partnership) -> QuerySet[Referral]:
    """Untriaged referrals, most urgent flags first and oldest first within them
    (see referrals.urgency.queue_sort_key, which states the same order)."""
    if not policy.does_casework_in(user, partnership):
        return Referral.objects.none()
    return (
        Referral.objects.filter(partnership=partnership, status=ReferralStatus.UNTRIAGED)
        .order_by("-risk_rank", "-urgency", "received_on", "id")
        .prefetch_related(_PARTIES)
    )


def referral_list(user: Any, partnership: Partnership, *, status: str = "") -> QuerySet[Referral]:
    if not policy.does_casework_in(user, partnership):
        return Referral.objects.none()
    qs = Referral.objects.filter(partnership=partnership).select_related("case").prefetch_related(_PARTIES)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-received_on", "-id")


def referrals_with_crime_reference(partnership: Partnership, crime_reference: str) -> QuerySet[Referral]:
    """Earlier referrals in the partnership with the same crime reference (possible duplicates)."""
    if not crime_reference:
        return Referral.objects.none()
    return Referral.objects.filter(partnership=partnership, crime_reference=crime_reference).order_by("id")


def suspect_of(referral: Referral) -> ReferralParty | None:
    return next((p for p in referral.parties.all() if p.role == PartyRole.SUSPECT), None)


def victims_of(referral: Referral) -> list[ReferralParty]:
    return [p for p in referral.parties.all() if p.role == PartyRole.VICTIM]


def candidate_people_of(user: Any, party: ReferralParty) -> list[dict[str, Any]]:
    """The candidate matches intake stored for a party waiting at triage, with the people as they
    are now (only those the user may see and still on the system): [{person, strength, reasons, roles}]."""
    stored = {c["person_id"]: c for c in party.candidate_matches}
    people = {
        p.pk: p
        for p in people_visible_to(user)
        .filter(pk__in=list(stored), partnership_id=party.referral.partnership_id)
        .prefetch_related("aliases", "identifiers", "referral_parties__referral", "case_parties__case")
    }
    result = []
    for person_id, candidate in stored.items():
        person = people.get(person_id)
        if person is None:
            continue
        roles = sorted(
            {f"{cp.get_role_display()} in case {cp.case.reference}" for cp in person.case_parties.all()}
            | {f"{rp.get_role_display()} in referral {rp.referral.reference}" for rp in person.referral_parties.all()}
        )
        result.append({"person": person, "strength": candidate["strength"], "reasons": candidate["reasons"], "roles": roles})
    return result
