"""Every change to victim support goes through these functions, one transaction each.

Victim support is recorded by the victim advocacy and IDVA services of the
partnership (`may_record`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from masip.access import policy
from masip.access.models import Category
from masip.audit.actions import AuditAction
from masip.audit.history import stale_edit
from masip.audit.models import Operation
from masip.audit.services import log_changes, log_event
from masip.cases.models import Case, CasePartyRole
from masip.cases.retention import ANONYMISED
from masip.cases.selectors import casework_staff
from masip.partnerships.models import AgencyKind
from masip.referrals.models import Referral
from masip.referrals.selectors import victims_of
from masip.victims.models import (
    SURVEY_QUESTIONS,
    AdvocateContact,
    Agreement,
    ContactMode,
    ContactPurpose,
    CourtSupport,
    CourtSupportKind,
    MeasureKind,
    MeasureStatus,
    PerceptionSurvey,
    ReferralKind,
    ReferralStatus,
    SafetyMeasure,
    SafetyPlan,
    SupportStatus,
    SurveyMode,
    VictimReferral,
    VictimSupport,
)

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.people.models import Person

ADVOCACY_KINDS = frozenset({AgencyKind.VICTIM_ADVOCACY, AgencyKind.IDVA})

SUPPORT_FIELD_LABELS = {
    "status": "support",
    "advocate": "advocate",
    "accepted_on": "date support was accepted",
    "ended_on": "date support ended",
}


def may_record(user: User, case: Case | Referral) -> bool:
    """Victim support (in a case or from a referral) is recorded by the partnership's advocacy services."""
    return policy.does_casework_in(user, case.partnership) and user.agency_kind in ADVOCACY_KINDS


def _advocacy_only(user: User, case: Case | Referral) -> None:
    if not may_record(user, case):
        raise PermissionDenied("Victim support is recorded by the partnership's victim advocacy services.")


def _check_victim(case: Case, victim: Person) -> None:
    if not case.parties.filter(role=CasePartyRole.VICTIM, person=victim).exists():
        raise ValidationError("This person is not a victim in this case.")


def _not_future(errors: dict[str, str], name: str, value: date | None, label: str) -> None:
    if value is not None and value > timezone.localdate():
        errors[name] = f"{label} must be today or in the past"


def advocates(case: Case | Referral):
    """Staff who may be a victim's advocate in this partnership: advocacy and IDVA practitioners."""
    return casework_staff(case.partnership).filter(agency__kind__in=ADVOCACY_KINDS)


@transaction.atomic
def support_update(
    *,
    case: Case,
    victim: Person,
    acting_user: User,
    status: str,
    on: date,
    expected_version: int,
    advocate: User | None = None,
    reason: str = "",
) -> VictimSupport:
    """Offer support to a victim, record that they accepted (with their advocate) or declined, or end it.

    expected_version is the version of the support record the form was opened at
    (0 before support is first recorded): a save based on an older one is refused
    with what changed meanwhile.
    """
    _advocacy_only(acting_user, case)
    _check_victim(case, victim)
    support = VictimSupport.objects.select_for_update().filter(case=case, victim=victim).first()
    return _support_save(
        support, holder=case, victim=victim, acting_user=acting_user, status=status, on=on,
        expected_version=expected_version, advocate=advocate, reason=reason, new={"case": case},
    )


@transaction.atomic
def referral_support_update(
    *,
    referral: Referral,
    victim: Person,
    acting_user: User,
    status: str,
    on: date,
    expected_version: int,
    advocate: User | None = None,
    reason: str = "",
) -> VictimSupport:
    """Support for a victim of a referral the unit has not taken on as a case (advice only,
    signposted, or awaiting triage). Once the referral is in a case, support is recorded there."""
    _advocacy_only(acting_user, referral)
    if not any(party.person_id == victim.pk for party in victims_of(referral)):
        raise ValidationError("This person is not a victim in this referral.")
    support = (
        VictimSupport.objects.select_for_update()
        .filter(referral=referral, victim=victim).order_by("case_id").first()
    )
    if support is not None and support.case is not None:
        raise ValidationError(f"This victim's support is now recorded in case {support.case.reference}.")
    return _support_save(
        support, holder=referral, victim=victim, acting_user=acting_user, status=status, on=on,
        expected_version=expected_version, advocate=advocate, reason=reason, new={"referral": referral},
    )


