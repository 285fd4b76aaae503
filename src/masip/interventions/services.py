"""Every change to interventions goes through these functions, one transaction each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from masip.access import policy
from masip.access.models import Category
from masip.access.sharing import sharing_view
from masip.assessments.models import Assessment, AssessmentStatus
from masip.audit.actions import AuditAction
from masip.audit.history import stale_edit
from masip.audit.models import Operation
from masip.audit.services import log_changes, log_event
from masip.cases.models import Case
from masip.cases.selectors import casework_staff
from masip.cases.services import case_mark_reassessment_due
from masip.interventions.models import (
    SERVICE_STATUS_FINAL,
    Attendance,
    Engagement,
    Intervention,
    InterventionEvent,
    InterventionEventKind,
    InterventionMode,
    InterventionOutcome,
    InterventionSession,
    InterventionType,
    ServiceStatus,
)
from masip.interventions.rules import direct_intervention_refusal, engagement_refusal
from masip.partnerships.models import AgencyKind

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.assessments.models import Assessment


def may_see_detail(user: User, intervention: Intervention) -> bool:
    """Whether the access policy lets the user see the intervention's detail (not only its summary)."""
    if not policy.does_casework_in(user, intervention.partnership_id):
        return False
    return sharing_view(user, intervention.case.partnership).can_see(
        intervention.category, intervention.source_agency_id
    )


def signed_off_assessments(case: Case):
    """The case's signed-off assessments: what an intervention's before and after can point to."""
    return Assessment.objects.filter(case=case, status=AssessmentStatus.SIGNED_OFF).order_by(
        "-signed_off_at", "-id"
    )


def _signed_off_on_case(assessment: Assessment, case: Case) -> bool:
    return signed_off_assessments(case).filter(pk=assessment.pk).exists()


def _casework_only(user: User, case: Case) -> None:
    if not policy.does_casework_in(user, case.partnership):
        raise PermissionDenied("You are not a member of this partnership's unit.")


def _detail_only(user: User, intervention: Intervention) -> None:
    if not may_see_detail(user, intervention):
        raise PermissionDenied("Clinical detail of this intervention is held by health.")


@dataclass
class InterventionInput:
    intervention_type: InterventionType
    mode: str
    # No area here: whether direct work may be offered depends on where the suspect lives,
    # which is the case's (Case.area), never a value picked on the intervention form.
    delivered_by: User | None = None
    external_service: str = ""
    start_on: date | None = None
    end_on: date | None = None
    planned_sessions: int | None = None
    details: str = ""
    offered_on: date | None = None  # when consent is asked: the day the intervention was offered
    service_status: str = ""
    follow_up_on: date | None = None
    assessment_before: Assessment | None = None  # a signed-off assessments.Assessment of the case


def intervention_errors(
    case: Case, acting_user: User, data: InterventionInput, *, today: date | None = None
) -> dict[str, str]:
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    kind = data.intervention_type
    if data.mode not in InterventionMode.values:
        errors["mode"] = "Select whether the intervention is direct or indirect"
    if kind.is_clinical and acting_user.agency_kind != AgencyKind.HEALTH:
        errors["intervention_type"] = (
            f"{kind.name} is clinical work, recorded by the unit's health staff. "
            "Record a referral to an external service, or ask a health colleague to record it."
        )
    if data.delivered_by is not None and not casework_staff(case.partnership).filter(pk=data.delivered_by.pk).exists():
        errors["delivered_by"] = f"Select a member of {case.partnership}'s unit"
    if (
        data.mode == InterventionMode.INDIRECT
        and kind.usual_mode == InterventionMode.DIRECT
        and data.delivered_by is not None
    ):
        # Otherwise "indirect" would be a way round the operating model's direct-work rule.
        errors["mode"] = (
            f"{kind.name} delivered by the unit's own staff is direct work. Select direct, or name the "
            "external service that delivers it and leave “Delivered by” empty"
        )
    elif data.mode == InterventionMode.DIRECT:
        model = case.partnership.operating_model_on(
            data.start_on if data.start_on and data.start_on <= today else today
        )
        refusal = direct_intervention_refusal(model, partnership_name=case.partnership.name, area=case.area)
        if refusal:
            errors["mode"] = refusal
        if data.delivered_by is None:
            errors["delivered_by"] = "Select the member of staff who delivers it"
        elif kind.is_clinical and data.delivered_by.agency_kind != AgencyKind.HEALTH:
            errors.setdefault(
                "delivered_by", f"{kind.name} is clinical work: select a member of the unit's health staff"
            )
    if data.mode == InterventionMode.INDIRECT:
        if not data.external_service.strip() and kind.is_service_referral:
            errors["external_service"] = "Enter the service the suspect is referred to"
        elif not data.external_service.strip() and data.delivered_by is None:
            errors["external_service"] = "Enter the agency or service that delivers it"
    if data.start_on and data.end_on and data.end_on < data.start_on:
        errors["end_on"] = "The end date must be on or after the start date"
    if data.end_on and data.end_on > today:
        errors["end_on"] = (
            "The end date must be today or in the past; leave it blank while the intervention runs"
        )
    if kind.needs_consent:
        if data.offered_on is None:
            errors["offered_on"] = "Enter the date the intervention was offered to the suspect"
        elif data.offered_on > today:
            errors["offered_on"] = "Date offered must be today or in the past"
    if data.assessment_before is not None and not _signed_off_on_case(data.assessment_before, case):
        errors["assessment_before"] = "Select a signed-off assessment of this case"
    if kind.is_service_referral:
        if data.service_status and data.service_status not in ServiceStatus.values:
            errors["service_status"] = "Select where the referral stands"
        if (
            data.follow_up_on is None
            and (data.service_status or ServiceStatus.REFERRED) not in SERVICE_STATUS_FINAL
        ):
            errors["follow_up_on"] = "Enter the date to follow up the referral"
    return errors


