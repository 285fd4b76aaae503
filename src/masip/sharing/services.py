from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from masip.access import policy
from masip.access.models import Category
from masip.access.sharing import sharing_refusal
from masip.audit.actions import AuditAction
from masip.audit.models import Operation
from masip.audit.services import log_event
from masip.partnerships.models import Agency, AgencyKind
from masip.sharing.models import HealthSummaryShare, InformationEntry

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


@transaction.atomic
def information_record(*, case: Case, acting_user: User, category: str, title: str, body: str) -> InformationEntry:
    """Record what the user's agency holds, in a category the access policy reads."""
    if not policy.does_casework_in(acting_user, case.partnership):
        raise PermissionDenied("You are not a member of this partnership's unit.")
    if acting_user.agency_id is None:
        raise ValidationError("Your account has no agency, so the information cannot be attributed.")
    if category not in Category.values:
        raise ValidationError({"category": "Select a category"})
    entry = InformationEntry.objects.create(
        partnership=case.partnership, case=case, category=category, source_agency_id=acting_user.agency_id,
        title=title, body=body, recorded_by=acting_user,
    )
    log_event(
        actor=acting_user, operation=Operation.COLLECTION, action=AuditAction.INFORMATION_RECORD, partnership=case.partnership,
        subjects=[case, entry], details={"category": category},
    )
    return entry


@transaction.atomic
def health_summary_share(
    *, case: Case, acting_user: User, recipient: Agency, summary: str, purpose: str
) -> HealthSummaryShare:
    """A health user shares a summary of clinical information with one agency for a stated purpose.

    Refused, with the missing agreement named, unless a valid ISA covering
    health and clinical information has both agencies as parties today.
    """
    sender = acting_user.agency
    if sender is None or sender.kind != AgencyKind.HEALTH or not policy.does_casework_in(acting_user, case.partnership):
        raise PermissionDenied("Only health staff of this partnership share health summaries.")
    if not purpose.strip():
        raise ValidationError({"purpose": "Enter the purpose of sharing"})
    refusal = sharing_refusal(
        case.partnership, sender=sender, recipient=recipient, category=Category.HEALTH_CLINICAL
    )
    if refusal:
        raise ValidationError({"recipient": refusal})
    share = HealthSummaryShare.objects.create(
        partnership=case.partnership, case=case, summary=summary, purpose=purpose,
        source_agency=sender, recipient_agency=recipient, shared_by=acting_user,
    )
    log_event(
        actor=acting_user, operation=Operation.DISCLOSURE, action=AuditAction.INFORMATION_SHARE_HEALTH_SUMMARY,
        partnership=case.partnership, subjects=[case, share], recipient=str(recipient), reason=purpose,
        details={"category": Category.HEALTH_CLINICAL},
    )
    return share


def case_anonymise_shared_information(case: Case) -> dict[str, int]:
    """Delete the information partners shared about the case and its health summaries - for
    anonymisation at retention review (registered with cases.retention). The caller holds the
    transaction and logs."""
    entries = InformationEntry.objects.filter(case=case).delete()[0]
    summaries = HealthSummaryShare.objects.filter(case=case).delete()[0]
    return {"information_entries": entries + summaries}
