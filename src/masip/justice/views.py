from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from masip.access.policy import Action, requires
from masip.audit.actions import AuditAction
from masip.cases.access import case_page
from masip.core.forms import add_service_errors
from masip.justice import selectors, services
from masip.justice.forms import JusticeEventForm, OrderForm, OrderUpdateForm
from masip.monitoring.web import log_case_page


@requires(Action.JUSTICE_RECORD)
@case_page(action=AuditAction.JUSTICE_EVENT_FORM)
def event_add(request, pk: int):
    case = request.case_access.case
    form = JusticeEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.justice_event_record(case=case, acting_user=request.user, data=form.to_input())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            message = f"{event.get_kind_display()} recorded"
            if event.kind == "charge":
                message += ": the case is flagged for re-review"
            messages.success(request, message)
            return redirect("cases:detail", case.pk)
    log_case_page(request, case, action=AuditAction.JUSTICE_EVENT_FORM)
    return render(request, "justice/event_form.html", {"case": case, "form": form})


@requires(Action.JUSTICE_RECORD)
@case_page(action=AuditAction.JUSTICE_ORDER_FORM)
def order_add(request, pk: int):
    case = request.case_access.case
    form = OrderForm(
        request.POST or None, victims=selectors.victims_of_case(case), interim_orders=selectors.interim_orders(case)
    )
    if request.method == "POST" and form.is_valid():
        try:
            order = services.order_record(case=case, acting_user=request.user, data=form.to_input())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{order.label} recorded")
            return redirect("justice:order_detail", order.pk)
    log_case_page(request, case, action=AuditAction.JUSTICE_ORDER_FORM)
    return render(request, "justice/order_form.html", {"case": case, "form": form})


def _order_case(request, order_id: int, **_):
    request.case_record = selectors.order_get(request.user, order_id)
    return request.case_record.case


@requires(Action.JUSTICE_RECORD)
@case_page(_order_case, action=AuditAction.JUSTICE_ORDER_VIEW)
def order_detail(request, order_id: int):
    order = request.case_record
    case = order.case
    request.partnership, request.nav = case.partnership, "cases"
    form = OrderUpdateForm(request.POST or None, order=order)
    if request.method == "POST" and form.is_valid():
        try:
            services.order_update(
                order=order, acting_user=request.user, data=form.to_input(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{order.label} updated")
            return redirect("justice:order_detail", order.pk)
    log_case_page(request, case, action=AuditAction.JUSTICE_ORDER_VIEW, subjects=[order])
    return render(request, "justice/order_detail.html", {"case": case, "order": order, "form": form})
