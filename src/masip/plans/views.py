"""The risk management plan pages of a case. Thin: check access, call a selector or service, render.

Their URLs keep their names in the meetings namespace (meetings/urls.py includes
plans/urls.py), as they had before the plans app was split from meetings.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from masip.access.policy import Action, requires
from masip.audit.actions import AuditAction
from masip.audit.services import log_consultation
from masip.cases.access import case_page
from masip.core.forms import add_service_errors
from masip.partnerships.selectors import partner_agencies
from masip.plans import forms, selectors, services
from masip.plans.models import PlanArea


@requires(Action.PLAN_VIEW)
@case_page(action=AuditAction.PLAN_VIEW)
def plan(request, pk: int):
    case = request.case_access.case
    request.partnership, request.nav = case.partnership, "cases"
    versions = selectors.plan_versions(case)
    log_consultation(request, action=AuditAction.PLAN_VIEW, partnership=case.partnership, subjects=[case, *versions])
    return render(
        request,
        "plans/plan.html",
        {
            "case": case,
            "versions": [(v, selectors.strategies_by_area(v)) for v in versions],
            "today": timezone.localdate(),
        },
    )


@requires(Action.PLAN_EDIT)
@case_page(action=AuditAction.PLAN_VIEW)
def plan_edit(request, pk: int):
    case = request.case_access.case
    request.partnership, request.nav = case.partnership, "cases"
    current = selectors.current_plan(case)
    agencies = list(partner_agencies(case.partnership))
    if current is not None:
        initial_rows = [
            {
                "area": s.area,
                "description": s.description,
                "owner_agency": str(s.owner_agency_id),
                "review_on": s.review_on,
            }
            for s in sorted(
                current.strategies.all(), key=lambda s: (list(PlanArea.values).index(s.area), s.pk)
            )
        ]
    else:
        initial_rows = [{"area": area} for area in PlanArea.values]
    initial_rows += [{} for _ in range(2)]
    formset = forms.StrategyFormSet(
        request.POST or None,
        initial=None if request.POST else initial_rows,
        prefix="strategies",
        form_kwargs={"agencies": agencies},
    )
    form = forms.PlanForm(
        request.POST or None,
        assessments=selectors.assessments_for_plan(case),
        first_version=current is None,
        initial={
            "aim": current.aim if current else "",
            "responds_to": current.responds_to_id if current else None,
            "version": current.version if current else 0,
        },
    )
    strategy_errors: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        strategies = [
            services.StrategyInput(
                area=f.cleaned_data["area"],
                description=f.cleaned_data["description"],
                owner_agency=f.cleaned_data["owner_agency"],
                review_on=f.cleaned_data["review_on"],
            )
            for f in formset.forms
            if not f.is_blank()
        ]
        try:
            new = services.plan_create_version(
                case=case,
                acting_user=request.user,
                strategies=strategies,
                change_reason=form.cleaned_data["change_reason"],
                expected_version=form.cleaned_data["version"],
                aim=form.cleaned_data.get("aim", ""),
                responds_to=form.cleaned_data.get("responds_to"),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "strategies" in exc.error_dict:
                strategy_errors += exc.message_dict["strategies"]
                exc = ValidationError({f: e for f, e in exc.error_dict.items() if f != "strategies"})
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Risk management plan version {new.version} saved")
            return redirect("cases:detail", case.pk)
    error_items = list(form.error_list()) + [("strategies", e) for e in strategy_errors]
    for number, strategy_form in enumerate(formset.forms, start=1):
        for anchor, message in strategy_form.error_list():
            error_items.append((anchor, f"Strategy {number}: {message}"))
    error_items += [("", str(e)) for e in formset.non_form_errors()]
    log_consultation(request, action=AuditAction.PLAN_VIEW, partnership=case.partnership, subjects=[case])
    return render(
        request,
        "plans/plan_edit.html",
        {
            "case": case,
            "form": form,
            "formset": formset,
            "current": current,
            "error_items": error_items,
            "review_hint": timezone.localdate() + timedelta(weeks=6),
        },
    )
