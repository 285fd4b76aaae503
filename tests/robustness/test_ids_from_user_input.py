"""Ids typed, posted or put in a query string are read by one helper (core.ids.parse_id):
non-ASCII digits and numbers past 64 bits are refused like any other wrong id, never a 500
(issue 10, items 11 and 12)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from masip.referrals.tests.test_referral_form import form_data

SUPERSCRIPT_TWO = "²"  # str.isdigit() says yes; int() says no
BEYOND_64_BITS = "99999999999999999999"


@pytest.fixture
def client_of(client, staff):
    def sign_in(username):
        client.force_login(staff[username])
        client.raise_request_exception = True  # a server error fails the test with its traceback
        return client

    return sign_in


@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, BEYOND_64_BITS, "١٢", "-1", "0"])
@pytest.mark.parametrize(
    "name, kwargs_of, parameter",
    [
        ("meetings:list", "slug", "series"),
        ("meetings:schedule", "slug", "series"),
        ("meetings:detail", "meeting", "item"),
        ("meetings:minutes", "meeting", "for"),
        ("meetings:actions", "slug", "agency"),
        ("monitoring:incident_add", "case", "breach_of"),
    ],
)
def test_an_id_in_the_query_string_that_is_not_one_is_ignored(client_of, world, name, kwargs_of, parameter, value):
    response = client_of("london-police").get(reverse(name, kwargs=world[kwargs_of]), {parameter: value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, BEYOND_64_BITS])
def test_choosing_a_known_person_by_a_wrong_id_is_refused(client_of, london, value):
    response = client_of("london-police").post(
        reverse("referrals:create", args=[london.slug]), form_data(**{"suspect-match": value})
    )
    assert response.status_code == 200
    assert "The choice of existing person was not understood; choose again" in response.content.decode()


@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, BEYOND_64_BITS])
def test_a_triage_decision_based_on_a_wrong_id_is_still_judged(client_of, london, make_referral, value):
    referral = make_referral(london)
    response = client_of("london-police").post(
        reverse("referrals:triage", args=[referral.pk]),
        {"is_stalking": "yes", "outcome": "accept", "based_on": value},
    )
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, BEYOND_64_BITS, "-" + BEYOND_64_BITS])
def test_allocating_staff_by_an_id_that_is_not_one_is_refused(client_of, world, value):
    response = client_of("london-police").post(
        reverse("cases:edit", kwargs=world["case"]), {"allocated_staff": [value], "lead_officer": value}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid option for staff working the case" in html
    assert "Select a valid option for lead" in html


@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, BEYOND_64_BITS])
def test_meeting_forms_refuse_agencies_and_people_by_wrong_ids(client_of, world, value):
    response = client_of("london-police").post(
        reverse("meetings:item_action", kwargs=world["agenda_item"]),
        {"action-description": "Call the victim", "action-owner_agency": value, "action-owner_user": value,
         "action-due_on_0": "1", "action-due_on_1": "1", "action-due_on_2": "2030"},
    )
    assert response.status_code < 500


@pytest.mark.parametrize("page_number", [BEYOND_64_BITS, SUPERSCRIPT_TWO, "0", "-1", "x"])
def test_api_page_that_is_not_a_page_number_is_a_json_400(staff, london, page_number):
    api = APIClient()
    api.force_authenticate(staff["london-police"])
    response = api.get("/api/v1/partnerships/london/referrals/", {"page": page_number})
    assert response.status_code == 400
    assert "whole number from 1 to" in response.json()["page"][0]


def test_api_page_far_beyond_the_last_is_empty(staff, london, make_referral):
    make_referral(london)
    api = APIClient()
    api.force_authenticate(staff["london-police"])
    response = api.get("/api/v1/partnerships/london/referrals/", {"page": "92233720368547758"})
    assert response.status_code == 200 and response.json() == {"page": 92233720368547758, "results": []}
