"""Recording a referral through the form, as a member of staff would."""

from __future__ import annotations

import pytest
from django.urls import reverse

from masip.people.models import ContactDetail, Person, PersonAlias
from masip.referrals.models import Referral, ReferralParty, ReportedIncident


def form_data(**overrides):
    data = {
        "action": "save",
        "victim_count": "1",
        "incident_count": "1",
        "referral-source_agency_kind": "police",
        "referral-source_agency_name": "Response team",
        "referral-channel": "police_scan",
        "referral-received_on_0": "20",
        "referral-received_on_1": "11",
        "referral-received_on_2": "2026",
        "referral-crime_reference": "4401234/26",
        "referral-recorded_offence": "s2",
        "referral-area": "East Area",
        "referral-behaviours": ["messages", "threats"],
        "referral-summary": "Messages every night since the relationship ended.",
        "referral-referrer_name": "PC Jo Bell",
        "referral-referrer_email": "jo.bell@example.org",
        "suspect-full_name": "Ryan Cole",
        "suspect-aliases": "ryancole_x",
        "suspect-date_of_birth_0": "4",
        "suspect-date_of_birth_1": "3",
        "suspect-date_of_birth_2": "1985",
        "suspect-sex": "male",
        "suspect-pnc": "2018/0047311K",  # not the form's own example, which a page shows to everyone
        "victim-0-full_name": "Emma Hart",
        "victim-0-relationship": "ex_intimate",
        "victim-0-sex": "female",
        "victim-0-address": "12 Linden Way, East Area",
        "incident-0-occurred_on_0": "18",
        "incident-0-occurred_on_1": "11",
        "incident-0-occurred_on_2": "2026",
        "incident-0-description": "Forty messages in one evening.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def url(london):
    return reverse("referrals:create", args=[london.slug])


def test_form_renders_for_a_member(as_user, url):
    response = as_user("london-advocate").get(url)
    assert response.status_code == 200
    assert b"Record a referral" in response.content


def test_valid_referral_is_saved_with_its_people_and_incidents(as_user, url, london):
    response = as_user("london-police").post(url, form_data())
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "referrals:detail", args=[referral.pk]
    )
    assert referral.reference == "LON-R00001"
    assert referral.partnership == london
    assert referral.crime_reference == "4401234/26"
    assert referral.behaviours == ["messages", "threats"]
    assert referral.urgency > 0 and referral.status == "untriaged"
    suspect = ReferralParty.objects.get(referral=referral, role="suspect").person
    assert suspect.full_name == "Ryan Cole" and suspect.date_of_birth.year == 1985
    assert list(suspect.aliases.values_list("name", flat=True)) == ["ryancole_x"]
    assert suspect.identifiers.get().value == "2018/0047311K"
    victim = ReferralParty.objects.get(referral=referral, role="victim")
    assert victim.relationship_to_suspect == "ex_intimate"
    assert ContactDetail.objects.get(person=victim.person).value == "12 Linden Way, East Area"
    assert ReportedIncident.objects.get(referral=referral).description == "Forty messages in one evening."


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            {"referral-received_on_0": "31", "referral-received_on_1": "2"},
            "Date received must be a real date",
        ),
        ({"referral-received_on_2": "2099"}, "Date received must be today or in the past"),
        ({"referral-channel": ""}, "Select how the referral arrived"),
        ({"referral-summary": ""}, "Enter what was reported"),
        ({"referral-summary": "x" * 5001}, "What was reported must be 5000 characters or fewer"),
        (
            {"referral-crime_reference": "not a ref!"},
            "Enter the crime reference in the format London uses, like 4401234/19",
        ),
        ({"referral-behaviours": []}, "Select at least one behaviour reported"),
        (
            {"suspect-full_name": "", "suspect-description": ""},
            "Enter the suspect&#x27;s name, or a description if the name is not known",
        ),
        ({"victim-0-relationship": ""}, "Select the suspect&#x27;s relationship to this victim"),
        ({"suspect-nhs": "943 476 5918"}, "Enter a valid 10-digit NHS number, like 943 476 5919"),
        (
            {"suspect-email": "not-an-email"},
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            {"incident-0-occurred_on_0": "25"},
            "Date of the incident must be on or before the date the referral was received",
        ),
        ({"suspect-age_range": "25_34"}, "Enter a date of birth or an age range, not both"),
        ({"referral-source_agency_kind": "martians"}, "Select a valid option for referring agency"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(as_user, url, overrides, message):
    response = as_user("london-police").post(url, form_data(**overrides))
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert message.encode() in response.content
    assert Referral.objects.count() == 0 and Person.objects.count() == 0


def test_typed_values_are_kept_after_an_error(as_user, url):
    response = as_user("london-police").post(url, form_data(**{"referral-summary": ""}))
    assert b'value="Ryan Cole"' in response.content
    assert b"Forty messages in one evening." in response.content


def test_a_description_is_enough_for_an_unknown_suspect(as_user, url):
    data = form_data(
        **{
            "suspect-full_name": "",
            "suspect-description": "Man at the gym",
            "suspect-date_of_birth_0": "",
            "suspect-date_of_birth_1": "",
            "suspect-date_of_birth_2": "",
            "suspect-pnc": "",
            "suspect-aliases": "",
        }
    )
    as_user("london-police").post(url, data)
    suspect = ReferralParty.objects.get(role="suspect").person
    assert suspect.display_name == "Unnamed (Man at the gym)"


def test_blank_incident_is_ignored(as_user, url):
    data = form_data(
        **{
            "incident-0-occurred_on_0": "",
            "incident-0-occurred_on_1": "",
            "incident-0-occurred_on_2": "",
            "incident-0-description": "",
        }
    )
    as_user("london-police").post(url, data)
    assert Referral.objects.count() == 1 and ReportedIncident.objects.count() == 0


def test_add_another_victim_keeps_what_was_typed_without_errors(as_user, url):
    response = as_user("london-police").post(url, form_data(action="add-victim", **{"referral-summary": ""}))
    assert response.status_code == 200
    assert b"There is a problem" not in response.content
    assert b'name="victim-1-full_name"' in response.content
    assert b'value="Emma Hart"' in response.content
    assert Referral.objects.count() == 0


def test_remove_a_victim_closes_the_gap(as_user, url):
    data = form_data(action="remove-victim-0", victim_count="2", **{"victim-1-full_name": "Second Victim"})
    response = as_user("london-police").post(url, data)
    assert b'value="Second Victim"' in response.content
    assert b'name="victim-1-full_name"' not in response.content


def test_two_victims_are_both_saved(as_user, url):
    data = form_data(
        victim_count="2",
        **{"victim-1-full_name": "Zara Hart", "victim-1-relationship": "family", "victim-1-sex": "female"},
    )
    as_user("london-police").post(url, data)
    assert ReferralParty.objects.filter(role="victim").count() == 2


class TestSearchBeforeCreate:
    def test_known_person_is_offered_before_a_new_one_is_created(self, as_user, url, london, make_referral):
        from datetime import date

        earlier = make_referral(
            london, suspect="Ryan Cole", suspect_dob=date(1985, 3, 4), victim="Someone Else"
        )
        existing = earlier.parties.get(role="suspect").person
        client = as_user("london-police")
        response = client.post(url, form_data(**{"suspect-full_name": "COLE Ryan"}))
        assert response.status_code == 200
        assert b"Is this someone already known to London?" in response.content
        assert f'value="{existing.pk}"'.encode() in response.content
        assert Referral.objects.count() == 1  # nothing saved yet

        # Choosing the known person links the referral to them and keeps the new spelling as an alias.
        response = client.post(
            url,
            form_data(
                **{
                    "suspect-full_name": "COLE Ryan",
                    "suspect-match": str(existing.pk),
                    "suspect-matches_offered": "1",
                }
            ),
        )
        assert response.status_code == 302
        referral = Referral.objects.latest("id")
        assert referral.parties.get(role="suspect").person == existing
        assert Person.objects.filter(full_name__iexact="ryan cole").count() == 1
        assert PersonAlias.objects.filter(person=existing, name="ryancole_x").exists()

    def test_choosing_new_creates_a_separate_person(self, as_user, url, london, make_referral):
        from datetime import date

        make_referral(london, suspect="Ryan Cole", suspect_dob=date(1985, 3, 4), victim="Someone Else")
        client = as_user("london-police")
        client.post(url, form_data())
        response = client.post(url, form_data(**{"suspect-match": "new", "suspect-matches_offered": "1"}))
        assert response.status_code == 302
        assert Person.objects.filter(full_name="Ryan Cole").count() == 2

    def test_unanswered_offer_is_an_error(self, as_user, url, london, make_referral):
        from datetime import date

        make_referral(london, suspect="Ryan Cole", suspect_dob=date(1985, 3, 4), victim="Someone Else")
        response = as_user("london-police").post(url, form_data(**{"suspect-matches_offered": "1"}))
        assert b"Select whether the suspect is someone already known or a new person" in response.content
        assert Referral.objects.count() == 1

    def test_people_of_another_partnership_are_never_offered(self, as_user, url, cheshire, make_referral):
        from datetime import date

        make_referral(cheshire, by="cheshire-support", suspect="Ryan Cole", suspect_dob=date(1985, 3, 4))
        response = as_user("london-police").post(url, form_data())
        assert response.status_code == 302  # no match offered: saved straight away
        assert Person.objects.filter(full_name="Ryan Cole").count() == 2

    def test_forged_match_id_from_another_partnership_is_refused(self, as_user, url, cheshire, make_referral):
        from datetime import date

        other = make_referral(
            cheshire, by="cheshire-support", suspect="Ryan Cole", suspect_dob=date(1985, 3, 4)
        )
        foreign = other.parties.get(role="suspect").person
        before = Referral.objects.count()
        response = as_user("london-police").post(
            url, form_data(**{"suspect-match": str(foreign.pk), "suspect-matches_offered": "1"})
        )
        # The forged choice is not among London's matches, so it is dropped and the referral saved as new.
        assert response.status_code == 302
        saved = Referral.objects.latest("id")
        assert saved.parties.get(role="suspect").person != foreign
        assert Referral.objects.count() == before + 1


def test_same_crime_reference_is_flagged_as_a_possible_duplicate(as_user, url, london, make_referral):
    first = make_referral(london, crime_reference="4401234/26", suspect="Someone Else", victim="Other Victim")
    client = as_user("london-police")
    response = client.post(url, form_data())
    assert b"Possible duplicate" in response.content and first.reference.encode() in response.content
    assert Referral.objects.count() == 1
    response = client.post(url, form_data(**{"referral-duplicate_offered": "1"}))
    assert b"Confirm this is a separate referral, or change the crime reference" in response.content
    response = client.post(
        url, form_data(**{"referral-duplicate_offered": "1", "referral-confirm_duplicate": "on"})
    )
    assert response.status_code == 302
    assert Referral.objects.latest("id").possible_duplicate_of == first


def test_another_partnerships_form_is_not_found(as_user, cheshire):
    response = as_user("london-police").get(reverse("referrals:create", args=[cheshire.slug]))
    assert response.status_code == 404


def test_pmo_cannot_record_referrals(as_user, url):
    assert as_user("pmo").get(url).status_code == 403
