"""No input to the pages of interventions, victim support, criminal justice and revisiting gives a
server error: every field of every form is filled with nonsense, and each answer is a page (or a
refusal), never a 500."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from masip.monitoring.tests.casework_world import ARGS, casework_world

NONSENSE = ["", "x", "-1", "0", "99999999999999999999", "31", "2.5", "\x00", "é" * 3, "<script>", "x" * 5000]

# Who may use each page (others are refused before any input is read).
USERS = {
    "victims:": "london-advocate",
    "interventions:engagement": "london-health",
    "interventions:session_add": "london-health",
    "interventions:outcome": "london-health",
}


@pytest.fixture
def world(london, make_referral, accept, staff):
    from django.utils import timezone

    from masip.cases.models import Case

    accept(make_referral(london))
    case = Case.objects.get()
    accept(make_referral(london, suspect="Old Suspect", victim="Old Victim"))
    old = Case.objects.exclude(pk=case.pk).get()
    Case.objects.filter(pk=old.pk).update(status="closed", closed_on=timezone.localdate())
    return {
        "slug": {"slug": "london"},
        "case": {"pk": case.pk},
        **casework_world(case=case, closed_case=old, staff=staff),
    }


def user_for(name: str) -> str:
    return next((user for prefix, user in USERS.items() if name.startswith(prefix)), "london-police")


@pytest.mark.parametrize("name", sorted(n for n in ARGS if n != "monitoring:queue"))
def test_nonsense_in_every_field_is_refused_not_a_server_error(as_user, world, name):
    client = as_user(user_for(name))
    url = reverse(name, kwargs=world[ARGS[name]])
    page = client.get(url)
    assert page.status_code in (200, 302), (name, page.status_code)
    fields = sorted(set(re.findall(r'name="([a-z_0-9]+)"', page.content.decode())) - {"csrfmiddlewaretoken"})
    for value in NONSENSE:
        response = client.post(url, {field: value for field in fields})
        assert response.status_code < 500, (name, value)
    response = client.post(url, {field: ["1", "2"] for field in fields})  # repeated values
    assert response.status_code < 500, name
