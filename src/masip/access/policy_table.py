"""The declared access policy: for each page and API route, what each persona gets.

This table is the specification the policy test (access/tests/test_policy_table.py)
checks against the running application. Every URL name in the URL
configuration must appear here, so a new view cannot ship without someone
deciding who may use it.

Personas (all demo staff):
  police    london-police: Met detective sergeant, London's triage lead
  health    london-health: STAC clinical psychologist
  advocate  london-advocate: STAC victim advocate
  manager   london-manager: STAC unit manager
  other     cheshire-police: a member of *another* partnership
  pmo       programme management office (aggregates only)
  evaluator evaluation team (pseudonymised data only)
  anonymous not signed in

Outcomes:
  ok        the page or response is served (200, or a redirect within the app)
  forbidden 403: the role does not allow the function
  not_found 404: the record or partnership is outside the user's reach
  sign_in   redirected to sign in (pages) or 401/403 (API)
  post_only the URL only accepts POST (405 to a GET)
"""

from __future__ import annotations

PERSONAS = {
    "police": "london-police",
    "health": "london-health",
    "advocate": "london-advocate",
    "manager": "london-manager",
    "other": "cheshire-police",
    "pmo": "pmo",
    "evaluator": "evaluator",
    "anonymous": None,
}

ALL_OK = {p: "ok" for p in PERSONAS}


def _row(police: str, health: str, advocate: str, manager: str, other: str, pmo: str, evaluator: str,
         anonymous: str = "sign_in") -> dict[str, str]:
    return dict(police=police, health=health, advocate=advocate, manager=manager, other=other, pmo=pmo,
                evaluator=evaluator, anonymous=anonymous)


def _everyone(outcome: str) -> dict[str, str]:
    """The same outcome for every persona, the anonymous visitor included."""
    return {p: outcome for p in PERSONAS}


