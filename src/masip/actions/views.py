"""The action pages: the partnership's actions list, one action's page, and a new action from
the case page. Thin: check access, call a selector or service, render.

Their URLs keep their names in the meetings namespace (meetings/urls.py includes
actions/urls.py), as they had before the actions app was split from meetings.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from masip.access import policy
from masip.access.policy import Action, requires
from masip.actions import forms, selectors, services
from masip.actions.models import ActionStatus
from masip.audit.actions import AuditAction
from masip.audit.services import log_consultation
from masip.cases.access import case_page
from masip.core.forms import add_service_errors
from masip.core.ids import parse_id
from masip.core.pagination import Paginator
from masip.partnerships.selectors import partner_agencies


@requires(Action.ACTION_VIEW)
def action_list(request, slug: str):
    partnership = policy.partnership_for(request.user, slug)
    request.partnership, request.nav = partnership, "actions"
    view = request.GET.get("view", "agency")
    if view not in selectors.ACTION_VIEWS:
        view = "agency"
    status = request.GET.get("status", "")
    if status not in ActionStatus.values:
        status = ""
    agencies = list(partner_agencies(partnership))
    agency_id = parse_id(request.GET.get("agency"))
    if agency_id not in {a.pk for a in agencies}:
        agency_id = None
    # Open actions first by default (then by due date): what still needs doing comes first.
    sort = request.GET.get("sort", "status")
    if sort not in selectors.ACTION_SORTS:
        sort = "status"
    case_reference = request.GET.get("case", "").replace("\x00", "").strip()[:20]  # PostgreSQL refuses NUL
    queryset = selectors.action_list(
        request.user,
        partnership,
        view=view,
        status=status,
        agency_id=agency_id,
        case_reference=case_reference,
        sort=sort,
    )
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    log_consultation(
        request, action=AuditAction.ACTION_LIST, partnership=partnership, subjects=[a.case for a in page.object_list]
    )
    query = request.GET.copy()
    for key in ("page", "sort"):
        query.pop(key, None)
    labels = {
        "due": "due date",
        "-due": "due date, latest first",
        "case": "case",
        "agency": "agency",
        "status": "status, open first",
        "-created": "newest first",
    }
    columns = [
        {"key": "case", "label": "Case", "active": sort == "case"},
        {"key": "", "label": "Action", "active": False},
        {"key": "agency", "label": "Responsible", "active": sort == "agency"},
        {
            "key": "-due" if sort == "due" else "due",
            "label": "Due",
            "active": sort in ("due", "-due"),
            "descending": sort == "-due",
        },
        {"key": "status", "label": "Status", "active": sort == "status"},
        {"key": "", "label": "", "hidden": "Update", "active": False},
    ]
    return render(
        request,
        "actions/action_list.html",
        {
            "partnership": partnership,
            "page": page,
            "view": view,
            "views": selectors.ACTION_VIEWS,
            "status": status,
            "statuses": ActionStatus.choices,
            "agencies": agencies,
            "agency_id": agency_id,
            "sort": sort,
            "case_reference": case_reference,
            "today": timezone.localdate(),
            "base_query": query.urlencode(),
            "view_label": selectors.ACTION_VIEWS[view],
            "sort_label": labels[sort],
            "columns": columns,
            "rows": [(a, selectors.may_update_action(request.user, a)) for a in page.object_list],
        },
    )


def _action_case(request, pk: int, **_):
    action = request.case_record = selectors.action_get(request.user, pk)
    request.nav = "actions"
    if not selectors.may_update_action(request.user, action):
        raise PermissionDenied(
            f"Only staff of {action.owner_agency}, the owner, whoever agreed it, or the chair may update this action."
        )
    return action.case


@requires(Action.ACTION_EDIT)
@case_page(_action_case, action=AuditAction.ACTION_VIEW)
def action_update(request, pk: int):
    action = request.case_record
    request.partnership, request.nav = action.partnership, "actions"
    form = forms.ActionUpdateForm(
        request.POST or None,
        initial={"completed_on": timezone.localdate(), "version": action.version},
        agencies=partner_agencies(action.partnership),
        staff=selectors.partnership_staff(action.partnership),
    )
    if request.method == "POST" and action.status != ActionStatus.OPEN:
        form.is_valid()
        form.add_error(
            None, f"This action is already {action.get_status_display().lower()}; it cannot change again."
        )
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {"action": action, "acting_user": request.user, "expected_version": data["version"]}
        outcome = data["outcome"]
        try:
            if outcome == "progress":
                services.action_add_note(**common, text=data["progress_note"])
                message = "Progress note added"
            elif outcome == "reschedule":
                changed = services.action_reschedule(
                    **common, due_on=data["new_due_on"], reason=data["due_reason"]
                )
                message = f"Now due on {changed.due_on:%-d %B %Y}"
            elif outcome == "reassign":
                changed = services.action_reassign(
                    **common,
                    owner_agency=data["new_owner_agency"],
                    owner_user=data.get("new_owner_user"),
                    reason=data.get("reassign_reason", ""),
                )
                message = f"Action given to {changed.owner_label}"
            elif outcome == "done":
                services.action_complete(
                    **common, completed_on=data["completed_on"], note=data.get("completion_note", "")
                )
                message = "Action marked as done"
            else:
                services.action_cancel(**common, reason=data.get("cancel_reason", ""))
                message = "Action cancelled"
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, message)
            if outcome in ("done", "cancelled"):
                return redirect(reverse("meetings:actions", args=[action.partnership.slug]) + "?view=agency")
            return redirect("meetings:action_update", action.pk)
    if form.is_bound and form.errors:
        # Show the action as it is now (someone may have changed it), and post back from this copy.
        action = selectors.action_get(request.user, pk)
        data = request.POST.copy()  # what the form was bound to
        data["version"] = action.version
        form.data = data
    log_consultation(
        request,
        action=AuditAction.ACTION_VIEW,
        partnership=action.partnership,
        subjects=[action, action.case, *([action.case.suspect] if action.case.suspect_id else [])],
    )
    return render(
        request,
        "actions/action_update.html",
        {
            "action": action,
            "form": form,
            "notes": selectors.action_notes(action),
            "today": timezone.localdate(),
        },
    )


@requires(Action.ACTION_EDIT)
@case_page(action=AuditAction.ACTION_FORM)
def case_action_add(request, pk: int):
    case = request.case_access.case
    request.partnership, request.nav = case.partnership, "cases"
    form = forms.ActionForm(
        request.POST or None,
        agencies=partner_agencies(case.partnership),
        staff=selectors.partnership_staff(case.partnership),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_create(
                case=case,
                acting_user=request.user,
                description=data["description"],
                owner_agency=data["owner_agency"],
                owner_user=data.get("owner_user"),
                due_on=data["due_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Action added for {data['owner_agency']}")
            return redirect("cases:detail", case.pk)
    log_consultation(request, action=AuditAction.CASE_VIEW, partnership=case.partnership, subjects=[case])
    return render(request, "actions/case_action_add.html", {"case": case, "form": form})
