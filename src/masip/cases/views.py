from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from masip.access import policy
from masip.access.policy import Action, requires
from masip.audit.actions import AuditAction
from masip.audit.services import log_consultation
from masip.cases import registry, retention, selectors, services
from masip.cases.access import case_page
from masip.cases.forms import (
    CaseAreaForm,
    CaseDetailsForm,
    CaseFilterForm,
    CloseForm,
    ReopenForm,
    RetentionDecisionForm,
    RetentionProposalForm,
)
from masip.cases.models import CasePartyRole
from masip.cases.panels import case_panels
from masip.cases.timeline import case_timeline
from masip.core.forms import add_service_errors
from masip.core.pagination import Paginator
from masip.partnerships.models import Role
from masip.partnerships.revisiting import UNTIL_CONCLUDED, RevisitingPolicy
from masip.partnerships.selectors import partner_agencies


@requires(Action.CASE_VIEW)
def case_list(request, slug: str):
    partnership = policy.partnership_for(request.user, slug)
    request.partnership, request.nav = partnership, "cases"
    data = request.GET.copy()
    if not data.get("show"):  # practitioners start from their own caseload, managers from the unit's
        data["show"] = "mine" if policy.role_in(request.user, partnership) == Role.PRACTITIONER else "all"
    form = CaseFilterForm(
        data, staff_queryset=selectors.casework_staff(partnership),
        agency_queryset=partner_agencies(partnership), areas=partnership.areas,
    )
    form.is_valid()  # a filter with a value not on offer is named in the error summary and left out
    chosen = form.cleaned_data
    query = selectors.CaseListQuery(
        mine=chosen.get("show") == "mine", status=chosen.get("status") or "",
        lead_id=getattr(chosen.get("lead"), "pk", None), agency_id=getattr(chosen.get("agency"), "pk", None),
        risk=chosen.get("risk"), stalker_type=chosen.get("stalker_type") or "", area=chosen.get("area") or "",
        reassessment_due=bool(chosen.get("reassessment_due")),
        extras=tuple(name for name in form.extra_filter_names() if chosen.get(name)),
        sort=chosen.get("sort") or "newest",
    )
    page = Paginator(selectors.case_list(request.user, partnership, query), 50).get_page(request.GET.get("page"))
    log_consultation(
        request, action=AuditAction.CASE_LIST, partnership=partnership,
        subjects=[*page.object_list, *[c.suspect for c in page.object_list if c.suspect]],
    )
    return render(request, "cases/case_list.html", {
        "partnership": partnership, "page": page, "form": form, "query": query,
        "filtered": query != selectors.CaseListQuery(mine=query.mine, sort=query.sort),
    })


@requires(Action.CASE_VIEW)
@case_page()
def case_detail(request, pk: int):
    case = request.case_access.case
    request.partnership, request.nav = case.partnership, "cases"
    parties = list(case.parties.all())
    log_consultation(
        request, action=AuditAction.CASE_VIEW, partnership=case.partnership, subjects=[case, *[p.person for p in parties]],
    )
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "suspects": [p for p in parties if p.role == CasePartyRole.SUSPECT],
            "victims": [p for p in parties if p.role == CasePartyRole.VICTIM],
            "open_triggers": list(case.review_triggers.all()),
            "timeline": case_timeline(case, request.user),
            "panels": case_panels(case, request.user),
            # What other contexts add (sharing: information and health summaries the user may see).
            **registry.detail_context(case, request.user),
            "is_manager": policy.manages(request.user, case.partnership),
            "may_set_area": services.may_set_area(request.user, case.partnership),
            "is_health": request.user.agency_kind == "health",
            "access_reason": request.case_access.reason,
        },
    )


