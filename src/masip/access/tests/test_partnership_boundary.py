"""A user of one partnership gets "not found" for another partnership's records,
through every page; roles without case work are refused case pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from masip.cases.models import Case


@pytest.fixture
def london_records(london, make_referral, accept):
    referral = make_referral(london)
    accept(referral)
    waiting = make_referral(london, suspect="Waiting Suspect", victim="Waiting Victim")
    case = Case.objects.get()
    person = referral.parties.get(role="suspect").person
    return {"referral": referral, "waiting": waiting, "case": case, "person": person}


def record_urls(records, slug="london"):
    return [
        reverse("referrals:detail", args=[records["referral"].pk]),
        reverse("referrals:triage", args=[records["waiting"].pk]),
        reverse("cases:detail", args=[records["case"].pk]),
        reverse("people:detail", args=[records["person"].pk]),
        reverse("referrals:triage_queue", args=[slug]),
        reverse("referrals:list", args=[slug]),
        reverse("referrals:create", args=[slug]),
        reverse("cases:list", args=[slug]),
    ]


@pytest.mark.parametrize(
    "username", ["london-police", "london-health", "london-advocate", "london-probation"]
)
def test_members_of_the_partnership_can_read_its_records(as_user, give_reason, london_records, username):
    client = give_reason(as_user(username), london_records["case"])
    for url in record_urls(london_records):
        if "/triage/" in url and url.startswith("/referrals/") and username != "london-police":
            continue  # only those the operating model names may open the triage form
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("username", ["cheshire-police", "cheshire-manager", "hampshire-police"])
def test_other_partnerships_get_not_found_everywhere(as_user, london_records, username):
    client = as_user(username)
    for url in record_urls(london_records):
        assert client.get(url).status_code == 404, url


def test_posting_to_another_partnerships_triage_changes_nothing(as_user, london_records):
    waiting = london_records["waiting"]
    response = as_user("cheshire-support").post(
        reverse("referrals:triage", args=[waiting.pk]), {"is_stalking": "yes", "outcome": "accept"}
    )
    assert response.status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == "untriaged"


@pytest.mark.parametrize("username", ["pmo", "evaluator"])
def test_roles_without_case_work_see_no_case_records(as_user, london_records, username):
    client = as_user(username)
    for url in record_urls(london_records):
        assert client.get(url).status_code in (403, 404), url
    assert b"does not include case work" in client.get(reverse("workspace:home")).content


def test_search_only_finds_own_partnership(as_user, london_records, cheshire, make_referral):
    make_referral(cheshire, by="cheshire-support", suspect="Ryan Cole", victim="Cheshire Victim")
    html = as_user("london-police").get(reverse("workspace:search") + "?q=cole").content.decode()
    assert html.count("Ryan Cole") == 1
    html = (
        as_user("cheshire-police")
        .get(reverse("workspace:search") + "?q=" + london_records["case"].reference)
        .content.decode()
    )
    assert "0 results" in html
    assert reverse("cases:detail", args=[london_records["case"].pk]) not in html


def test_unknown_ids_are_not_found(as_user, london_records):
    client = as_user("london-police")
    assert client.get("/cases/999999/").status_code == 404
    assert client.get("/referrals/999999/").status_code == 404


def test_signed_out_users_are_sent_to_sign_in(client, london_records):
    response = client.get(reverse("cases:detail", args=[london_records["case"].pk]))
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
