"""Every change to an assessment goes through these functions.

Draft -> contributions from several partners -> sign-off by an authorised
role, which locks it and updates the referral's or case's current risk.
Corrections after sign-off are a new version with a reason; reassessment is a
new assessment linked to the previous one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from masip.access import policy
from masip.assessments import selectors
from masip.assessments.engine import (
    AnswerError,
    AssessmentResult,
    Judgement,
    JudgementError,
    applicable_item_ids,
    blank_free_text,
    evaluate,
    redact_answers,
    validate_answers,
)
from masip.assessments.instruments import definition as instrument_definition
from masip.assessments.models import Assessment, AssessmentStatus, Contribution
from masip.assessments.record_facts import describe as describe_fact
from masip.assessments.record_facts import record_facts
from masip.audit.actions import AuditAction
from masip.audit.history import stale_edit
from masip.audit.models import Operation
from masip.audit.services import disclosed_file, log_event
from masip.cases.services import case_set_risk
from masip.core.documents import render_pdf
from masip.partnerships.models import Agency, Role

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case
    from masip.partnerships.models import Partnership
    from masip.referrals.models import Referral

DEFAULT_SIGN_OFF_ROLES = (Role.UNIT_MANAGER, Role.TRIAGE_LEAD)


def offered_instruments(partnership: Partnership, *, on_case: bool) -> list[str]:
    model = partnership.operating_model_on()
    if model is None:
        return []
    return list(model.case_instruments if on_case else model.referral_instruments)


def may_sign_off(user: User, partnership: Partnership) -> bool:
    model = partnership.operating_model_on()
    roles = (model.assessment_sign_off_roles if model else None) or DEFAULT_SIGN_OFF_ROLES
    return policy.role_in(user, partnership) in roles


def sign_off_refusal(partnership: Partnership) -> str:
    model = partnership.operating_model_on()
    roles = (model.assessment_sign_off_roles if model else None) or DEFAULT_SIGN_OFF_ROLES
    return (
        f"In {partnership}, assessments are signed off by: {', '.join(Role(r).label.lower() for r in roles)}."
    )


def _require_casework(user: User, partnership: Partnership) -> None:
    if not policy.does_casework_in(user, partnership):
        raise PermissionDenied("You are not a member of this partnership's unit.")


@transaction.atomic
def assessment_start(
    *,
    acting_user: User,
    instrument_code: str,
    referral: Referral | None = None,
    case: Case | None = None,
    previous: Assessment | None = None,
) -> Assessment:
    subject = case or referral
    if subject is None:
        raise ValueError("An assessment is of a referral or a case.")
    _require_casework(acting_user, subject.partnership)
    if (
        instrument_code not in offered_instruments(subject.partnership, on_case=case is not None)
        and previous is None
    ):
        raise ValidationError({"instrument": f"{subject.partnership} does not use that tool at this stage."})
    definition = instrument_definition(instrument_code)
    answers = dict(previous.answers) if previous is not None else {}
    answers.update(record_facts(definition, subject))  # what the record knows, it answers
    assessment = Assessment.objects.create(
        partnership=subject.partnership,
        referral=referral if case is None else None,
        case=case,
        instrument_code=definition.code,
        instrument_version=definition.version,
        instrument_name=definition.name,
        answers=answers,
        started_by=acting_user,
        previous=previous,
    )
    _refresh_result(assessment)
    assessment.save(update_fields=["result", "risk_rank", "level_label", "stalker_type"])
    log_event(
        actor=acting_user,
        operation=Operation.COLLECTION,
        action=AuditAction.ASSESSMENT_START,
        partnership=subject.partnership,
        subjects=[assessment, subject],
        details={"instrument": definition.code, "reassessment": previous is not None},
    )
    return assessment


def _definition_of(assessment: Assessment):
    return instrument_definition(assessment.instrument_code, assessment.instrument_version)


def _judgement(assessment: Assessment) -> Judgement | None:
    if not assessment.judgement_level:
        return None
    return Judgement(assessment.judgement_level, assessment.judgement_reason)


def _refresh_result(assessment: Assessment) -> AssessmentResult:
    result = evaluate(_definition_of(assessment), assessment.answers, judgement=_judgement(assessment))
    assessment.result = result.to_dict()
    assessment.risk_rank = result.risk_rank
    assessment.level_label = result.final_level_label or ""
    assessment.stalker_type = result.stalker_type or ""
    return result


def _problems_to_error(problems) -> ValidationError:
    return ValidationError({p.item_id: p.message for p in problems})


@transaction.atomic
def assessment_contribute(
    *,
    assessment: Assessment,
    acting_user: User,
    answers: dict[str, Any],
    expected_version: int,
    judgement_level: str | None = None,
    judgement_reason: str = "",
) -> Assessment:
    """Merge one partner's answers into a draft. Nothing is saved if anything is wrong."""
    _require_casework(acting_user, assessment.partnership)
    agency_id = acting_user.agency_id
    if agency_id is None:  # each contribution is in an agency's name
        raise ValidationError("Your account has no agency, so your answers cannot be attributed.")
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.is_locked:
        raise ValidationError("This assessment is signed off and locked. Start a correction to change it.")
    if locked.version != expected_version:
        raise stale_edit(
            locked,
            expected_version=expected_version,
            current_version=locked.version,
            what="this assessment",
            actions=("assessment.contribute",),
            summary=_contribution_summary,
        )
    definition = _definition_of(locked)
    kind = acting_user.agency_kind
    subject = locked.subject
    from_record = record_facts(definition, subject)
    contradicted = {
        item_id: describe_fact(definition, item_id, value, subject)
        for item_id, value in from_record.items()
        if answers.get(item_id) is not None and answers[item_id] != value
    }
    if contradicted:
        raise ValidationError(contradicted)
    answers = {**answers, **{k: v for k, v in from_record.items() if k in answers}}
    submitted = {k: v for k, v in answers.items() if v is not None}
    own_problems = validate_answers(definition, submitted, agency_kind=kind)
    merged = {**locked.answers}
    changed = []
    for item_id, value in answers.items():
        if merged.get(item_id) != value:
            changed.append(item_id)
        if value is None:
            merged.pop(item_id, None)
        else:
            merged[item_id] = value
    merged.update(from_record)  # the record may have learnt a fact since the assessment started
    # Answers to questions that no longer apply (e.g. ex-partner questions) are dropped.
    applicable = applicable_item_ids(definition, merged)
    merged = {k: v for k, v in merged.items() if k in applicable}
    problems = [p for p in own_problems if p.code != "not_asked"] + [
        p for p in validate_answers(definition, merged) if p.item_id in answers
    ]
    if problems:
        raise _problems_to_error(problems)
    before = (dict(locked.answers), locked.judgement_level, locked.judgement_reason)
    if judgement_level is not None:
        locked.judgement_level, locked.judgement_reason = judgement_level, judgement_reason.strip()
    locked.answers = merged
    try:
        _refresh_result(locked)
    except JudgementError as exc:
        raise ValidationError({"judgement_level": " ".join(exc.problems)}) from exc
    except AnswerError as exc:
        raise _problems_to_error(exc.problems) from exc
    if (locked.answers, locked.judgement_level, locked.judgement_reason) != before:
        locked.version += 1  # only a change moves the version: a save of nothing leaves open pages current
    locked.save()
    if changed or judgement_level:
        restricted = [
            s.id for s in definition.sections if s.restricted_to and any(i.id in changed for i in s.items)
        ]
        Contribution.objects.create(
            assessment=locked,
            contributed_by=acting_user,
            agency_id=agency_id,
            item_ids=sorted(changed),
            restricted_section_ids=restricted,
        )
        log_event(
            actor=acting_user,
            operation=Operation.ALTERATION,
            action=AuditAction.ASSESSMENT_CONTRIBUTE,
            partnership=locked.partnership,
            subjects=[locked, locked.subject],
            details={"items": len(changed), "restricted_sections": restricted, "version": locked.version},
        )
    return locked


