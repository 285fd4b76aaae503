from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from masip.audit.models import AuditEvent
from masip.cases.models import Case, RetentionProposal
from masip.cases.retention import retention_review_date, set_review_date
from masip.people.models import ContactDetail, Person
from masip.referrals.models import Referral


def test_review_date_is_closure_plus_tracking_plus_retention():
    assert retention_review_date(closed_on=date(2019, 1, 31), tracking_months=6, retention_months=72) == date(2025, 7, 31)


@pytest.fixture
def closed_case(cheshire, make_referral, accept):
    from masip.people.services import PersonDetails, person_add_details

    referral = make_referral(cheshire, by="cheshire-support", suspect="Old Suspect", victim="Old Victim")
    accept(referral, by="cheshire-support")
    person_add_details(person=referral.parties.get(role="victim").person, details=PersonDetails(address="1 Old Road"))
    case = Case.objects.get()
    case.status, case.closed_on = "closed", timezone.localdate() - timedelta(days=365 * 7)
    case.save()
    set_review_date(case)
    return case


def test_closed_case_gets_a_review_date_from_the_operating_model(closed_case):
    assert closed_case.retention_review_on == retention_review_date(
        closed_on=closed_case.closed_on, tracking_months=6, retention_months=72
    )


def test_queue_lists_cases_due(as_user, closed_case):
    html = as_user("cheshire-manager").get(reverse("cases:retention_queue", args=["cheshire"])).content.decode()
    assert closed_case.reference in html
    assert as_user("cheshire-police").get(reverse("cases:retention_queue", args=["cheshire"])).status_code == 403


def test_anonymising_needs_a_second_person_and_keeps_the_figures(as_user, closed_case, staff):
    manager = as_user("cheshire-manager")
    url = reverse("cases:retention_propose", args=[closed_case.pk])
    response = manager.post(url, {"action": "anonymise", "reason": ""})
    assert b"Enter the reason for the proposal" in response.content
    manager.post(url, {"action": "anonymise", "reason": "Seven years after closure; no further contact"})
    proposal = RetentionProposal.objects.get()
    # The proposer cannot approve their own proposal.
    assert manager.get(reverse("cases:retention_decide", args=[proposal.pk])).status_code == 403
    assert Person.objects.filter(full_name="Old Suspect").exists()

    second = as_user("cheshire-police")  # a triage lead of the same partnership
    response = second.post(reverse("cases:retention_decide", args=[proposal.pk]), {"decision": "approve"})
    assert response.status_code == 302
    closed_case.refresh_from_db()
    assert closed_case.anonymised_at is not None
    assert not Person.objects.filter(full_name__in=["Old Suspect", "Old Victim"]).exists()
    assert not ContactDetail.objects.filter(value="1 Old Road").exists()
    referral = Referral.objects.get()
    assert referral.summary == "(anonymised)" and referral.status == "accept" and referral.behaviours
    erasure = AuditEvent.objects.get(action="retention.anonymise")
    assert erasure.operation == "erasure" and erasure.details["people"] == 2
    assert "Old Suspect" not in str(erasure.details) and "1 Old Road" not in str(erasure.details)


def test_erasing_deletes_the_case_and_people_only_in_it(as_user, closed_case, london, make_referral):
    as_user("cheshire-manager").post(
        reverse("cases:retention_propose", args=[closed_case.pk]), {"action": "erase", "reason": "Retention period over"}
    )
    proposal = RetentionProposal.objects.get()
    as_user("cheshire-police").post(reverse("cases:retention_decide", args=[proposal.pk]), {"decision": "approve"})
    assert not Case.objects.filter(pk=closed_case.pk).exists()
    assert not Referral.objects.filter(partnership__slug="cheshire").exists()
    assert not Person.objects.filter(partnership__slug="cheshire").exists()
    proposal.refresh_from_db()
    assert proposal.status == "done" and proposal.case_reference == closed_case.reference
    assert AuditEvent.objects.get(action="retention.erase").operation == "erasure"


def test_rejection_needs_a_reason_and_changes_nothing(as_user, closed_case):
    as_user("cheshire-manager").post(
        reverse("cases:retention_propose", args=[closed_case.pk]), {"action": "erase", "reason": "Over"}
    )
    proposal = RetentionProposal.objects.get()
    client = as_user("cheshire-police")
    response = client.post(reverse("cases:retention_decide", args=[proposal.pk]), {"decision": "reject", "note": ""})
    assert b"Enter why the proposal is rejected" in response.content
    client.post(reverse("cases:retention_decide", args=[proposal.pk]),
                {"decision": "reject", "note": "Civil claim pending"})
    proposal.refresh_from_db()
    assert proposal.status == "rejected" and Case.objects.filter(pk=closed_case.pk).exists()


def test_keep_for_longer_moves_the_review_date(as_user, closed_case):
    as_user("cheshire-manager").post(
        reverse("cases:retention_propose", args=[closed_case.pk]),
        {"action": "keep", "keep_months": "24", "reason": "Suspect recently released"},
    )
    proposal = RetentionProposal.objects.get()
    as_user("cheshire-police").post(reverse("cases:retention_decide", args=[proposal.pk]), {"decision": "approve"})
    closed_case.refresh_from_db()
    assert closed_case.retention_review_on > timezone.localdate() + timedelta(days=700)


def test_the_queue_offers_decide_only_to_a_second_person(as_user, closed_case):
    as_user("cheshire-manager").post(
        reverse("cases:retention_propose", args=[closed_case.pk]), {"action": "anonymise", "reason": "Period over"}
    )
    decide = reverse("cases:retention_decide", args=[RetentionProposal.objects.get().pk])
    queue = reverse("cases:retention_queue", args=["cheshire"])
    # The proposer is told who decides instead of being sent to a page that refuses them.
    html = as_user("cheshire-manager").get(queue).content.decode()
    assert decide not in html and "Another unit manager or triage lead decides." in html
    assert as_user("cheshire-manager").get(decide).status_code == 403
