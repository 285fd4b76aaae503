from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from masip.access import policy
from masip.access.policy import Action, requires
from masip.audit.actions import AuditAction
from masip.audit.services import log_consultation
from masip.cases.access import case_page
from masip.cases.models import CasePartyRole
from masip.core.forms import add_service_errors
from masip.core.ids import parse_id
from masip.monitoring import services
from masip.monitoring.breaches import orders_offered
from masip.monitoring.forms import IncidentForm, ReviewRequestForm
from masip.monitoring.queue import monitoring_queue, section_keys
from masip.monitoring.web import log_case_page


@requires(Action.MONITORING_QUEUE)
def queue(request, slug: str):
    partnership = policy.partnership_for(request.user, slug)
    request.partnership, request.nav = partnership, "monitoring"
    mine = request.GET.get("scope", "mine") != "all"
    section = request.GET.get("section") or None  # one section's own page (an unknown key: the whole queue)
    sections = monitoring_queue(
        request.user, partnership, today=timezone.localdate(), mine=mine, section=section,
        page=request.GET.get("page"),
    )
    one = sections[0] if section in section_keys() and sections else None
    cases = {item.case.pk: item.case for section in sections for item in section.items}
    log_consultation(
        request,
        action=AuditAction.MONITORING_QUEUE,
        partnership=partnership,
        subjects=[*cases.values(), *[c.suspect for c in cases.values() if c.suspect is not None]],
    )
    return render(
        request,
        "monitoring/queue.html",
        {
            "partnership": partnership,
            "sections": sections,
            "mine": mine,
            "today": timezone.localdate(),
            "total": sum(s.count for s in sections),
            "one": one,
            "page": one.page if one else None,
            "scope": "mine" if mine else "all",
        },
    )


@requires(Action.INCIDENT_RECORD)
@case_page(action=AuditAction.INCIDENT_FORM)
def incident_add(request, pk: int):
    case = request.case_access.case
    victims = [p.person for p in case.parties.all() if p.role == CasePartyRole.VICTIM]
    orders = orders_offered(case)
    initial: dict[str, Any] = {}
    if request.method == "GET":
        breach = parse_id(request.GET.get("breach_of"))
        if any(o.pk == breach for o in orders):
            initial["breach_of"] = breach
        if len(victims) == 1:
            initial["victim"] = str(victims[0].pk)
    form = IncidentForm(request.POST or None, initial=initial, victims=victims, orders=orders)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_record(case=case, acting_user=request.user, data=form.to_input())
        except services.PossibleDuplicate as warning:
            duplicate = warning.existing
            form.add_error(
                "confirmed_not_duplicate",
                f"This looks like an incident already recorded on {duplicate.occurred_on:%-d %B %Y} "
                f"(same victim, day and behaviour). If it is a separate contact, tick the box and save again. "
                "If it is the same contact reported again, do not save it: counting it twice would overstate the stalking.",
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "Incident recorded: the case is flagged for re-review and a reassessment is due"
            )
            return redirect("cases:detail", case.pk)
    log_case_page(request, case, action=AuditAction.INCIDENT_FORM)
    return render(
        request,
        "monitoring/incident_form.html",
        {
            "case": case,
            "form": form,
            "duplicate": duplicate,
            "show_confirm": duplicate is not None or bool(form["confirmed_not_duplicate"].value()),
        },
    )


@requires(Action.REVIEW_REQUEST)
@case_page(action=AuditAction.CASE_REVIEW_REQUEST_FORM)
def review_request(request, pk: int):
    case = request.case_access.case
    form = ReviewRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_request(case=case, acting_user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "Re-review requested: the case will come back to the next suitable meeting"
            )
            return redirect("cases:detail", case.pk)
    request.audit_not_personal = True  # the page shows the case reference only
    advocate = request.user.agency_kind in services.ADVOCACY_KINDS
    return render(
        request, "monitoring/review_request.html", {"case": case, "form": form, "advocate": advocate}
    )
