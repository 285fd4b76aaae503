"""The access policy: the one place that decides who may see and do what.

Selectors ask this module which partnerships' records a user may read, and
views declare the action they perform with `@requires(action)`; nothing else
filters by hand. Later work extends it with agency-level need-to-know.

Two kinds of refusal:
- a record outside the user's reach is *not found* (Http404), so that its
  existence is not revealed;
- a function the user's role does not have (a PMO user opening the triage
  queue) is *forbidden* (PermissionDenied), with a page that says so.

That a page showing personal data logged who looked is checked from what the
response shows (masip.people.checks, in strict mode), not from a list here.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING, Any, Protocol

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from masip.partnerships.models import CASEWORK_ROLES, AgencyKind, Membership, Partnership, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class StaffUser(Protocol):
    """What the access policy reads of a signed-in user. accounts.User is one; accounts sits on a
    higher floor, so the policy names what it needs rather than importing the model."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def agency_id(self) -> int | None: ...

    @property
    def agency_kind(self) -> str | None: ...


class Action(StrEnum):
    HOME = "home"
    REFERRAL_CREATE = "referral.create"
    REFERRAL_VIEW = "referral.view"
    TRIAGE_QUEUE = "triage.queue"
    TRIAGE_DECIDE = "triage.decide"
    CASE_VIEW = "case.view"
    CASE_EDIT = "case.edit"
    CASE_AREA = "case.area"
    PERSON_VIEW = "person.view"
    PERSON_EDIT = "person.edit"
    SEARCH = "search"
    INFORMATION_RECORD = "information.record"
    HEALTH_SUMMARY_SHARE = "information.share_health_summary"
    DOCUMENT_VIEW = "document.view"
    DOCUMENT_UPLOAD = "document.upload"
    DOCUMENT_DELETE = "document.delete"
    AUDIT_CASE = "audit.case"
    AUDIT_STAFF = "audit.staff"
    AUDIT_EXPORT = "audit.export"
    SUBJECT_ACCESS = "person.subject_access"
    RETENTION = "retention.review"
    ACCOUNT_UNLOCK = "accounts.unlock"
    API = "api"
    MEETING_VIEW = "meeting.view"
    MEETING_RECORD = "meeting.record"
    MEETING_CHAIR = "meeting.chair"
    MINUTES_EXPORT = "meeting.minutes_export"
    ACTION_VIEW = "action.view"
    ACTION_EDIT = "action.edit"
    PLAN_VIEW = "plan.view"
    PLAN_EDIT = "plan.edit"
    ASSESSMENT_VIEW = "assessment.view"
    ASSESSMENT_EDIT = "assessment.edit"
    ASSESSMENT_EXPORT = "assessment.export"
    # Interventions, victim support, criminal justice and revisiting cases.
    MONITORING_QUEUE = "monitoring.queue"
    INCIDENT_RECORD = "incident.record"
    REVIEW_REQUEST = "case.review_request"
    CASE_STATUS = "case.close_or_reopen"
    INTERVENTION_VIEW = "intervention.view"
    INTERVENTION_RECORD = "intervention.record"
    VICTIM_SUPPORT_VIEW = "victim_support.view"
    VICTIM_SUPPORT_RECORD = "victim_support.record"
    JUSTICE_RECORD = "justice.record"
    # The evaluation workbench (masip.evaluation): the evaluation team only.
    EVALUATION_WORKBENCH = "evaluation.workbench"
    EVALUATION_EXTRACT = "evaluation.extract"
    # Programme reporting: registers, staffing, the quarterly return and dashboards.
    REPORTING_RECORD = "reporting.record"
    REPORTING_MANAGE = "reporting.manage"
    RETURN_VIEW = "return.view"
    PROGRAMME_VIEW = "programme.view"


_CACHE_ATTR = "_masip_memberships"


def memberships(user: StaffUser) -> dict[int, Membership]:
    """Active memberships by partnership id, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = {
            m.partnership_id: m
            for m in Membership.objects.filter(user_id=user.pk, is_active=True).select_related("partnership")
        }
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user: StaffUser) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def partnerships_of(user: StaffUser) -> list[Partnership]:
    return sorted((m.partnership for m in memberships(user).values()), key=lambda p: p.name)


def casework_partnership_ids(user: StaffUser) -> set[int]:
    """Partnerships whose case records (people, referrals, cases) the user may read."""
    return {pid for pid, m in memberships(user).items() if m.role in CASEWORK_ROLES}


def role_in(user: StaffUser, partnership: Partnership | int) -> str | None:
    pid = partnership if isinstance(partnership, int) else partnership.pk
    membership = memberships(user).get(pid)
    return membership.role if membership else None


def does_casework_in(user: StaffUser, partnership: Partnership | int) -> bool:
    return role_in(user, partnership) in CASEWORK_ROLES


def can_triage(user: StaffUser, partnership: Partnership) -> bool:
    """Who triages is part of the partnership's operating model."""
    role = role_in(user, partnership)
    if role not in CASEWORK_ROLES:
        return False
    model = partnership.operating_model_on()
    if model is None:
        return role == Role.UNIT_MANAGER
    return role in model.triage_roles or (user.agency_kind in model.triage_agency_kinds)


def triage_refusal_reason(user: StaffUser, partnership: Partnership) -> str:
    model = partnership.operating_model_on()
    if model is None:
        return f"{partnership} has no operating model yet, so only its unit manager may triage."
    who = [Role(r).label.lower() for r in model.triage_roles]
    if model.triage_agency_kinds:
        who.append("staff of " + ", ".join(model.triage_agency_kinds))
    return f"In {partnership}, triage is done by: {'; '.join(who)}."


