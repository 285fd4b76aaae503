"""Pages for meetings (the action and plan pages are in actions/views.py and plans/views.py). Thin: check access, call a selector or service, render.

The meeting page is built to be run on a laptop on a projector: the agenda
on the left, the case under discussion on the right. Moving between cases and
saving what is shared, decided and agreed swap only the case panel (htmx);
every form also works as an ordinary post without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from masip.access import policy
from masip.access.policy import Action, requires
from masip.access.sharing import sharing_view
from masip.actions.forms import ActionForm
from masip.audit.actions import AuditAction
from masip.audit.services import log_consultation
from masip.cases.access import case_page
from masip.cases.models import CasePartyRole
from masip.core.documents import attachment
from masip.core.forms import add_service_errors
from masip.core.ids import parse_id, parse_ids
from masip.core.pagination import Paginator
from masip.meetings import agenda, forms, selectors, services
from masip.meetings.minutes import build_minutes, recipient_choices
from masip.meetings.models import AttendanceStatus
from masip.partnerships.selectors import partner_agencies
from masip.referrals.selectors import suspect_of, victims_of
from masip.referrals.urgency import urgency_flags

ITEM_ANCHOR = "#current-item"


def _refused(request, meeting, message: str, *, item=None):
    """A change refused because the meeting is closed, or not yet held: nothing was saved, and
    the page says why."""
    if request.htmx and item is not None:
        meeting.refresh_from_db()  # closed since it was read: show the record read-only
        context = _item_context(request, meeting, item)
        context["refusal"] = message
        return render(request, "meetings/_item.html", context)
    request.audit_not_personal = True
    return render(request, "meetings/refused.html", {"meeting": meeting, "message": message}, status=409)


def _keep_current(request, meeting) -> None:
    """An open meeting's agenda always shows what its rule calls for now (computed on read)."""
    if not meeting.is_closed:
        services.agendas_keep_current(
            partnership=meeting.partnership_id, acting_user=request.user, meetings=[meeting]
        )


# -- meetings ------------------------------------------------------------------


@requires(Action.MEETING_VIEW)
def meeting_list(request, slug: str):
    partnership = policy.partnership_for(request.user, slug)
    request.partnership, request.nav = partnership, "meetings"
    series = selectors.current_series(partnership)
    series_id = parse_id(request.GET.get("series"))
    if series_id not in {s.pk for s in series}:
        series_id = None
    services.agendas_keep_current(partnership=partnership, acting_user=request.user)
    upcoming = list(
        selectors.meeting_list(request.user, partnership, upcoming=True, series_id=series_id)[:60]
    )
    past = Paginator(
        selectors.meeting_list(request.user, partnership, upcoming=False, series_id=series_id), 25
    ).get_page(request.GET.get("page"))
    request.audit_not_personal = True  # meeting titles, dates and counts only
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "partnership": partnership,
            "series": series,
            "series_id": series_id,
            "upcoming": upcoming,
            "page": past,
            "today": timezone.localdate(),
            "may_schedule": selectors.may_schedule(request.user, partnership),
            "rules": [
                (s, agenda.AgendaRule.from_json(s.agenda_rule).describe() if _rule_ok(s) else None)
                for s in series
            ],
        },
    )


def _rule_ok(series) -> bool:
    try:
        agenda.AgendaRule.from_json(series.agenda_rule)
    except agenda.AgendaRuleError:
        return False
    return True


