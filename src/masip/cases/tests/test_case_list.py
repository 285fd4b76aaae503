"""The case list: filters and sort kept in the URL, practitioners' own caseload first."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from masip.cases.models import Case, CaseAllocation, RiskRank
from masip.partnerships.models import Agency

URL = reverse("cases:list", args=["london"])


def listed(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'href="/cases/\d+/">([^<]+)</a>', response.content.decode())


@pytest.fixture
def world(london, make_referral, accept, staff):
    """Four London cases, each different in one way."""
    for n in range(4):
        accept(make_referral(london, suspect=f"Suspect{n} Listed", victim=f"Victim{n} Listed"))
    a, b, c, d = Case.objects.filter(partnership=london).order_by("pk")
    areas = london.areas
    Case.objects.filter(pk=a.pk).update(risk_rank=RiskRank.HIGH, stalker_type="rejected", area=areas[0])
    Case.objects.filter(pk=b.pk).update(risk_rank=RiskRank.LOW, stalker_type="predatory", reassessment_due=True)
    Case.objects.filter(pk=c.pk).update(lead_officer=staff["london-health"], status="closed", area=areas[-1])
    Case.objects.filter(pk=d.pk).update(lead_officer=staff["london-manager"], risk_rank=RiskRank.MODERATE)
    CaseAllocation.objects.create(case=d, user=staff["london-probation"])
    CaseAllocation.objects.create(case=a, user=staff["london-probation"], ended_on=a.opened_on)  # came off it
    return {x.reference: x for x in (a, b, c, d)}, (a.reference, b.reference, c.reference, d.reference)


def test_a_practitioner_starts_from_their_own_cases_and_a_manager_from_the_units(as_user, world):
    _, (a, b, c, d) = world
    assert listed(as_user("london-probation").get(URL)) == [d]  # allocated now; no longer on a
    assert set(listed(as_user("london-manager").get(URL))) == {a, b, c, d}
    assert set(listed(as_user("london-probation").get(URL, {"show": "all"}))) == {a, b, c, d}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"risk": str(RiskRank.HIGH)}, "a"),
        ({"stalker_type": "predatory"}, "b"),
        ({"stalker_type": "none"}, "cd"),
        ({"reassessment_due": "on"}, "b"),
        ({"status": "closed"}, "c"),
        ({"status": "open", "risk": str(RiskRank.MODERATE)}, "d"),
    ],
)
def test_each_filter_narrows_the_list(as_user, world, params, expected):
    _, refs = world
    by_letter = dict(zip("abcd", refs, strict=True))
    got = listed(as_user("london-manager").get(URL, {"show": "all", **params}))
    assert sorted(got) == sorted(by_letter[x] for x in expected)


def test_lead_agency_and_area_filters(as_user, world, staff, london):
    _, (a, b, c, d) = world
    client = as_user("london-manager")
    assert listed(client.get(URL, {"lead": staff["london-health"].pk})) == [c]
    probation = staff["london-probation"].agency
    assert listed(client.get(URL, {"agency": probation.pk})) == [d]  # working it now, not the ended one
    assert listed(client.get(URL, {"area": london.areas[0]})) == [a]


def test_sort_orders_and_filters_survive_pagination_links(as_user, world):
    _, (a, b, c, d) = world
    client = as_user("london-manager")
    assert listed(client.get(URL, {"sort": "risk"}))[:3] == [a, d, b]
    assert listed(client.get(URL, {"sort": "reference"})) == sorted([a, b, c, d])
    page = client.get(URL, {"sort": "risk", "risk": str(RiskRank.HIGH)}).content.decode()
    assert 'value="risk" selected' in page and "Clear filters" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"risk": "9"}, "Select a valid option for risk"),
        ({"risk": "high'--"}, "Select a valid option for risk"),
        ({"lead": "99999999999999999999"}, "Select a valid option for lead"),
        ({"agency": "abc"}, "Select a valid option for agency working the case"),
        ({"area": "Atlantis"}, "Select a valid option for area"),
        ({"sort": "password"}, "Select a valid option for sort by"),
        ({"show": "everyone"}, "Select a valid option for cases"),
    ],
)
def test_a_value_not_on_offer_is_named_and_left_out(as_user, world, params, message):
    _, refs = world
    response = as_user("london-manager").get(URL, {"show": "all", **params})
    assert response.status_code == 200
    assert message in response.content.decode()
    if "show" not in params:
        assert sorted(listed(response)) == sorted(refs)  # the bad filter is ignored, the rest apply


def test_an_agency_outside_the_partnership_is_not_on_offer(as_user, world):
    outsider = Agency.objects.exclude(partner_roles__partnership__slug="london").first()
    assert outsider is not None
    response = as_user("london-manager").get(URL, {"agency": outsider.pk})
    assert "Select a valid option for agency working the case" in response.content.decode()


def test_filters_registered_by_actions_and_meetings(as_user, world, london, staff):
    """"Has open actions" (actions) and "on a coming meeting's agenda" (meetings)."""
    from datetime import timedelta

    from django.utils import timezone

    from masip.actions.models import ActionStatus, CaseAction
    from masip.meetings.models import AgendaItem, Meeting, MeetingStatus
    from masip.partnerships.models import MeetingSeries

    cases, (a, b, c, d) = world
    manager, today = staff["london-manager"], timezone.localdate()
    agency = manager.agency
    for case, status in ((cases[a], ActionStatus.OPEN), (cases[b], ActionStatus.DONE)):
        CaseAction.objects.create(
            partnership=london, case=case, description="Check the bail address", owner_agency=agency,
            due_on=today, status=status, created_by=manager,
            completed_on=today if status == ActionStatus.DONE else None, closed_by=manager if status == ActionStatus.DONE else None,
        )
    series = MeetingSeries.objects.filter(operating_model__partnership=london).first()
    coming = Meeting.objects.create(
        partnership=london, series=series, title="Coming", held_on=today + timedelta(days=2), created_by=manager
    )
    past = Meeting.objects.create(
        partnership=london, series=series, title="Past", held_on=today - timedelta(days=7), created_by=manager,
        status=MeetingStatus.CLOSED,
    )
    AgendaItem.objects.create(meeting=coming, case=cases[c])
    AgendaItem.objects.create(meeting=past, case=cases[d])
    client = as_user("london-manager")
    page = client.get(URL).content.decode()
    assert "Has open actions" in page and "On a coming meeting&#x27;s agenda" in page
    assert listed(client.get(URL, {"open_actions": "on"})) == [a]
    assert listed(client.get(URL, {"on_agenda": "on"})) == [c]
    assert listed(client.get(URL, {"on_agenda": "on", "open_actions": "on"})) == []
