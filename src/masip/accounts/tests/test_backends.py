"""The signed-in user comes with their agency: the header names it without another query."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def _agency_lookups(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith('SELECT "partnerships_agency"')]


def test_a_password_sign_in_loads_the_agency_with_the_user(client, staff):
    user = staff["london-police"]
    user.set_password("a-long-test-password-1")
    user.save()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "a-long-test-password-1"})
    assert response.status_code == 302
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("workspace:home"))
    assert page.status_code == 200 and f"{user}, {user.agency}" in page.content.decode()
    assert _agency_lookups(queries.captured_queries) == []


def test_force_login_loads_the_agency_too(as_user, staff):
    client = as_user("london-police")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("workspace:home"))
    assert page.status_code == 200 and str(staff["london-police"].agency) in page.content.decode()
    assert _agency_lookups(queries.captured_queries) == []
