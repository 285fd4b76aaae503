from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from masip.access.policy import Action, requires
from masip.audit.actions import AuditAction
from masip.audit.services import log_consultation
from masip.cases.access import by_case_pk, case_page
from masip.core.forms import add_service_errors
from masip.monitoring.web import log_case_page
from masip.referrals.selectors import referral_get
from masip.victims import selectors, services
from masip.victims.forms import (
    ContactForm,
    CourtSupportForm,
    SafetyPlanForm,
    SupportForm,
    SurveyForm,
    VictimReferralForm,
)
from masip.victims.services import MeasureInput


def _victims_case(request, pk: int, person_id: int, **_):
    """The case, and the victim on it the URL names (either out of reach: not found)."""
    case = by_case_pk(request, pk)
    request.case_record = selectors.victim_get(request.user, case, person_id)
    return case


def _victim(request, pk: int, person_id: int):
    return request.case_access.case, request.case_record


@requires(Action.VICTIM_SUPPORT_VIEW)
@case_page(_victims_case, action=AuditAction.VICTIM_SUPPORT_VIEW)
def victim_support(request, pk: int, person_id: int):
    case, found = _victim(request, pk, person_id)
    log_case_page(request, case, action=AuditAction.VICTIM_SUPPORT_VIEW)
    return render(
        request,
        "victims/victim_support.html",
        {"case": case, "found": found, "may_record": services.may_record(request.user, case)},
    )


def _form_page(request, pk, person_id, *, form_class, heading, save, success, form_kwargs=None, intro=""):
    """The shape every victim-support form shares: check, validate, save through a service, redirect."""
    case, found = _victim(request, pk, person_id)
    form = form_class(request.POST or None, **(form_kwargs(case, found) if form_kwargs else {}))
    if request.method == "POST" and form.is_valid():
        try:
            save(case, found, form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("victims:support", case.pk, found.victim.pk)
    log_case_page(request, case, action=AuditAction.VICTIM_SUPPORT_FORM)
    return render(
        request,
        "victims/form.html",
        {"case": case, "found": found, "form": form, "heading": heading, "intro": intro},
    )


@requires(Action.VICTIM_SUPPORT_RECORD)
@case_page(_victims_case, action=AuditAction.VICTIM_SUPPORT_FORM)
def support_update(request, pk: int, person_id: int):
    def save(case, found, form):
        d = form.cleaned_data
        services.support_update(
            case=case,
            victim=found.victim,
            acting_user=request.user,
            status=d["status"],
            on=d["on"],
            advocate=d["advocate"],
            reason=d["reason"],
            expected_version=d["version"],
        )

    return _form_page(
        request,
        pk,
        person_id,
        form_class=SupportForm,
        heading="Support for this victim",
        save=save,
        success="Support recorded",
        form_kwargs=lambda case, found: {"advocates": services.advocates(case), "support": found.support},
    )


@requires(Action.VICTIM_SUPPORT_RECORD)
@case_page(_victims_case, action=AuditAction.VICTIM_SUPPORT_FORM)
def contact_add(request, pk: int, person_id: int):
    def save(case, found, form):
        services.contact_record(case=case, victim=found.victim, acting_user=request.user, **form.cleaned_data)

    return _form_page(
        request,
        pk,
        person_id,
        form_class=ContactForm,
        heading="Record a contact with the victim",
        save=save,
        success="Contact recorded",
    )


@requires(Action.VICTIM_SUPPORT_RECORD)
@case_page(_victims_case, action=AuditAction.VICTIM_SUPPORT_FORM)
def safety_plan_add(request, pk: int, person_id: int):
    def save(case, found, form):
        d = form.cleaned_data
        services.safety_plan_new_version(
            case=case,
            victim=found.victim,
            acting_user=request.user,
            agreed_on=d["agreed_on"],
            review_on=d["review_on"],
            measures=[MeasureInput(kind=k) for k in d["measures"]],
            notes=d["notes"],
            expected_version=d["version"],
        )

    return _form_page(
        request,
        pk,
        person_id,
        form_class=SafetyPlanForm,
        heading="Agree a new version of the safety plan",
        intro="The earlier version is kept. Start from the current measures and change what has changed.",
        save=save,
        success="Safety plan saved",
        form_kwargs=lambda case, found: {
            "previous": found.latest_plan if found.notes_visible else None,
            "based_on_version": found.latest_plan.version if found.latest_plan else 0,
        },
    )


@requires(Action.VICTIM_SUPPORT_RECORD)
@case_page(_victims_case, action=AuditAction.VICTIM_SUPPORT_FORM)
def referral_add(request, pk: int, person_id: int):
    def save(case, found, form):
        services.victim_referral_record(
            case=case, victim=found.victim, acting_user=request.user, **form.cleaned_data
        )

    return _form_page(
        request,
        pk,
        person_id,
        form_class=VictimReferralForm,
        heading="Record a referral for the victim",
        intro="A referral to children's social care is safeguarding information: police, health and social services see it too.",
        save=save,
        success="Referral recorded",
    )


@requires(Action.VICTIM_SUPPORT_RECORD)
@case_page(_victims_case, action=AuditAction.VICTIM_SUPPORT_FORM)
def court_support_add(request, pk: int, person_id: int):
    def save(case, found, form):
        services.court_support_record(
            case=case, victim=found.victim, acting_user=request.user, **form.cleaned_data
        )

    return _form_page(
        request,
        pk,
        person_id,
        form_class=CourtSupportForm,
        heading="Record support through court",
        save=save,
        success="Court support recorded",
    )


@requires(Action.VICTIM_SUPPORT_RECORD)
@case_page(_victims_case, action=AuditAction.VICTIM_SUPPORT_FORM)
def survey_add(request, pk: int, person_id: int):
    def save(case, found, form):
        d = form.cleaned_data
        services.survey_record(
            case=case,
            victim=found.victim,
            acting_user=request.user,
            on=d["on"],
            mode=d["mode"],
            consent_given=d["consent_given"] == "yes",
            answers=form.answers(),
            comments=d["comments"],
        )

    return _form_page(
        request,
        pk,
        person_id,
        form_class=SurveyForm,
        heading="Victim perception survey",
        intro="The survey is optional. Record answers only if the victim consents; if they decline, record that it was offered.",
        save=save,
        success="Survey recorded",
    )


# -- support begun from a referral (advice only, signposted, awaiting triage) -------------------


@requires(Action.VICTIM_SUPPORT_RECORD)
def referral_support(request, pk: int, person_id: int):
    """An advocate records support for a victim of a referral that is not (yet) a case."""
    referral = referral_get(request.user, pk)
    request.partnership, request.nav = referral.partnership, "referrals"
    row = selectors.referral_victim_get(referral, person_id)
    if referral.case_id is not None:  # the referral is in a case now: its support is the case's (through its door)
        return redirect("victims:support", referral.case_id, row.victim.pk)
    if not services.may_record(request.user, referral):
        raise PermissionDenied("Victim support is recorded by the partnership's victim advocacy services.")
    form = SupportForm(request.POST or None, advocates=services.advocates(referral), support=row.support)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.referral_support_update(
                referral=referral, victim=row.victim, acting_user=request.user, status=d["status"], on=d["on"],
                advocate=d["advocate"], reason=d["reason"], expected_version=d["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Support recorded")
            return redirect("referrals:detail", referral.pk)
    log_consultation(request, action=AuditAction.VICTIM_SUPPORT_REFERRAL_FORM, partnership=referral.partnership,
                     subjects=[referral, row.victim])
    return render(request, "victims/referral_support_form.html", {"referral": referral, "row": row, "form": form})
