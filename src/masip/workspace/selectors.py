"""Cross-context reads for the home page and search, built on each context's selectors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count
from django.utils import timezone

from masip.access import policy
from masip.cases.models import Case, CaseStatus, RetentionProposal
from masip.cases.retention import may_approve
from masip.cases.selectors import cases_visible_to
from masip.people.models import Person
from masip.people.selectors import people_search
from masip.referrals.choices import ReferralStatus
from masip.referrals.models import Referral
from masip.referrals.selectors import referrals_visible_to

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.partnerships.models import Partnership


@dataclass
class PartnershipSummary:
    partnership: Partnership
    role: str
    untriaged: int
    open_cases: int
    open_triggers: int
    can_triage: bool
    manages: bool = False
    retention_due: int = 0
    proposals_to_decide: list | None = None  # retention proposals this user may approve


def home_summaries(user: User) -> list[PartnershipSummary]:
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
    # Set when more matched than are shown, so the page can say so rather than
    # let a reader think the list is complete.
    people_truncated: bool = False
    referrals_truncated: bool = False
    cases_truncated: bool = False

    @property
    def count(self) -> int:
        return len(self.people) + len(self.referrals) + len(self.cases)

    @property
    def truncated(self) -> bool:
        return self.people_truncated or self.referrals_truncated or self.cases_truncated


def search(user: User, query: str, *, limit: int = 50) -> SearchResults:
    """Referrals by reference or crime reference, cases by reference, and people by name or
    alias (sounding alike), date of birth, PNC ID, probation CRN, NHS number, phone or email."""
    query = query.strip()
    if not query:
        return SearchResults(query, [], [], [])
    upper = "".join(query.split()).upper()
    # One indexed condition per query (a reference is unique; a crime reference is indexed
    # per partnership), rather than an OR a planner may answer by reading every row.
    by_reference = list(referrals_visible_to(user).filter(reference=upper).values_list("pk", flat=True)[:1])
    by_crime_reference = list(
        referrals_visible_to(user).filter(crime_reference=upper).values_list("pk", "case_id")[: limit + 1]
    )
    referral_ids = by_reference + [pk for pk, _ in by_crime_reference]
    referrals = list(
        Referral.objects.filter(pk__in=referral_ids).select_related("partnership", "case").order_by("-received_on", "-id")
    )
    case_ids = set(cases_visible_to(user).filter(reference=upper).values_list("pk", flat=True)[:1])
    case_ids |= {case_id for _, case_id in by_crime_reference if case_id}
    cases = list(
        cases_visible_to(user).filter(pk__in=case_ids).select_related("partnership", "suspect").order_by("-opened_on", "-id")
    )
    found = people_search(user, query, limit=limit)
    return SearchResults(
        query, found.people, referrals[:limit], cases[:limit],
        people_truncated=found.truncated, referrals_truncated=len(by_crime_reference) > limit,
        cases_truncated=len(cases) > limit,
    )