def _support_save(
    support: VictimSupport | None, *, holder: Case | Referral, victim: Person, acting_user: User, status: str, on: date,
    expected_version: int, advocate: Any, reason: str, new: dict[str, Any],
) -> VictimSupport:
    """Where a victim's support stands, after the caller has locked the record and checked who may record it."""
    current_version = support.version if support is not None else 0
    if current_version != expected_version:
        raise stale_edit(
            support, expected_version=expected_version, current_version=current_version,
            what="this victim's support", labels=SUPPORT_FIELD_LABELS, actions=("victim_support.update",),
        )
    errors: dict[str, str] = {}
    if status not in SupportStatus.values:
        raise ValidationError({"status": "Select where the victim's support stands"})
    _not_future(errors, "on", on, "Date")
    if status == SupportStatus.ACCEPTED:
        if advocate is None:
            errors["advocate"] = "Select the victim's advocate"
        elif not advocates(holder).filter(pk=advocate.pk).exists():
            errors["advocate"] = "Select an advocate of this partnership"
    if status == SupportStatus.ENDED:
        if support is None or support.status != SupportStatus.ACCEPTED:
            errors["status"] = "Only support the victim accepted can end"
        elif support.accepted_on and on < support.accepted_on:
            errors["on"] = (
                f"The end date must be on or after the date support began ({support.accepted_on:%-d %B %Y})"
            )
        if not reason.strip():
            errors["reason"] = "Enter why support is ending"
    if (
        support is not None
        and status != SupportStatus.ENDED
        and on < support.offered_on
        and status != SupportStatus.OFFERED
    ):
        errors["on"] = (
            f"Date must be on or after the date support was offered ({support.offered_on:%-d %B %Y})"
        )
    if errors:
        raise ValidationError(errors)
    before = (
        {}
        if support is None
        else {
            "status": support.status,
            "advocate": str(support.advocate or ""),
            "accepted_on": str(support.accepted_on or ""),
            "ended_on": str(support.ended_on or ""),
        }
    )
    if support is None:
        agency = acting_user.agency
        if agency is None:  # may_record admits advocacy staff only, who all have an agency
            raise PermissionDenied("Victim support is recorded by the partnership's victim advocacy services.")
        support = VictimSupport(
            partnership=holder.partnership,
            victim=victim,
            offered_on=on,
            source_agency=agency,
            **new,
        )
    support.status = status
    if status == SupportStatus.OFFERED:
        support.offered_on, support.accepted_on, support.ended_on, support.end_reason = on, None, None, ""
    elif status == SupportStatus.ACCEPTED:
        support.accepted_on, support.advocate, support.ended_on, support.end_reason = on, advocate, None, ""
        if support.offered_on > on:
            support.offered_on = on
    elif status == SupportStatus.DECLINED:
        support.accepted_on = None
    else:
        support.ended_on, support.end_reason = on, reason.strip()
    after = {
        "status": support.status,
        "advocate": str(support.advocate or ""),
        "accepted_on": str(support.accepted_on or ""),
        "ended_on": str(support.ended_on or ""),
    }
    if after != before:
        support.version += 1
    support.save()
    log_changes(
        actor=acting_user,
        action=AuditAction.VICTIM_SUPPORT_UPDATE,
        record=support,
        partnership=holder.partnership,
        before=before,
        after=after,
        reason=reason,
        operation=Operation.ALTERATION if before else Operation.COLLECTION,
        extra_subjects=[holder, victim],
        details={"version": support.version},
    )
    return support


def support_follows_referral(*, referral: Referral, case: Case, acting_user: User) -> None:
    """The referral is taken into a case: support begun from it moves to the case, unless the
    victim already has support there (then the case's record stands and the referral's stays as
    history; the return counts the victim once either way). Runs in the triage transaction."""
    held = set(VictimSupport.objects.filter(case=case).values_list("victim_id", flat=True))
    moving = list(
        VictimSupport.objects.select_for_update()
        .filter(referral=referral, case__isnull=True).exclude(victim_id__in=held)
    )
    for support in moving:
        support.case = case
        support.save(update_fields=["case"])
        log_event(
            actor=acting_user, operation=Operation.ALTERATION, action=AuditAction.VICTIM_SUPPORT_FOLLOW_REFERRAL,
            partnership=case.partnership, subjects=[support, case, referral, support.victim],
            details={"case": case.reference},
        )


def _support_for(case: Case, victim: Person) -> VictimSupport:
    support = VictimSupport.objects.filter(case=case, victim=victim).first()
    if support is None or support.status in (SupportStatus.DECLINED,):
        raise ValidationError("Record that the victim accepted support first.")
    return support


