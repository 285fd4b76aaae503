from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from masip.access.policy import Action, requires
from masip.audit import registry, selectors
from masip.audit.actions import AuditAction
from masip.audit.forms import ActivityFilterForm, ExportForm
from masip.audit.models import Operation
from masip.audit.services import Subject, audit_export, log_consultation
from masip.core.documents import attachment
from masip.core.pagination import Paginator

AUDIT_REASON = "Unit manager's audit of the record of access"


def _audited_case(request, pk: int, kind: str = "case", **_):
    """A case in a partnership the user manages (otherwise not found); None when a person is audited."""
    return selectors.audited(request.user, "case", pk) if kind == "case" else None


def _auditing(request, case, **_):
    return AUDIT_REASON


@requires(Action.AUDIT_CASE)
@registry.case_page(locate=_audited_case, action=AuditAction.AUDIT_CASE, implied_reason=_auditing)
def case_log(request, pk: int):
    """Who has seen or changed this case (for the unit manager)."""
    case = request.case_access.case
    request.partnership, request.nav = case.partnership, "cases"
    operation = request.GET.get("operation", "")
    if operation not in Operation.values:
        operation = ""
    # Logged first, so the page (which is read after) includes this look too.
    log_consultation(request, action=AuditAction.AUDIT_CASE, partnership=case.partnership, subjects=[case])
    page = Paginator(selectors.events_about("case", case, operation=operation), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/case_log.html",
        {"case": case, "page": page, "operation": operation, "operations": Operation.choices},
    )


@requires(Action.AUDIT_STAFF)
def staff_list(request):
    """The staff of the partnerships the manager runs: activity review and locked accounts."""
    staff = list(selectors.managed_staff(request.user))
    locked = registry.locked_usernames([s.username for s in staff])
    for member in staff:
        member.locked_until = locked.get(member.username)
    request.audit_not_personal = True  # the staff directory: no victim's or suspect's data
    return render(request, "audit/staff_list.html", {"staff": staff, "locked": locked})


@requires(Action.AUDIT_STAFF)
def staff_activity(request, user_id: int):
    """A supervisor's review of one staff member's activity."""
    member = selectors.staff_member_for_review(request.user, user_id)
    form = ActivityFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = selectors.staff_activity(
        request.user, member.pk, since=filters.get("since"), until=filters.get("until"),
        operation=filters.get("operation", ""),
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # read before this look is logged
    subjects = {(s.object_type, s.object_id) for e in page.object_list for s in e.subjects.all()}
    log_consultation(
        request, action=AuditAction.AUDIT_STAFF, subjects=[Subject(t, i) for t, i in sorted(subjects)],
        details={"staff_user_id": member.pk},
    )
    return render(request, "audit/staff_activity.html", {"member": member, "page": page, "form": form})


@requires(Action.AUDIT_EXPORT)
@registry.case_page(locate=_audited_case, action=AuditAction.AUDIT_EXPORT_FORM, implied_reason=_auditing)
def export(request, kind: str, pk: int):
    """Export log entries about a person or a case, for a regulator or a complaint."""
    if kind not in ("case", "person"):
        raise Http404("Nothing to export")
    about = selectors.audited(request.user, kind, pk)
    events = selectors.events_about(kind, about)
    request.partnership = about.partnership
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        content, content_type = audit_export(
            actor=request.user, events=events, about=about, partnership=about.partnership,
            recipient=form.cleaned_data["recipient"], reason=form.cleaned_data["reason"],
            fmt=form.cleaned_data["format"],
        )
        name = registry.audited_kind(kind).name(about)
        return attachment(content, filename=f"audit-log-{name}.{form.cleaned_data['format']}", content_type=content_type)
    return render(
        request, "audit/export.html", {"about": about, "kind": kind, "form": form, "count": selectors.event_count(events)}
    )