CASEWORK_IN_LONDON = _row("ok", "ok", "ok", "ok", "not_found", "forbidden", "forbidden")
MANAGER_ONLY = _row("forbidden", "forbidden", "forbidden", "ok", "forbidden", "forbidden", "forbidden")
POST_ONLY = _everyone("post_only")
# Unit staff may POST (a GET is refused); the programme office and evaluators may not.
STAFF_POST_ONLY = _row("post_only", "post_only", "post_only", "post_only", "post_only", "forbidden", "forbidden")
HEALTH_DETAIL_ONLY = _row("not_found", "ok", "not_found", "not_found", "not_found", "forbidden", "forbidden")
EVALUATOR_ONLY = _row("forbidden", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden", "ok")
EVALUATOR_POST_ONLY = _row("forbidden", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden", "post_only")
ADVOCACY_ONLY = _row("forbidden", "forbidden", "ok", "forbidden", "forbidden", "forbidden", "forbidden")

POLICY: dict[str, dict[str, str]] = {
    "workspace:home": _row("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "workspace:search": _row("ok", "ok", "ok", "ok", "ok", "forbidden", "forbidden"),
    "workspace:healthz": ALL_OK,
    "accounts:login": ALL_OK,
    "accounts:logout": POST_ONLY,
    "accounts:keep_alive": POST_ONLY,
    "accounts:unlock": _row("forbidden", "forbidden", "forbidden", "post_only", "forbidden", "forbidden", "forbidden"),
    "accounts:two_factor": _row("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "accounts:two_factor_setup": _row("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "referrals:list": CASEWORK_IN_LONDON,
    "referrals:create": CASEWORK_IN_LONDON,
    "referrals:triage_queue": CASEWORK_IN_LONDON,
    "referrals:detail": CASEWORK_IN_LONDON,
    # London's operating model: its triage leads, its unit manager and its police staff triage.
    "referrals:triage": _row("ok", "forbidden", "forbidden", "ok", "not_found", "forbidden", "forbidden"),
    # Confirming who a person named in an API or imported referral is: part of triage.
    "referrals:confirm_people": _row("ok", "forbidden", "forbidden", "ok", "not_found", "forbidden", "forbidden"),
    "cases:list": CASEWORK_IN_LONDON,
    "cases:detail": CASEWORK_IN_LONDON,  # outside one's caseload: the "why?" page first
    "cases:edit": CASEWORK_IN_LONDON,
    # Where the suspect lives decides whether direct work may be offered: set by those who triage.
    "cases:area": _row("ok", "forbidden", "forbidden", "ok", "not_found", "forbidden", "forbidden"),
    "cases:retention_queue": _row("forbidden", "forbidden", "forbidden", "ok", "forbidden", "forbidden", "forbidden"),
    "cases:retention_propose": MANAGER_ONLY,
    # The second person: another manager or a triage lead, never the proposer.
    "cases:retention_decide": _row("ok", "forbidden", "forbidden", "forbidden", "not_found", "forbidden", "forbidden"),
    "people:detail": CASEWORK_IN_LONDON,
    "people:edit": CASEWORK_IN_LONDON,
    "people:subject_access": MANAGER_ONLY,
    "assessments:start_referral": CASEWORK_IN_LONDON,
    "assessments:start_case": CASEWORK_IN_LONDON,
    "assessments:detail": CASEWORK_IN_LONDON,
    "assessments:correct": CASEWORK_IN_LONDON,
    "assessments:reassess": STAFF_POST_ONLY,
    "assessments:compare": CASEWORK_IN_LONDON,
    "assessments:pdf": CASEWORK_IN_LONDON,
    "sharing:information_add": CASEWORK_IN_LONDON,
    # Documents and evidence: the world's document is case management information uploaded by the police.
    # Only its uploader (police) or the unit manager may delete it; others are refused before being asked why.
    "documents:case_add": CASEWORK_IN_LONDON,
    "documents:download": CASEWORK_IN_LONDON,
    "documents:delete": _row("ok", "forbidden", "forbidden", "ok", "not_found", "forbidden", "forbidden"),
    # Revisiting: incidents, re-review requests, closing and reopening, the monitoring queue.
    "monitoring:queue": CASEWORK_IN_LONDON,
    "monitoring:incident_add": CASEWORK_IN_LONDON,
    "monitoring:review_request": CASEWORK_IN_LONDON,
    "cases:close": CASEWORK_IN_LONDON,
    "cases:reopen": CASEWORK_IN_LONDON,
    # Everyone working the case sees that a health intervention exists (a summary); its
    # clinical detail, and the pages that record it, are health's: not found for others.
    "interventions:add": CASEWORK_IN_LONDON,
    "interventions:detail": CASEWORK_IN_LONDON,
    "interventions:engagement": HEALTH_DETAIL_ONLY,
    "interventions:session_add": HEALTH_DETAIL_ONLY,
    "interventions:outcome": HEALTH_DETAIL_ONLY,
    "interventions:follow_up": CASEWORK_IN_LONDON,  # a signposting referral: case-management information
    # Victim support: read (filtered by need-to-know) by the case's workers, recorded by advocates.
    "victims:support": CASEWORK_IN_LONDON,
    "victims:support_update": ADVOCACY_ONLY,
    "victims:contact_add": ADVOCACY_ONLY,
    "victims:safety_plan_add": ADVOCACY_ONLY,
    "victims:referral_add": ADVOCACY_ONLY,
    "victims:court_support_add": ADVOCACY_ONLY,
    "victims:survey_add": ADVOCACY_ONLY,
    "victims:referral_support": ADVOCACY_ONLY,  # support for a victim of a referral not (yet) a case
    "justice:event_add": CASEWORK_IN_LONDON,
    "justice:order_add": CASEWORK_IN_LONDON,
    "justice:order_detail": CASEWORK_IN_LONDON,
    # Meetings, actions and risk management plans. Whoever chairs (the meeting's chair, a
    # triage lead or the unit manager) schedules, changes the agenda and closes; an action is
    # updated by its agency's staff, its owner, whoever agreed it or those who chair. Case
    # pages outside one's caseload (actions, plans) first ask why, as the case page does.
    "meetings:list": CASEWORK_IN_LONDON,
    "meetings:schedule": _row("ok", "forbidden", "forbidden", "ok", "not_found", "forbidden", "forbidden"),
    "meetings:detail": CASEWORK_IN_LONDON,
    "meetings:attendance": CASEWORK_IN_LONDON,
    "meetings:item_add": _row("ok", "forbidden", "forbidden", "ok", "not_found", "forbidden", "forbidden"),
    "meetings:item": CASEWORK_IN_LONDON,
    "meetings:item_share": STAFF_POST_ONLY,
    "meetings:item_record": STAFF_POST_ONLY,
    "meetings:item_action": STAFF_POST_ONLY,
    "meetings:item_triage": STAFF_POST_ONLY,
    "meetings:item_remove": _row("ok", "forbidden", "forbidden", "ok", "not_found", "forbidden", "forbidden"),
    "meetings:close": _row("ok", "forbidden", "forbidden", "ok", "not_found", "forbidden", "forbidden"),
    "meetings:minutes": CASEWORK_IN_LONDON,
    "meetings:minutes_pdf": CASEWORK_IN_LONDON,  # without ?for= it goes back to the minutes page
    "meetings:actions": CASEWORK_IN_LONDON,
    "meetings:action_update": _row("ok", "forbidden", "forbidden", "ok", "not_found", "forbidden", "forbidden"),
    "meetings:case_action_add": CASEWORK_IN_LONDON,
    "meetings:plan": CASEWORK_IN_LONDON,
    "meetings:plan_edit": CASEWORK_IN_LONDON,
    "sharing:health_summary_add": _row("forbidden", "ok", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden"),
    "audit:case": MANAGER_ONLY,
    "audit:staff": MANAGER_ONLY,
    "audit:staff_activity": MANAGER_ONLY,
    "audit:export": MANAGER_ONLY,
    "api:referrals": CASEWORK_IN_LONDON,
    "api:referral": CASEWORK_IN_LONDON,
    # Outside the caseload the API asks for ?reason= (403 without it). The manager, a Met DI, is in the
    # caseload of the test's case: the Met has an open action on it.
    "api:case": _row("ok", "forbidden", "forbidden", "ok", "not_found", "forbidden", "forbidden"),
    "api:schema": _row("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    # The evaluation workbench (issue 13): the evaluation team only; unit staff and the programme
    # office get no extract. An extract file is its requester's alone.
    **{f"evaluation:{name}": EVALUATOR_ONLY for name in (
        "home", "dictionary", "detail", "plan_add", "extract_request", "plan_detail", "plan_edit",
        "plan_deviate", "extract_download", "run_detail")},
    "evaluation:plan_lock": EVALUATOR_POST_ONLY,
    "evaluation:run_create": EVALUATOR_POST_ONLY,
    # Any other path under /api/ (a non-numeric id, say): a JSON 404 for anyone.
    "api:not_found": _everyone("not_found"),
    # The Django admin (reference data): staff accounts only - unit managers.
    "admin": _row("sign_in", "sign_in", "sign_in", "ok", "sign_in", "sign_in", "sign_in"),
}


# The Django admin, model by model (access/tests/test_policy_table.py fails on a registered
# model missing here). Each page is opened with another partnership's record - Cheshire's,
# as London's manager sees it - or, for a changelist, filtered by one; "changelist" alone is
# the manager's own list. Only staff accounts reach the admin at all (the rest: sign in).
# Programme-wide reference data (intervention types) a manager may read but not change; the
# programme's own administration (groups, API tokens, two-factor devices, sign-in records) is
# for superusers only.
def _admin(manager: str) -> dict[str, str]:
    return _row("sign_in", "sign_in", "sign_in", manager, "sign_in", "sign_in", "sign_in")


_SCOPED = {"changelist": _admin("ok"), "changelist_foreign": _admin("not_found"), "change": _admin("not_found"),
           "history": _admin("not_found"), "delete": _admin("not_found")}
_SUPERUSERS = {"changelist": _admin("forbidden"), "add": _admin("forbidden"), "change": _admin("not_found"),
               "history": _admin("not_found"), "delete": _admin("not_found")}

ADMIN_POLICY: dict[str, dict[str, dict[str, str]]] = {
    # Adding a partnership is the programme's; its manager changes their own.
    "partnerships.partnership": {**_SCOPED, "add": _admin("forbidden")},
    "partnerships.operatingmodel": {**_SCOPED, "add": _admin("ok")},
    "partnerships.membership": {**_SCOPED, "add": _admin("ok")},
    "partnerships.agency": {**_SCOPED, "add": _admin("ok")},
    "access.informationsharingagreement": {**_SCOPED, "add": _admin("ok")},
    "access.needtoknowrule": {**_SCOPED, "add": _admin("ok")},
    # Accounts are created by the programme; a manager reads their own staff's.
    "accounts.user": {**_SCOPED, "add": _admin("forbidden")},
    "interventions.interventiontype": {
        "changelist": _admin("ok"), "add": _admin("forbidden"), "change": _admin("ok"), "history": _admin("ok"),
        "delete": _admin("forbidden"),
    },
    "auth.group": _SUPERUSERS,
    "authtoken.tokenproxy": _SUPERUSERS,
    "otp_totp.totpdevice": _SUPERUSERS,
    "axes.accessattempt": _SUPERUSERS,
    "axes.accesslog": _SUPERUSERS,
    "axes.accessfailurelog": _SUPERUSERS,
}

# Programme reporting (issue 12). Unit staff record training and consultancy; the unit manager
# corrects them, keeps the staffing register and files the return. The programme office sees a
# partnership's return and the programme's as counts only (small numbers suppressed).
RETURN_READERS = _row("ok", "ok", "ok", "ok", "not_found", "ok", "forbidden")
PROGRAMME_OFFICE_ONLY = _row("forbidden", "forbidden", "forbidden", "forbidden", "forbidden", "ok", "forbidden")
POLICY.update({
    "reporting:training_list": CASEWORK_IN_LONDON,
    "reporting:training_add": CASEWORK_IN_LONDON,
    "reporting:training_correct": MANAGER_ONLY,
    "reporting:consultancy_list": CASEWORK_IN_LONDON,
    "reporting:consultancy_add": CASEWORK_IN_LONDON,
    "reporting:consultancy_correct": MANAGER_ONLY,
    "reporting:staffing": CASEWORK_IN_LONDON,
    "reporting:post_add": MANAGER_ONLY,
    "reporting:post_edit": MANAGER_ONLY,
    "reporting:holding_add": MANAGER_ONLY,
    "reporting:holding_edit": MANAGER_ONLY,
    "reporting:returns": RETURN_READERS,
    "reporting:collection": MANAGER_ONLY,
    "reporting:return_detail": RETURN_READERS,
    "reporting:return_file": _row("forbidden", "forbidden", "forbidden", "post_only", "forbidden", "forbidden",
                                  "forbidden"),
    "reporting:return_records": CASEWORK_IN_LONDON,
    "reporting:return_export": RETURN_READERS,
    "reporting:programme_returns": PROGRAMME_OFFICE_ONLY,
    "reporting:programme_return": PROGRAMME_OFFICE_ONLY,
    "reporting:programme_export": PROGRAMME_OFFICE_ONLY,
    "reporting:dashboard": MANAGER_ONLY,
    "reporting:programme_dashboard": PROGRAMME_OFFICE_ONLY,
})
