from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, Func, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from masip.access import policy
from masip.accounts.models import User
from masip.cases.models import Case, CaseAllocation, CaseParty, RetentionProposal, ReviewTrigger
from masip.cases.registry import case_filters
from masip.partnerships.models import CASEWORK_ROLES, Partnership


def cases_visible_to(user: Any) -> QuerySet[Case]:
    return Case.objects.filter(partnership_id__in=policy.casework_partnership_ids(user))


def case_get(user: Any, pk: int) -> Case:
    """A case the user may see, with its parties; otherwise not found."""
    return get_object_or_404(
        cases_visible_to(user)
        .select_related("partnership", "suspect", "lead_officer")
        .prefetch_related(
            Prefetch("parties", queryset=CaseParty.objects.select_related("person").order_by("-role", "id")),
            Prefetch("review_triggers", queryset=ReviewTrigger.objects.filter(resolved_at__isnull=True)),
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class CaseListQuery:
    """What the case list shows, as the filter form reads it from the URL."""

    mine: bool = False
    status: str = ""
    lead_id: int | None = None
    agency_id: int | None = None
    risk: int | None = None
    stalker_type: str = ""  # a StalkerType, "none" for not typed, "" for any
    area: str = ""
    reassessment_due: bool = False
    extras: tuple[str, ...] = ()  # names of registered filters that are on (cases/registry.py)
    sort: str = "newest"


CASE_ORDER = {
    "newest": ("-opened_on", "-id"),
    "oldest": ("opened_on", "id"),
    "risk": ("-risk_rank", "-opened_on", "-id"),
    "reference": ("reference",),
}


def case_list(user: Any, partnership: Partnership, query: CaseListQuery | None = None) -> QuerySet[Case]:
    query = query or CaseListQuery()
    if not policy.does_casework_in(user, partnership):
        return Case.objects.none()
    qs = Case.objects.filter(partnership=partnership)
    working = CaseAllocation.objects.filter(case=OuterRef("pk"), ended_on__isnull=True)
    if query.mine:
        qs = qs.filter(Q(lead_officer=user) | Q(Exists(working.filter(user=user))))
    if query.status:
        qs = qs.filter(status=query.status)
    if query.lead_id is not None:
        qs = qs.filter(lead_officer_id=query.lead_id)
    if query.agency_id is not None:
        qs = qs.filter(Q(lead_officer__agency_id=query.agency_id) | Q(Exists(working.filter(user__agency_id=query.agency_id))))
    if query.risk is not None:
        qs = qs.filter(risk_rank=query.risk)
    if query.stalker_type:
        qs = qs.filter(stalker_type="" if query.stalker_type == "none" else query.stalker_type)
    if query.area:
        qs = qs.filter(area=query.area)
    if query.reassessment_due:
        qs = qs.filter(reassessment_due=True)
    for extra in case_filters():
        if extra.name in query.extras:
            qs = extra.apply(qs, partnership)
    # Counted per listed case by correlated subqueries, not a GROUP BY over the whole
    # partnership: the page's cost stays flat as cases accumulate, and the paginator's
    # count drops them.
    qs = qs.select_related("suspect").annotate(
        victim_count=_count_of(CaseParty.objects.filter(case=OuterRef("pk"), role="victim")),
        open_triggers=_count_of(ReviewTrigger.objects.filter(case=OuterRef("pk"), resolved_at__isnull=True)),
    )
    return qs.order_by(*CASE_ORDER.get(query.sort, CASE_ORDER["newest"]))


def _count_of(rows: QuerySet) -> Coalesce:
    """COUNT(*) of a correlated queryset, as a scalar subquery (no GROUP BY in the outer query)."""
    return Coalesce(Subquery(rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1]), 0)


def casework_staff(partnership: Partnership):
    """Staff who may be given a case in this partnership."""
    return (
        User.objects.filter(
            memberships__partnership=partnership, memberships__is_active=True, memberships__role__in=CASEWORK_ROLES
        )
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name")
    )


def allocated_user_ids(case: Case) -> list[int]:
    """The staff working the case now (allocations not ended)."""
    return list(case.allocations.filter(ended_on__isnull=True).values_list("user_id", flat=True))


def pending_retention_proposals(partnership: Partnership) -> list[RetentionProposal]:
    """Retention proposals waiting for a second person's decision."""
    return list(
        RetentionProposal.objects.filter(partnership=partnership, status=RetentionProposal.Status.PENDING)
        .select_related("proposed_by", "case")
    )


def retention_proposal_get(user: Any, pk: int) -> RetentionProposal:
    """A retention proposal in a partnership where the user does casework (404 elsewhere)."""
    return get_object_or_404(
        RetentionProposal.objects.filter(partnership_id__in=policy.casework_partnership_ids(user))
        .select_related("proposed_by", "partnership"),
        pk=pk,
    )
