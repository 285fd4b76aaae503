"""Shared fixtures: the people of the three shipped partnerships, and the browser.

The personas are the demo staff (created by the same reference-data code the
demo uses), so every test can say who may and who may not:
london-police (Met DS, may triage in London), london-health, london-advocate,
cheshire-police (another partnership: must get "not found" for London's
records), cheshire-support (Cheshire's business support, who triages there),
pmo and evaluator (no case work).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property tests are judged by their examples, not by how fast a loaded machine runs them: a
# shared CI runner must not fail a test on Hypothesis's 200 ms deadline or its "too slow" check
# (a test's own @settings still sets how many examples it runs).
hypothesis_settings.register_profile("masip", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("masip")

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM calls in tests that drive a browser

# The suite runs on a pinned clock, so no result depends on the day it runs.
# MASIP_TEST_NOW moves it (an ISO 8601 instant with its offset); CI runs the
# suite a second time late on a Sunday in British Summer Time. The clock ticks
# from the pinned instant, so timeouts and ordering by time still work.
DEFAULT_TEST_NOW = "2026-11-25T10:30:00+00:00"  # a Wednesday morning in GMT
_clock = None


def pytest_configure(config):
    global _clock
    from datetime import datetime

    import time_machine

    now = datetime.fromisoformat(os.environ.get("MASIP_TEST_NOW") or DEFAULT_TEST_NOW)
    if now.tzinfo is None:
        raise pytest.UsageError("MASIP_TEST_NOW needs an offset, e.g. 2027-06-27T23:30:00+01:00")
    _clock = time_machine.travel(now, tick=True)
    _clock.start()


def pytest_unconfigure(config):
    if _clock is not None:
        _clock.stop()


def pytest_report_header(config):
    return f"clock pinned to {os.environ.get('MASIP_TEST_NOW') or DEFAULT_TEST_NOW} (MASIP_TEST_NOW)"



# -- reference data, loaded once ----------------------------------------------
#
# The three partnerships, their agencies, operating models, agreements and the demo staff are
# the same for every test, so they are created once, in the test database, right after it is
# migrated. Each test runs in a transaction rolled back at its end, so a test that changes
# them changes them for itself only. Tests that use transactional_db (the live_server ones)
# end with a flush, which empties every table: pytest-django runs them after all the others,
# and `partnerships` creates the reference data again when it finds it missing.


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from masip.demo.reference import ensure_reference_data

    with django_db_blocker.unblock():
        ensure_reference_data()


def forget_reference_data():
    """Delete the session's reference data (inside the caller's transaction, so only for its test or module).

    For tests that seed the demo themselves: the generator creates the reference data as of the
    day it seeds (agreements lapse, accounts join), as it does in a fresh database."""
    from masip.accounts.models import User
    from masip.partnerships.models import Agency, Partnership

    User.objects.all().delete()
    Partnership.objects.all().delete()  # with its partner agencies, memberships, models, rules and agreements
    Agency.objects.all().delete()


def reference_records():
    """The session's partnerships (by slug) and staff (by username), fetched afresh: for a
    module-scoped world, which cannot use the function-scoped `partnerships` and `staff`."""
    from masip.accounts.models import User
    from masip.demo.reference import PARTNERSHIPS, ensure_reference_data
    from masip.partnerships.models import Partnership

    found = {p.slug: p for p in Partnership.objects.filter(slug__in=PARTNERSHIPS)}
    if len(found) != len(PARTNERSHIPS):
        found = ensure_reference_data()
    return found, {u.username: u for u in User.objects.all()}


@contextmanager
def rolled_back(django_db_blocker):
    """Records made inside stay until the block ends, then are rolled back: a module-scoped fixture
    builds its world in here once, and each test's own writes are still rolled back after the test
    (its transaction is a savepoint inside this one)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def no_reference_data(db):
    forget_reference_data()


