"""Every look at and change to personal data leaves an audit event; managers can read them."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from masip.audit.models import AuditEvent, AuditSubject, FieldChange
from masip.cases.models import Case


@pytest.fixture
def case(london, make_referral, accept):
    referral = make_referral(london)
    accept(referral)  # london-police accepts, so it is their case
    return Case.objects.get()


def events(action, **filters):
    return AuditEvent.objects.filter(action=action, **filters)


def test_recording_a_referral_logs_a_collection(london, make_referral, staff):
    referral = make_referral(london)
    event = events("referral.create").get()
    assert event.operation == "collection" and event.user_id == staff["london-police"].pk
    assert event.agency == "Met Police" and event.role == "triage_lead"
    labels = set(AuditSubject.objects.filter(event=event).values_list("object_type", flat=True))
    assert labels == {"referral", "person"}
    assert AuditSubject.objects.get(event=event, object_type="referral").label == referral.reference


def test_triage_logs_field_changes(case):
    event = events("triage.decide").get()
    changes = {c.field: (c.old_value, c.new_value) for c in FieldChange.objects.filter(event=event)}
    assert changes["status"] == ("untriaged", "accept")
    assert changes["case"] == ("", case.reference)


def test_reading_a_case_in_ones_caseload_logs_a_consultation_without_reason(as_user, case):
    as_user("london-police").get(reverse("cases:detail", args=[case.pk]))
    event = events("case.view").get()
    assert event.operation == "consultation" and event.reason == ""
    assert set(AuditSubject.objects.filter(event=event).values_list("object_type", flat=True)) == {"case", "person"}


def test_outside_the_caseload_a_reason_is_asked_and_logged(as_user, case):
    client = as_user("london-health")
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert b"Why are you opening this case?" in response.content
    assert b"Ryan Cole" not in response.content  # nothing personal before the reason
    assert not events("case.view").exists()
    url = reverse("cases:detail", args=[case.pk])
    response = client.post(url, {"why-origin": "get", "why-reason": "other", "why-detail": ""})
    assert b"Give the reason for opening this case" in response.content
    client.post(url, {"why-origin": "get", "why-reason": "cover", "why-detail": "DS Okafor on leave"})
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert b"Ryan Cole" in response.content
    assert events("case.view").get().reason == "Covering for a colleague: DS Okafor on leave"


def test_allocated_staff_are_not_asked(as_user, case, staff):
    case.allocations.create(user=staff["london-advocate"])
    response = as_user("london-advocate").get(reverse("cases:detail", args=[case.pk]))
    assert b"Ryan Cole" in response.content


def test_lists_log_every_record_shown(as_user, london, make_referral):
    for i in range(3):
        make_referral(london, suspect=f"Suspect {i}", victim=f"Victim {i}")
    as_user("london-advocate").get(reverse("referrals:triage_queue", args=[london.slug]))
    event = events("triage.queue").get()
    assert AuditSubject.objects.filter(event=event, object_type="referral").count() == 3
    assert AuditSubject.objects.filter(event=event, object_type="person").count() == 6


def test_a_view_that_forgets_to_log_fails_loudly(as_user, case, monkeypatch):
    """The strict check reads what the page shows: a person's page that logs nothing fails."""
    from masip.people import views as people_views

    suspect = case.suspect
    url = reverse("people:detail", args=[suspect.pk])
    assert as_user("london-police").get(url).status_code == 200  # logged: passes
    monkeypatch.setattr(people_views, "log_consultation", lambda *args, **kwargs: None)
    with pytest.raises(ImproperlyConfigured, match=f"showed the name of person {suspect.pk}.*without logging"):
        as_user("london-police").get(url)


