from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from masip.access.policy import Action, requires
from masip.audit.actions import AuditAction
from masip.cases.access import case_page
from masip.core.forms import add_service_errors
from masip.sharing import selectors, services
from masip.sharing.forms import HealthSummaryForm, InformationForm


@requires(Action.INFORMATION_RECORD)
@case_page(action=AuditAction.INFORMATION_FORM)
def information_add(request, pk: int):
    case = request.case_access.case
    request.partnership, request.nav = case.partnership, "cases"
    form = InformationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.information_record(case=case, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Information recorded")
            return redirect("cases:detail", case.pk)
    return render(request, "sharing/information_form.html", {"case": case, "form": form})


@requires(Action.HEALTH_SUMMARY_SHARE)
@case_page(action=AuditAction.HEALTH_SUMMARY_FORM)
def health_summary_add(request, pk: int):
    case = request.case_access.case
    request.partnership, request.nav = case.partnership, "cases"
    agencies = selectors.health_summary_recipients(case, sender=request.user)
    form = HealthSummaryForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            services.health_summary_share(
                case=case, acting_user=request.user, recipient=form.cleaned_data["recipient"],
                summary=form.cleaned_data["summary"], purpose=form.cleaned_data["purpose"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Health summary shared with {form.cleaned_data['recipient']}")
            return redirect("cases:detail", case.pk)
    return render(request, "sharing/health_summary_form.html", {"case": case, "form": form})
