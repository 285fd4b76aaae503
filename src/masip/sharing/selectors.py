from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from masip.access.sharing import sharing_view
from masip.partnerships.models import Agency
from masip.partnerships.selectors import partner_agencies
from masip.sharing.models import HealthSummaryShare, InformationEntry

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


def information_for_case(user: User, case: Case) -> QuerySet[InformationEntry]:
    """Entries on a case the user may read under need-to-know and the ISAs in force today -
    with those shared on its referrals while a meeting triaged them, before the case existed."""
    view = sharing_view(user, case.partnership)
    return (
        InformationEntry.objects.filter(Q(case=case) | Q(case__isnull=True, referral__case=case))
        .filter(view.visible_q())
        .select_related("source_agency", "recorded_by")
        .order_by("-recorded_at", "-id")
    )


def health_summaries_for_case(user: User, case: Case) -> QuerySet[HealthSummaryShare]:
    """Summaries shared with the user's agency, and all summaries for their authors' agency."""
    if user.agency_id is None:
        return HealthSummaryShare.objects.none()
    view = sharing_view(user, case.partnership)
    if view.agency_id is None:
        return HealthSummaryShare.objects.none()
    return (
        HealthSummaryShare.objects.filter(case=case)
        .filter(Q(recipient_agency_id=user.agency_id) | Q(source_agency_id=user.agency_id))
        .select_related("source_agency", "recipient_agency", "shared_by")
    )


def case_page_context(case: Case, user: User) -> dict[str, object]:
    """The information and health summaries shared on the case that the user may see
    (added to the case page through cases/registry.py)."""
    return {
        "information": list(information_for_case(user, case)),
        "health_summaries": list(health_summaries_for_case(user, case)),
    }


def health_summary_recipients(case: Case, *, sender: User) -> QuerySet[Agency]:
    """The partner agencies a health summary on the case may go to: any but the sender's own."""
    agencies = partner_agencies(case.partnership)
    return agencies if sender.agency_id is None else agencies.exclude(pk=sender.agency_id)