@transaction.atomic
def contact_record(
    *, case: Case, victim: Person, acting_user: User, contact_on: date, mode: str, purpose: str, notes: str = ""
) -> AdvocateContact:
    _advocacy_only(acting_user, case)
    support = _support_for(case, victim)
    errors: dict[str, str] = {}
    _not_future(errors, "contact_on", contact_on, "Date of the contact")
    if "contact_on" not in errors and contact_on < support.offered_on:
        errors["contact_on"] = (
            f"Date of the contact must be on or after support was offered ({support.offered_on:%-d %B %Y})"
        )
    if mode not in ContactMode.values:
        errors["mode"] = "Select how you were in contact"
    if purpose not in ContactPurpose.values:
        errors["purpose"] = "Select the purpose of the contact"
    if errors:
        raise ValidationError(errors)
    contact = AdvocateContact.objects.create(
        support=support,
        contact_on=contact_on,
        mode=mode,
        purpose=purpose,
        notes=notes.strip(),
        recorded_by=acting_user,
    )
    log_event(
        actor=acting_user,
        operation=Operation.COLLECTION,
        action=AuditAction.VICTIM_SUPPORT_CONTACT,
        partnership=case.partnership,
        subjects=[case, victim],
        details={"category": Category.ADVOCACY_NOTES, "mode": mode, "purpose": purpose},
    )
    return contact


@dataclass
class MeasureInput:
    kind: str
    status: str = MeasureStatus.AGREED
    detail: str = ""


@transaction.atomic
def safety_plan_new_version(
    *,
    case: Case,
    victim: Person,
    acting_user: User,
    agreed_on: date,
    review_on: date | None,
    measures: list[MeasureInput],
    expected_version: int,
    notes: str = "",
) -> SafetyPlan:
    """Agree a new version of the victim's safety plan; earlier versions are kept.

    expected_version is the version the new one is built on (0 for the first):
    if another version was agreed meanwhile, this one is refused rather than
    silently replacing it.
    """
    _advocacy_only(acting_user, case)
    support = _support_for(case, victim)
    errors: dict[str, str] = {}
    _not_future(errors, "agreed_on", agreed_on, "Date agreed")
    if review_on is not None and review_on < agreed_on:
        errors["review_on"] = "The review date must be on or after the date the plan was agreed"
    if not measures:
        errors["measures"] = "Select at least one safety measure"
    for m in measures:
        if m.kind not in MeasureKind.values or m.status not in MeasureStatus.values:
            errors["measures"] = "Select valid safety measures"
    if errors:
        raise ValidationError(errors)
    # Lock the support record so two advocates saving at once cannot both make version N+1.
    VictimSupport.objects.select_for_update().get(pk=support.pk)
    latest = SafetyPlan.objects.filter(support=support).aggregate(v=Max("version"))["v"] or 0
    if latest != expected_version:
        raise stale_edit(
            support, expected_version=expected_version, current_version=latest,
            what="this victim's safety plan", actions=("victim_support.safety_plan",),
            summary=lambda event: f"agreed version {event.details.get('version')} of the safety plan",
        )
    plan = SafetyPlan.objects.create(
        support=support,
        version=latest + 1,
        agreed_on=agreed_on,
        review_on=review_on,
        notes=notes.strip(),
        recorded_by=acting_user,
    )
    SafetyMeasure.objects.bulk_create(
        SafetyMeasure(plan=plan, kind=m.kind, status=m.status, detail=m.detail.strip()[:500])
        for m in measures
    )
    log_event(
        actor=acting_user,
        operation=Operation.COLLECTION,
        action=AuditAction.VICTIM_SUPPORT_SAFETY_PLAN,
        partnership=case.partnership,
        subjects=[case, victim, plan, support],
        details={"version": plan.version, "measures": len(measures)},
    )
    return plan


