"""Every change to cases goes through these functions. Callers hold the transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from masip.cases.models import Case, CaseParty, CasePartyRole, CaseStatus, ReviewTrigger, TriggerKind
from masip.partnerships.models import Partnership
from masip.referrals.choices import PartyRole


def _next_case_reference(partnership: Partnership) -> str:
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    number = locked.next_case_number
    locked.next_case_number = number + 1
    locked.save(update_fields=["next_case_number"])
    return f"{locked.code}-C{number:05d}"


def open_case_of_suspect(partnership: Partnership, suspect_id: int) -> Case | None:
    return (
        Case.objects.select_for_update()
        .filter(partnership=partnership, suspect_id=suspect_id, status=CaseStatus.OPEN)
        .order_by("opened_on", "id")
        .first()
    )


def case_take_referral(*, referral: Any, acting_user: Any) -> tuple[Case, bool]:
    """Put an accepted referral into a case: the suspect's open case if there is
    one (returns joined=True and raises a re-review trigger), else a new case."""
    assert transaction.get_connection().in_atomic_block, "call inside the triage transaction"
    parties = list(referral.parties.all())
    suspect = next(p for p in parties if p.role == PartyRole.SUSPECT)
    victims = [p for p in parties if p.role == PartyRole.VICTIM]

    case = open_case_of_suspect(referral.partnership, suspect.person_id)
    joined = case is not None
    if case is None:
        case = Case.objects.create(
            partnership=referral.partnership,
            reference=_next_case_reference(referral.partnership),
            suspect_id=suspect.person_id,
            opened_on=timezone.localdate(),
            lead_officer=acting_user,
        )
        CaseParty.objects.create(case=case, person_id=suspect.person_id, role=CasePartyRole.SUSPECT)
    existing = set(case.parties.filter(role=CasePartyRole.VICTIM).values_list("person_id", flat=True))
    CaseParty.objects.bulk_create(
        CaseParty(
            case=case,
            person_id=v.person_id,
            role=CasePartyRole.VICTIM,
            relationship_to_suspect=v.relationship_to_suspect,
        )
        for v in victims
        if v.person_id not in existing
    )
    if joined:
        new_victims = [v for v in victims if v.person_id not in existing]
        reason = (
            f"Referral {referral.reference} received {referral.received_on:%d %b %Y} about the same suspect"
        )
        if new_victims:
            reason += f", naming {len(new_victims)} new victim{'s' if len(new_victims) > 1 else ''}"
        ReviewTrigger.objects.create(
            case=case,
            kind=TriggerKind.NEW_REFERRAL,
            reason=reason + ".",
            raised_by=acting_user,
            referral=referral,
        )
    return case, joined


def case_release_referral(*, referral: Any, acting_user: Any, reason: str) -> None:
    """A revised triage decision takes a referral out of its case. A case left
    with no referral is closed, keeping its history."""
    case = referral.case
    ReviewTrigger.objects.filter(case=case, referral=referral, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
    others = case.referrals.exclude(pk=referral.pk).exists()
    if not others and case.status == CaseStatus.OPEN:
        case.status = CaseStatus.CLOSED
        case.closed_on = timezone.localdate()
        case.close_reason = f"Triage of {referral.reference} revised: {reason}"
        case.save(update_fields=["status", "closed_on", "close_reason"])
