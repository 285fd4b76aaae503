"""A case's area is where its suspect lives: taken from the referral, shown on the case page,
set or corrected only by those who triage (or the unit manager), with the reason audited.
The direct-work rule reads it, so correcting it is the one way to change what is offered."""

from __future__ import annotations

import pytest
from django.urls import reverse

from masip.audit.models import AuditEvent, FieldChange
from masip.interventions.models import Intervention
from masip.interventions.reference import shipped_type
from masip.monitoring.tests.factories import days_ago, open_case


def date_fields(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@pytest.fixture
def east_case(cheshire, make_referral, accept):
    return open_case(make_referral, accept, cheshire, by="cheshire-police", area="Cheshire East")


def test_the_case_takes_its_area_from_the_referral_and_the_case_page_shows_it(as_user, east_case):
    assert east_case.area == "Cheshire East"
    page = as_user("cheshire-police").get(reverse("cases:detail", args=[east_case.pk])).content.decode()
    assert 'id="case-area">Cheshire East' in page
    assert reverse("cases:area", args=[east_case.pk]) in page  # the triage lead may correct it


def test_a_referral_that_joins_the_case_fills_an_area_not_yet_known(
    cheshire, make_referral, accept, staff
):
    case = open_case(make_referral, accept, cheshire, by="cheshire-police")
    assert case.area == ""
    again = make_referral(cheshire, by="cheshire-police", suspect_id=case.suspect_id, received_on=days_ago(1))
    type(again).objects.filter(pk=again.pk).update(area="Halton")
    again.refresh_from_db()
    accept(again, by="cheshire-police")
    case.refresh_from_db()
    assert case.area == "Halton"
    change = FieldChange.objects.get(object_type="case", object_id=case.pk, field="area")
    assert (change.old_value, change.new_value) == ("", "Halton")


def test_the_triage_lead_corrects_the_area_with_a_reason_that_is_audited(as_user, east_case, staff, give_reason):
    client = give_reason(as_user("cheshire-police"), east_case)  # the triage lead need not work the case
    url = reverse("cases:area", args=[east_case.pk])
    form = client.get(url).content.decode()
    assert '<option value="Cheshire East" selected>' in form
    response = client.post(url, {"area": "Warrington", "reason": "PNC shows his address is in Warrington.", "version": 0})
    assert response.status_code == 302
    east_case.refresh_from_db()
    assert east_case.area == "Warrington"
    event = AuditEvent.objects.get(action="case.set_area")
    assert event.username == "cheshire-police"
    assert event.reason == "PNC shows his address is in Warrington."
    change = event.field_changes.get()
    assert (change.field, change.old_value, change.new_value) == ("area", "Cheshire East", "Warrington")

    # The rule reads the corrected area: direct work is now offered.
    response = give_reason(as_user("cheshire-health"), east_case).post(
        reverse("interventions:add", args=[east_case.pk]),
        {
            "intervention_type": shipped_type("brief_therapeutic").pk,
            "mode": "direct",
            "delivered_by": staff["cheshire-health"].pk,
            **date_fields("offered_on", days_ago(1)),
        },
    )
    assert response.status_code == 302
    assert Intervention.objects.get().area == "Warrington"


@pytest.mark.parametrize(
    "data, field_error",
    [
        ({"area": "Atlantis", "reason": "Moved.", "version": 0}, "Select an area of Cheshire"),
        ({"area": "Halton", "reason": "  ", "version": 0}, "Enter why the area is being set or corrected"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_changes(as_user, east_case, data, field_error, give_reason):
    response = give_reason(as_user("cheshire-police"), east_case).post(reverse("cases:area", args=[east_case.pk]), data)
    assert response.status_code == 200
    assert field_error in response.content.decode()
    east_case.refresh_from_db()
    assert east_case.area == "Cheshire East"
    assert not AuditEvent.objects.filter(action="case.set_area").exists()


@pytest.mark.parametrize("username", ["cheshire-health", "cheshire-advocate"])
def test_practitioners_who_record_the_work_cannot_move_the_case(as_user, east_case, give_reason, username):
    client = as_user(username)
    give_reason(client, east_case)
    page = client.get(reverse("cases:detail", args=[east_case.pk])).content.decode()
    assert 'id="case-area">Cheshire East' in page
    assert reverse("cases:area", args=[east_case.pk]) not in page
    url = reverse("cases:area", args=[east_case.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"area": "Warrington", "reason": "So I can offer therapy."}).status_code == 403
    east_case.refresh_from_db()
    assert east_case.area == "Cheshire East"


def test_another_partnership_does_not_find_the_case(as_user, east_case):
    url = reverse("cases:area", args=[east_case.pk])
    assert as_user("london-manager").post(url, {"area": "Warrington", "reason": "x"}).status_code == 404