@requires(Action.MEETING_CHAIR)
def meeting_schedule(request, slug: str):
    partnership = policy.partnership_for(request.user, slug)
    if not selectors.may_schedule(request.user, partnership):
        raise PermissionDenied("Only the unit manager, a triage lead or business support schedule meetings.")
    request.partnership, request.nav = partnership, "meetings"
    series_qs = selectors.series_of_model(partnership)
    # At the weekend, offer the next working day: the unit's meetings are held on weekdays.
    initial: dict[str, Any] = {
        "first": agenda.next_meeting_dates("weekdays", first=timezone.localdate(), count=1)[0]
    }
    if parse_id(request.GET.get("series")):
        initial["series"] = parse_id(request.GET.get("series"))
    form = forms.ScheduleForm(
        request.POST or None,
        initial=initial,
        series=series_qs,
        staff=selectors.partnership_staff(partnership),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.meeting_schedule(
                partnership=partnership,
                series=data["series"],
                acting_user=request.user,
                first=data["first"],
                count=data["count"],
                starts_at=data.get("starts_at"),
                location=data.get("location", ""),
                chair=data.get("chair"),
                purpose=data.get("purpose", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if result.created:
                dates = ", ".join(f"{m.held_on:%-d %b}" for m in result.created)
                messages.success(request, f"{data['series'].name} scheduled: {dates}")
                first_held = result.created[0].held_on
                if first_held != data["first"] and data["series"].cadence == "weekdays":
                    messages.info(
                        request,
                        f"{data['first']:%A} is not a meeting day: {data['series'].name} meets on weekdays, "
                        f"so the first meeting is on {first_held:%A %-d %B}",
                    )
            if result.skipped:
                messages.info(
                    request,
                    "Already scheduled, so not added again: "
                    + ", ".join(f"{d:%-d %b}" for d in result.skipped),
                )
            if len(result.created) == 1:
                return redirect("meetings:detail", result.created[0].pk)
            return redirect("meetings:list", partnership.slug)
    request.audit_not_personal = True
    return render(request, "meetings/schedule.html", {"partnership": partnership, "form": form})


def _live_items(items):
    return [i for i in items if not i.is_removed]


def _item_context(
    request,
    meeting,
    item,
    *,
    share_form=None,
    discussion_form=None,
    action_form=None,
    triage_form=None,
    items=None,
):
    """Everything the case (or referral) panel shows, in a fixed number of queries."""
    user = request.user
    closed = meeting.is_closed
    running = not closed and services.is_held_yet(meeting)
    agencies = list(partner_agencies(meeting.partnership))
    context = {
        "meeting": meeting,
        "item": item,
        "shared": selectors.item_information(user, item),
        "closed": closed,
        "not_yet_held": not closed and not running,
        "can_chair": selectors.may_chair(user, meeting),
        "today": timezone.localdate(),
    }
    if items is not None:
        live = _live_items(items)
        ids = [i.pk for i in live]
        if item.pk in ids:
            index = ids.index(item.pk)
            context["previous_item"] = live[index - 1] if index > 0 else None
            context["next_item"] = live[index + 1] if index + 1 < len(live) else None
            context["item_number"], context["item_total"] = index + 1, len(live)
    if running and not item.is_removed:
        context["share_form"] = share_form or forms.ShareForm(
            agencies=agencies, initial={"source_agency": str(user.agency_id or "")}, prefix="share"
        )
    if item.is_referral:
        return _referral_context(context, request, meeting, item, running=running, triage_form=triage_form)
    parties = list(item.case.parties.all())
    series = selectors.current_series(meeting.partnership)
    other_series = [s for s in series if s.pk != meeting.series_id]
    context.update(
        {
            "case": item.case,
            "suspects": [p for p in parties if p.role == CasePartyRole.SUSPECT],
            "victims": [p for p in parties if p.role == CasePartyRole.VICTIM],
            "actions": selectors.item_actions(item),
        }
    )
    if running and not item.is_removed:
        context["discussion_form"] = discussion_form or forms.DiscussionForm(
            series=_series_qs(other_series),
            initial={
                "version": item.version,
                "discussion": item.discussion,
                "agreed_risk_rank": "" if item.agreed_risk_rank is None else str(item.agreed_risk_rank),
                "agreed_stalker_type": item.agreed_stalker_type,
                "next_steps": item.next_steps,
                "keep_on_agenda": item.keep_on_agenda,
                "refer_to": item.refer_to_id,
            },
            prefix="record",
        )
        context["action_form"] = action_form or ActionForm(
            agencies=agencies, staff=selectors.partnership_staff(meeting.partnership), prefix="action"
        )
    return context


def _referral_context(context, request, meeting, item, *, running: bool, triage_form=None):
    """A referral awaiting triage: what it says, what partners shared, and the triage form."""
    referral = item.referral
    latest = selectors.latest_triage_decision(referral)
    context.update(
        {
            "referral": referral,
            "suspect": suspect_of(referral),
            "victims": victims_of(referral),
            "flags": urgency_flags(referral.urgency),
            "decision": item.triage_decision,
            # Triaged in the queue (or at another meeting) before this meeting reached it.
            "decided_elsewhere": latest if latest is not None and item.triage_decision_id is None else None,
            "may_triage": policy.can_triage(request.user, meeting.partnership),
            "triage_rule": policy.triage_refusal_reason(request.user, meeting.partnership),
        }
    )
    if running and not item.is_removed and item.triage_decision_id is None and latest is None:
        context["triage_form"] = triage_form or forms.MeetingTriageForm(
            initial={"version": item.version, "based_on": ""}, prefix="triage"
        )
    elif triage_form is not None:
        context["refused_triage"] = triage_form  # why the decision just posted was not saved
    return context


def _series_qs(series_list):
    return selectors.series_by_name(series_list)


def _meeting_page(request, meeting, item=None, *, status=200, **item_forms):
    items = selectors.agenda_items(meeting)
    live = _live_items(items)
    if item is None and live:
        item = next((i for i in live if not i.is_discussed), live[0])
        item = selectors.item_get(meeting, item.pk)
    attendance = selectors.attendance(meeting)
    context = {
        "meeting": meeting,
        "items": items,
        "live_items": live,
        "removed_items": [i for i in items if i.is_removed],
        "attendance": attendance,
        "present_count": sum(1 for a in attendance if a.status == AttendanceStatus.PRESENT),
        "apologies_count": sum(1 for a in attendance if a.status == AttendanceStatus.APOLOGIES),
        "can_chair": selectors.may_chair(request.user, meeting),
        "not_yet_held": not meeting.is_closed and not services.is_held_yet(meeting),
        "rule_lines": agenda.AgendaRule.from_json(meeting.series.agenda_rule).describe()
        if _rule_ok(meeting.series)
        else [],
        "current": item,
    }
    if item is not None:
        context.update(_item_context(request, meeting, item, items=items, **item_forms))
    _log_meeting_view(request, meeting, items)  # a refused post shows the meeting again
    return render(request, "meetings/meeting_detail.html", context, status=status)


def _log_meeting_view(request, meeting, items) -> None:
    log_consultation(
        request,
        action=AuditAction.MEETING_VIEW,
        partnership=meeting.partnership,
        subjects=[meeting, *_subjects_of(items)],
        reason=f"Multi-agency meeting: {meeting}",
    )


def _subjects_of(items) -> list:
    """The cases and referrals on the agenda and the people the page names: each case's
    suspect, each referral's people (prefetched by the selectors)."""
    subjects = []
    for item in items:
        subjects.append(item.subject)
        if item.is_referral:
            subjects.extend(p.person for p in item.referral.parties.all())
        elif item.case.suspect_id:
            subjects.append(item.case.suspect)
    return subjects


@requires(Action.MEETING_VIEW)
def meeting_detail(request, pk: int):
    meeting = selectors.meeting_get(request.user, pk)
    request.partnership, request.nav = meeting.partnership, "meetings"
    _keep_current(request, meeting)
    item = None
    item_pk = parse_id(request.GET.get("item"))
    if item_pk:
        item = selectors.item_get(meeting, item_pk)
    return _meeting_page(request, meeting, item)


def _item_case(request, pk: int, item_pk: int, **_):
    """The case of an agenda item, in a meeting the user may see."""
    meeting = selectors.meeting_get(request.user, pk)
    request.case_record = (meeting, selectors.item_get(meeting, item_pk))
    request.nav = "meetings"
    return request.case_record[1].case


def _on_the_agenda(request, case, pk: int, item_pk: int, **_):
    """A case on a meeting's agenda is opened because the meeting discusses it."""
    return f"Multi-agency meeting: {request.case_record[0]}"


def item_page(action: str = "meeting.view"):
    """The entry point for a case's panel in a meeting: the meeting is the reason."""
    return case_page(_item_case, action=action, implied_reason=_on_the_agenda)


@requires(Action.MEETING_VIEW)
@item_page()
def meeting_item(request, pk: int, item_pk: int):
    """One case of the agenda: the panel alone for htmx, else the whole meeting page."""
    meeting, item = request.case_record
    request.partnership, request.nav = meeting.partnership, "meetings"
    if not request.htmx:
        return redirect(reverse("meetings:detail", args=[meeting.pk]) + f"?item={item.pk}{ITEM_ANCHOR}")
    _keep_current(request, meeting)
    items = selectors.agenda_items(meeting)
    context = _item_context(request, meeting, item, items=items)
    context.update({"items": items, "live_items": _live_items(items), "current": item, "oob": True})
    people = item.referral.parties.all() if item.is_referral else item.case.parties.all()
    log_consultation(
        request,
        action=AuditAction.MEETING_VIEW,
        partnership=meeting.partnership,
        subjects=[meeting, item.subject, *[p.person for p in people]],
        reason=f"Multi-agency meeting: {meeting}",
    )
    return render(request, "meetings/_item.html", context)


def _after_item_change(request, meeting, item, message: str, **item_forms):
    """The response to a save on a case: the refreshed panel for htmx, else back to the meeting."""
    failed = any(f is not None and f.errors for f in item_forms.values())
    if request.htmx:
        meeting.refresh_from_db()
        item = selectors.item_get(meeting, item.pk)
        items = selectors.agenda_items(meeting)
        context = _item_context(request, meeting, item, items=items, **item_forms)
        context.update({"items": items, "live_items": _live_items(items), "current": item, "oob": True})
        _log_meeting_view(request, meeting, items)  # the panel names the item's people
        if not failed:
            context["saved"] = message
        return render(request, "meetings/_item.html", context)
    if failed:
        return _meeting_page(request, meeting, selectors.item_get(meeting, item.pk), **item_forms)
    messages.success(request, message)
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + f"?item={item.pk}{ITEM_ANCHOR}")


@requires(Action.MEETING_RECORD)
@require_POST
@item_page()
def item_share(request, pk: int, item_pk: int):
    meeting, item = request.case_record
    request.partnership, request.nav = meeting.partnership, "meetings"
    form = forms.ShareForm(
        request.POST, agencies=partner_agencies(meeting.partnership), prefix="share"
    )
    message = ""
    if form.is_valid():
        try:
            entry = services.item_share_information(
                item=item,
                acting_user=request.user,
                source_agency=form.cleaned_data["source_agency"],
                category=form.cleaned_data["category"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except services.MeetingNotOpen as exc:
            return _refused(request, meeting, exc.messages[0], item=item)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            message = f"Recorded what {entry.source_agency} shared"
            if not sharing_view(request.user, meeting.partnership).can_see(
                entry.category, entry.source_agency_id
            ):
                message += (
                    f". {entry.get_category_display()} information from {entry.source_agency} is not shown to your "
                    "agency, so it does not appear below"
                )
            return _after_item_change(request, meeting, item, message)
    return _after_item_change(request, meeting, item, message, share_form=form)


@requires(Action.MEETING_RECORD)
@require_POST
@item_page()
def item_record(request, pk: int, item_pk: int):
    meeting, item = request.case_record
    request.partnership, request.nav = meeting.partnership, "meetings"
    if item.is_referral:
        return _refused(request, meeting, services.REFERRAL_NOT_DISCUSSED, item=item)
    others = [s for s in selectors.current_series(meeting.partnership) if s.pk != meeting.series_id]
    form = forms.DiscussionForm(
        request.POST, series=_series_qs(others), prefix="record"
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.item_record_discussion(
                item=item,
                acting_user=request.user,
                expected_version=data["version"],
                record=services.DiscussionInput(
                    discussion=data.get("discussion", ""),
                    agreed_risk_rank=data.get("agreed_risk_rank"),
                    agreed_stalker_type=data.get("agreed_stalker_type", ""),
                    next_steps=data.get("next_steps", ""),
                    keep_on_agenda=data.get("keep_on_agenda", False),
                    refer_to=data.get("refer_to"),
                ),
            )
        except services.MeetingNotOpen as exc:
            return _refused(request, meeting, exc.messages[0], item=item)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _after_item_change(request, meeting, item, f"Discussion of {item.subject_reference} saved")
    return _after_item_change(
        request, meeting, item, f"Discussion of {item.subject_reference} saved", discussion_form=form
    )


@requires(Action.MEETING_RECORD)
@require_POST
@item_page()
def item_action(request, pk: int, item_pk: int):
    meeting, item = request.case_record
    request.partnership, request.nav = meeting.partnership, "meetings"
    if item.is_referral:
        return _refused(request, meeting, services.REFERRAL_NOT_DISCUSSED, item=item)
    form = ActionForm(
        request.POST,
        agencies=partner_agencies(meeting.partnership),
        staff=selectors.partnership_staff(meeting.partnership),
        prefix="action",
    )
    message = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            action = services.item_action_create(
                item=item,
                acting_user=request.user,
                description=data["description"],
                owner_agency=data["owner_agency"],
                owner_user=data.get("owner_user"),
                due_on=data["due_on"],
            )
        except services.MeetingNotOpen as exc:
            return _refused(request, meeting, exc.messages[0], item=item)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            message = f"Action added for {action.owner_agency}, due {action.due_on:%-d %b %Y}"
            return _after_item_change(request, meeting, item, message)
    return _after_item_change(request, meeting, item, message, action_form=form)


@requires(Action.MEETING_RECORD)
@require_POST
@item_page()
def item_triage(request, pk: int, item_pk: int):
    """The meeting's triage decision on a referral on its agenda (referrals.services.triage_decide)."""
    meeting, item = request.case_record
    request.partnership, request.nav = meeting.partnership, "meetings"
    if not item.is_referral:
        raise Http404("Not a referral")
    form = forms.MeetingTriageForm(request.POST, prefix="triage")
    message = ""
    if form.is_valid():
        try:
            services.agenda_item_triage(
                item=item,
                acting_user=request.user,
                decision=form.to_input(),
                discussion=form.cleaned_data.get("discussion", ""),
                expected_version=form.cleaned_data["version"],
            )
        except services.MeetingNotOpen as exc:
            return _refused(request, meeting, exc.messages[0], item=item)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "You may not record a triage decision in this partnership.")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            item = selectors.item_get(meeting, item.pk)
            decision = item.triage_decision
            assert decision is not None, "the service has just recorded it"
            message = f"Triage of {item.subject_reference} recorded: {decision.get_outcome_display().lower()}"
            if decision.case is not None:
                verb = "joined open case" if decision.joined_existing_case else "opened case"
                message += f", {verb} {decision.case.reference}"
            return _after_item_change(request, meeting, item, message)
    return _after_item_change(request, meeting, item, message, triage_form=form)


@requires(Action.MEETING_RECORD)
def attendance(request, pk: int):
    meeting = selectors.meeting_get(request.user, pk)
    request.partnership, request.nav = meeting.partnership, "meetings"
    records = selectors.attendance(meeting)
    staff = list(selectors.partnership_staff(meeting.partnership))
    guests = [r for r in records if r.user_id is None]
    current = {r.user_id: r.status for r in records if r.user_id}
    if not records:
        # First time: expect staff of the agencies the series expects.
        expected = set(meeting.series.expected_agency_kinds)
        current = {u.pk: "present" for u in staff if u.agency_id and u.agency.kind in expected}
    form = forms.AttendanceForm(
        request.POST or None,
        staff=staff,
        agencies=partner_agencies(meeting.partnership),
        guests=guests,
        current=current,
        initial={"version": meeting.attendance_version},
    )
    if meeting.is_closed and request.method == "POST":
        return _refused(request, meeting, services._closed_message(meeting))
    if not services.is_held_yet(meeting) and request.method == "POST":
        return _refused(request, meeting, services.not_yet_held_message(meeting))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        guest = None
        if data.get("guest_name", "").strip():
            guest = services.GuestInput(
                name=data["guest_name"],
                agency=data.get("guest_agency"),
                organisation=data.get("guest_organisation", ""),
                role_title=data.get("guest_role", ""),
                status=data.get("guest_status") or "present",
            )
        try:
            services.attendance_record(
                meeting=meeting,
                acting_user=request.user,
                staff_statuses=form.staff_statuses(),
                expected_version=data["version"],
                add_guest=guest,
                remove_guest_ids=parse_ids(data.get("remove_guests", [])),
            )
        except services.MeetingNotOpen as exc:
            return _refused(request, meeting, exc.messages[0])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Attendance recorded")
            return redirect("meetings:detail", meeting.pk)
    request.audit_not_personal = True  # staff of the unit, not the people in its cases
    return render(
        request,
        "meetings/attendance.html",
        {
            "meeting": meeting,
            "form": form,
            "guests": guests,
            "closed": meeting.is_closed,
            "not_yet_held": not meeting.is_closed and not services.is_held_yet(meeting),
            "records": records,
        },
    )


@requires(Action.MEETING_CHAIR)
def item_add(request, pk: int):
    meeting = selectors.meeting_get(request.user, pk)
    request.partnership, request.nav = meeting.partnership, "meetings"
    if not selectors.may_chair(request.user, meeting):
        raise PermissionDenied("Only the chair, a triage lead or the unit manager change the agenda.")
    if meeting.is_closed:
        return _refused(request, meeting, services._closed_message(meeting))
    form = forms.ItemAddForm(request.POST or None, partnership=meeting.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.agenda_item_add(
                meeting=meeting,
                case=form.cleaned_data["case_reference"],
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.MeetingNotOpen as exc:
            return _refused(request, meeting, exc.messages[0])
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "case" in exc.error_dict:
                form.add_error("case_reference", exc.message_dict["case"][0])
            else:
                add_service_errors(form, exc)
        else:
            messages.success(request, f"{item.subject_reference} added to the agenda")
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + f"?item={item.pk}{ITEM_ANCHOR}")
    request.audit_not_personal = True
    return render(request, "meetings/item_add.html", {"meeting": meeting, "form": form})


@requires(Action.MEETING_CHAIR)
@item_page()
def item_remove(request, pk: int, item_pk: int):
    meeting, item = request.case_record
    request.partnership, request.nav = meeting.partnership, "meetings"
    if not selectors.may_chair(request.user, meeting):
        raise PermissionDenied("Only the chair, a triage lead or the unit manager change the agenda.")
    if meeting.is_closed:
        return _refused(request, meeting, services._closed_message(meeting))
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_remove(
                item=item, acting_user=request.user, reason=form.cleaned_data["reason"]
            )
        except services.MeetingNotOpen as exc:
            return _refused(request, meeting, exc.messages[0])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{item.subject_reference} taken off the agenda")
            return redirect("meetings:detail", meeting.pk)
    log_consultation(
        request,
        action=AuditAction.MEETING_VIEW,
        partnership=meeting.partnership,
        subjects=[meeting, *_subjects_of([item])],
    )
    return render(request, "meetings/item_remove.html", {"meeting": meeting, "item": item, "form": form})


@requires(Action.MEETING_CHAIR)
def meeting_close(request, pk: int):
    meeting = selectors.meeting_get(request.user, pk)
    request.partnership, request.nav = meeting.partnership, "meetings"
    if not selectors.may_chair(request.user, meeting):
        raise PermissionDenied("Only the chair, a triage lead or the unit manager close a meeting.")
    if meeting.is_closed:
        return _refused(request, meeting, services._closed_message(meeting))
    if not services.is_held_yet(meeting):
        return _refused(request, meeting, services.not_yet_held_message(meeting))
    if request.method == "POST":
        try:
            services.meeting_close(meeting=meeting, acting_user=request.user)
        except services.MeetingNotOpen as exc:
            return _refused(request, meeting, exc.messages[0])
        messages.success(request, "Meeting closed. Its record can no longer be changed")
        return redirect("meetings:minutes", meeting.pk)
    _keep_current(request, meeting)
    items = _live_items(selectors.agenda_items(meeting))
    not_reached = [i for i in items if not i.is_discussed]
    log_consultation(
        request,
        action=AuditAction.MEETING_VIEW,
        partnership=meeting.partnership,
        subjects=[meeting, *[i.subject for i in not_reached]],
    )
    return render(
        request,
        "meetings/close.html",
        {
            "meeting": meeting,
            "discussed": len(items) - len(not_reached),
            "not_reached": not_reached,
            "attendance_recorded": selectors.attendance_recorded(meeting),
        },
    )


@requires(Action.MEETING_VIEW)
def minutes(request, pk: int):
    meeting = selectors.meeting_get(request.user, pk)
    request.partnership, request.nav = meeting.partnership, "meetings"
    _keep_current(request, meeting)
    record = build_minutes(meeting, reader=request.user)
    log_consultation(
        request,
        action=AuditAction.MEETING_MINUTES,
        partnership=meeting.partnership,
        subjects=[meeting, *[m.item.subject for m in record.items]],
        reason=f"Minutes of {meeting}",
    )
    return render(
        request,
        "meetings/minutes.html",
        {
            "meeting": meeting,
            "minutes": record,
            "recipients": recipient_choices(meeting),
        },
    )


@requires(Action.MINUTES_EXPORT)
def minutes_pdf(request, pk: int):
    """The minutes for one recipient agency, as a PDF: a disclosure, logged with the recipient."""
    meeting = selectors.meeting_get(request.user, pk)
    request.partnership, request.nav = meeting.partnership, "meetings"
    recipient = next((a for a in recipient_choices(meeting) if a.pk == parse_id(request.GET.get("for"))), None)
    if recipient is None:
        messages.error(request, "Select the agency the minutes are for")
        return redirect("meetings:minutes", meeting.pk)
    try:
        content = services.minutes_export(meeting=meeting, acting_user=request.user, recipient=recipient)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("meetings:minutes", meeting.pk)
    request.audit_logged = True  # logged as a disclosure by the service
    return attachment(
        content, filename=f"minutes-{meeting.held_on:%Y-%m-%d}-{meeting.pk}-for-{recipient.short_name or recipient.pk}.pdf"
    )