def _contribution_summary(event) -> str:
    count = event.details.get("items", 0)
    restricted = " (including restricted sections)" if event.details.get("restricted_sections") else ""
    return f"saved {count} answer{'s' if count != 1 else ''}{restricted}"


@transaction.atomic
def assessment_save_and_sign_off(
    *,
    assessment: Assessment,
    acting_user: User,
    answers: dict[str, Any],
    expected_version: int,
    judgement_level: str | None = None,
    judgement_reason: str = "",
) -> Assessment:
    """ "Save and sign off" is one step: if sign-off is refused, the answers are not saved either.

    Saved in one transaction and signed off in another, a refused sign-off left the
    answers saved under the refusal, and the page (still holding the version it was
    opened at) then refused the next save as someone else's.
    """
    saved = assessment_contribute(
        assessment=assessment,
        acting_user=acting_user,
        answers=answers,
        expected_version=expected_version,
        judgement_level=judgement_level,
        judgement_reason=judgement_reason,
    )
    return assessment_sign_off(assessment=saved, acting_user=acting_user)


@transaction.atomic
def assessment_sign_off(*, assessment: Assessment, acting_user: User) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.is_locked:
        raise ValidationError("This assessment is already signed off.")
    if not may_sign_off(acting_user, locked.partnership):
        raise PermissionDenied(sign_off_refusal(locked.partnership))
    definition = _definition_of(locked)
    subject = locked.subject
    stale = {
        item_id: f"The record has changed since these answers were saved. {describe_fact(definition, item_id, value, subject)} Save the assessment again before signing it off."
        for item_id, value in record_facts(definition, subject).items()
        if locked.answers.get(item_id) != value and item_id in applicable_item_ids(definition, locked.answers)
    }
    if stale:
        raise ValidationError(stale)
    problems = validate_answers(definition, locked.answers, sign_off=True)
    if problems:
        missing = [p for p in problems if p.code == "required_missing"]
        if missing:
            labels = "; ".join(definition.item(p.item_id).label for p in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            raise ValidationError(
                f"Answer every required question before sign-off. Missing: {labels}{more}.", code="missing"
            )
        raise _problems_to_error(problems)
    result = _refresh_result(locked)
    locked.status = AssessmentStatus.SIGNED_OFF
    locked.signed_off_by, locked.signed_off_at = acting_user, timezone.now()
    locked.save()
    if locked.corrects_id:
        Assessment.objects.filter(pk=locked.corrects_id).update(status=AssessmentStatus.SUPERSEDED)
    log_event(
        actor=acting_user,
        operation=Operation.ALTERATION,
        action=AuditAction.ASSESSMENT_SIGN_OFF,
        partnership=locked.partnership,
        subjects=[locked, locked.subject],
        details={"instrument": locked.instrument_code, "level": result.final_level, "rank": result.risk_rank},
    )
    _apply_to_subject(locked, acting_user)
    return locked


def short_name(definition) -> str:
    """How practitioners name a tool: "S-DASH", "SASH", "SRP" (the acronym in or at the start of its name)."""
    inside = re.search(r"\(([A-Z][A-Z0-9-]+)", definition.name)
    if inside:
        return inside.group(1)
    first = definition.name.split(" ")[0]
    return first if re.fullmatch(r"[A-Z][A-Z0-9-]+", first) else definition.code.upper()


def result_summary(assessment: Assessment) -> str:
    """A signed-off result in a few words, for queues and the case: "High (SASH)", or for a
    tool with no cut-off its count, "S-DASH 6/11 yes" (never "Not assessed" once assessed)."""
    if assessment.level_label:
        return f"{assessment.level_label} ({assessment.instrument_code.upper()})"
    definition = _definition_of(assessment)
    scores = (assessment.result or {}).get("scores", {})
    for score in definition.scores:
        if score.id in scores:
            answers: frozenset[str] = getattr(score.rule, "answers", frozenset())
            said = f" {next(iter(answers))}" if len(answers) == 1 else ""
            return f"{short_name(definition)} {scores[score.id]}/{score.maximum}{said}"
    return f"{short_name(definition)} signed off"


def _apply_to_subject(assessment: Assessment, acting_user: User) -> None:
    """A signed-off level becomes the referral's or case's current risk; an SRP's stalker type the case's.

    A tool with no cut-off (the S-DASH) gives no level, so it ranks nothing; its result is shown
    as the current risk label where no tool has given a level yet.
    """
    label = result_summary(assessment)
    source = f"{assessment.instrument_name} signed off {timezone.localdate():%d %b %Y}"
    referral = assessment.referral
    if referral is not None and (assessment.risk_rank or not referral.risk_rank):
        referral.risk_rank, referral.risk_label = assessment.risk_rank, label
        referral.save(update_fields=["risk_rank", "risk_label"])
    case = assessment.case or (referral.case if referral is not None else None)
    if case is None:
        return
    if not assessment.risk_rank and not assessment.stalker_type and not case.risk_rank:
        case_set_risk(case=case, acting_user=acting_user, rank=0, label=label, source=source)
    elif assessment.risk_rank or assessment.stalker_type:
        case_set_risk(
            case=case,
            acting_user=acting_user,
            rank=assessment.risk_rank or case.risk_rank,
            label=label if assessment.risk_rank else case.risk_label,
            source=source if assessment.risk_rank else case.risk_source,
            stalker_type=assessment.stalker_type or None,
        )
    if case.reassessment_due and case.reassessment_instrument in ("", assessment.instrument_code):
        case.reassessment_due, case.reassessment_reason, case.reassessment_instrument = False, "", ""
        case.save(update_fields=["reassessment_due", "reassessment_reason", "reassessment_instrument"])


@transaction.atomic
def assessment_correct(*, assessment: Assessment, acting_user: User, reason: str) -> Assessment:
    """A signed-off assessment is corrected by a new version, with a reason."""
    _require_casework(acting_user, assessment.partnership)
    if assessment.status != AssessmentStatus.SIGNED_OFF:
        raise ValidationError("Only a signed-off assessment is corrected; change a draft directly.")
    if Assessment.objects.filter(corrects=assessment).exists():
        raise ValidationError("A correction of this assessment has already been started.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the assessment needs correcting"})
    correction = Assessment.objects.create(
        partnership=assessment.partnership,
        referral=assessment.referral,
        case=assessment.case,
        instrument_code=assessment.instrument_code,
        instrument_version=assessment.instrument_version,
        instrument_name=assessment.instrument_name,
        answers=dict(assessment.answers),
        judgement_level=assessment.judgement_level,
        judgement_reason=assessment.judgement_reason,
        result=assessment.result,
        risk_rank=assessment.risk_rank,
        level_label=assessment.level_label,
        stalker_type=assessment.stalker_type,
        previous=assessment.previous,
        corrects=assessment,
        correction_reason=reason.strip(),
        started_by=acting_user,
    )
    log_event(
        actor=acting_user,
        operation=Operation.ALTERATION,
        action=AuditAction.ASSESSMENT_CORRECT,
        partnership=assessment.partnership,
        subjects=[assessment, correction],
        reason=reason,
    )
    return correction


