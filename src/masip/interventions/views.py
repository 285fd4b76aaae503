from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from masip.access.policy import Action, requires
from masip.audit.actions import AuditAction
from masip.audit.services import log_consultation
from masip.cases.access import case_page
from masip.cases.selectors import casework_staff
from masip.core.forms import add_service_errors
from masip.interventions import selectors, services
from masip.interventions.forms import EngagementForm, FollowUpForm, InterventionForm, OutcomeForm, SessionForm
from masip.interventions.rules import next_engagement_states
from masip.monitoring.web import log_case_page


def _intervention_case(request, intervention_id: int, **_):
    """The intervention's case, if the user may see that the intervention exists."""
    request.case_record = selectors.intervention_get(request.user, intervention_id)
    return request.case_record.intervention.case


def _detailed_intervention_case(request, intervention_id: int, **_):
    """The case of an intervention whose detail the user may see (clinical detail is health's)."""
    request.case_record = selectors.intervention_detail_get(request.user, intervention_id)
    return request.case_record.case


@requires(Action.INTERVENTION_RECORD)
@case_page(action=AuditAction.INTERVENTION_FORM)
def intervention_add(request, pk: int):
    case = request.case_access.case
    form = InterventionForm(
        request.POST or None,
        staff=casework_staff(case.partnership),
        assessments=services.signed_off_assessments(case),
    )
    if request.method == "POST" and form.is_valid():
        try:
            intervention = services.intervention_record(
                case=case, acting_user=request.user, data=form.to_input()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{intervention.intervention_type} recorded")
            return redirect("interventions:detail", intervention.pk)
    model = case.partnership.operating_model_on()
    log_case_page(request, case, action=AuditAction.INTERVENTION_FORM)
    return render(
        request, "interventions/intervention_form.html", {"case": case, "form": form, "model": model}
    )


def _log(request, intervention, action: str) -> None:
    case = intervention.case
    log_consultation(
        request,
        action=action,
        partnership=case.partnership,
        subjects=[case, intervention, *([case.suspect] if case.suspect else [])],
    )


@requires(Action.INTERVENTION_VIEW)
@case_page(_intervention_case, action=AuditAction.INTERVENTION_VIEW)
def intervention_detail(request, intervention_id: int):
    found = request.case_record
    intervention = found.intervention
    request.partnership, request.nav = intervention.case.partnership, "cases"
    _log(request, intervention, "intervention.view" if found.detail_visible else "intervention.view_summary")
    context = {"case": intervention.case, "found": found, "intervention": intervention}
    if found.detail_visible:
        context.update(
            events=selectors.intervention_events(intervention),
            sessions=selectors.intervention_sessions(intervention),
            next_states=next_engagement_states(intervention.engagement or None)
            if intervention.intervention_type.needs_consent
            else [],
        )
    return render(request, "interventions/intervention_detail.html", context)


@requires(Action.INTERVENTION_RECORD)
@case_page(_detailed_intervention_case, action=AuditAction.INTERVENTION_FORM)
def intervention_engagement(request, intervention_id: int):
    intervention = request.case_record
    request.partnership, request.nav = intervention.case.partnership, "cases"
    states = next_engagement_states(intervention.engagement or None)
    form = EngagementForm(request.POST or None, states=states, version=intervention.version)
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_set_engagement(
                intervention=intervention,
                acting_user=request.user,
                state=form.cleaned_data["state"],
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Engagement recorded")
            return redirect("interventions:detail", intervention.pk)
    _log(request, intervention, "intervention.engagement_form")
    return render(
        request,
        "interventions/engagement_form.html",
        {"case": intervention.case, "intervention": intervention, "form": form, "states": states},
    )


@requires(Action.INTERVENTION_RECORD)
@case_page(_detailed_intervention_case, action=AuditAction.INTERVENTION_FORM)
def intervention_follow_up(request, intervention_id: int):
    intervention = request.case_record
    request.partnership, request.nav = intervention.case.partnership, "cases"
    form = FollowUpForm(request.POST or None, version=intervention.version)
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_follow_up(
                intervention=intervention,
                acting_user=request.user,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
                next_follow_up_on=form.cleaned_data["next_follow_up_on"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Follow-up recorded")
            return redirect("interventions:detail", intervention.pk)
    _log(request, intervention, "intervention.follow_up_form")
    return render(
        request,
        "interventions/follow_up_form.html",
        {"case": intervention.case, "intervention": intervention, "form": form},
    )


@requires(Action.INTERVENTION_RECORD)
@case_page(_detailed_intervention_case, action=AuditAction.INTERVENTION_FORM)
def intervention_session_add(request, intervention_id: int):
    intervention = request.case_record
    request.partnership, request.nav = intervention.case.partnership, "cases"
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_add_session(
                intervention=intervention, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Session recorded")
            return redirect("interventions:detail", intervention.pk)
    _log(request, intervention, "intervention.session_form")
    return render(
        request,
        "interventions/session_form.html",
        {"case": intervention.case, "intervention": intervention, "form": form},
    )


@requires(Action.INTERVENTION_RECORD)
@case_page(_detailed_intervention_case, action=AuditAction.INTERVENTION_FORM)
def intervention_outcome(request, intervention_id: int):
    intervention = request.case_record
    request.partnership, request.nav = intervention.case.partnership, "cases"
    form = OutcomeForm(
        request.POST or None,
        intervention=intervention,
        assessments=services.signed_off_assessments(intervention.case),
    )
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            services.intervention_record_outcome(
                intervention=intervention, acting_user=request.user, expected_version=data.pop("version"), **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Outcome recorded")
            return redirect("interventions:detail", intervention.pk)
    _log(request, intervention, "intervention.outcome_form")
    return render(
        request,
        "interventions/outcome_form.html",
        {"case": intervention.case, "intervention": intervention, "form": form},
    )