@transaction.atomic
def victim_referral_record(
    *,
    case: Case,
    victim: Person,
    acting_user: User,
    kind: str,
    made_on: date,
    to_service: str,
    status: str = ReferralStatus.MADE,
    notes: str = "",
) -> VictimReferral:
    _advocacy_only(acting_user, case)
    support = _support_for(case, victim)
    errors: dict[str, str] = {}
    _not_future(errors, "made_on", made_on, "Date of the referral")
    if kind not in ReferralKind.values:
        errors["kind"] = "Select the kind of referral"
    if not to_service.strip():
        errors["to_service"] = "Enter the service referred to"
    if status not in ReferralStatus.values:
        errors["status"] = "Select where the referral stands"
    if errors:
        raise ValidationError(errors)
    # A referral because children are at risk is safeguarding information: social services,
    # police, advocacy and health need to know it.
    category = (
        Category.SAFEGUARDING_CHILDREN
        if kind == ReferralKind.CHILDREN_SOCIAL_CARE
        else Category.ADVOCACY_NOTES
    )
    referral = VictimReferral.objects.create(
        support=support,
        kind=kind,
        made_on=made_on,
        to_service=to_service.strip(),
        status=status,
        notes=notes.strip(),
        category=category,
        recorded_by=acting_user,
    )
    log_event(
        actor=acting_user,
        operation=Operation.COLLECTION,
        action=AuditAction.VICTIM_SUPPORT_REFERRAL,
        partnership=case.partnership,
        subjects=[case, victim],
        details={"category": category, "kind": kind},
    )
    return referral


@transaction.atomic
def court_support_record(
    *,
    case: Case,
    victim: Person,
    acting_user: User,
    kind: str,
    on: date,
    hearing_on: date | None = None,
    outcome: str = "",
) -> CourtSupport:
    _advocacy_only(acting_user, case)
    support = _support_for(case, victim)
    errors: dict[str, str] = {}
    _not_future(errors, "on", on, "Date")
    if kind not in CourtSupportKind.values:
        errors["kind"] = "Select the support given"
    if errors:
        raise ValidationError(errors)
    item = CourtSupport.objects.create(
        support=support,
        kind=kind,
        on=on,
        hearing_on=hearing_on,
        outcome=outcome.strip(),
        recorded_by=acting_user,
    )
    log_event(
        actor=acting_user,
        operation=Operation.COLLECTION,
        action=AuditAction.VICTIM_SUPPORT_COURT,
        partnership=case.partnership,
        subjects=[case, victim],
        details={"category": Category.ADVOCACY_NOTES, "kind": kind},
    )
    return item


@transaction.atomic
def survey_record(
    *,
    case: Case,
    victim: Person,
    acting_user: User,
    on: date,
    mode: str,
    consent_given: bool,
    answers: dict[str, int | None],
    comments: str = "",
) -> PerceptionSurvey:
    """Record a victim perception survey. It is optional: without consent only the fact
    that it was offered and declined is kept, and answers are refused."""
    _advocacy_only(acting_user, case)
    support = VictimSupport.objects.filter(case=case, victim=victim).first()
    if support is None:
        raise ValidationError("Offer the victim support first: the survey is recorded with their support.")
    errors: dict[str, str] = {}
    _not_future(errors, "on", on, "Date of the survey")
    if mode not in SurveyMode.values:
        errors["mode"] = "Select how the survey was done"
    given = {name: answers.get(name) for name, _ in SURVEY_QUESTIONS if answers.get(name) is not None}
    if any(v not in Agreement.values for v in given.values()):
        errors["answers"] = "Select an answer from the scale"
    if not consent_given and (given or comments.strip()):
        errors["consent_given"] = "Answers can only be recorded when the victim consents to the survey"
    elif consent_given and not given:
        errors["answers"] = "Select an answer to at least one question"
    if errors:
        raise ValidationError(errors)
    survey = PerceptionSurvey.objects.create(
        support=support,
        on=on,
        mode=mode,
        consent_given=consent_given,
        comments=comments.strip(),
        recorded_by=acting_user,
        **given,
    )
    log_event(
        actor=acting_user,
        operation=Operation.COLLECTION,
        action=AuditAction.VICTIM_SUPPORT_SURVEY,
        partnership=case.partnership,
        subjects=[case, victim],
        details={"consent_given": consent_given},
    )
    return survey


def case_anonymise_victim_records(case: Case) -> dict[str, int]:
    """Blank the free text of the victim support on the case (contacts, safety plans and measures,
    onward referrals, court support, surveys), keeping the figures - for anonymisation at retention
    review (registered with cases.retention). The caller holds the transaction and logs."""
    supports = VictimSupport.objects.filter(case=case)
    return {
        "victim_support": supports.update(end_reason="")
        + AdvocateContact.objects.filter(support__in=supports).update(notes="")
        + SafetyPlan.objects.filter(support__in=supports).update(notes="")
        + SafetyMeasure.objects.filter(plan__support__in=supports).update(detail="")
        + VictimReferral.objects.filter(support__in=supports).update(notes="", to_service=ANONYMISED)
        + CourtSupport.objects.filter(support__in=supports).update(outcome="")
        + PerceptionSurvey.objects.filter(support__in=supports).update(comments=""),
    }
