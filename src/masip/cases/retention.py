"""Retention: when a closed case's records come up for review, and the
two-person actions that anonymise or erase them.

Review date = the day the case closed + the partnership's tracking period
after closure + its retention period (both on the operating model, so a unit
manager sets them). Erasure and anonymisation are logged without copying
the erased data: the log keeps the case reference, counts and who decided.

What the casework contexts hold about a case (meeting records, incidents,
interventions, orders, victim support, shared information, assessments) is
theirs to anonymise: each registers a `CaseData` handler here with
`register_case_data()` in its AppConfig.ready(), so this module imports none
of them. On anonymisation, after the people and referrals (the floors below
cases), the handlers run in ascending `order`, inside the decision's
transaction:

    10 meetings       agenda items (and the information shared on the case's
                      referrals at meetings)
    12 actions        actions agreed on the case
    14 plans          risk management plans and their strategies
    20 monitoring     incidents
    30 interventions  interventions, their events and sessions
    40 justice        criminal-justice events, protective orders
    50 victims        victim support, contacts, safety plans, referrals, surveys
    60 sharing        information entries and health summaries (deleted)
    65 documents      documents' files deleted, descriptions and names blanked
                      (on erasure: the files, then the rows)
    70 assessments    free-text answers, judgement and correction reasons,
                      contribution notes (scores and levels kept)

then the case's own closings and reopenings, re-review triggers and close reason. On erasure every
handler's `erase` runs in the same order before the case row is deleted; for
records that belong to the case (CASCADE) that is `deleted_with_case`, which
does nothing: the database takes them with the case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from masip.access import policy
from masip.audit.actions import AuditAction
from masip.audit.models import Operation
from masip.audit.services import Subject, log_event
from masip.cases.models import (
    Case,
    CaseParty,
    CaseStatus,
    CaseStatusChange,
    RetentionAction,
    RetentionProposal,
)
from masip.partnerships.models import Partnership, Role
from masip.people.models import ContactDetail, Person, PersonAlias, PersonIdentifier
from masip.referrals.models import Referral, ReferralParty, ReportedIncident, TriageDecision

# Who may approve what another proposed: a different unit manager or triage lead.
APPROVER_ROLES = {Role.UNIT_MANAGER, Role.TRIAGE_LEAD}

ANONYMISED = "(anonymised)"

CaseDataCounts = dict[str, int]
CaseDataAction = Callable[..., CaseDataCounts]  # called as action(case=case)


def deleted_with_case(case: Case) -> CaseDataCounts:
    """The eraser of a context whose records about a case go with the case row (on_delete=CASCADE)."""
    return {}


@dataclass(frozen=True)
class CaseData:
    """What one context does with the records it holds about a case at retention review."""

    context: str  # the app label of the context holding the records
    order: int  # handlers run in ascending order (the module docstring lists them)
    anonymise: CaseDataAction | None  # blanks free text, returns counts; None keeps the records as they are
    erase: CaseDataAction = deleted_with_case  # runs before the case row is deleted
    prefix: str = ""  # put before each count's name in the audit entry, e.g. "meeting_"


_CASE_DATA: list[CaseData] = []


def register_case_data(handler: CaseData) -> CaseData:
    """Called from a context's AppConfig.ready(); registering the same context again replaces it."""
    _CASE_DATA[:] = [h for h in _CASE_DATA if h.context != handler.context]
    _CASE_DATA.append(handler)
    _CASE_DATA.sort(key=lambda h: (h.order, h.context))
    return handler


def case_data_handlers() -> list[CaseData]:
    return list(_CASE_DATA)


def _run(action: str, case: Case) -> CaseDataCounts:
    counts: CaseDataCounts = {}
    for handler in _CASE_DATA:
        run = getattr(handler, action)
        if run is not None:
            counts.update({f"{handler.prefix}{k}": v for k, v in run(case=case).items()})
    return counts


