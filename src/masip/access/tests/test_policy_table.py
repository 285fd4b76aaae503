"""Every URL in the project, for every persona, against the declared policy table."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from masip.access.policy_table import PERSONAS, POLICY
from masip.documents.tests.policy_world import ARGS as DOCUMENTS_ARGS
from masip.evaluation.tests.policy_world import ARGS as EVALUATION_ARGS
from masip.meetings.tests.policy_world import ARGS as MEETINGS_ARGS
from masip.monitoring.tests.casework_world import ARGS as CASEWORK_ARGS
from masip.reporting.tests.policy_world import ARGS as REPORTING_ARGS


def url_names(resolver=None, namespace=""):
    """Every named URL pattern, namespaced like 'cases:detail'."""
    resolver = resolver or get_resolver()
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            inner = f"{namespace}{item.namespace}:" if item.namespace else namespace
            yield from url_names(item, inner)
        elif isinstance(item, URLPattern) and item.name:
            yield f"{namespace}{item.name}", item


def test_every_url_is_declared_in_the_policy_table():
    undeclared = sorted(
        name for name, _ in url_names() if not name.startswith("admin:") and name not in POLICY
    )
    assert not undeclared, f"Declare these in masip/access/policy_table.py: {undeclared}"
    stale = sorted(set(POLICY) - {n for n, _ in url_names()} - {"admin"})
    assert not stale, f"The policy table names URLs that no longer exist: {stale}"


def test_every_view_declares_its_access_action():
    missing = []
    for name, pattern in url_names():
        if name.startswith("admin:"):
            continue
        if not hasattr(pattern.callback, "access_action"):
            missing.append(name)
    assert not missing, f"Views without @requires(...) or @public: {missing}"


@pytest.fixture
def world(london, make_referral, accept, staff, on_meeting_day):
    return build_world(london=london, make_referral=make_referral, accept=accept, staff=staff,
                       on_meeting_day=on_meeting_day)


def build_world(*, london, make_referral, accept, staff, on_meeting_day):
    """The records every URL can name (tests/robustness builds it once per module)."""
    from masip.cases.models import Case
    from masip.cases.retention import retention_propose

    accepted = make_referral(london)
    accept(accepted)  # by london-police, who leads the case
    case = Case.objects.get()
    waiting = make_referral(london, suspect="Waiting Suspect", victim="Waiting Victim")
    closed_ref = make_referral(london, suspect="Old Suspect", victim="Old Victim")
    accept(closed_ref)
    old = Case.objects.exclude(pk=case.pk).get()
    old.status, old.closed_on = "closed", timezone.localdate()
    old.save()
    proposal = retention_propose(case=old, acting_user=staff["london-manager"], action="keep", reason="x", keep_months=6)
    from masip.assessments.services import assessment_start
    from masip.documents.tests.policy_world import documents_world
    from masip.evaluation.tests.policy_world import evaluation_world
    from masip.meetings.tests.policy_world import meetings_world
    from masip.monitoring.tests.casework_world import casework_world
    from masip.reporting.tests.policy_world import reporting_world

    assessment = assessment_start(acting_user=staff["london-police"], instrument_code="dash", case=case)
    meetings = meetings_world(case=case, partnership=london, staff=staff)
    # A weekday meeting scheduled at the weekend is Monday's: the world moves to its day, when it is run.
    from masip.meetings.models import Meeting

    on_meeting_day(Meeting.objects.get(pk=meetings["meeting"]["pk"]))
    return {
        "slug": {"slug": "london"},
        "referral": {"pk": accepted.pk},
        "waiting": {"pk": waiting.pk},
        "waiting_victim": {"pk": waiting.pk, "person_id": waiting.parties.get(role="victim").person_id},
        "case": {"pk": case.pk},
        "person": {"pk": case.suspect_id},
        "proposal": {"proposal_id": proposal.pk},
        "staff": {"user_id": staff["london-police"].pk},
        "export": {"kind": "case", "pk": case.pk},
        "assessment": {"pk": assessment.pk},
        "api_unknown": {"unknown": f"v1/referrals/{accepted.pk}x/"},
        **casework_world(case=case, closed_case=old, staff=staff),
        **meetings,
        **documents_world(case=case, staff=staff),
        **evaluation_world(staff=staff),
        **reporting_world(partnership=london, staff=staff),
    }


ARGS = {
    "referrals:list": "slug", "referrals:create": "slug", "referrals:triage_queue": "slug",
    "referrals:detail": "referral", "referrals:triage": "waiting", "referrals:confirm_people": "waiting", "cases:list": "slug", "cases:detail": "case",
    "cases:edit": "case", "cases:area": "case", "cases:retention_queue": "slug", "cases:retention_propose": "case",
    "cases:retention_decide": "proposal", "people:detail": "person", "people:edit": "person",
    "people:subject_access": "person", "sharing:information_add": "case", "sharing:health_summary_add": "case",
    "audit:case": "case", "audit:staff_activity": "staff", "audit:export": "export", "accounts:unlock": "staff",
    "assessments:start_referral": "waiting", "assessments:start_case": "case", "assessments:detail": "assessment",
    "assessments:correct": "assessment", "assessments:reassess": "assessment", "assessments:compare": "assessment",
    "assessments:pdf": "assessment", "victims:referral_support": "waiting_victim",
    **CASEWORK_ARGS,
    **MEETINGS_ARGS,
    **EVALUATION_ARGS,
    **REPORTING_ARGS,
    **DOCUMENTS_ARGS,
    "api:referrals": "slug", "api:referral": "referral", "api:case": "case", "api:not_found": "api_unknown",
}


def outcome(response, *, is_api: bool) -> str:
    code = response.status_code
    if code == 405:
        return "post_only"
    if code == 404:
        return "not_found"
    if code in (401, 403):
        user = getattr(response.wsgi_request, "user", None)
        if is_api and (user is None or not user.is_authenticated):
            return "sign_in"
        return "forbidden"
    if code in (301, 302):
        location = response["Location"]
        return "sign_in" if "/sign-in/" in location or "/admin/login/" in location else "ok"
    return "ok" if code == 200 else f"status {code}"


def test_each_persona_gets_what_the_table_declares(client, world, staff):
    failures = []
    for persona, username in PERSONAS.items():
        client.logout()
        if username:
            client.force_login(staff[username])
        for name, expected in POLICY.items():
            if name == "admin":
                url = "/admin/"
            else:
                url = reverse(name, kwargs=world[ARGS[name]] if name in ARGS else {})
            got = outcome(client.get(url), is_api=name.startswith("api:"))
            if got != expected[persona]:
                failures.append(f"{persona:<9} {name:<28} expected {expected[persona]:<9} got {got}")
    assert not failures, "\n" + "\n".join(failures)


# -- the Django admin ---------------------------------------------------------------


def test_every_admin_model_is_declared_in_the_policy_table():
    from django.contrib import admin

    from masip.access.policy_table import ADMIN_POLICY

    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(ADMIN_POLICY), (
        f"Declare in ADMIN_POLICY: {sorted(registered - set(ADMIN_POLICY))}; "
        f"no longer registered: {sorted(set(ADMIN_POLICY) - registered)}"
    )


@pytest.fixture
def admin_world(cheshire, london, staff):
    """For each admin model: a record of Cheshire's, which London's manager must not reach, and a
    changelist filter naming one."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from rest_framework.authtoken.models import Token

    from masip.access.models import InformationSharingAgreement, NeedToKnowRule
    from masip.interventions.models import InterventionType
    from masip.partnerships.admin import partnerships_using
    from masip.partnerships.models import Agency, Membership

    other = staff["cheshire-police"]
    agency = other.agency
    assert partnerships_using(agency) == {cheshire.pk}  # Cheshire's alone
    Token.objects.create(user=other)
    TOTPDevice.objects.create(user=other, name="app")
    when = timezone.now()
    attempt = AccessAttempt.objects.create(username=other.username, ip_address="192.0.2.1", user_agent="x",
                                           failures_since_start=1, attempt_time=when, get_data="", post_data="",
                                           http_accept="", path_info="/")
    log = AccessLog.objects.create(username=other.username, ip_address="192.0.2.1", user_agent="x", http_accept="",
                                   path_info="/", attempt_time=when)
    failure = AccessFailureLog.objects.create(username=other.username, ip_address="192.0.2.1", user_agent="x",
                                              http_accept="", path_info="/", attempt_time=when)
    assert not Agency.objects.filter(pk=agency.pk, partner_roles__partnership=london).exists()
    return {
        "partnerships.partnership": (cheshire.pk, f"id__exact={cheshire.pk}"),
        "partnerships.operatingmodel": (cheshire.operating_model_on().pk, f"partnership__id__exact={cheshire.pk}"),
        "partnerships.membership": (Membership.objects.get(user=other).pk, f"partnership__id__exact={cheshire.pk}"),
        "partnerships.agency": (agency.pk, f"staff__id__exact={other.pk}"),
        "access.informationsharingagreement": (
            InformationSharingAgreement.objects.filter(partnership=cheshire).first().pk,
            f"partnership__id__exact={cheshire.pk}",
        ),
        "access.needtoknowrule": (
            NeedToKnowRule.objects.filter(partnership=cheshire).first().pk, f"partnership__id__exact={cheshire.pk}"
        ),
        "accounts.user": (other.pk, f"agency__id__exact={agency.pk}"),
        "interventions.interventiontype": (InterventionType.objects.first().pk, ""),
        "auth.group": (Group.objects.first().pk, ""),
        "authtoken.tokenproxy": (other.pk, ""),
        "otp_totp.totpdevice": (TOTPDevice.objects.get(user=other).pk, ""),
        "axes.accessattempt": (attempt.pk, ""),
        "axes.accesslog": (log.pk, ""),
        "axes.accessfailurelog": (failure.pk, ""),
    }


def admin_url(label: str, page: str, world: dict) -> str:
    app, model = label.split(".")
    pk, foreign_filter = world[label]
    if page == "changelist":
        return reverse(f"admin:{app}_{model}_changelist")
    if page == "changelist_foreign":
        return reverse(f"admin:{app}_{model}_changelist") + "?" + foreign_filter
    if page == "add":
        return reverse(f"admin:{app}_{model}_add")
    return reverse(f"admin:{app}_{model}_{page}", args=[pk])


def test_each_persona_gets_what_the_admin_table_declares(client, admin_world, staff):
    from masip.access.policy_table import ADMIN_POLICY

    failures = []
    for persona, username in PERSONAS.items():
        client.logout()
        if username:
            client.force_login(staff[username])
        for label, pages in ADMIN_POLICY.items():
            for page, expected in pages.items():
                url = admin_url(label, page, admin_world)
                got = outcome(client.get(url), is_api=False)
                if got != expected[persona]:
                    failures.append(f"{persona:<9} {label:<36} {page:<18} expected {expected[persona]:<9} got {got}")
    assert not failures, "\n" + "\n".join(failures)
