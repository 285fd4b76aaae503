"""Cross-context reads for the home page and search, built on each context's selectors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from masip.access import policy
from masip.cases.models import Case, CaseStatus, RetentionProposal
from masip.cases.retention import may_approve
from masip.cases.selectors import cases_visible_to
from masip.people.matching import name_tokens
from masip.people.models import Person, PersonAlias
from masip.people.selectors import people_visible_to
from masip.referrals.choices import ReferralStatus
from masip.referrals.models import Referral
from masip.referrals.selectors import referrals_visible_to


@dataclass
class PartnershipSummary:
    partnership: Any
    role: str
    untriaged: int
    open_cases: int
    open_triggers: int
    can_triage: bool
    manages: bool = False
    retention_due: int = 0
    proposals_to_decide: list = None  # retention proposals this user may approve


def home_summaries(user: Any) -> list[PartnershipSummary]:
    """Work waiting in each partnership the user does case work in (three queries in all)."""
    ids = policy.casework_partnership_ids(user)
    if not ids:
        return []
    untriaged = dict(
        Referral.objects.filter(partnership_id__in=ids, status=ReferralStatus.UNTRIAGED)
        .values_list("partnership_id")
        .annotate(n=Count("id"))
    )
    open_cases = dict(
        Case.objects.filter(partnership_id__in=ids, status=CaseStatus.OPEN)
        .values_list("partnership_id")
        .annotate(n=Count("id"))
    )
    triggers = dict(
        Case.objects.filter(partnership_id__in=ids, review_triggers__resolved_at__isnull=True)
        .values_list("partnership_id")
        .annotate(n=Count("review_triggers"))
    )
    memberships = policy.memberships(user)
    today = timezone.localdate()
    due = dict(
        Case.objects.filter(
            partnership_id__in=policy.managed_partnership_ids(user), status=CaseStatus.CLOSED,
            retention_review_on__lte=today, anonymised_at__isnull=True,
        )
        .values_list("partnership_id")
        .annotate(n=Count("id"))
    )
    proposals: dict[int, list] = {}
    for proposal in RetentionProposal.objects.filter(
        partnership_id__in=ids, status=RetentionProposal.Status.PENDING
    ).select_related("proposed_by"):
        if may_approve(user, proposal):
            proposals.setdefault(proposal.partnership_id, []).append(proposal)
    return [
        PartnershipSummary(
            partnership=memberships[pid].partnership,
            role=memberships[pid].get_role_display(),
            untriaged=untriaged.get(pid, 0),
            open_cases=open_cases.get(pid, 0),
            open_triggers=triggers.get(pid, 0),
            can_triage=policy.can_triage(user, memberships[pid].partnership),
            manages=policy.manages(user, pid),
            retention_due=due.get(pid, 0),
            proposals_to_decide=proposals.get(pid, []),
        )
        for pid in sorted(ids, key=lambda i: memberships[i].partnership.name)
    ]


@dataclass
class SearchResults:
    query: str
    people: list[Person]
    referrals: list[Referral]
    cases: list[Case]

    @property
    def count(self) -> int:
        return len(self.people) + len(self.referrals) + len(self.cases)


def search(user: Any, query: str, *, limit: int = 50) -> SearchResults:
    """People by name or alias, referrals by reference or crime reference, cases by reference."""
    query = query.strip()
    if not query:
        return SearchResults(query, [], [], [])
    upper = query.upper()
    referrals = list(
        referrals_visible_to(user)
        .filter(Q(reference=upper) | Q(crime_reference=upper))
        .select_related("partnership", "case")[:limit]
    )
    cases = list(
        cases_visible_to(user)
        .filter(Q(reference=upper) | Q(referrals__crime_reference=upper))
        .select_related("partnership", "suspect")
        .distinct()[:limit]
    )
    people: list[Person] = []
    tokens = name_tokens(query)
    if tokens:
        name_q = Q()
        for token in tokens:
            name_q &= Q(name_key__contains=token)
        alias_ids = PersonAlias.objects.filter(surname_key__in=tokens).values("person_id")
        people = list(
            people_visible_to(user)
            .filter(name_q | Q(pk__in=alias_ids))
            .select_related("partnership")
            .prefetch_related("aliases", "case_parties__case")
            .order_by("full_name", "id")[:limit]
        )
    return SearchResults(query, people, referrals, cases)