@transaction.atomic
def intervention_record(*, case: Case, acting_user: User, data: InterventionInput) -> Intervention:
    """Record an intervention with the perpetrator, refusing direct work the operating model does not offer here."""
    _casework_only(acting_user, case)
    if acting_user.agency_id is None:
        raise ValidationError("Your account has no agency, so the intervention cannot be attributed.")
    errors = intervention_errors(case, acting_user, data)
    if errors:
        raise ValidationError(errors)
    kind = data.intervention_type
    status = (data.service_status or ServiceStatus.REFERRED) if kind.is_service_referral else ""
    intervention = Intervention.objects.create(
        partnership=case.partnership,
        case=case,
        subject_id=case.suspect_id,
        intervention_type=kind,
        mode=data.mode,
        area=case.area,  # where the suspect lived when it was recorded, as the rule read it
        delivered_by=data.delivered_by,
        external_service=data.external_service.strip(),
        category=Category.HEALTH_CLINICAL if kind.is_clinical else Category.CASE_MANAGEMENT,
        source_agency_id=acting_user.agency_id,
        start_on=data.start_on,
        end_on=data.end_on,
        planned_sessions=data.planned_sessions,
        details=data.details.strip(),
        engagement=Engagement.OFFERED if kind.needs_consent else "",
        engagement_on=data.offered_on if kind.needs_consent else None,
        service_status=status,
        follow_up_on=data.follow_up_on if status and status not in SERVICE_STATUS_FINAL else None,
        assessment_before=data.assessment_before,
        recorded_by=acting_user,
    )
    events = []
    if kind.needs_consent:
        assert data.offered_on is not None, "checked above: consent asked needs the date offered"
        events.append(
            InterventionEvent(
                intervention=intervention,
                kind=InterventionEventKind.ENGAGEMENT,
                value=Engagement.OFFERED,
                on=data.offered_on,
                recorded_by=acting_user,
            )
        )
    if status:
        events.append(
            InterventionEvent(
                intervention=intervention,
                kind=InterventionEventKind.SERVICE_STATUS,
                value=status,
                on=data.start_on or timezone.localdate(),
                recorded_by=acting_user,
            )
        )
    InterventionEvent.objects.bulk_create(events)
    log_event(
        actor=acting_user,
        operation=Operation.COLLECTION,
        action=AuditAction.INTERVENTION_RECORD,
        partnership=case.partnership,
        subjects=[case, intervention],
        details={"type": kind.code, "mode": data.mode, "category": intervention.category},
    )
    return intervention


INTERVENTION_FIELD_LABELS = {
    "engagement": "the suspect's consent or engagement",
    "engagement_on": "date of the consent or engagement",
    "service_status": "where the referral stands",
    "follow_up_on": "next follow-up",
    "end_on": "end date",
    "outcome": "outcome",
    "outcome_notes": "outcome notes",
    "assessment_before": "assessment before",
    "assessment_after": "assessment after",
}


def _check_version(intervention: Intervention, expected_version: int) -> None:
    """Refuse an update based on an older version of the intervention, saying what changed meanwhile."""
    if intervention.version != expected_version:
        raise stale_edit(
            intervention, expected_version=expected_version, current_version=intervention.version,
            what="this intervention", labels=INTERVENTION_FIELD_LABELS,
            actions=("intervention.engagement", "intervention.follow_up", "intervention.outcome"),
        )


