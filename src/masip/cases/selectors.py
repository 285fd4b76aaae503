from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from masip.access import policy
from masip.accounts.models import User
from masip.cases.models import Case, CaseParty, RetentionProposal, ReviewTrigger
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


def case_list(user: Any, partnership: Partnership, *, status: str = "") -> QuerySet[Case]:
    if not policy.does_casework_in(user, partnership):
        return Case.objects.none()
    qs = (
        Case.objects.filter(partnership=partnership)
        .select_related("suspect")
        .annotate(
            victim_count=Count("parties", filter=Q(parties__role="victim"), distinct=True),
            open_triggers=Count(
                "review_triggers", filter=Q(review_triggers__resolved_at__isnull=True), distinct=True
            ),
        )
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-opened_on", "-id")


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
