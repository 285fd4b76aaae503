"""Every change to cases goes through these functions. Callers hold the transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from masip.access import policy
from masip.audit.actions import AuditAction
from masip.audit.history import stale_edit
from masip.audit.models import Operation
from masip.audit.services import log_changes, log_event
from masip.cases import registry
from masip.cases.models import (
    Case,
    CaseParty,
    CasePartyRole,
    CaseStatus,
    CaseStatusChange,
    ReviewTrigger,
    StatusChange,
    TriggerKind,
)
from masip.cases.retention import set_review_date
from masip.partnerships.models import Partnership
from masip.partnerships.revisiting import RevisitingPolicy, reassessment_on_trigger
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
            area=referral.area,
        )
        CaseParty.objects.create(case=case, person_id=suspect.person_id, role=CasePartyRole.SUSPECT)
        log_event(
            actor=acting_user, operation=Operation.COLLECTION, action=AuditAction.CASE_OPEN, partnership=referral.partnership,
            subjects=[case, referral],
        )
    elif referral.area and not case.area:
        # The case did not know where the suspect lives; the new referral says.
        case.area = referral.area
        case.save(update_fields=["area"])
        log_event(
            actor=acting_user, operation=Operation.ALTERATION, action=AuditAction.CASE_SET_AREA,
            partnership=case.partnership, subjects=[case, referral],
            reason=f"Area given by referral {referral.reference}", changes=[(case, "area", "", referral.area)],
        )
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
    # What other contexts carry over (assessments: the referral's assessments follow it).
    registry.referral_taken(referral=referral, case=case, acting_user=acting_user)
    if joined:
        new_victims = [v for v in victims if v.person_id not in existing]
        reason = _new_referral_reason(referral, len(new_victims))
        # Intake may have raised the trigger when the referral arrived (case_note_new_referral):
        # keep that one, now with what acceptance adds, rather than raise a second.
        raised = ReviewTrigger.objects.filter(case=case, referral=referral, kind=TriggerKind.NEW_REFERRAL).first()
        if raised is not None:
            raised.reason = reason
            raised.save(update_fields=["reason"])
        else:
            ReviewTrigger.objects.create(
                case=case, kind=TriggerKind.NEW_REFERRAL, reason=reason, raised_by=acting_user, referral=referral
            )
            case_revisit(case=case, acting_user=acting_user, trigger=f"{TriggerKind.NEW_REFERRAL.label}: {reason}")
    return case, joined


def _new_referral_reason(referral: Any, new_victims: int) -> str:
    reason = f"Referral {referral.reference} received {referral.received_on:%d %b %Y} about the same suspect"
    if new_victims:
        reason += f", naming {new_victims} new victim{'s' if new_victims > 1 else ''}"
    return reason + "."


def case_note_new_referral(*, case: Case, referral: Any, acting_user: Any) -> ReviewTrigger:
    """A referral about the suspect of an open case has arrived: bring the case back for
    re-review now, before triage, so that no new information waits unseen. Acceptance then
    puts the referral into this case (case_take_referral) without raising a second trigger."""
    existing = set(case.parties.filter(role=CasePartyRole.VICTIM).values_list("person_id", flat=True))
    new_victims = {
        p.person_id for p in referral.parties.all() if p.role == PartyRole.VICTIM and p.person_id not in existing
    }
    trigger, created = ReviewTrigger.objects.get_or_create(
        case=case, referral=referral, kind=TriggerKind.NEW_REFERRAL,
        defaults={"reason": _new_referral_reason(referral, len(new_victims)), "raised_by": acting_user},
    )
    if created:
        log_event(
            actor=acting_user, operation=Operation.ALTERATION, action=AuditAction.CASE_NEW_REFERRAL, partnership=case.partnership,
            subjects=[case, referral], details={"new_victims": len(new_victims)},
        )
        case_revisit(case=case, acting_user=acting_user, trigger=f"{TriggerKind.NEW_REFERRAL.label}: {trigger.reason}")
    return trigger


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
        set_review_date(case)
        log_event(
            actor=acting_user, operation=Operation.ALTERATION, action=AuditAction.CASE_CLOSE, partnership=case.partnership,
            subjects=[case, referral], reason=case.close_reason, changes=[(case, "status", "open", "closed")],
        )


TEAM_FIELD_LABELS = {"lead_officer": "lead", "allocated_staff": "staff working the case"}


@transaction.atomic
def case_update_team(
    *, case: Case, acting_user: Any, lead_officer: Any, allocated_staff: list[Any], expected_version: int
) -> Case:
    """Set the lead and the staff working the case (their caseload), with field-level history.

    expected_version is the team version the form was opened at: a save based on
    an older one is refused with what changed meanwhile.
    """
    from masip.cases.models import CaseAllocation
    from masip.cases.selectors import casework_staff

    if not policy.does_casework_in(acting_user, case.partnership):
        raise PermissionDenied("You are not a member of this partnership's unit.")
    case = Case.objects.select_for_update(of=("self",)).select_related("lead_officer").get(pk=case.pk)
    if case.team_version != expected_version:
        raise stale_edit(
            case, expected_version=expected_version, current_version=case.team_version,
            what="who works this case", labels=TEAM_FIELD_LABELS, actions=("case.update_team",),
        )
    allowed = set(casework_staff(case.partnership).values_list("pk", flat=True))
    current = CaseAllocation.objects.filter(case=case, ended_on__isnull=True)
    chosen = [u for u in [lead_officer, *allocated_staff] if u is not None]
    if any(u.pk not in allowed for u in chosen):
        raise ValidationError("Only staff of this partnership's unit can work its cases.")
    before = {
        "lead_officer": str(case.lead_officer or ""),
        "allocated_staff": sorted(str(a.user) for a in current.select_related("user")),
    }
    after = {"lead_officer": str(lead_officer or ""), "allocated_staff": sorted(str(u) for u in allocated_staff)}
    if case.lead_officer_id == getattr(lead_officer, "pk", None) and set(
        current.values_list("user_id", flat=True)
    ) == {u.pk for u in allocated_staff}:
        return case  # nothing changed: the version stays, so no open form goes stale for nothing
    case.lead_officer = lead_officer
    case.team_version += 1
    case.save(update_fields=["lead_officer", "team_version"])
    # Staff taken off the case keep their allocation with an end date (caseload on past days).
    today = timezone.localdate()
    current.exclude(user__in=allocated_staff).update(ended_on=today)
    existing = set(current.values_list("user_id", flat=True))
    CaseAllocation.objects.bulk_create(
        CaseAllocation(case=case, user=u, allocated_on=today) for u in allocated_staff if u.pk not in existing
    )
    log_changes(actor=acting_user, action=AuditAction.CASE_UPDATE_TEAM, record=case, before=before, after=after,
                partnership=case.partnership, details={"version": case.team_version})
    return case



def may_set_area(user: Any, partnership: Partnership) -> bool:
    """Who may set or correct where a case's suspect lives: those who triage (they place a
    referral) and the unit manager. Not every practitioner: the area decides whether
    direct work may be offered, so the person recording that work cannot move it."""
    return policy.can_triage(user, partnership) or policy.manages(user, partnership)


@transaction.atomic
def case_set_area(*, case: Case, acting_user: Any, area: str, reason: str, expected_version: int) -> Case:
    """Set or correct the area where the case's suspect lives, with the reason, in the audit log.

    expected_version is the area version the form was opened at: a correction based on an older
    one is refused with what changed meanwhile."""
    if not may_set_area(acting_user, case.partnership):
        raise PermissionDenied(
            f"In {case.partnership}, the case's area is set by those who triage and the unit manager."
        )
    case = Case.objects.select_for_update(of=("self",)).select_related("partnership").get(pk=case.pk)
    if case.area_version != expected_version:
        raise stale_edit(
            case, expected_version=expected_version, current_version=case.area_version,
            what="the case's area", labels={"area": "Area"}, actions=("case.set_area",),
        )
    errors = {}
    if area and area not in case.partnership.areas:
        errors["area"] = f"Select an area of {case.partnership}"
    if not reason.strip():
        errors["reason"] = "Enter why the area is being set or corrected"
    if errors:
        raise ValidationError(errors)
    if area == case.area:
        return case  # nothing changed: the version stays, so no open form goes stale for nothing
    before = {"area": case.area}
    case.area = area
    case.area_version += 1
    case.save(update_fields=["area", "area_version"])
    log_changes(
        actor=acting_user, action=AuditAction.CASE_SET_AREA, record=case, partnership=case.partnership,
        before=before, after={"area": area}, reason=reason.strip(), details={"version": case.area_version},
    )
    return case


def case_set_risk(
    *, case: Case, acting_user: Any, rank: int, label: str, source: str, stalker_type: str | None = None
) -> Case:
    """The one way a case's current risk (and stalker type) changes: from a signed-off
    assessment or a meeting's agreed decision. Logged with field-level history."""
    fields = ["risk_rank", "risk_label", "risk_source", "stalker_type"]
    before = {f: getattr(case, f) for f in fields}
    case.risk_rank, case.risk_label, case.risk_source = rank, label[:100], source[:200]
    if stalker_type is not None:
        case.stalker_type = stalker_type
    case.risk_updated_at = timezone.now()
    case.save(update_fields=[*fields, "risk_updated_at"])
    log_changes(
        actor=acting_user, action=AuditAction.CASE_SET_RISK, record=case, partnership=case.partnership, before=before,
        after={f: getattr(case, f) for f in fields}, reason=source,
    )
    return case