@transaction.atomic
def intervention_set_engagement(
    *, intervention: Intervention, acting_user: User, state: str, on: date, expected_version: int, note: str = ""
) -> Intervention:
    """Record the perpetrator's consent or engagement moving to a new state, with its date."""
    _detail_only(acting_user, intervention)
    intervention = (
        Intervention.objects.select_for_update(of=("self",))
        .select_related("intervention_type", "case")
        .get(pk=intervention.pk)
    )
    _check_version(intervention, expected_version)
    if not intervention.intervention_type.needs_consent:
        raise ValidationError(
            {"state": f"{intervention.intervention_type.name} does not ask for the suspect's consent"}
        )
    refusal = engagement_refusal(
        intervention.engagement or None,
        state,
        current_on=intervention.engagement_on,
        new_on=on,
        today=timezone.localdate(),
    )
    if refusal:
        field, message = refusal
        raise ValidationError({field: message})
    before = {"engagement": intervention.engagement, "engagement_on": str(intervention.engagement_on or "")}
    intervention.engagement, intervention.engagement_on = state, on
    fields = ["engagement", "engagement_on", "version"]
    if state == Engagement.ACCEPTED and intervention.start_on is None:
        intervention.start_on = on
        fields.append("start_on")
    intervention.version += 1
    intervention.save(update_fields=fields)
    InterventionEvent.objects.create(
        intervention=intervention,
        kind=InterventionEventKind.ENGAGEMENT,
        value=state,
        on=on,
        note=note.strip(),
        recorded_by=acting_user,
    )
    log_changes(
        actor=acting_user,
        action=AuditAction.INTERVENTION_ENGAGEMENT,
        record=intervention,
        partnership=intervention.partnership,
        before=before,
        after={"engagement": state, "engagement_on": str(on)},
        reason=note,
        extra_subjects=[intervention.case],
        details={"version": intervention.version},
    )
    return intervention


@transaction.atomic
def intervention_follow_up(
    *,
    intervention: Intervention,
    acting_user: User,
    status: str,
    on: date,
    next_follow_up_on: date | None,
    expected_version: int,
    note: str = "",
) -> Intervention:
    """Record where a referral to an external service stands, and when to follow it up next."""
    _detail_only(acting_user, intervention)
    intervention = (
        Intervention.objects.select_for_update(of=("self",))
        .select_related("intervention_type", "case")
        .get(pk=intervention.pk)
    )
    _check_version(intervention, expected_version)
    today = timezone.localdate()
    errors = {}
    if not intervention.service_status:
        raise ValidationError("This intervention is not a referral to an external service.")
    if status not in ServiceStatus.values:
        errors["status"] = "Select where the referral stands"
    if on > today:
        errors["on"] = "Date must be today or in the past"
    if status in ServiceStatus.values and status not in SERVICE_STATUS_FINAL:
        if next_follow_up_on is None:
            errors["next_follow_up_on"] = "Enter the date to follow up next"
        elif next_follow_up_on < on:
            errors["next_follow_up_on"] = "The next follow-up must be on or after the date of this update"
    if errors:
        raise ValidationError(errors)
    before = {
        "service_status": intervention.service_status,
        "follow_up_on": str(intervention.follow_up_on or ""),
    }
    intervention.service_status = status
    intervention.follow_up_on = None if status in SERVICE_STATUS_FINAL else next_follow_up_on
    intervention.version += 1
    intervention.save(update_fields=["service_status", "follow_up_on", "version"])
    InterventionEvent.objects.create(
        intervention=intervention,
        kind=InterventionEventKind.SERVICE_STATUS,
        value=status,
        on=on,
        note=note.strip(),
        recorded_by=acting_user,
    )
    log_changes(
        actor=acting_user,
        action=AuditAction.INTERVENTION_FOLLOW_UP,
        record=intervention,
        partnership=intervention.partnership,
        before=before,
        after={"service_status": status, "follow_up_on": str(intervention.follow_up_on or "")},
        extra_subjects=[intervention.case],
        details={"version": intervention.version},
    )
    return intervention