@pytest.fixture
def partnerships(db):
    from masip.demo.reference import PARTNERSHIPS, ensure_reference_data
    from masip.partnerships.models import Partnership

    found = {p.slug: p for p in Partnership.objects.filter(slug__in=PARTNERSHIPS)}
    if len(found) == len(PARTNERSHIPS):
        return found  # fetched afresh for each test: no test sees another's changes to the objects
    return ensure_reference_data()  # after a flush (transactional_db), or once forgotten


@pytest.fixture
def london(partnerships):
    return partnerships["london"]


@pytest.fixture
def cheshire(partnerships):
    return partnerships["cheshire"]


@pytest.fixture
def hampshire(partnerships):
    return partnerships["hampshire"]


@pytest.fixture
def staff(partnerships):
    """Demo staff by username."""
    from masip.accounts.models import User

    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def as_user(client, staff):
    """Sign the test client in as a persona: as_user("london-police")."""

    def sign_in(username: str):
        client.force_login(staff[username])
        return client

    return sign_in


@pytest.fixture
def make_referral(staff):
    """Create a referral through the service, as a user of its partnership would."""
    return referral_maker(staff)


def referral_maker(staff):
    """make_referral without fixtures, for a module-scoped world (see module_world_db)."""
    from django.utils import timezone

    from masip.people.services import PersonDetails
    from masip.referrals.services import PartyInput, ReferralInput, referral_create

    def make(
        partnership,
        *,
        by="london-police",
        suspect="Ryan Cole",
        suspect_id=None,
        victim="Emma Hart",
        received_on=None,  # five days before the suite's (pinned) today
        behaviours=("messages",),
        frightened=False,
        crime_reference="",
        relationship="ex_intimate",
        suspect_dob=None,
        source="police",
    ):
        if received_on is None:
            received_on = timezone.localdate() - timedelta(days=5)
        data = ReferralInput(
            source_agency_kind=source,
            channel="police_scan",
            received_on=received_on,
            recorded_offence="s2",
            summary="Repeated unwanted messages after the relationship ended.",
            crime_reference=crime_reference,
            behaviours=list(behaviours),
            victim_very_frightened=frightened,
            parties=[
                PartyInput(
                    role="suspect",
                    details=PersonDetails(full_name=suspect, date_of_birth=suspect_dob),
                    existing_person_id=suspect_id,
                ),
                PartyInput(
                    role="victim",
                    details=PersonDetails(full_name=victim),
                    relationship_to_suspect=relationship,
                ),
            ],
            incidents=[(received_on, "Forty messages in one evening.")],
        )
        return referral_create(partnership=partnership, acting_user=staff[by], data=data)

    return make


@pytest.fixture
def accept(staff):
    """Triage a referral as accepted, through the service."""
    return acceptor(staff)


def acceptor(staff):
    """accept without fixtures, for a module-scoped world."""
    from masip.referrals.services import TriageInput, triage_decide

    def do(referral, *, by="london-police", outcome="accept", **extra):
        if extra.get("is_stalking", "yes") == "yes" and not any(
            extra.get(m) for m in ("fixated", "obsessive", "unwanted", "repeated")
        ):
            extra.update(repeated=True, repeated_note="Contact on several occasions.")  # "yes" names a marker
        extra.setdefault("is_stalking", "yes")
        decision = TriageInput(outcome=outcome, **extra)
        return triage_decide(referral=referral, acting_user=staff[by], decision=decision)

    return do


def filled_answers(definition, overrides=None):
    """Answers to every required question: "no" where there is one, else the first option."""

    from masip.assessments.engine import ItemType, applicable_item_ids

    answers = dict(overrides or {})
    for _ in range(3):  # conditional questions appear once what they depend on is answered
        applicable = applicable_item_ids(definition, answers)
        for item in definition.items:
            if item.id in answers or item.id not in applicable or not item.required:
                continue
            if item.options:
                values = [o.value for o in item.options]
                answers[item.id] = "no" if "no" in values else values[0]
                if item.type == ItemType.MULTIPLE_CHOICE:
                    answers[item.id] = [values[0]]
            elif item.type == ItemType.NUMBER:
                answers[item.id] = int(item.minimum or 0)
            elif item.type == ItemType.DATE:
                answers[item.id] = date.today().isoformat()
            else:
                answers[item.id] = "Noted."
    return answers


