"""Every URL under a case goes through the one entry point, `cases.access.case_page`.

The URLs are not listed by hand: they are enumerated from the URL resolver.
A URL whose route names a case or a record belonging to one case (an
assessment, intervention, order, incident, victim, action, agenda item) must
carry the entry point's marker; then each marked URL is requested

- as a member of the partnership outside the case's caseload: the question
  "Why are you opening this case?" is asked before anything is shown or
  changed, and once it is answered the audit trail carries the reason;
- as the same person once the case is in their caseload: it is not asked.

Pages whose purpose is the reason (a case on a meeting's agenda, the unit
manager's audit and retention review) log that purpose instead of asking; the
API refuses without `?reason=`.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from masip.access.tests.test_policy_table import ARGS, world  # noqa: F401  (the policy test's records)
from masip.audit.models import AuditEvent
from masip.cases.access import case_page_of
from masip.cases.models import Case
from tests.urlwalk import routes

QUESTION = "Why are you opening this case?"
# A route segment naming a case, or a record that belongs to exactly one case.
# A URL naming a record under a case (the evaluation's analysis plans name no case: they are not
# the risk management plans of cases/<pk>/plans/).
CASE_ROUTE = re.compile(
    r"^(?!evaluation/)(?:.*/)?(cases|assessments|interventions|orders|incidents|victims|actions|items|plans)/"
    r"<(int|str|slug):"
)
OUTSIDERS = ("london-health", "london-advocate", "london-manager")
# Item URLs that only ever name a referral awaiting triage (a case item is not found there):
# they pass through the entry point, which finds no case; meetings/tests/test_referral_triage.py covers them.
REFERRAL_ONLY = {"meetings:item_triage"}


def case_urls() -> dict[str, object]:
    return {name: case_page_of(view) for name, _, view in routes() if case_page_of(view) is not None}


def test_every_url_naming_a_case_record_goes_through_the_entry_point():
    unmarked = sorted(
        f"{name} ({route})"
        for name, route, view in routes()
        if CASE_ROUTE.search(route) and not name.startswith("admin:") and case_page_of(view) is None
    )
    assert not unmarked, f"Decorate these views with @case_page (masip.cases.access): {unmarked}"
    # The list is derived, so guard against it silently shrinking.
    assert len(case_urls()) >= 40


def _events_since(mark: int, user):
    return AuditEvent.objects.filter(pk__gt=mark, user_id=user.pk, operation="consultation")


def _request(client, name, kwargs, method):
    url = reverse(name, kwargs=kwargs)
    return url, (client.post(url, {}) if method == "post" else client.get(url))


def _asks(response) -> bool:
    return response.status_code == 200 and QUESTION in response.content.decode()


def _kwargs(records, name):
    return records[ARGS[name]] if name in ARGS else {}


def _case_of(records, name) -> Case:
    """The case a URL of the world is under (the closed case for reopening, else the open one)."""
    return Case.objects.get(pk=records["closed_case" if ARGS.get(name) == "closed_case" else "case"]["pk"])


def _nobody_in_the_unit_owns_the_action(records):
    """The world's action belongs to the police, which puts the unit manager (a Met DI) in the
    caseload; given to probation, the manager who chairs is an outsider who may update it."""
    from masip.actions.models import CaseAction
    from masip.partnerships.models import Agency

    probation = Agency.objects.get(name="National Probation Service - London")
    CaseAction.objects.filter(pk=records["action"]["pk"]).update(owner_agency=probation)


def test_outside_the_caseload_each_case_url_asks_why_and_logs_the_reason(client, world, staff):  # noqa: F811
    _nobody_in_the_unit_owns_the_action(world)
    marked = case_urls()
    assert set(marked) <= set(ARGS), f"give these URLs records in the policy test's world: {set(marked) - set(ARGS)}"
    asked, implied, api, failures = [], [], [], []
    for name, marker in sorted(marked.items()):
        if name in REFERRAL_ONLY:
            continue
        kwargs = _kwargs(world, name)
        case = _case_of(world, name)
        result = None
        for username in OUTSIDERS:
            user = staff[username]
            client.logout()
            client.force_login(user)
            url = reverse(name, kwargs=kwargs)
            method = "post" if client.get(url).status_code == 405 else "get"
            client.logout()
            client.force_login(user)
            mark = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            url, response = _request(client, name, kwargs, method)
            if response.status_code in (403, 404) and not marker.api:
                continue  # this persona's role or agency may not use the page at all: try the next
            result = (username, user, url, response, mark)
            break
        if result is None:
            failures.append(f"{name}: no outsider persona may use it (extend OUTSIDERS)")
            continue
        username, user, url, response, mark = result
        if marker.api:
            if response.status_code != 403 or "reason" not in response.content.decode():
                failures.append(f"{name}: the API answered {response.status_code} without a reason")
                continue
            response = client.get(url + "?reason=Checking+before+the+MARAC")
            reasons = set(_events_since(mark, user).values_list("reason", flat=True))
            if response.status_code != 200 or reasons != {"Checking before the MARAC"}:
                failures.append(f"{name}: with ?reason= got {response.status_code}, logged {reasons}")
            api.append(name)
            continue
        if marker.implied_reason is not None:
            if response.status_code == 302:
                client.get(response["Location"], follow=True)  # a panel outside htmx goes to its meeting
            reasons = set(_events_since(mark, user).values_list("reason", flat=True))
            if _asks(response):
                failures.append(f"{name}: asked why, though the page's purpose is the reason")
            elif not reasons or "" in reasons:
                failures.append(f"{name}: as {username} logged reasons {reasons}, expected the page's purpose")
            implied.append(name)
            continue
        if not _asks(response):
            failures.append(f"{name}: as {username} ({method.upper()}) got {response.status_code} without the question")
            continue
        if _events_since(mark, user).exists():
            failures.append(f"{name}: logged a look at the case before the reason was given")
        if case.suspect and case.suspect.full_name in response.content.decode():
            failures.append(f"{name}: showed the suspect's name before the reason was given")
        detail = f"checking {name}"
        answer = client.post(url, {"why-origin": method, "why-reason": "cover", "why-detail": detail})
        if method == "get":
            if answer.status_code != 302 or answer["Location"] != url:
                failures.append(f"{name}: answering went to {answer.status_code} {answer.get('Location')}")
                continue
            response = client.get(url, follow=True)
        else:
            response = answer
            if _asks(response):
                failures.append(f"{name}: asked again after the answer")
                continue
            if response.status_code == 302:
                response = client.get(response["Location"], follow=True)
        if _asks(response):
            failures.append(f"{name}: asked again after the answer")
            continue
        reasons = set(_events_since(mark, user).values_list("reason", flat=True))
        if reasons != {f"Covering for a colleague: {detail}"}:
            failures.append(f"{name}: after the answer logged reasons {reasons}")
        asked.append(name)
    assert not failures, "\n" + "\n".join(failures)
    print(f"\n{len(marked)} case URLs: {len(asked)} ask why, {len(implied)} log their purpose, {len(api)} API")
    assert len(asked) + len(implied) + len(api) + len(REFERRAL_ONLY & set(marked)) == len(marked)
    assert len(asked) >= 30


def test_in_the_caseload_no_case_url_asks(client, world, staff):  # noqa: F811
    _nobody_in_the_unit_owns_the_action(world)
    marked = case_urls()
    failures = []
    for name, marker in sorted(marked.items()):
        if marker.api or marker.implied_reason is not None:
            continue
        kwargs = _kwargs(world, name)
        case = _case_of(world, name)
        served = False
        for username in OUTSIDERS:
            user = staff[username]
            allocation = case.allocations.create(user=user)
            client.logout()
            client.force_login(user)
            url = reverse(name, kwargs=kwargs)
            response = client.get(url)
            if response.status_code == 405:
                response = client.post(url, {})
            allocation.delete()
            if response.status_code in (403, 404):
                continue
            served = True
            if _asks(response):
                failures.append(f"{name}: asked {username}, who is allocated to the case")
            break
        if not served:
            failures.append(f"{name}: no persona could use it")
    assert not failures, "\n" + "\n".join(failures)


def test_an_action_owner_and_an_agency_with_an_open_action_are_in_the_caseload(
    client, london, make_referral, accept, staff
):
    from masip.actions.services import action_cancel, action_complete, action_create

    accept(make_referral(london))
    case = Case.objects.get()
    url = reverse("victims:support", args=[case.pk, case.parties.get(role="victim").person_id])
    health, advocate = staff["london-health"], staff["london-advocate"]

    def asked(user) -> bool:
        client.logout()
        client.force_login(user)
        return _asks(client.get(url))

    assert asked(health) and asked(advocate)
    due = timezone.localdate() + timedelta(days=7)
    by_agency = action_create(
        case=case, acting_user=staff["london-police"], description="Review the risk", owner_agency=health.agency,
        due_on=due,
    )
    assert not asked(health)  # an agency with an open action on the case
    assert asked(advocate)
    action_cancel(action=by_agency, acting_user=staff["london-police"], reason="Not needed")
    assert asked(health)  # no longer open
    owned = action_create(
        case=case, acting_user=staff["london-police"], description="Call the victim", owner_agency=advocate.agency,
        owner_user=advocate, due_on=due,
    )
    assert not asked(advocate) and asked(health)
    action_complete(action=owned, acting_user=advocate, completed_on=timezone.localdate(), note="Called")
    assert not asked(advocate)  # still the owner of an action on the case, though it is done