@transaction.atomic
def intervention_add_session(
    *, intervention: Intervention, acting_user: User, held_on: date, attendance: str, notes: str = ""
) -> InterventionSession:
    _detail_only(acting_user, intervention)
    intervention = Intervention.objects.select_related("case__partnership").get(pk=intervention.pk)
    if not intervention.was_taken_up:
        raise ValidationError(
            f"The suspect has not accepted this intervention ({intervention.get_engagement_display().lower()}): "
            "record their consent first."
        )
    errors = {}
    if held_on > timezone.localdate():
        errors["held_on"] = "Date of the session must be today or in the past"
    elif intervention.start_on and held_on < intervention.start_on:
        errors["held_on"] = (
            f"Date of the session must be on or after the start date ({intervention.start_on:%-d %B %Y})"
        )
    elif intervention.end_on and held_on > intervention.end_on:
        errors["held_on"] = (
            f"Date of the session must be on or before the end date ({intervention.end_on:%-d %B %Y})"
        )
    if attendance not in Attendance.values:
        errors["attendance"] = "Select whether the suspect attended"
    if errors:
        raise ValidationError(errors)
    session = InterventionSession.objects.create(
        intervention=intervention,
        held_on=held_on,
        attendance=attendance,
        notes=notes.strip(),
        recorded_by=acting_user,
    )
    log_event(
        actor=acting_user,
        operation=Operation.COLLECTION,
        action=AuditAction.INTERVENTION_SESSION,
        partnership=intervention.partnership,
        subjects=[intervention.case, intervention],
        details={"category": intervention.category},
    )
    return session


@transaction.atomic
def intervention_record_outcome(
    *,
    intervention: Intervention,
    acting_user: User,
    end_on: date,
    outcome: str,
    expected_version: int,
    notes: str = "",
    assessment_before: Assessment | None = None,
    assessment_after: Assessment | None = None,
) -> Intervention:
    """End an intervention with its outcome. A completed direct intervention asks for a reassessment,
    so the assessment after it can show change (Hampshire reassesses after Recolo's work)."""
    _detail_only(acting_user, intervention)
    intervention = (
        Intervention.objects.select_for_update(of=("self",))
        .select_related("intervention_type", "case__partnership")
        .get(pk=intervention.pk)
    )
    _check_version(intervention, expected_version)
    errors = {}
    if outcome not in InterventionOutcome.values:
        errors["outcome"] = "Select the outcome"
    if end_on > timezone.localdate():
        errors["end_on"] = "The end date must be today or in the past"
    elif intervention.start_on and end_on < intervention.start_on:
        errors["end_on"] = (
            f"The end date must be on or after the start date ({intervention.start_on:%-d %B %Y})"
        )
    for name, assessment in (
        ("assessment_before", assessment_before),
        ("assessment_after", assessment_after),
    ):
        if assessment is not None and not _signed_off_on_case(assessment, intervention.case):
            errors[name] = "Select a signed-off assessment of this case"
    before_at = assessment_before.signed_off_at if assessment_before is not None else None
    after_at = assessment_after.signed_off_at if assessment_after is not None else None
    if before_at is not None and after_at is not None and after_at < before_at:
        errors["assessment_after"] = (
            "The assessment after must be signed off later than the assessment before"
        )
    if errors:
        raise ValidationError(errors)
    fields = ["end_on", "outcome", "outcome_notes", "assessment_before", "assessment_after"]
    before = {f: str(getattr(intervention, f) or "") for f in fields}
    intervention.end_on, intervention.outcome, intervention.outcome_notes = end_on, outcome, notes.strip()
    intervention.assessment_before = assessment_before or intervention.assessment_before
    intervention.assessment_after = assessment_after
    intervention.version += 1
    intervention.save(update_fields=[*fields, "version"])
    InterventionEvent.objects.create(
        intervention=intervention,
        kind=InterventionEventKind.OUTCOME,
        value=outcome,
        on=end_on,
        recorded_by=acting_user,
    )
    log_changes(
        actor=acting_user,
        action=AuditAction.INTERVENTION_OUTCOME,
        record=intervention,
        partnership=intervention.partnership,
        before=before,
        after={f: str(getattr(intervention, f) or "") for f in fields},
        extra_subjects=[intervention.case],
        protected=["outcome_notes"],
        details={"version": intervention.version},
    )
    if (
        intervention.mode == InterventionMode.DIRECT
        and outcome in (InterventionOutcome.COMPLETED, InterventionOutcome.PARTLY)
        and not intervention.assessment_after
    ):
        case_mark_reassessment_due(
            case=intervention.case,
            acting_user=acting_user,
            reason=f"{intervention.intervention_type.name} ended {end_on:%-d %b %Y}: reassess to show change",
        )
    return intervention


def case_anonymise_intervention_records(case: Case) -> dict[str, int]:
    """Blank the free text of the case's interventions, their events and sessions, keeping the
    figures (types, dates, engagement, outcomes) - for anonymisation at retention review
    (registered with cases.retention). The caller holds the transaction and logs."""
    interventions = Intervention.objects.filter(case=case)
    return {
        "interventions": interventions.update(details="", outcome_notes="", external_service=""),
        "intervention_notes": InterventionEvent.objects.filter(intervention__in=interventions).update(note="")
        + InterventionSession.objects.filter(intervention__in=interventions).update(notes=""),
    }