def retention_review_date(*, closed_on: date, tracking_months: int, retention_months: int) -> date:
    return closed_on + relativedelta(months=tracking_months + retention_months)


def set_review_date(case: Case) -> None:
    """Called when a case closes (and by `masip retention_recompute` after a model change)."""
    if case.status != CaseStatus.CLOSED or case.closed_on is None:
        case.retention_review_on = None
    else:
        model = case.partnership.operating_model_on(case.closed_on)
        tracking = model.tracking_months_after_closure if model else 0
        retention = model.retention_months_after_tracking if model else 72
        case.retention_review_on = retention_review_date(
            closed_on=case.closed_on, tracking_months=tracking, retention_months=retention
        )
    case.save(update_fields=["retention_review_on"])


def review_queue(user: Any, partnership: Partnership, *, today: date | None = None) -> QuerySet[Case]:
    """Closed cases due for review, oldest due first, for the partnership's manager."""
    if not policy.manages(user, partnership):
        return Case.objects.none()
    today = today or timezone.localdate()
    return (
        Case.objects.filter(partnership=partnership, status=CaseStatus.CLOSED, retention_review_on__lte=today)
        .filter(anonymised_at__isnull=True)
        .select_related("suspect")
        .prefetch_related("retention_proposals")
        .order_by("retention_review_on", "id")
    )


@transaction.atomic
def retention_propose(*, case: Case, acting_user: Any, action: str, reason: str, keep_months: int | None = None) -> RetentionProposal:
    if not policy.manages(acting_user, case.partnership):
        raise PermissionDenied("Only the unit manager proposes what happens to records at review.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the proposal"})
    if action not in RetentionAction.values:
        raise ValidationError({"action": "Select what should happen to the records"})
    if action == RetentionAction.KEEP and not keep_months:
        raise ValidationError({"keep_months": "Enter how many more months to keep the records"})
    if case.retention_proposals.filter(status=RetentionProposal.Status.PENDING).exists():
        raise ValidationError("A proposal for this case is already waiting for a second person.")
    proposal = RetentionProposal.objects.create(
        partnership=case.partnership, case=case, case_reference=case.reference, action=action,
        keep_months=keep_months if action == RetentionAction.KEEP else None, reason=reason.strip(),
        proposed_by=acting_user,
    )
    log_event(
        actor=acting_user, operation=Operation.ALTERATION, action=f"retention.propose_{action}",
        partnership=case.partnership, subjects=[case], reason=reason,
    )
    return proposal


def may_approve(user: Any, proposal: RetentionProposal) -> bool:
    return user.pk != proposal.proposed_by_id and policy.role_in(user, proposal.partnership_id) in APPROVER_ROLES


@transaction.atomic
def retention_decide(*, proposal: RetentionProposal, acting_user: Any, approve: bool, note: str = "") -> RetentionProposal:
    """The second person approves (and the action is carried out at once) or rejects."""
    proposal = RetentionProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != RetentionProposal.Status.PENDING:
        raise ValidationError("This proposal has already been decided.")
    if acting_user.pk == proposal.proposed_by_id:
        raise ValidationError("A second person must approve: you proposed this.")
    if not may_approve(acting_user, proposal):
        raise PermissionDenied("Only another unit manager or triage lead of this partnership may approve.")
    if not approve and not note.strip():
        raise ValidationError({"note": "Enter why the proposal is rejected"})
    proposal.decided_by, proposal.decided_at, proposal.decision_note = acting_user, timezone.now(), note.strip()
    if not approve:
        proposal.status = RetentionProposal.Status.REJECTED
        proposal.save()
        log_event(
            actor=acting_user, operation=Operation.ALTERATION, action=AuditAction.RETENTION_REJECT,
            partnership=proposal.partnership, subjects=[Subject("case", proposal.case_id or 0, proposal.case_reference)],
            reason=note,
        )
        return proposal
    if proposal.case_id is None:  # the case went meanwhile (what .get(pk=None) raised)
        raise Case.DoesNotExist("Case matching query does not exist.")
    case = Case.objects.select_for_update().get(pk=proposal.case_id)
    if proposal.action == RetentionAction.KEEP:
        keep_months = proposal.keep_months
        assert keep_months is not None  # retention_propose refuses a "keep" without months
        case.retention_review_on = timezone.localdate() + relativedelta(months=keep_months)
        case.save(update_fields=["retention_review_on"])
        counts = {"kept_months": keep_months}
        operation = Operation.ALTERATION
    elif proposal.action == RetentionAction.ANONYMISE:
        counts = _anonymise(case)
        operation = Operation.ERASURE
    else:
        counts = _erase(case)
        operation = Operation.ERASURE
        proposal.case = None  # the case row is gone; case_reference keeps the link
    proposal.status = RetentionProposal.Status.DONE
    proposal.save()
    log_event(
        actor=acting_user, operation=operation, action=f"retention.{proposal.action}",
        partnership=proposal.partnership, subjects=[Subject("case", proposal.case_id or 0, proposal.case_reference)],
        reason=f"Proposed by {proposal.proposed_by}: {proposal.reason}", details=counts,
    )
    return proposal


