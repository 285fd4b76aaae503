"""The API answers what its schema says, in JSON, whatever it is sent (issue 10, items 13 and 14)."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from masip.api.tests.test_api import intake
from masip.referrals.models import Referral

LIST = "/api/v1/partnerships/london/referrals/"


@pytest.fixture
def api(staff):
    client = APIClient()
    client.force_authenticate(staff["london-police"])
    return client


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("levels", [5000, 100_000])
def test_json_nested_thousands_deep_is_a_400_not_a_recursion_error(api, london, levels):
    response = api.generic("POST", LIST, nested(levels), content_type="application/json")
    assert response.status_code == 400
    assert "nested more than 20 levels deep" in response.json()["detail"]
    assert not Referral.objects.exists()


def test_json_deeper_than_a_referral_is_refused_before_validation(api, london):
    body = intake(victims=[{"full_name": "Emma Hart", "relationship_to_suspect": "ex_intimate",
                            "notes": json.loads(nested(25))}])
    response = api.post(LIST, body, format="json")
    assert response.status_code == 400 and "nested" in response.json()["detail"]


def test_a_referral_is_still_taken(api, london):
    assert api.post(LIST, intake(), format="json").status_code == 201


def test_the_api_reads_json_only(api, london):
    response = api.post(LIST, {"summary": "x"}, format="multipart")
    assert response.status_code == 415 and "detail" in response.json()


@pytest.mark.parametrize(
    "path",
    ["/api/v1/referrals/abc/", "/api/v1/referrals/-1/", "/api/v1/cases/1.5/", "/api/v1/nothing", "/api/",
     "/api/v1/partnerships/lon%0Adon/referrals/"],
)
@pytest.mark.parametrize("signed_in", [True, False])
def test_a_path_the_api_does_not_have_is_a_json_404(api, london, path, signed_in):
    client = api if signed_in else APIClient()
    for method in ("GET", "POST", "DELETE"):
        response = client.generic(method, path)
        assert response.status_code == 404, (method, path)
        assert response["Content-Type"] == "application/json" and response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("status", ["nonsense", "accept\x00", "²", ""])
def test_an_unknown_status_filter_is_a_400(api, london, status):
    response = api.get(LIST, {"status": status})
    assert response.status_code == 400 and "status" in response.json()


@pytest.mark.parametrize("path", [LIST, "/api/v1/referrals/{pk}/", "/api/v1/cases/{case}/"])
def test_a_misspelt_query_parameter_is_a_400_not_everything(api, london, make_referral, accept, path):
    from masip.cases.models import Case

    referral = make_referral(london)
    accept(referral)
    url = path.format(pk=referral.pk, case=Case.objects.get().pk)
    response = api.get(url, {"stauts": "close"})
    assert response.status_code == 400
    assert "Unknown query parameter: stauts" in response.json()["query"][0]


def test_the_status_filter_filters(api, london, make_referral, accept):
    accepted, waiting = make_referral(london), make_referral(london, suspect="Other Suspect")
    accept(accepted)
    references = [r["reference"] for r in api.get(LIST, {"status": "untriaged"}).json()["results"]]
    assert references == [waiting.reference]


def test_a_reason_with_nul_is_stored_without_it(london, make_referral, accept, staff):
    from masip.audit.models import AuditEvent
    from masip.cases.models import Case

    accept(make_referral(london))
    client = APIClient()
    client.force_authenticate(staff["london-advocate"])  # not in her caseload: a reason is asked for
    response = client.get(f"/api/v1/cases/{Case.objects.get().pk}/", {"reason": "Clinic\x00 tomorrow"})
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="api.case.view").reason == "Clinic tomorrow"


@pytest.fixture
def schema(api):
    return api.get("/api/schema/", {"format": "json"}).json()


def test_the_schema_says_the_list_is_a_page_of_results(schema):
    ok = schema["paths"]["/api/v1/partnerships/{slug}/referrals/"]["get"]["responses"]["200"]
    page = schema["components"]["schemas"][ok["content"]["application/json"]["schema"]["$ref"].split("/")[-1]]
    assert page["type"] == "object" and set(page["properties"]) == {"page", "results"}
    assert page["properties"]["results"]["type"] == "array"


def test_the_schema_documents_every_refusal(schema):
    expected = {
        ("/api/v1/partnerships/{slug}/referrals/", "get"): {"200", "400", "403", "404"},
        ("/api/v1/partnerships/{slug}/referrals/", "post"): {"201", "400", "403", "404"},
        ("/api/v1/referrals/{id}/", "get"): {"200", "400", "403", "404"},
        ("/api/v1/cases/{id}/", "get"): {"200", "400", "403", "404"},
    }
    for (path, method), codes in expected.items():
        assert set(schema["paths"][path][method]["responses"]) == codes, (path, method)
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/partnerships/{slug}/referrals/"]["get"]["parameters"]}
    assert parameters["page"]["schema"]["minimum"] == 1
    assert set(parameters["status"]["schema"]["enum"]) == {"untriaged", "accept", "advice", "signpost", "close"}

