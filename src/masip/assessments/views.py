from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from masip.access.policy import Action, requires
from masip.assessments import selectors, services
from masip.assessments.engine import (
    AssessmentSnapshot,
    compare_assessments,
    missing_required,
    redact_answers,
)
from masip.assessments.forms import (
    AssessmentForm,
    CorrectionForm,
    RecipientForm,
    StartForm,
    initial_from_answers,
)
from masip.assessments.instruments import definition as instrument_definition
from masip.assessments.models import AssessmentStatus
from masip.assessments.record_facts import describe as describe_fact
from masip.assessments.record_facts import record_facts
from masip.audit.actions import AuditAction
from masip.audit.services import log_consultation
from masip.cases.access import case_page
from masip.core.documents import attachment
from masip.core.forms import add_service_errors
from masip.referrals.selectors import referral_get


def _start(request, *, referral=None, case=None):
    subject = case or referral
    request.partnership = subject.partnership
    codes = services.offered_instruments(subject.partnership, on_case=case is not None)
    choices = [(c, instrument_definition(c).name) for c in codes]
    # A link may name the tool to start (e.g. the triage page's "Start the S-DASH").
    suggested = request.GET.get("instrument", "")
    form = StartForm(
        request.POST or None, choices=choices, initial={"instrument": suggested} if suggested in codes else {}
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_start(
                acting_user=request.user,
                instrument_code=form.cleaned_data["instrument"],
                referral=referral,
                case=case,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("assessments:detail", assessment.pk)
    return render(request, "assessments/start.html", {"subject": subject, "form": form, "choices": choices})


@requires(Action.ASSESSMENT_EDIT)
def start_for_referral(request, pk: int):
    return _start(request, referral=referral_get(request.user, pk))


@requires(Action.ASSESSMENT_EDIT)
@case_page(action=AuditAction.ASSESSMENT_START_FORM)
def start_for_case(request, pk: int):
    return _start(request, case=request.case_access.case)


def _assessment_case(request, pk: int, **_):
    """The assessment's case (None for an assessment of a referral not yet accepted)."""
    request.case_record = selectors.assessment_get(request.user, pk)
    return request.case_record.case


@requires(Action.ASSESSMENT_VIEW)
@case_page(_assessment_case, action=AuditAction.ASSESSMENT_VIEW)
def detail(request, pk: int):
    assessment = request.case_record
    request.partnership = assessment.partnership
    definition = selectors.definition_of(assessment)
    kind = request.user.agency_kind
    form = None
    if not assessment.is_locked:
        data = request.POST if request.method == "POST" else None
        initial = {
            **initial_from_answers(definition, assessment.answers),
            "version": assessment.version,
            "judgement_level": assessment.judgement_level,
            "judgement_reason": assessment.judgement_reason,
        }
        subject = assessment.subject
        from_record = {
            item_id: (value, describe_fact(definition, item_id, value, subject))
            for item_id, value in record_facts(definition, subject).items()
        }
        form = AssessmentForm(
            data, initial=initial, definition=definition, agency_kind=kind, from_record=from_record
        )
        if data is not None and form.is_valid():
            action = request.POST.get("action", "save")
            save = services.assessment_save_and_sign_off if action == "sign_off" else services.assessment_contribute
            try:
                saved = save(
                    assessment=assessment,
                    acting_user=request.user,
                    answers=form.answers(),
                    expected_version=form.cleaned_data["version"],
                    judgement_level=form.cleaned_data.get("judgement_level")
                    if "judgement_level" in form.fields
                    else None,
                    judgement_reason=form.cleaned_data.get("judgement_reason", ""),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                assessment.refresh_from_db()
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
                assessment.refresh_from_db()
            else:
                if saved.status == AssessmentStatus.SIGNED_OFF:
                    messages.success(
                        request, f"{saved.instrument_name} signed off: {saved.level_label or 'no level'}"
                    )
                else:
                    messages.success(request, "Your answers are saved")
                return redirect("assessments:detail", saved.pk)
    subject = assessment.subject
    log_consultation(
        request, action=AuditAction.ASSESSMENT_VIEW, partnership=assessment.partnership, subjects=[assessment, subject]
    )
    answers = redact_answers(definition, assessment.answers, kind)
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "definition": definition,
            "form": form,
            "result": selectors.result_of(assessment),
            "answer_rows": selectors.answer_rows(definition, answers, kind),
            "missing": [definition.item(i).label for i in missing_required(definition, assessment.answers)],
            "can_sign_off": services.may_sign_off(request.user, assessment.partnership),
            "sign_off_rule": services.sign_off_refusal(assessment.partnership),
            "subject": subject,
            "offered": services.offered_instruments(
                assessment.partnership, on_case=assessment.case is not None
            ),
        },
    )


@requires(Action.ASSESSMENT_EDIT)
@case_page(_assessment_case, action=AuditAction.ASSESSMENT_CORRECT_FORM)
def correct(request, pk: int):
    assessment = request.case_record
    request.partnership = assessment.partnership
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            correction = services.assessment_correct(
                assessment=assessment, acting_user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Correction started: change what is wrong, then sign it off")
            return redirect("assessments:detail", correction.pk)
    return render(request, "assessments/correct.html", {"assessment": assessment, "form": form})


@requires(Action.ASSESSMENT_EDIT)
@require_POST
@case_page(_assessment_case)
def reassess(request, pk: int):
    assessment = request.case_record
    try:
        new = services.assessment_reassess(assessment=assessment, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessments:detail", assessment.pk)
    messages.success(request, "Reassessment started from the previous answers: update what has changed")
    return redirect("assessments:detail", new.pk)


@requires(Action.ASSESSMENT_VIEW)
@case_page(_assessment_case, action=AuditAction.ASSESSMENT_COMPARE)
def compare(request, pk: int):
    """What changed since the previous assessment: items, level, stalker type."""
    assessment = request.case_record
    request.partnership = assessment.partnership
    if assessment.previous is None:
        request.audit_not_personal = True
        return render(request, "assessments/compare.html", {"assessment": assessment, "comparison": None})
    previous = assessment.previous
    kind = request.user.agency_kind
    before_def, after_def = selectors.definition_of(previous), selectors.definition_of(assessment)
    comparison = compare_assessments(
        AssessmentSnapshot(
            before_def, redact_answers(before_def, previous.answers, kind), selectors.scored_result(previous)
        ),
        AssessmentSnapshot(
            after_def, redact_answers(after_def, assessment.answers, kind), selectors.scored_result(assessment)
        ),
    )
    log_consultation(
        request,
        action=AuditAction.ASSESSMENT_COMPARE,
        partnership=assessment.partnership,
        subjects=[assessment, previous],
    )
    return render(
        request,
        "assessments/compare.html",
        {"assessment": assessment, "previous": previous, "comparison": comparison, "definition": after_def},
    )


@requires(Action.ASSESSMENT_EXPORT)
@case_page(_assessment_case, action=AuditAction.ASSESSMENT_PDF_FORM)
def pdf(request, pk: int):
    """A printable copy of a signed-off assessment for one recipient agency, without
    the sections that agency may not see. A disclosure in the audit log."""
    assessment = request.case_record
    request.partnership = assessment.partnership
    if assessment.status != AssessmentStatus.SIGNED_OFF:
        messages.error(request, "Only a signed-off assessment can be printed")
        return redirect("assessments:detail", assessment.pk)
    form = RecipientForm(request.POST or None, agencies=selectors.recipient_agencies(assessment))
    if request.method == "POST" and form.is_valid():
        recipient = form.cleaned_data["recipient"]
        try:
            content = services.assessment_pdf_export(
                assessment=assessment, acting_user=request.user, recipient=recipient,
                purpose=form.cleaned_data["purpose"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return attachment(content, filename=f"{assessment.reference}-{recipient.kind}.pdf")
    return render(request, "assessments/pdf_form.html", {"assessment": assessment, "form": form})
