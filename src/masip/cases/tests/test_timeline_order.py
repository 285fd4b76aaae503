"""The case timeline is newest first, and entries without a time sit where a reader expects:
at the start of their day, below what was recorded later that day, and - several on one
day - newest first in the order they happened."""

from __future__ import annotations

import re

from django.urls import reverse

from masip.monitoring.services import IncidentInput, incident_record
from masip.monitoring.tests.factories import days_ago, open_case, victim_of
from masip.victims.services import support_update


def _titles(html: str) -> list[str]:
    timeline = html[html.index('id="case-timeline"') :]
    return [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(r'masip-timeline__title">(.*?)</h3>', timeline)]


def test_entries_without_a_time_are_in_the_order_they_happened(as_user, london, make_referral, accept, staff):
    case = open_case(make_referral, accept, london, by="london-police", opened_on=days_ago(30), reported_on=days_ago(30))
    advocate = staff["london-advocate"]
    victim = victim_of(case)
    # Offered and accepted on one day: both date-only entries of that day.
    support_update(case=case, victim=victim, acting_user=advocate, status="offered", on=days_ago(20),
                   expected_version=0)
    support_update(case=case, victim=victim, acting_user=advocate, status="accepted", on=days_ago(20), advocate=advocate,
                   expected_version=1)
    # An incident without a time, recorded (with its trigger) today.
    incident_record(
        case=case,
        acting_user=advocate,
        data=IncidentInput(
            occurred_on=days_ago(0), reported_by="victim", behaviour="messages", severity=2,
            description="Texts overnight.", victim_id=victim.pk,
        ),
    )
    titles = _titles(as_user("london-police").get(reverse("cases:detail", args=[case.pk])).content.decode())
    name = victim.display_name

    def at(prefix: str) -> int:
        return next(i for i, t in enumerate(titles) if t.startswith(prefix))

    # Today: the trigger recorded at a time sits above the incident that happened some time today.
    assert at("Re-review trigger: new incident") < at("Incident: ")
    # One day, two date-only entries: the later step (accepted) above the earlier (offered).
    assert at(f"{name} accepted advocate support") < at(f"Advocate support offered to {name}")
    # Received and opened on one day, both without a time: opened above received.
    assert at("Case opened") < at("Referral ")
    # And newest first overall.
    assert at("Incident: ") < at(f"{name} accepted advocate support") < at("Case opened")
