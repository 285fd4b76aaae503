"""No page shows personal data without logging who looked (issue 10, item 8); and no page's
template queries the database (issue 11: tests/template_queries.py says what is allowed).

Over the synthetic demo data, every GET URL of the project (enumerated from the
URL resolver, with a record of the right kind for each parameter) is requested
as each persona - before and after giving a reason for the cases outside their
caseload, with the query parameters and htmx variants the views read. Every
200 response that shows a stored person's name, alias, date of birth,
identifier or contact detail must have logged a consultation or disclosure by
that user while it was made. The strict check (masip.people.checks) enforces
the same in every test; this walk makes sure every page is visited.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from masip.access.policy_table import PERSONAS
from masip.audit.models import AuditEvent
from masip.documents.tests.policy_world import WALK_SEGMENTS as DOCUMENT_SEGMENTS
from masip.documents.tests.policy_world import walk_records as document_records
from masip.evaluation.tests.policy_world import WALK_SEGMENTS as EVALUATION_SEGMENTS
from masip.evaluation.tests.policy_world import walk_records as evaluation_records
from masip.people.checks import personal_data_in, response_text
from masip.reporting.tests.policy_world import WALK_SEGMENTS, walk_records
from tests.template_queries import template_queries
from tests.urlwalk import routes

PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


@pytest.fixture
def seeded(db):
    from masip.demo.generator import seed

    seed(scale=0.03, seed_value=11, today=timezone.localdate())
    return _records()


def _records() -> dict[str, object]:
    """One London record of each kind a URL can name, chosen to show as much as possible."""
    from masip.accounts.models import User
    from masip.actions.models import CaseAction
    from masip.assessments.models import Assessment
    from masip.cases.models import Case, RetentionProposal
    from masip.interventions.models import Intervention
    from masip.justice.models import ProtectiveOrder
    from masip.meetings.models import Meeting
    from masip.referrals.models import Referral
    from masip.victims.models import VictimSupport

    london = {"partnership__slug": "london"}
    support = VictimSupport.objects.filter(case__partnership__slug="london").select_related("case").first()
    case = support.case if support else Case.objects.filter(status="open", **london).first()
    meeting = Meeting.objects.filter(items__isnull=False, **london).order_by("-held_on").first()
    closed_meeting = Meeting.objects.filter(status="closed", **london).order_by("-held_on").first()
    assert case and meeting and closed_meeting, "the demo data has changed: choose other records"
    return {
        "case": case,
        "closed_case": Case.objects.filter(status="closed", **london).first(),
        "victim": support.victim if support else case.parties.filter(role="victim").first().person,
        "person": case.suspect,
        "referral": Referral.objects.filter(case=case).first(),
        "waiting": Referral.objects.filter(status="untriaged", **london).first()
        or Referral.objects.filter(**london).first(),
        "assessment": Assessment.objects.filter(case=case).first() or Assessment.objects.filter(**london).first(),
        "intervention": Intervention.objects.filter(case__partnership__slug="london").first(),
        "order": ProtectiveOrder.objects.filter(case__partnership__slug="london").first(),
        "meeting": meeting,
        "closed_meeting": closed_meeting,
        "item": meeting.items.first(),
        "action": CaseAction.objects.filter(**london).first(),
        "proposal": RetentionProposal.objects.filter(**london).first(),
        "staff": User.objects.get(username="london-police"),
        **walk_records(),
        **evaluation_records(),
        **document_records(case),
    }


def _value(records, segment: str, name: str, route: str):
    """The value for one URL parameter, from the route segment before it."""
    if name == "slug":
        return "london"
    if name == "kind":
        return "case"
    if name == "unknown":  # the API's JSON 404 for any path it does not have
        return "no-such-path/"
    chosen = {
        ("cases", "pk"): "closed_case" if route.endswith("reopen/") else "case",
        ("victims", "person_id"): "victim",
        ("victim-support", "person_id"): "victim",  # the referral in the case: it sends you to the case's page
        ("people", "pk"): "person",
        ("referrals", "pk"): "waiting" if route.endswith("triage/") else "referral",
        ("assessments", "pk"): "assessment",
        ("interventions", "intervention_id"): "intervention",
        ("orders", "order_id"): "order",
        ("meetings", "pk"): "meeting",
        ("items", "item_pk"): "item",
        ("actions", "pk"): "action",
        ("proposals", "proposal_id"): "proposal",
        ("staff", "user_id"): "staff",
        ("<str:kind>", "pk"): "case",  # audit/export/case/<pk>/
        **WALK_SEGMENTS,
        **EVALUATION_SEGMENTS,
        **DOCUMENT_SEGMENTS,
    }.get((segment, name))
    if chosen is None:
        raise AssertionError(f"Say which record {route} names with <{name}> (tests/test_personal_data_logged.py)")
    return records[chosen].pk


def get_urls(records) -> list[tuple[str, str, dict]]:
    """(name, url, extra request headers) for every GET URL, with the query variants views read."""
    urls = []
    for name, route, _ in routes():
        if name.startswith("admin:"):
            continue
        kwargs = {}
        for match in PARAMETER.finditer(route):
            segment = route[: match.start()].rstrip("/").rsplit("/", 1)[-1]
            kwargs[match.group(2)] = _value(records, segment, match.group(2), route)
        urls.append((name, reverse(name, kwargs=kwargs), {}))
    case, person, meeting = records["case"], records["person"], records["meeting"]
    from masip.meetings.minutes import recipient_choices

    identifier = person.identifiers.first() if person else None
    variants = [
        ("workspace:search", f"?q={person.full_name}" if person else "?q=Cole"),
        ("workspace:search", f"?q={case.reference}"),
        ("workspace:search", f"?q={identifier.value}" if identifier else "?q=2019"),
        ("cases:list", "?status=closed"),
        ("referrals:list", "?status=untriaged"),
        ("monitoring:queue", "?scope=all"),
        ("meetings:actions", "?view=all"),
        ("meetings:actions", "?view=mine"),
        ("audit:case", "?operation=consultation"),
    ]
    for name, query in variants:
        kwargs = {"slug": "london"} if "list" in name or name in ("monitoring:queue", "meetings:actions") else {}
        if name == "audit:case":
            kwargs = {"pk": case.pk}
        urls.append((name, reverse(name, kwargs=kwargs) + query, {}))
    urls.append(("meetings:detail", reverse("meetings:detail", args=[meeting.pk]) + f"?item={records['item'].pk}", {}))
    urls.append(("meetings:item", reverse("meetings:item", args=[meeting.pk, records["item"].pk]), {"HTTP_HX_REQUEST": "true"}))
    closed = records["closed_meeting"]
    for agency in recipient_choices(closed)[:1]:
        urls.append(("meetings:minutes_pdf", reverse("meetings:minutes_pdf", args=[closed.pk]) + f"?for={agency.pk}", {}))
    urls.append(("meetings:minutes", reverse("meetings:minutes", args=[closed.pk]), {}))
    return urls


def test_no_page_shows_personal_data_without_logging_it(client, seeded, staff, settings):
    from masip.cases.models import Case

    settings.MASIP_AUDIT_STRICT = False  # the same check as strict mode's, made here so every leak is listed

    urls = get_urls(seeded)
    cases = list(Case.objects.filter(partnership__slug="london"))
    unlogged, personal_pages, statuses = [], 0, {}
    with template_queries() as queried_in_templates:
        for persona, username in PERSONAS.items():
            client.logout()
            if username:
                client.force_login(staff[username])
            # London's case workers walk again once they have said why they open each London case.
            for reasons_given in (False, True) if persona in ("police", "health", "advocate", "manager") else (False,):
                if reasons_given:
                    for case in cases:  # the question answered for every London case outside the caseload
                        client.post(
                            reverse("cases:detail", args=[case.pk]),
                            {"why-origin": "get", "why-reason": "supervision"},
                        )
                for name, url, headers in urls:
                    mark = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
                    response = client.get(url, **headers)
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                    assert response.status_code < 500, f"{persona} {url}: {response.status_code}"
                    if response.status_code != 200:
                        continue
                    text = response_text(response)
                    shown = personal_data_in(text, typed=[v for k, v in client_query(url)]) if text else []
                    if not shown:
                        continue
                    personal_pages += 1
                    logged = AuditEvent.objects.filter(
                        pk__gt=mark, user_id=getattr(staff.get(username), "pk", None),
                        operation__in=["consultation", "disclosure"],
                    )
                    if not logged.exists():
                        unlogged.append(f"{persona} {name} {url}: {', '.join(map(str, shown[:3]))}")
    assert not unlogged, "\n" + "\n".join(unlogged)
    # The same walk: no page's template reads the database (its view reads what it shows).
    assert not queried_in_templates, "\n" + "\n".join(sorted({f"{v}: {sql}" for v, sql in queried_in_templates}))
    print(f"\n{len(urls)} GET URLs x {len(PERSONAS)} personas (+4 after reasons): {personal_pages} responses showed "
          f"personal data, all logged; statuses {sorted(statuses.items())}")
    assert personal_pages >= 150  # the walk reaches the pages that show people


def client_query(url: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl, urlsplit

    return parse_qsl(urlsplit(url).query)