class TestManagerScreens:
    def test_case_log_is_for_the_manager_only(self, as_user, case):
        url = reverse("audit:case", args=[case.pk])
        assert as_user("london-police").get(url).status_code == 403
        assert as_user("cheshire-manager").get(url).status_code == 404
        response = as_user("london-manager").get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "referral.create" in html and "triage.decide" in html
        assert "status: “untriaged” → “accept”" in html

    def test_staff_activity_review(self, as_user, case, staff):
        url = reverse("audit:staff_activity", args=[staff["london-police"].pk])
        response = as_user("london-manager").get(url)
        assert b"triage.decide" in response.content
        assert as_user("london-manager").get(url + "?operation=disclosure").content.count(b"triage.decide") == 0
        # A manager cannot review someone outside the partnerships they manage.
        other = reverse("audit:staff_activity", args=[staff["cheshire-police"].pk])
        assert as_user("london-manager").get(other).status_code == 404

    def test_export_needs_recipient_and_reason_and_is_itself_logged(self, as_user, case):
        client = as_user("london-manager")
        url = reverse("audit:export", args=["case", case.pk])
        response = client.post(url, {"recipient": "", "reason": "", "format": "json"})
        assert b"Enter who will receive the export" in response.content
        assert b"Enter why the log is being disclosed" in response.content
        assert not events("audit.export").exists()
        response = client.post(url, {"recipient": "Information Commissioner's Office", "reason": "Complaint 123",
                                     "format": "json"})
        assert response["Content-Type"] == "application/json"
        body = json.loads(response.content)
        assert {e["action"] for e in body["entries"]} >= {"referral.create", "triage.decide"}
        disclosure = events("audit.export").get()
        assert disclosure.operation == "disclosure" and disclosure.recipient == "Information Commissioner's Office"
        csv_response = client.post(url, {"recipient": "ICO", "reason": "Complaint 123", "format": "csv"})
        assert csv_response.content.decode().startswith("id,at,operation")


class TestReadsThatWereNotLogged:
    """Issue 10, item 8: the person edit and subject access forms, and searches, reach the review."""

    def test_the_person_edit_form_logs_a_consultation(self, as_user, case, staff):
        suspect = case.suspect
        response = as_user("london-police").get(reverse("people:edit", args=[suspect.pk]))
        assert suspect.full_name in response.content.decode()
        event = events("person.edit_form").get()
        assert event.user_id == staff["london-police"].pk and event.partnership_id == case.partnership_id
        assert set(AuditSubject.objects.filter(event=event).values_list("object_type", "object_id")) == {
            ("person", suspect.pk)
        }

    def test_the_subject_access_form_logs_a_consultation(self, as_user, case):
        suspect = case.suspect
        response = as_user("london-manager").get(reverse("people:subject_access", args=[suspect.pk]))
        assert response.status_code == 200
        event = events("person.subject_access_form").get()
        assert AuditSubject.objects.filter(event=event, object_type="person", object_id=suspect.pk).exists()

    def test_a_search_is_logged_in_each_partnership_it_showed_and_reaches_its_supervisor(
        self, as_user, london, cheshire, make_referral, staff
    ):
        from masip.access.policy import forget_memberships
        from masip.partnerships.models import Membership, Role

        make_referral(london, suspect="Harry Saunders", victim="Amy Lee")
        make_referral(cheshire, by="cheshire-police", suspect="Harry Saunders", victim="Beth Ray")
        police = staff["london-police"]
        Membership.objects.create(user=police, partnership=cheshire, role=Role.PRACTITIONER)
        forget_memberships(police)
        client = as_user("london-police")
        response = client.get(reverse("workspace:search") + "?q=Harry Saunders")
        assert response.content.decode().count("Harry Saunders") >= 2
        logged = {e.partnership_id: e for e in events("search", user_id=police.pk)}
        assert set(logged) == {london.pk, cheshire.pk}  # one look per partnership, none without one
        for partnership in (london, cheshire):
            people = AuditSubject.objects.filter(event=logged[partnership.pk], object_type="person")
            assert {s.object_id for s in people} == set(
                partnership.people.filter(full_name="Harry Saunders").values_list("pk", flat=True)
            )
        for manager in ("london-manager", "cheshire-manager"):
            review = as_user(manager).get(reverse("audit:staff_activity", args=[police.pk]) + "?operation=consultation")
            assert '<span class="govuk-!-font-size-16">search</span>' in review.content.decode(), manager
        client = as_user("london-police")
        client.get(reverse("workspace:search") + "?q=Nobody Known")
        assert events("search", user_id=police.pk).count() == 4  # nothing found: logged where it was searched
