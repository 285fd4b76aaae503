from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from masip.access import policy
from masip.access.policy import Action, requires
from masip.audit.actions import AuditAction
from masip.audit.services import log_consultation
from masip.core.forms import add_service_errors
from masip.core.pagination import Paginator
from masip.referrals import intake, registry, selectors, services
from masip.referrals.choices import ReferralStatus
from masip.referrals.forms import ConfirmPersonForm, ReferralEntry, TriageForm
from masip.referrals.intake import IntakeMode, referral_intake
from masip.referrals.triage_context import acceptance_refusals, triage_panels
from masip.referrals.urgency import urgency_flags

PAGE_SIZE = 50


@requires(Action.REFERRAL_CREATE)
def referral_create(request, slug: str):
    partnership = policy.partnership_for(request.user, slug)
    request.partnership, request.nav = partnership, "new_referral"
    entry = ReferralEntry(partnership, request.POST if request.method == "POST" else None)
    if request.method == "POST" and entry.is_save and entry.is_valid():
        try:
            result = referral_intake(
                partnership=partnership, acting_user=request.user, data=entry.to_input(), mode=IntakeMode.FORM
            )
        except ValidationError as exc:
            entry.extra_errors = [("", m) for m in exc.messages]
        else:
            if result.referral is not None:
                message = f"Referral {result.referral.reference} recorded"
                if result.open_case is not None:
                    message += (
                        f". The suspect's case {result.open_case.reference} is open: it has been brought back "
                        "for re-review, and accepting this referral adds it to that case"
                    )
                messages.success(request, message)
                return redirect("referrals:detail", result.referral.pk)
            entry.show_decisions(result)
            shown = [m.person for found in result.matches.values() for m in found]
            if shown:
                # Showing who is already known is a read of their records.
                log_consultation(request, action=AuditAction.PERSON_MATCH, partnership=partnership, subjects=shown)
    return render(request, "referrals/referral_form.html", {"entry": entry, "partnership": partnership})


@requires(Action.REFERRAL_VIEW)
def referral_detail(request, pk: int):
    referral = selectors.referral_get(request.user, pk)
    request.partnership, request.nav = referral.partnership, "referrals"
    decisions = list(referral.triage_decisions.all())
    _log_referrals_seen(request, "referral.view", referral.partnership, [referral])
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "suspect": selectors.suspect_of(referral),
            "victims": selectors.victims_of(referral),
            "decisions": decisions,
            "current_decision": decisions[0] if decisions else None,
            "flags": urgency_flags(referral.urgency),
            "can_triage": policy.can_triage(request.user, referral.partnership),
            # The sections other contexts add (assessments: screening assessments, can_assess).
            **registry.detail_context(referral, request.user),
        },
    )


@requires(Action.TRIAGE_QUEUE)
def triage_queue(request, slug: str):
    partnership = policy.partnership_for(request.user, slug)
    request.partnership, request.nav = partnership, "triage"
    page = Paginator(selectors.triage_queue(request.user, partnership), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "referral": r,
            "flags": urgency_flags(r.urgency),
            "suspect": selectors.suspect_of(r),
            "victims": selectors.victims_of(r),
        }
        for r in page.object_list
    ]
    _log_referrals_seen(request, "triage.queue", partnership, page.object_list)
    return render(
        request,
        "referrals/triage_queue.html",
        {
            "partnership": partnership,
            "page": page,
            "rows": rows,
            "can_triage": policy.can_triage(request.user, partnership),
            "triage_rule": policy.triage_refusal_reason(request.user, partnership),
        },
    )


