from unittest import mock

from django.db.utils import OperationalError
from django.urls import reverse


def test_healthz_answers_ok_without_sign_in(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_down(client, db):
    with mock.patch("masip.workspace.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_home_shows_work_waiting(as_user, london, make_referral):
    make_referral(london)
    html = as_user("london-police").get(reverse("workspace:home")).content.decode()
    assert "London" in html and "referrals awaiting triage" in html
    assert '<span class="masip-stat">1</span> referrals awaiting triage' in html


def test_sign_in_with_a_wrong_password_says_so(client, staff):
    response = client.post(reverse("accounts:login"), {"username": "london-police", "password": "wrong"})
    assert response.status_code == 200
    assert b"Enter a correct username and password" in response.content


def test_sign_in_and_out(client, staff):
    response = client.post(
        reverse("accounts:login"), {"username": "london-police", "password": "demo-password"}
    )
    assert response.status_code == 302
    assert client.get(reverse("workspace:home")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("workspace:home")).status_code == 302


def test_search_with_odd_input_never_fails(as_user, london):
    client = as_user("london-police")
    for q in ["", " ", "%", "' OR 1=1 --", "x" * 500, "\u0000", "名前"]:
        assert client.get(reverse("workspace:search"), {"q": q}).status_code == 200