def _people_only_in(case: Case) -> list[int]:
    person_ids = set(CaseParty.objects.filter(case=case).values_list("person_id", flat=True))
    referral_ids = list(case.referrals.values_list("pk", flat=True))
    person_ids |= set(ReferralParty.objects.filter(referral_id__in=referral_ids).values_list("person_id", flat=True))
    elsewhere = set(
        CaseParty.objects.filter(person_id__in=person_ids).exclude(case=case).values_list("person_id", flat=True)
    ) | set(
        ReferralParty.objects.filter(person_id__in=person_ids)
        .exclude(referral_id__in=referral_ids)
        .values_list("person_id", flat=True)
    )
    return sorted(person_ids - elsewhere)


def _anonymise(case: Case) -> dict[str, int]:
    """Keep what the evaluation counts (dates, outcomes, offences, behaviours,
    relationships, age bands); remove who it was about and free text."""
    people = _people_only_in(case)
    referral_ids = list(case.referrals.values_list("pk", flat=True))
    PersonAlias.objects.filter(person_id__in=people).delete()
    PersonIdentifier.objects.filter(person_id__in=people).delete()
    ContactDetail.objects.filter(person_id__in=people).delete()
    Person.objects.filter(pk__in=people).update(
        full_name="", description="Anonymised person", date_of_birth=None,
        **dict.fromkeys(Person.KEY_FIELDS, ""),
    )
    Referral.objects.filter(pk__in=referral_ids).update(
        summary="(anonymised)", crime_reference="", referrer_name="", referrer_role="", referrer_phone="",
        referrer_email="", source_agency_name="",
    )
    ReportedIncident.objects.filter(referral_id__in=referral_ids).update(description=ANONYMISED)
    TriageDecision.objects.filter(referral_id__in=referral_ids).update(
        fixated_note="", obsessive_note="", unwanted_note="", repeated_note="", advice_text="", signpost_reason="",
        close_reason="", revision_reason="",
    )
    context_records = _run("anonymise", case)
    status_changes = CaseStatusChange.objects.filter(case=case).update(reason=ANONYMISED)  # closings, reopenings
    case.review_triggers.update(reason=ANONYMISED)
    case.close_reason = ANONYMISED
    case.anonymised_at = timezone.now()
    case.retention_review_on = None
    case.save(update_fields=["close_reason", "anonymised_at", "retention_review_on"])
    return {"people": len(people), "referrals": len(referral_ids), "status_changes": status_changes, **context_records}


def _erase(case: Case) -> dict[str, int]:
    people = _people_only_in(case)
    referrals = Referral.objects.filter(case=case)
    referral_count = referrals.count()
    referrals.delete()
    context_records = _run("erase", case)
    case.delete()
    Person.objects.filter(pk__in=people).delete()
    return {"people": len(people), "referrals": referral_count, **context_records}

