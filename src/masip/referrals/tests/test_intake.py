"""One door for referrals (referrals.intake): the form and the API both match people already
known and join the suspect's open case; what a machine cannot decide waits in triage."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from masip.audit.models import AuditEvent
from masip.cases.models import Case, ReviewTrigger
from masip.people.models import Person, PersonAlias
from masip.people.services import PersonDetails, person_add_details
from masip.referrals.models import Referral, ReferralParty, TriageDecision
from masip.referrals.tests.test_referral_form import form_data
from masip.referrals.tests.test_triage import decide

DOB = date(1985, 3, 4)
API_URL = "/api/v1/partnerships/london/referrals/"


def api_referral(suspect: dict, **overrides) -> dict:
    body = {
        "source_agency_kind": "police", "channel": "police_scan", "received_on": "2026-11-20",
        "crime_reference": "4409999/26", "recorded_offence": "s2", "behaviours": ["messages"],
        "summary": "New messages after the order.", "suspect": suspect,
        "victims": [{"full_name": "Zoe Price", "relationship_to_suspect": "acquaintance"}],
    }
    body.update(overrides)
    return body


@pytest.fixture
def api(staff):
    client = APIClient()
    token = Token.objects.create(user=staff["london-police"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def open_case(london, make_referral, accept):
    """Ryan Cole, born 4 March 1985 (PNC 2019/0012345X), with an open case."""
    first = make_referral(london, suspect="Ryan Cole", suspect_dob=DOB)
    suspect = first.parties.get(role="suspect").person
    person_add_details(person=suspect, details=PersonDetails(identifiers={"pnc": "2019/0012345X"}))
    accept(first)
    return Case.objects.get()


class TestApiJoinsTheOpenCase:
    @pytest.mark.parametrize(
        "suspect",
        [
            {"full_name": "Ryan Cole", "date_of_birth": "1985-03-04"},  # same name and date of birth
            {"full_name": "COLE, Rian", "pnc": "2019/0012345x"},  # misspelt, but the same PNC ID
        ],
    )
    def test_a_known_suspect_joins_the_open_case_and_no_second_case_opens(
        self, api, as_user, open_case, suspect
    ):
        response = api.post(API_URL, api_referral(suspect), format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["people"][0] == {"role": "suspect", "linked": "matched", "candidates": 0}
        assert body["open_case"] == open_case.reference and not body["waiting_for_confirmation"]
        referral = Referral.objects.get(reference=body["reference"])
        assert referral.parties.get(role="suspect").person == open_case.suspect
        # The case is brought back for re-review at once, before triage.
        trigger = ReviewTrigger.objects.get(case=open_case, referral=referral)
        assert trigger.kind == "new_referral" and trigger.resolved_at is None

        response = decide(as_user("london-police"), referral)
        assert response["Location"] == reverse("cases:detail", args=[open_case.pk])
        assert Case.objects.count() == 1
        assert TriageDecision.objects.get(referral=referral).joined_existing_case
        assert ReviewTrigger.objects.filter(case=open_case, referral=referral).count() == 1  # not raised twice
        assert open_case.parties.filter(role="victim", person__full_name="Zoe Price").exists()
        assert Person.objects.filter(full_name__in=["Ryan Cole", "COLE, Rian"]).count() == 1

    def test_the_link_is_logged_with_how_it_was_made(self, api, open_case):
        api.post(API_URL, api_referral({"full_name": "Ryan Cole", "date_of_birth": "1985-03-04"}), format="json")
        event = AuditEvent.objects.get(action="person.link_existing")
        assert event.operation == "combination"
        assert "Matched when the referral arrived: same name, same date of birth" in event.details["how"][0]
        assert AuditEvent.objects.filter(action="person.match", operation="consultation").exists()

    def test_a_known_victim_is_linked_too(self, api, london, open_case):
        body = api_referral(
            {"full_name": "Someone New"},
            victims=[{"full_name": "Emma Hart", "relationship_to_suspect": "ex_intimate", "date_of_birth": None}],
        )
        victim = open_case.parties.get(role="victim").person
        person_add_details(person=victim, details=PersonDetails(date_of_birth=date(1990, 5, 6)))
        body["victims"][0]["date_of_birth"] = "1990-05-06"
        response = api.post(API_URL, body, format="json").json()
        assert response["people"][1]["linked"] == "matched"
        assert ReferralParty.objects.get(referral_id=response["id"], role="victim").person == victim


class TestApiWaitsWhenItCannotDecide:
    @pytest.fixture
    def harry(self, london, make_referral, accept):
        referral = make_referral(london, suspect="Harry Saunders", suspect_dob=date(1990, 6, 2), victim="Ann Lee")
        accept(referral)
        return referral.parties.get(role="suspect").person

    def test_an_ambiguous_suspect_waits_in_triage_with_candidates(self, api, as_user, harry):
        response = api.post(API_URL, api_referral({"full_name": "Harry Sanders"}), format="json")
        body = response.json()
        assert response.status_code == 201 and body["waiting_for_confirmation"]
        assert body["people"][0] == {"role": "suspect", "linked": "waiting", "candidates": 1}
        assert body["open_case"] is None  # who the suspect is has not been confirmed
        party = ReferralParty.objects.get(referral_id=body["id"], role="suspect")
        assert party.match_pending and party.candidate_matches[0]["person_id"] == harry.pk
        assert party.person != harry
        assert not ReviewTrigger.objects.exists()
        read = api.get(f"/api/v1/referrals/{body['id']}/").json()
        assert [p["awaiting_confirmation"] for p in read["parties"]] == [False, True]  # victim, suspect

        client = as_user("london-police")
        queue = client.get(reverse("referrals:triage_queue", args=["london"])).content.decode()
        assert "Confirm who this is" in queue and reverse("referrals:confirm_people", args=[body["id"]]) in queue
        # Triage starts with the confirmation step, and no decision can skip it.
        page = client.get(reverse("referrals:triage", args=[body["id"]]))
        assert page["Location"] == reverse("referrals:confirm_people", args=[body["id"]])
        refused = decide(client, party.referral)
        assert b"Confirm who the suspect named in this referral is before triage" in refused.content
        assert not TriageDecision.objects.filter(referral_id=body["id"]).exists()

    def test_confirming_the_match_links_the_known_person_and_joins_the_open_case(self, api, as_user, harry):
        body = api.post(
            API_URL, api_referral({"full_name": "Harry Sanders", "pnc": "2020/0000001A"}), format="json"
        ).json()
        party = ReferralParty.objects.get(referral_id=body["id"], role="suspect")
        provisional = party.person
        client = as_user("london-police")
        url = reverse("referrals:confirm_people", args=[body["id"]])
        page = client.get(url).content.decode()
        assert "Who is the suspect Harry Sanders?" in page and "Harry Saunders" in page
        assert "similar name (sounds alike or spelt nearly the same)" in page

        response = client.post(url, {"party": party.pk, "person": harry.pk})
        assert response.status_code == 302
        party.refresh_from_db()
        assert party.person == harry and not party.match_pending
        assert "Confirmed at triage by" in party.match_note
        assert not Person.objects.filter(pk=provisional.pk).exists()  # merged into Harry's record
        assert PersonAlias.objects.filter(person=harry, name="Harry Sanders").exists()
        assert harry.identifiers.filter(scheme="pnc", value="2020/0000001A").exists()
        event = AuditEvent.objects.get(action="person.confirm_match")
        assert event.operation == "combination" and event.username == "london-police"
        assert event.details["strength"] == "possible"
        assert ReviewTrigger.objects.filter(case=Case.objects.get(), referral_id=body["id"]).exists()

        # Nothing left to confirm: the step hands over to triage, and acceptance joins Harry's case.
        assert client.get(url)["Location"] == reverse("referrals:triage", args=[body["id"]])
        decide(client, party.referral)
        assert Case.objects.count() == 1
        assert TriageDecision.objects.get(referral_id=body["id"]).joined_existing_case

    def test_confirming_a_new_person_keeps_them_separate(self, api, as_user, harry):
        body = api.post(API_URL, api_referral({"full_name": "Harry Sanders"}), format="json").json()
        party = ReferralParty.objects.get(referral_id=body["id"], role="suspect")
        client = as_user("london-police")
        url = reverse("referrals:confirm_people", args=[body["id"]])
        assert client.post(url, {"party": party.pk}).status_code == 200  # nothing chosen
        assert b"Select the person already known, or that this is a new person" in client.post(
            url, {"party": party.pk}
        ).content
        client.post(url, {"party": party.pk, "person": "new"})
        party.refresh_from_db()
        assert not party.match_pending and party.person != harry
        assert AuditEvent.objects.filter(action="person.confirm_new", operation="alteration").exists()
        decide(client, party.referral)
        assert Case.objects.count() == 2

    def test_only_a_listed_candidate_can_be_chosen(self, api, as_user, harry, london, staff):
        from masip.people.services import person_create

        stranger = person_create(
            partnership=london, acting_user=staff["london-police"], details=PersonDetails(full_name="Other Person")
        )
        body = api.post(API_URL, api_referral({"full_name": "Harry Sanders"}), format="json").json()
        party = ReferralParty.objects.get(referral_id=body["id"], role="suspect")
        response = as_user("london-police").post(
            reverse("referrals:confirm_people", args=[body["id"]]), {"party": party.pk, "person": stranger.pk}
        )
        assert response.status_code == 200 and b"Select one of the people listed" in response.content
        party.refresh_from_db()
        assert party.match_pending

    def test_two_equally_strong_matches_wait_for_a_person(self, api, london, staff, harry):
        from masip.people.services import person_create

        person_create(
            partnership=london, acting_user=staff["london-police"],
            details=PersonDetails(full_name="Harry Saunders", date_of_birth=date(1990, 6, 2)),
        )
        body = api.post(
            API_URL, api_referral({"full_name": "Harry Saunders", "date_of_birth": "1990-06-02"}), format="json"
        ).json()
        assert body["people"][0] == {"role": "suspect", "linked": "waiting", "candidates": 2}

    def test_only_those_who_triage_confirm(self, api, as_user, harry):
        body = api.post(API_URL, api_referral({"full_name": "Harry Sanders"}), format="json").json()
        party = ReferralParty.objects.get(referral_id=body["id"], role="suspect")
        url = reverse("referrals:confirm_people", args=[body["id"]])
        assert as_user("london-health").post(url, {"party": party.pk, "person": harry.pk}).status_code == 403
        assert as_user("cheshire-police").get(url).status_code == 404
        party.refresh_from_db()
        assert party.match_pending


class TestFormJoinsTheOpenCase:
    def test_a_known_suspect_chosen_at_the_form_brings_the_case_back_and_joins_it(
        self, as_user, london, open_case
    ):
        client = as_user("london-police")
        url = reverse("referrals:create", args=[london.slug])
        data = form_data(**{"referral-crime_reference": "4407777/26", "victim-0-full_name": "Zoe Price"})
        offered = client.post(url, data)
        assert b"Is this someone already known to London?" in offered.content
        response = client.post(
            url, {**data, "suspect-match": str(open_case.suspect_id), "suspect-matches_offered": "1"}, follow=True
        )
        assert f"The suspect&#x27;s case {open_case.reference} is open".encode() in response.content
        referral = Referral.objects.latest("id")
        assert ReviewTrigger.objects.filter(case=open_case, referral=referral).count() == 1
        decide(client, referral)
        assert Case.objects.count() == 1


def test_the_api_and_the_form_refuse_the_same_crime_reference(api, as_user, london):
    response = api.post(API_URL, api_referral({"full_name": "A B"}, crime_reference="not a ref!"), format="json")
    assert response.status_code == 400
    message = "Enter the crime reference in the format London uses, like 4401234/19"
    assert response.json()["crime_reference"] == [message]
    page = as_user("london-police").post(
        reverse("referrals:create", args=[london.slug]), form_data(**{"referral-crime_reference": "not a ref!"})
    )
    assert message.encode() in page.content
    assert not Referral.objects.exists()


def test_api_rejects_a_bad_nhs_number_and_saves_nothing(api, london):
    response = api.post(API_URL, api_referral({"full_name": "A B", "nhs_number": "943 476 5918"}), format="json")
    assert response.status_code == 400 and "nhs_number" in response.json()["suspect"]
    assert not Referral.objects.exists() and not Person.objects.exists()