def partnership_for(user: StaffUser, slug: str, *, casework: bool = True) -> Partnership:
    """The partnership named in a URL, if the user belongs to it; otherwise not found."""
    for membership in memberships(user).values():
        if membership.partnership.slug == slug:
            if casework and membership.role not in CASEWORK_ROLES:
                raise PermissionDenied("Your role in this partnership does not include case work.")
            return membership.partnership
    raise Http404("No such partnership")


def manages(user: StaffUser, partnership: Partnership | int) -> bool:
    return role_in(user, partnership) == Role.UNIT_MANAGER


def managed_partnership_ids(user: StaffUser) -> set[int]:
    return {pid for pid, m in memberships(user).items() if m.role == Role.UNIT_MANAGER}


def _casework(user: StaffUser) -> bool:
    return bool(casework_partnership_ids(user))


def _manager(user: StaffUser) -> bool:
    return bool(managed_partnership_ids(user))


def _evaluator(user: StaffUser) -> bool:
    return any(m.role == Role.EVALUATOR for m in memberships(user).values())


def _programme_office(user: StaffUser) -> bool:
    return any(m.role == Role.PMO for m in memberships(user).values())


# Role checks for actions that are not about one record. Record-level access
# is the selectors' job (a record out of reach is simply not found).
_ACTION_RULES: dict[Action, Callable[[Any], bool]] = {
    Action.HOME: lambda user: True,
    Action.REFERRAL_CREATE: _casework,
    Action.REFERRAL_VIEW: _casework,
    Action.TRIAGE_QUEUE: _casework,
    Action.TRIAGE_DECIDE: _casework,
    Action.CASE_VIEW: _casework,
    Action.CASE_EDIT: _casework,
    # Who may set a case's area is the operating model's (those who triage, and the manager): the view checks.
    Action.CASE_AREA: _casework,
    Action.PERSON_VIEW: _casework,
    Action.PERSON_EDIT: _casework,
    Action.SEARCH: _casework,
    Action.INFORMATION_RECORD: _casework,
    # Documents: which ones a user sees is the category's (documents.selectors); who deletes, the service's.
    Action.DOCUMENT_VIEW: _casework,
    Action.DOCUMENT_UPLOAD: _casework,
    Action.DOCUMENT_DELETE: _casework,
    Action.HEALTH_SUMMARY_SHARE: lambda user: _casework(user) and user.agency_kind == AgencyKind.HEALTH,
    Action.AUDIT_CASE: _manager,
    Action.AUDIT_STAFF: _manager,
    Action.AUDIT_EXPORT: _manager,
    Action.SUBJECT_ACCESS: _manager,
    Action.RETENTION: _manager,
    Action.ACCOUNT_UNLOCK: _manager,
    Action.API: _casework,
    # Meetings, actions and plans: record-level checks (who chairs, who owns an
    # action) are in meetings.selectors, used by its views and services.
    Action.MEETING_VIEW: _casework,
    Action.MEETING_RECORD: _casework,
    Action.MEETING_CHAIR: _casework,
    Action.MINUTES_EXPORT: _casework,
    Action.ACTION_VIEW: _casework,
    Action.ACTION_EDIT: _casework,
    Action.PLAN_VIEW: _casework,
    Action.PLAN_EDIT: _casework,
    Action.ASSESSMENT_VIEW: _casework,
    Action.ASSESSMENT_EDIT: _casework,
    Action.ASSESSMENT_EXPORT: _casework,
    Action.MONITORING_QUEUE: _casework,
    Action.INCIDENT_RECORD: _casework,
    Action.REVIEW_REQUEST: _casework,
    Action.CASE_STATUS: _casework,
    Action.INTERVENTION_VIEW: _casework,
    # Clinical interventions are health staff's to record: the service refuses others and says why.
    Action.INTERVENTION_RECORD: _casework,
    Action.VICTIM_SUPPORT_VIEW: _casework,
    # Victim support is the advocacy services' record (victim advocates and IDVAs).
    Action.VICTIM_SUPPORT_RECORD: lambda user: _casework(user)
    and user.agency_kind in (AgencyKind.VICTIM_ADVOCACY, AgencyKind.IDVA),
    Action.JUSTICE_RECORD: _casework,
    Action.EVALUATION_WORKBENCH: _evaluator,
    # Pseudonymised extracts: the evaluation team only; unit staff and the programme office get none.
    Action.EVALUATION_EXTRACT: _evaluator,
    Action.REPORTING_RECORD: _casework,
    Action.REPORTING_MANAGE: _manager,
    # A partnership's return: its unit staff (with the records behind each figure) or the
    # programme office (counts only, small numbers suppressed).
    Action.RETURN_VIEW: lambda user: _casework(user) or _programme_office(user),
    Action.PROGRAMME_VIEW: lambda user: _programme_office(user),
}


def allows(user: StaffUser | AnonymousUser, action: Action) -> bool:
    return user.is_authenticated and _ACTION_RULES[action](user)


def requires(action: Action) -> Callable:
    """Declare the action a view performs; refuse users whose role lacks it.

    The declared action is kept on the view (`view.access_action`) so the
    policy test can check that every URL in the project declares one.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any):
            if not allows(request.user, action):
                raise PermissionDenied(f"Your role does not allow this ({action}).")
            return view(request, *args, **kwargs)

        wrapper.access_action = action  # type: ignore[attr-defined]
        return wrapper

    return decorate


def public(view: Callable) -> Callable:
    """Mark a view that needs no sign-in (health check, sign-in page)."""
    view = login_not_required(view)
    view.access_action = "public"  # type: ignore[attr-defined]
    return view