def assessment_reassess(*, assessment: Assessment, acting_user: User) -> Assessment:
    """A new assessment with the latest version of the same tool, starting from the previous answers."""
    if assessment.status == AssessmentStatus.DRAFT:
        raise ValidationError("Sign off this assessment before reassessing.")
    return assessment_start(
        acting_user=acting_user,
        instrument_code=assessment.instrument_code,
        referral=assessment.referral,
        case=assessment.case,
        previous=assessment,
    )


def assessments_follow_referral(*, referral: Referral, case: Case, acting_user: User) -> None:
    """When a referral is accepted, its assessments belong to the case too, and its
    latest signed-off risk becomes the case's if the case has none newer."""
    Assessment.objects.filter(referral=referral, case__isnull=True).update(case=case)
    latest = (
        Assessment.objects.filter(referral=referral, status=AssessmentStatus.SIGNED_OFF, risk_rank__gt=0)
        .order_by("-signed_off_at")
        .first()
    )
    signed_off_at = latest.signed_off_at if latest is not None else None
    if (
        latest is not None
        and signed_off_at is not None
        and (case.risk_updated_at is None or case.risk_updated_at < signed_off_at)
    ):
        case_set_risk(
            case=case,
            acting_user=acting_user,
            rank=latest.risk_rank,
            label=result_summary(latest),
            source=f"{latest.instrument_name} signed off at screening",
            stalker_type=latest.stalker_type or None,
        )
    elif latest is None and not case.risk_rank and not case.risk_label:
        # Only a tool without a cut-off (the S-DASH) at screening: show its result, not "Not assessed".
        screening = (
            Assessment.objects.filter(referral=referral, status=AssessmentStatus.SIGNED_OFF)
            .order_by("-signed_off_at")
            .first()
        )
        if screening is not None:
            case_set_risk(
                case=case,
                acting_user=acting_user,
                rank=0,
                label=result_summary(screening),
                source=f"{screening.instrument_name} signed off at screening",
            )