@requires(Action.CASE_EDIT)
@case_page(action=AuditAction.CASE_TEAM_FORM)
def case_edit(request, pk: int):
    case = request.case_access.case
    request.partnership, request.nav = case.partnership, "cases"
    staff = selectors.casework_staff(case.partnership)
    initial = {
        "lead_officer": case.lead_officer_id,
        "allocated_staff": selectors.allocated_user_ids(case),
        "version": case.team_version,
    }
    form = CaseDetailsForm(request.POST or None, initial=initial, staff_queryset=staff)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update_team(
                case=case, acting_user=request.user, lead_officer=form.cleaned_data["lead_officer"],
                allocated_staff=list(form.cleaned_data["allocated_staff"]),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Case {case.reference} updated")
            return redirect("cases:detail", case.pk)
    return render(request, "cases/case_edit.html", {"case": case, "form": form})


def _sets_areas(view):
    """Only those who may set a case's area reach its page (before being asked why they open the case)."""

    @wraps(view)
    def wrapper(request, pk: int, **kwargs):
        case = selectors.case_get(request.user, pk)
        if not services.may_set_area(request.user, case.partnership):
            raise PermissionDenied(
                f"In {case.partnership}, the case's area is set by those who triage and the unit manager."
            )
        return view(request, pk=pk, **kwargs)

    return wrapper


@requires(Action.CASE_AREA)
@_sets_areas
@case_page(action=AuditAction.CASE_AREA_FORM)
def case_area(request, pk: int):
    """Set or correct where the suspect lives: the area direct-work rules read."""
    case = request.case_access.case
    request.partnership, request.nav = case.partnership, "cases"
    form = CaseAreaForm(
        request.POST or None, initial={"area": case.area, "version": case.area_version}, partnership=case.partnership
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.case_set_area(
                case=case, acting_user=request.user, area=form.cleaned_data["area"],
                reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Area of case {case.reference} saved")
            return redirect("cases:detail", case.pk)
    return render(request, "cases/case_area.html", {"case": case, "form": form})


@requires(Action.RETENTION)
def retention_queue(request, slug: str):
    partnership = policy.partnership_for(request.user, slug)
    if not policy.manages(request.user, partnership):
        raise PermissionDenied("Only the unit manager reviews retention.")
    request.partnership, request.nav = partnership, "cases"
    cases = list(retention.review_queue(request.user, partnership))
    pending = selectors.pending_retention_proposals(partnership)
    for proposal in pending:  # the proposer waits for a second person: no "Decide" link for them
        proposal.may_decide = retention.may_approve(request.user, proposal)
    request.audit_not_personal = True  # references, dates and proposals only: no names
    return render(
        request, "cases/retention_queue.html",
        {"partnership": partnership, "cases": cases, "pending": pending},
    )


def _retention_review(request, case, **_):
    """Only the unit manager proposes what happens to a case at review: the review is the reason."""
    return "Retention review of a closed case" if policy.manages(request.user, case.partnership) else None


@requires(Action.RETENTION)
@case_page(action=AuditAction.CASE_RETENTION_FORM, implied_reason=_retention_review)
def retention_propose(request, pk: int):
    case = request.case_access.case
    if not policy.manages(request.user, case.partnership):
        raise PermissionDenied("Only the unit manager proposes what happens at review.")
    request.partnership, request.nav = case.partnership, "cases"
    form = RetentionProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            retention.retention_propose(
                case=case, acting_user=request.user, action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"], keep_months=form.cleaned_data.get("keep_months"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Proposal for {case.reference} recorded: a second person must approve it")
            return redirect("cases:retention_queue", case.partnership.slug)
    return render(request, "cases/retention_propose.html", {"case": case, "form": form})


@requires(Action.CASE_VIEW)
def retention_decide(request, proposal_id: int):
    proposal = selectors.retention_proposal_get(request.user, proposal_id)
    if not retention.may_approve(request.user, proposal):
        raise PermissionDenied("A different unit manager or triage lead of this partnership must decide.")
    request.partnership, request.nav = proposal.partnership, "cases"
    form = RetentionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            retention.retention_decide(
                proposal=proposal, acting_user=request.user, approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Decision recorded for {proposal.case_reference}")
            return redirect("workspace:home")
    request.audit_not_personal = True
    return render(request, "cases/retention_decide.html", {"proposal": proposal, "form": form})


@requires(Action.CASE_STATUS)
@case_page(action=AuditAction.CASE_CLOSE_FORM)
def case_close(request, pk: int):
    case = request.case_access.case
    if not case.is_open:
        messages.info(request, f"Case {case.reference} is already closed")
        return redirect("cases:detail", case.pk)
    model = case.partnership.operating_model_on()
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.case_close(
                case=case,
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
                closed_on=form.cleaned_data["closed_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            text = f"Case {case.reference} closed"
            if change.tracking_until and change.tracking_until > change.on:
                text += f"; it is tracked until {change.tracking_until:%-d %B %Y}"
            elif RevisitingPolicy.of(model).kind == UNTIL_CONCLUDED and change.tracking_until is None:
                text += "; it is tracked until a charge or another outcome concludes the investigation"
            messages.success(request, text)
            return redirect("cases:detail", case.pk)
    request.audit_not_personal = True  # the page shows the case reference only
    return render(
        request,
        "cases/close_form.html",
        {"case": case, "form": form, "model": model, "policy": RevisitingPolicy.of(model)},
    )


@requires(Action.CASE_STATUS)
@case_page(action=AuditAction.CASE_REOPEN_FORM)
def case_reopen(request, pk: int):
    case = request.case_access.case
    if case.is_open:
        messages.info(request, f"Case {case.reference} is open")
        return redirect("cases:detail", case.pk)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_reopen(case=case, acting_user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Case {case.reference} reopened")
            return redirect("cases:detail", case.pk)
    log_consultation(  # the page shows why it was closed
        request, action=AuditAction.CASE_REOPEN_FORM, partnership=case.partnership,
        subjects=[case, *[p.person for p in case.parties.all()]],
    )
    return render(
        request,
        "cases/reopen_form.html",
        {"case": case, "form": form, "tracking_text": registry.case_tracking(case).describe(timezone.localdate())},
    )