def case_mark_reassessment_due(*, case: Case, acting_user: Any, reason: str, instrument: str = "") -> Case:
    """Ask for a reassessment; `instrument` names the one that answers it (blank: any signed-off assessment)."""
    reason = reason[:300]
    if not instrument and case.reassessment_due:
        instrument = case.reassessment_instrument  # a request already waiting for a named instrument stands
    if (case.reassessment_due, case.reassessment_reason, case.reassessment_instrument) != (True, reason, instrument):
        case.reassessment_due, case.reassessment_reason, case.reassessment_instrument = True, reason, instrument
        case.save(update_fields=["reassessment_due", "reassessment_reason", "reassessment_instrument"])
        log_event(
            actor=acting_user, operation=Operation.ALTERATION, action=AuditAction.CASE_REASSESSMENT_DUE,
            partnership=case.partnership, subjects=[case], reason=reason,
            details={"instrument": instrument} if instrument else None,
        )
    return case


def case_revisit(*, case: Case, acting_user: Any, trigger: str) -> Case:
    """What a re-review trigger asks for besides the meeting, by the partnership's revisiting policy:
    a reassessment (Cheshire: a new CAS at each re-review), or nothing (London). Call inside the
    trigger's transaction."""
    model = case.partnership.operating_model_on()
    policy = RevisitingPolicy.of(model)
    request = reassessment_on_trigger(policy, trigger=trigger)
    if request is not None:
        case_mark_reassessment_due(
            case=case, acting_user=acting_user, reason=request.reason, instrument=request.instrument
        )
    return case