def required_before_acceptance(referral: Referral) -> list[str]:
    """Instruments the operating model requires on this referral before acceptance: a rule on
    the referral's source (Hampshire: the S-DASH, which comes on the police referral form)."""
    model = referral.partnership.operating_model_on()
    return model.required_before_accepting(referral.source_agency_kind) if model is not None else []


def missing_before_acceptance(referral: Referral) -> list[str]:
    """Instruments the operating model requires on this referral before acceptance, not yet signed off."""
    required = required_before_acceptance(referral)
    if not required:
        return []
    done = set(
        Assessment.objects.filter(referral=referral, status=AssessmentStatus.SIGNED_OFF).values_list(
            "instrument_code", flat=True
        )
    )
    return [code for code in required if code not in done]


def assessment_pdf_export(
    *, assessment: Assessment, acting_user: User, recipient: Agency, purpose: str
) -> bytes:
    """A printable copy of a signed-off assessment for one partner agency: a disclosure, logged.

    It holds only what both the author's agency and the recipient's agency may see.
    """
    if assessment.status != AssessmentStatus.SIGNED_OFF:
        raise ValidationError("Only a signed-off assessment can be printed.")
    if not selectors.recipient_agencies(assessment).filter(pk=recipient.pk).exists():
        raise ValidationError(
            {"recipient": f"The agency chosen is not a partner agency of {assessment.partnership}."}
        )
    definition = selectors.definition_of(assessment)
    answers = redact_answers(
        definition, redact_answers(definition, assessment.answers, acting_user.agency_kind), recipient.kind
    )
    context = {
        "assessment": assessment,
        "result": selectors.result_of(assessment),
        "recipient": recipient,
        "answer_rows": selectors.answer_rows(definition, answers, recipient.kind),
        "definition": definition,
    }
    return disclosed_file(
        actor=acting_user,
        action=AuditAction.ASSESSMENT_PDF,
        partnership=assessment.partnership,
        subjects=[assessment, assessment.subject],
        recipient=str(recipient),
        reason=purpose,
        details={"format": "pdf"},
        render=lambda: render_pdf("assessments/pdf.html", context),
    )


