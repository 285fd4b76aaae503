from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from masip.audit.models import AuditEvent
from masip.cases.models import Case
from masip.referrals.models import Referral


def days_ago(n: int) -> str:
    return (timezone.localdate() - timedelta(days=n)).isoformat()


def intake(**overrides):
    body = {
        "source_agency_kind": "police", "channel": "police_scan", "received_on": days_ago(5),
        "crime_reference": "4401234/26", "recorded_offence": "s2", "behaviours": ["messages", "threats"],
        "summary": "Messages nightly.", "suspect": {"full_name": "Ryan Cole"},
        "victims": [{"full_name": "Emma Hart", "relationship_to_suspect": "ex_intimate"}],
        "incidents": [{"occurred_on": days_ago(7), "description": "Forty messages"}],
    }
    body.update(overrides)
    return body


@pytest.fixture
def api(staff):
    client = APIClient()
    token = Token.objects.create(user=staff["london-police"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_intake_creates_a_referral_through_the_service(api, london):
    response = api.post("/api/v1/partnerships/london/referrals/", intake(), format="json")
    assert response.status_code == 201, response.content
    referral = Referral.objects.get()
    assert response.json()["reference"] == referral.reference == "LON-R00001"
    assert referral.urgency > 0 and referral.parties.count() == 2
    assert AuditEvent.objects.filter(action="referral.create").exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"received_on": "2099-01-01"}, "received_on"),
        ({"behaviours": []}, "behaviours"),
        ({"crime_reference": "bad ref!"}, "crime_reference"),
        ({"suspect": {}}, "suspect"),
        ({"victims": [{"full_name": "X"}]}, "victims"),
        ({"recorded_offence": "treason"}, "recorded_offence"),
        ({"incidents": [{"occurred_on": days_ago(0), "description": "after"}]}, "incidents"),
    ],
)
def test_bad_intake_is_refused_field_by_field_and_saves_nothing(api, london, overrides, field):
    response = api.post("/api/v1/partnerships/london/referrals/", intake(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Referral.objects.exists()


def test_reads_are_scoped_and_logged(api, london, cheshire, make_referral):
    make_referral(cheshire, by="cheshire-support")
    mine = make_referral(london)
    response = api.get("/api/v1/partnerships/london/referrals/")
    assert [r["reference"] for r in response.json()["results"]] == [mine.reference]
    assert api.get("/api/v1/partnerships/cheshire/referrals/").status_code == 404
    other = Referral.objects.get(partnership=cheshire)
    assert api.get(f"/api/v1/referrals/{other.pk}/").status_code == 404
    assert api.get(f"/api/v1/referrals/{mine.pk}/").json()["parties"][0]["name"]
    assert AuditEvent.objects.filter(action="api.referral.view", operation="consultation").exists()


def test_case_outside_caseload_needs_a_reason(london, make_referral, accept, staff):
    accept(make_referral(london))
    case = Case.objects.get()
    client = APIClient()
    client.force_authenticate(staff["london-advocate"])
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 403
    response = client.get(f"/api/v1/cases/{case.pk}/?reason=Clinic+tomorrow")
    assert response.status_code == 200 and response.json()["reference"] == case.reference
    assert AuditEvent.objects.get(action="api.case.view").reason == "Clinic tomorrow"


def test_no_credentials_no_data(db, london):
    assert APIClient().get("/api/v1/partnerships/london/referrals/").status_code in (401, 403)


def test_pmo_gets_nothing(staff):
    client = APIClient()
    client.force_authenticate(staff["pmo"])
    assert client.get("/api/v1/partnerships/london/referrals/").status_code == 403


def test_schema_describes_the_api(api):
    response = api.get("/api/schema/")
    assert response.status_code == 200 and b"/api/v1/partnerships/{slug}/referrals/" in response.content
