"""Who sees which category of information, under which agreement."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from masip.access.models import Category, InformationSharingAgreement
from masip.access.sharing import sharing_view
from masip.audit.models import AuditEvent
from masip.cases.models import Case
from masip.partnerships.models import Agency
from masip.sharing.models import InformationEntry
from masip.sharing.services import health_summary_share, information_record


@pytest.fixture
def case(london, make_referral, accept, staff):
    accept(make_referral(london))
    case = Case.objects.get()
    for username in ("london-health", "london-advocate", "london-probation"):
        case.allocations.create(user=staff[username])
    return case


def record(case, staff, username, category, title):
    return information_record(case=case, acting_user=staff[username], category=category, title=title, body=title + ".")


def visible_titles(client, case):
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    return html


@pytest.mark.parametrize(
    "author, category, readers, hidden_from",
    [
        ("london-police", Category.POLICE_INTELLIGENCE, ["london-police", "london-probation"], ["london-health", "london-advocate"]),
        ("london-health", Category.HEALTH_CLINICAL, ["london-health"], ["london-police", "london-probation", "london-advocate"]),
        ("london-probation", Category.PROBATION, ["london-probation", "london-police"], ["london-health", "london-advocate"]),
        ("london-advocate", Category.ADVOCACY_NOTES, ["london-advocate"], ["london-police", "london-health", "london-probation"]),
        ("london-advocate", Category.VICTIM_CONTACT, ["london-advocate", "london-police"], ["london-health", "london-probation"]),
        ("london-advocate", Category.SAFEGUARDING_CHILDREN, ["london-advocate", "london-police", "london-health"], ["london-probation"]),
        ("london-police", Category.CASE_MANAGEMENT, ["london-police", "london-health", "london-advocate", "london-probation"], []),
    ],
)
def test_each_category_reaches_only_those_who_need_it(as_user, case, staff, author, category, readers, hidden_from):
    record(case, staff, author, category, "Marker text for this entry")
    for username in readers:
        assert "Marker text for this entry" in visible_titles(as_user(username), case), username
    for username in hidden_from:
        assert "Marker text for this entry" not in visible_titles(as_user(username), case), username


def test_an_expired_agreement_stops_sharing_from_the_next_request(as_user, case, staff, london):
    record(case, staff, "london-police", Category.POLICE_INTELLIGENCE, "Warning notice history")
    client = as_user("london-probation")
    assert "Warning notice history" in visible_titles(client, case)
    InformationSharingAgreement.objects.filter(partnership=london).update(valid_to=timezone.localdate() - timedelta(days=1))
    assert "Warning notice history" not in visible_titles(client, case)


def test_own_agency_always_sees_its_own_information(case, staff, london):
    InformationSharingAgreement.objects.filter(partnership=london).delete()
    entry = record(case, staff, "london-health", Category.HEALTH_CLINICAL, "Clinic notes")
    view = sharing_view(staff["london-health"], london)
    assert InformationEntry.objects.filter(view.visible_q()).get() == entry


class TestHealthSummaries:
    def test_shared_summary_is_seen_by_the_recipient_only(self, as_user, case, staff):
        police = Agency.objects.get(name="Metropolitan Police Service")
        health_summary_share(case=case, acting_user=staff["london-health"], recipient=police,
                             summary="Engaging with treatment", purpose="Plan the arrest safely")
        assert "Engaging with treatment" in visible_titles(as_user("london-police"), case)
        assert "Engaging with treatment" not in visible_titles(as_user("london-probation"), case)
        assert "Engaging with treatment" in visible_titles(as_user("london-health"), case)
        event = AuditEvent.objects.get(action="information.share_health_summary")
        assert event.operation == "disclosure" and event.recipient == "Met Police"
        assert event.reason == "Plan the arrest safely"

    def test_refused_without_a_valid_agreement_naming_it(
        self, as_user, hampshire, make_referral, accept, staff, complete_assessment, give_reason
    ):
        referral = make_referral(hampshire, by="hampshire-police")
        complete_assessment("sdash", referral=referral, by="hampshire-police")
        accept(referral, by="hampshire-police")
        case = Case.objects.get()
        police = Agency.objects.get(name="Hampshire Constabulary")
        response = give_reason(as_user("hampshire-health"), case).post(
            reverse("sharing:health_summary_add", args=[case.pk]),
            {"recipient": police.pk, "summary": "Summary", "purpose": "Clinic planning"},
        )
        assert response.status_code == 200
        text = response.content.decode().replace("&#x27;", "'")
        assert "No information sharing agreement covers sharing health and clinical information between Recolo and Hampshire Police" in text
        assert "'Hampshire health information sharing agreement' expired on" in text
        assert not case.health_summaries.exists()

    def test_only_health_staff_share_summaries(self, as_user, case):
        response = as_user("london-police").get(reverse("sharing:health_summary_add", args=[case.pk]))
        assert response.status_code == 403

    def test_missing_purpose_is_refused(self, as_user, case):
        police = Agency.objects.get(name="Metropolitan Police Service")
        response = as_user("london-health").post(
            reverse("sharing:health_summary_add", args=[case.pk]), {"recipient": police.pk, "summary": "x", "purpose": ""}
        )
        assert b"Enter purpose of sharing" in response.content


class TestVictimContactDetails:
    def test_shown_only_to_roles_that_need_them(self, as_user, london, make_referral):
        from masip.people.services import PersonDetails, person_add_details

        referral = make_referral(london)
        victim = referral.parties.get(role="victim").person
        person_add_details(person=victim, details=PersonDetails(address="7 Refuge Road"))
        url = reverse("people:detail", args=[victim.pk])
        assert b"7 Refuge Road" in as_user("london-advocate").get(url).content
        assert b"7 Refuge Road" in as_user("london-police").get(url).content
        for username in ("london-health", "london-probation"):
            response = as_user(username).get(url)
            assert b"7 Refuge Road" not in response.content
            assert b"shown only to the agencies that need them" in response.content

    def test_suspects_contact_details_are_not_protected(self, as_user, london, make_referral):
        from masip.people.services import PersonDetails, person_add_details

        suspect = make_referral(london).parties.get(role="suspect").person
        person_add_details(person=suspect, details=PersonDetails(address="3 Mill Street"))
        assert b"3 Mill Street" in as_user("london-health").get(reverse("people:detail", args=[suspect.pk])).content


class TestAgreementValidation:
    def _form(self, london, **overrides):
        from masip.access.admin import AgreementForm

        # The Met and the helpline share no agreement yet, so a new one overlaps nothing.
        parties = [Agency.objects.get(name="Metropolitan Police Service"), Agency.objects.get(name="National Stalking Helpline")]
        data = {
            "partnership": london.pk, "title": "New ISA", "reference": "X", "parties": [a.pk for a in parties],
            "categories": ["probation"], "lawful_basis": "dpa_part3", "lawful_basis_detail": "",
            "valid_from": "2030-01-01", "valid_to": "", "signed_by": "SIROs", "signed_on": "2029-12-01",
        }
        data.update(overrides)
        return AgreementForm(data)

    def test_a_sound_agreement_is_accepted(self, london):
        form = self._form(london)
        assert form.is_valid(), form.errors

    @pytest.mark.parametrize(
        "overrides, message",
        [
            ({"valid_to": "2029-01-01"}, "The end date must be on or after the start date."),
            ({"categories": []}, "This field is required."),
            ({"signed_on": "2030-02-01"}, "An agreement must be signed before it takes effect."),
            ({"valid_from": "2019-01-01", "signed_on": "2018-12-01"}, "Overlaps"),
        ],
    )
    def test_malformed_or_overlapping_agreements_are_refused(self, london, overrides, message):
        if "valid_from" in overrides:  # overlap with the shipped core agreement on the same parties
            parties = list(InformationSharingAgreement.objects.get(reference="ISA-LON-001").parties.all()[:2])
            overrides["parties"] = [a.pk for a in parties]
        form = self._form(london, **overrides)
        assert not form.is_valid()
        assert message in str(form.errors)

    def test_parties_must_be_partners(self, london):
        outsider = Agency.objects.get(name="Cheshire Constabulary")
        insider = Agency.objects.get(name="Metropolitan Police Service")
        form = self._form(london, parties=[outsider.pk, insider.pk])
        assert not form.is_valid() and "Not partners of London" in str(form.errors)

    def test_model_clean_rejects_unknown_categories(self, london):
        agreement = InformationSharingAgreement(
            partnership=london, title="x", categories=["gossip"], lawful_basis="other",
            valid_from=date(2030, 1, 1), signed_by="x", signed_on=date(2029, 1, 1),
        )
        with pytest.raises(ValidationError, match="Enter a list of categories"):
            agreement.full_clean()