# -- closing and reopening ----------------------------------------------------------------------
# Closing starts the tracking period after closure (monitoring registers how long it lasts:
# cases.registry.case_tracking) and sets the retention review date.


def _casework_only(user: Any, case: Case) -> None:
    if not policy.does_casework_in(user, case.partnership):
        raise PermissionDenied("You are not a member of this partnership's unit.")


@transaction.atomic
def case_close(
    *, case: Case, acting_user: Any, reason: str, closed_on: date | None = None
) -> CaseStatusChange:
    """Close a case with a reason: the tracking period after closure starts, and the retention review date is set."""
    _casework_only(acting_user, case)
    case = Case.objects.select_for_update(of=("self",)).select_related("partnership").get(pk=case.pk)
    today = timezone.localdate()
    closed_on = closed_on or today
    errors = {}
    if case.status != CaseStatus.OPEN:
        raise ValidationError(f"Case {case.reference} is already closed.")
    if not reason.strip():
        errors["reason"] = "Enter why the case is closing"
    if closed_on > today:
        errors["closed_on"] = "Date closed must be today or in the past"
    elif closed_on < case.opened_on:
        errors["closed_on"] = (
            f"Date closed must be on or after the day the case opened ({case.opened_on:%-d %B %Y})"
        )
    if errors:
        raise ValidationError(errors)
    case.status, case.closed_on, case.close_reason = CaseStatus.CLOSED, closed_on, reason.strip()
    case.save(update_fields=["status", "closed_on", "close_reason"])
    set_review_date(case)
    tracking = registry.case_tracking(case)
    change = CaseStatusChange.objects.create(
        case=case,
        change=StatusChange.CLOSED,
        on=closed_on,
        reason=reason.strip(),
        tracking_until=tracking.until,
        changed_by=acting_user,
    )
    log_event(
        actor=acting_user,
        operation=Operation.ALTERATION,
        action=AuditAction.CASE_CLOSE,
        partnership=case.partnership,
        subjects=[case],
        reason=reason,
        changes=[(case, "status", CaseStatus.OPEN, CaseStatus.CLOSED)],
        details={"tracking_until": tracking.until.isoformat() if tracking.until else ""},
    )
    return change


@transaction.atomic
def case_reopen(*, case: Case, acting_user: Any, reason: str) -> CaseStatusChange:
    """Reopen a closed case with a reason; the earlier closing stays in its history."""
    _casework_only(acting_user, case)
    case = Case.objects.select_for_update(of=("self",)).select_related("partnership").get(pk=case.pk)
    if case.status != CaseStatus.CLOSED:
        raise ValidationError(f"Case {case.reference} is open already.")
    if case.anonymised_at is not None:
        raise ValidationError(f"Case {case.reference} has been anonymised and cannot be reopened.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the case is reopening"})
    previous = case.closed_on
    if not CaseStatusChange.objects.filter(case=case, change=StatusChange.CLOSED).exists() and previous:
        # Closed before closings were recorded here (by triage, or in older data): keep that closing in the history.
        CaseStatusChange.objects.create(
            case=case,
            change=StatusChange.CLOSED,
            on=previous,
            reason=case.close_reason or "(no reason recorded)",
            tracking_until=registry.case_tracking(case).until,
            changed_by=acting_user,
        )
    case.status, case.closed_on, case.close_reason = CaseStatus.OPEN, None, ""
    case.save(update_fields=["status", "closed_on", "close_reason"])
    set_review_date(case)  # an open case has no retention review date
    change = CaseStatusChange.objects.create(
        case=case,
        change=StatusChange.REOPENED,
        on=timezone.localdate(),
        reason=reason.strip(),
        changed_by=acting_user,
    )
    log_event(
        actor=acting_user,
        operation=Operation.ALTERATION,
        action=AuditAction.CASE_REOPEN,
        partnership=case.partnership,
        subjects=[case],
        reason=reason,
        changes=[(case, "status", CaseStatus.CLOSED, CaseStatus.OPEN)],
    )
    return change