@requires(Action.TRIAGE_DECIDE)
def triage_decide(request, pk: int):
    referral = selectors.referral_get(request.user, pk)
    request.partnership, request.nav = referral.partnership, "triage"
    if not policy.can_triage(request.user, referral.partnership):
        raise PermissionDenied(policy.triage_refusal_reason(request.user, referral.partnership))
    if request.method == "GET" and referral.parties_awaiting_confirmation:
        # The first step of triage: say who the people named are, where intake could not.
        return redirect("referrals:confirm_people", referral.pk)
    decisions = list(referral.triage_decisions.all())
    current = decisions[0] if decisions else None
    initial = {}
    if current is not None:
        initial = {
            f: getattr(current, f)
            for f in (
                "is_stalking",
                "fixated",
                "fixated_note",
                "obsessive",
                "obsessive_note",
                "unwanted",
                "unwanted_note",
                "repeated",
                "repeated_note",
                "corrected_offence",
                "outcome",
                "advice_text",
                "signpost_agency",
                "signpost_reason",
                "close_reason",
            )
        }
    initial["based_on"] = current.pk if current else ""
    data = request.POST.copy() if request.method == "POST" else None
    stale = data is not None and current is not None and data.get("based_on", "") != str(current.pk)
    if stale:
        # Someone decided while this user was deciding: show their decision and
        # keep what this user typed, now as a revision of it.
        assert data is not None and current is not None  # what stale means
        data["based_on"] = str(current.pk)
    form = TriageForm(data, initial=initial, revising=current is not None)
    if stale:
        assert current is not None  # what stale means
        form.is_valid()
        form.add_error(None, services.stale_decision_message(current))
    elif data is not None and form.is_valid():
        try:
            decision = services.triage_decide(
                referral=referral, acting_user=request.user, decision=form.to_input()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if decision.case is not None:
                verb = "joined open case" if decision.joined_existing_case else "opened case"
                messages.success(
                    request, f"Referral {referral.reference} accepted: {verb} {decision.case.reference}"
                )
                return redirect("cases:detail", decision.case_id)
            messages.success(request, f"Triage decision recorded for {referral.reference}")
            return redirect(reverse("referrals:triage_queue", args=[referral.partnership.slug]))
    panels = triage_panels(referral, request.user)
    _log_referrals_seen(  # a refused post shows it again
        request, "triage.form", referral.partnership, [referral],
        also=[subject for panel in panels for subject in panel.subjects],
    )
    return render(
        request,
        "referrals/triage_form.html",
        {
            "referral": referral,
            "form": form,
            "current": current,
            "suspect": selectors.suspect_of(referral),
            "victims": selectors.victims_of(referral),
            "flags": urgency_flags(referral.urgency),
            "panels": panels,
            "acceptance_refusals": acceptance_refusals(referral),
        },
    )


@requires(Action.TRIAGE_DECIDE)
def referral_confirm_people(request, pk: int):
    """Intake could not decide whether someone named is already known: the triager
    chooses one of the candidate matches or confirms a new person, one person per page."""
    referral = selectors.referral_get(request.user, pk)
    partnership = referral.partnership
    request.partnership, request.nav = partnership, "triage"
    if not policy.can_triage(request.user, partnership):
        raise PermissionDenied(policy.triage_refusal_reason(request.user, partnership))
    waiting = referral.parties_awaiting_confirmation
    if not waiting:
        _log_referrals_seen(request, "referral.confirm_people", partnership, [referral])
        if request.method == "POST":
            messages.warning(
                request,
                f"Someone else confirmed who the people named in {referral.reference} are while you were "
                "deciding: the referral page shows who they chose.",
            )
        return redirect("referrals:triage", referral.pk)
    party = waiting[0]
    candidates = selectors.candidate_people_of(request.user, party)
    form = ConfirmPersonForm(request.POST or None, party=party, candidates=candidates)
    if request.method == "POST" and form.is_valid() and not form.answers_this_party:
        form.add_error(None, "Someone else confirmed that person while you were deciding. This is the next one.")
    elif request.method == "POST" and form.is_valid():
        try:
            intake.referral_confirm_person(party=party, acting_user=request.user, person_id=form.chosen_person_id)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            who = "a new person" if form.chosen_person_id is None else "someone already known"
            messages.success(
                request, f"The {party.get_role_display().lower()} in {referral.reference} is recorded as {who}"
            )
            return redirect("referrals:confirm_people", referral.pk)
    log_consultation(
        request, action=AuditAction.REFERRAL_CONFIRM_PEOPLE, partnership=partnership,
        subjects=[referral, party.person, *[c["person"] for c in candidates]],
    )
    return render(
        request,
        "referrals/confirm_person.html",
        {
            "referral": referral, "party": party, "form": form, "candidates": candidates,
            "remaining": len(waiting) - 1, "suspect": selectors.suspect_of(referral),
            "victims": selectors.victims_of(referral),
        },
    )


def _log_referrals_seen(request, action: str, partnership, referrals, also=()) -> None:
    """Log the referrals on a page and the people named on it (parties are prefetched), and
    anything else the page shows (`also`: e.g. the suspect's other cases at triage)."""
    subjects = []
    for referral in referrals:
        subjects.append(referral)
        subjects.extend(party.person for party in referral.parties.all())
    log_consultation(request, action=action, partnership=partnership, subjects=[*subjects, *also])



@requires(Action.REFERRAL_VIEW)
def referral_list(request, slug: str):
    partnership = policy.partnership_for(request.user, slug)
    request.partnership, request.nav = partnership, "referrals"
    status = request.GET.get("status", "")
    if status not in ReferralStatus.values:
        status = ""
    page = Paginator(selectors.referral_list(request.user, partnership, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {"referral": r, "suspect": selectors.suspect_of(r), "victims": selectors.victims_of(r)} for r in page
    ]
    _log_referrals_seen(request, "referral.list", partnership, page.object_list)
    return render(
        request,
        "referrals/referral_list.html",
        {
            "partnership": partnership,
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": ReferralStatus.choices,
        },
    )