def case_anonymise_assessments(case: Case) -> dict[str, int]:
    """Blank the free text of the assessments made on the case or on its referrals - text
    answers, judgement and correction reasons, partners' contribution notes - keeping the
    scored answers, results, levels and stalker types the evaluation counts. For anonymisation
    at retention review (registered with cases.retention); the caller holds the transaction
    and logs. Each assessment's version moves on, so a form opened before is refused."""
    assessments = list(
        Assessment.objects.filter(Q(case=case) | Q(referral__case=case))
        .order_by("pk")
        .select_for_update(of=("self",))
    )
    text_answers = 0
    for assessment in assessments:
        try:
            definition = instrument_definition(assessment.instrument_code, assessment.instrument_version)
        except KeyError:
            definition = None
        assessment.answers, blanked = blank_free_text(definition, assessment.answers)
        text_answers += blanked
        assessment.judgement_reason = ""
        assessment.correction_reason = ""
        assessment.version += 1
    Assessment.objects.bulk_update(
        assessments, ["answers", "judgement_reason", "correction_reason", "version"]
    )
    notes = (
        Contribution.objects.filter(assessment__in=[a.pk for a in assessments])
        .exclude(note="")
        .update(note="")
    )
    return {
        "assessments": len(assessments),
        "assessment_text_answers": text_answers,
        "contribution_notes": notes,
    }