@pytest.fixture
def complete_assessment(staff):
    """Start, answer and sign off an assessment through the services."""
    from masip.assessments.instruments import definition
    from masip.assessments.services import assessment_contribute, assessment_sign_off, assessment_start

    def complete(code, *, referral=None, case=None, by="london-police", answers=None, sign_off=True):
        user = staff[by]
        assessment = assessment_start(acting_user=user, instrument_code=code, referral=referral, case=case)
        assessment = assessment_contribute(
            assessment=assessment,
            acting_user=user,
            # What the case or referral records (e.g. whether the suspect is an ex-partner) is already answered.
            answers=filled_answers(definition(code), {**assessment.answers, **(answers or {})}),
            expected_version=assessment.version,
        )
        return assessment_sign_off(assessment=assessment, acting_user=user) if sign_off else assessment

    return complete


@pytest.fixture
def give_reason():
    """Answer the "why are you opening this case?" question for a case outside the user's caseload."""
    from django.urls import reverse

    def give(client, case, reason="meeting", detail=""):
        response = client.post(
            reverse("cases:detail", args=[case.pk]), {"why-origin": "get", "why-reason": reason, "why-detail": detail}
        )
        assert response.status_code == 302, "the question was not answered"
        return client

    return give


@pytest.fixture
def count_queries():
    """How many database queries a call makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(call) -> int:
        with CaptureQueriesContext(connection) as context:
            call()
        return len(context.captured_queries)

    return count


# -- browser -------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": ["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe-core is injected as an inline script; a strict CSP would block it.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def axe():
    """Check the current page: fail on any serious or critical axe-core violation, and on
    anything that makes it scroll sideways at a phone's width (390 px).

    Every rule axe-core ships runs - WCAG 2.0 to 2.2 A and AA, best practice and the rules
    tagged experimental - except the deprecated ones and the AAA ones (see tests/browser/crawl.py).
    """
    from tests.browser.crawl import PHONE, axe_violations, describe, layout_problems

    def check(page, *, context: str = ""):
        bad = [describe(v) for v in axe_violations(page)]
        viewport = page.viewport_size
        page.set_viewport_size(PHONE)
        try:
            bad += [f"390px: {problem}" for problem in layout_problems(page)]
        finally:
            page.set_viewport_size(viewport)
        assert not bad, f"Accessibility violations on {context or page.url}:\n" + "\n".join(bad)

    return check


@pytest.fixture
def signed_in_page(page, live_server, staff):
    """A browser page signed in through the real sign-in form."""

    def sign_in(username: str, password: str = "demo-password"):
        page.goto(f"{live_server.url}/accounts/sign-in/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in


@pytest.fixture
def on_meeting_day(request):
    """Move the clock to the day a meeting is held, keeping the time of day, for a test that runs it.

    A meeting is run (attendance, sharing, discussion, actions, closing) only on or after its day,
    and a weekday series scheduled at the weekend meets on the Monday: on a pinned Saturday or
    Sunday the test travels explicitly to that Monday (time-machine), as a chair would wait for it.
    """

    def travel(meeting):
        return travel_to_meeting_day(meeting, request.addfinalizer)

    return travel


def travel_to_meeting_day(meeting, addfinalizer):
    """on_meeting_day without fixtures: addfinalizer(stop) is called with what ends the travel."""
    import time_machine
    from django.utils import timezone

    days = (meeting.held_on - timezone.localdate()).days
    if days > 0:
        # Wall-clock arithmetic in the local zone: 23:30 BST on a Sunday is 23:30 on the Monday.
        traveller = time_machine.travel(timezone.localtime() + timedelta(days=days), tick=True)
        traveller.start()
        addfinalizer(traveller.stop)
    assert timezone.localdate() >= meeting.held_on
    return meeting
