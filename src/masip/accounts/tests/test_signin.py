"""Signing in: lockout and unlock, idle timeout, two-factor enrolment, production settings."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from masip.accounts.models import Lockout, User
from masip.audit.models import AuditEvent

LOGIN = "/accounts/sign-in/"


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def later(minutes: float):
    """Travel to this many minutes from now (the suite's clock is pinned; this moves it on)."""
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def lock(client, username="london-police", **extra):
    for _ in range(5):
        response = client.post(LOGIN, {"username": username, "password": "wrong"}, **extra)
    assert response.status_code == 403
    return response


class TestLockout:
    def test_locked_after_five_failures_even_with_the_right_password(self, client, staff):
        for _ in range(4):
            assert attempt(client, "london-police", "wrong").status_code == 200
        response = attempt(client, "london-police", "wrong")
        assert response.status_code == 403
        assert b"This account is locked after 5 failed sign-in attempts" in response.content
        response = attempt(client, "london-police", "demo-password")
        assert response.status_code == 403 and b"ask your unit manager to unlock it sooner" in response.content
        until = timezone.localtime(Lockout.objects.get().until)
        assert f"Try again after {until:%-d %B %Y at %H:%M}".encode() in response.content

    def test_failures_are_counted_per_username_whatever_the_address(self, client, staff):
        for n in range(5):
            attempt_from = client.post(LOGIN, {"username": "london-police", "password": "wrong"},
                                       REMOTE_ADDR=f"10.0.0.{n + 1}")
        assert attempt_from.status_code == 403
        assert client.post(LOGIN, {"username": "london-police", "password": "demo-password"},
                           REMOTE_ADDR="10.9.9.9").status_code == 403
        assert attempt(client, "london-health", "demo-password").status_code == 302  # other accounts are not locked

    def test_the_lock_ends_by_itself_after_the_cool_off(self, client, staff):
        lock(client)
        with later(14.9):
            assert attempt(client, "london-police", "demo-password").status_code == 403
        with later(15.1):
            assert attempt(client, "london-police", "demo-password").status_code == 302

    def test_the_cool_off_is_configurable(self, client, staff, settings):
        settings.MASIP_LOCKOUT_COOLOFF_MINUTES = 5
        lock(client)
        with later(4.9):
            assert attempt(client, "london-police", "demo-password").status_code == 403
        with later(5.1):
            assert attempt(client, "london-police", "demo-password").status_code == 302

    def test_each_lockout_in_a_row_doubles_the_cool_off_up_to_the_cap(self, client, staff, settings):
        settings.MASIP_LOCKOUT_COOLOFF_MAX_MINUTES = 100
        elapsed = 0.0
        for expected in (15, 30, 60, 100, 100):
            with later(elapsed):
                lock(client)
            assert Lockout.objects.order_by("-locked_at").first().cool_off_minutes == expected
            with later(elapsed + expected - 0.5):
                assert attempt(client, "london-police", "demo-password").status_code == 403
            elapsed += expected + 0.5  # the lock has ended: the next round of guesses starts
        assert Lockout.objects.filter(username="london-police").count() == 5

    def test_a_successful_sign_in_starts_the_doubling_again(self, client, staff):
        lock(client)
        with later(16):
            assert attempt(client, "london-police", "demo-password").status_code == 302
            client.logout()
            lock(client)
        assert Lockout.objects.order_by("-locked_at").first().cool_off_minutes == 15

    def test_a_managers_unlock_starts_the_doubling_again(self, client, staff, as_user):
        from django.test import Client

        lock(Client())
        with later(16):
            lock(Client())
        assert Lockout.objects.order_by("-locked_at").first().cool_off_minutes == 30
        with later(17):
            as_user("london-manager").post(reverse("accounts:unlock", args=[staff["london-police"].pk]))
            lock(Client())
        assert Lockout.objects.order_by("-locked_at").first().cool_off_minutes == 15

    def test_the_user_and_their_unit_manager_are_emailed_once_per_lockout(
        self, client, staff, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            lock(client, REMOTE_ADDR="203.0.113.7")
            for _ in range(3):  # more attempts while locked: no more email
                attempt(client, "london-police", "wrong")
        recipients = sorted(address for message in mail.outbox for address in message.to)
        assert recipients == sorted([staff["london-police"].email, staff["london-manager"].email])
        to_user = next(m for m in mail.outbox if m.to == [staff["london-police"].email])
        until = f"{timezone.localtime(Lockout.objects.get().until):%-d %B %Y at %H:%M}"
        assert "locked" in to_user.subject and until in to_user.body and "wrong" not in to_user.body
        to_manager = next(m for m in mail.outbox if m.to == [staff["london-manager"].email])
        assert "london-police" in to_manager.subject and "203.0.113.7" in to_manager.body
        assert "15 minutes" in to_manager.body
        event = AuditEvent.objects.get(action="accounts.lockout")
        assert event.details["locked_user_id"] == staff["london-police"].pk

    def test_managers_of_other_partnerships_are_not_told(self, client, staff, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            lock(client, "cheshire-police")
        recipients = {address for message in mail.outbox for address in message.to}
        assert recipients == {staff["cheshire-police"].email, staff["cheshire-manager"].email}

    def test_an_unknown_username_gets_the_same_page_and_no_email(
        self, client, staff, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = lock(client, "no-such-user")
        assert b"This account is locked after 5 failed sign-in attempts" in response.content
        assert b"Try again after" in response.content
        assert mail.outbox == []

    def test_a_manager_unlocks_and_the_unlock_is_logged(self, client, staff, as_user):
        for _ in range(5):
            attempt(client, "london-police", "wrong")
        manager = as_user("london-manager")
        staff_page = manager.get(reverse("audit:staff")).content.decode()
        until = timezone.localtime(Lockout.objects.get().until)
        assert "Locked" in staff_page and f"until {until:%-d %b, %H:%M}" in staff_page
        response = manager.post(reverse("accounts:unlock", args=[staff["london-police"].pk]))
        assert response.status_code == 302
        assert AuditEvent.objects.filter(action="accounts.unlock").exists()
        manager.logout()
        assert attempt(client, "london-police", "demo-password").status_code == 302

    def test_a_manager_cannot_unlock_another_partnerships_staff(self, staff, as_user):
        from django.test import Client

        stranger = Client()
        for _ in range(5):
            attempt(stranger, "cheshire-police", "wrong")
        response = as_user("london-manager").post(reverse("accounts:unlock", args=[staff["cheshire-police"].pk]))
        assert response.status_code == 404
        assert attempt(stranger, "cheshire-police", "demo-password").status_code == 403

    def test_practitioners_cannot_unlock(self, as_user, staff):
        response = as_user("london-advocate").post(reverse("accounts:unlock", args=[staff["london-police"].pk]))
        assert response.status_code == 403


class TestIdleTimeout:
    def test_an_idle_session_ends(self, client, staff, settings):
        assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
        assert attempt(client, "london-police", "demo-password").status_code == 302
        assert client.get("/").status_code == 200
        Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)

    def test_pages_carry_the_timeout_for_the_warning(self, as_user):
        html = as_user("london-police").get("/").content.decode()
        assert 'data-session-timeout="1800"' in html
        assert 'id="session-timeout"' in html and "Stay signed in" in html

    def test_keep_alive_renews_the_session(self, client, staff):
        attempt(client, "london-police", "demo-password")
        before = Session.objects.get().expire_date
        Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
        assert client.post(reverse("accounts:keep_alive")).status_code == 204
        assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=25)
        assert before is not None

    def test_the_sign_in_page_explains_a_timeout(self, client, db):
        assert b"You were signed out because you had not done anything" in client.get(LOGIN + "?timeout=1").content


class TestTwoFactor:
    @pytest.fixture
    def real_user(self, staff, london):
        from masip.partnerships.models import Agency, Membership

        user = User.objects.create_user(
            "new-detective", password="a long enough passphrase 42", first_name="New", last_name="Detective",
            agency=Agency.objects.get(name="Metropolitan Police Service"),
        )
        Membership.objects.create(user=user, partnership=london, role="practitioner")
        return user

    def test_non_demo_accounts_must_enrol_at_first_sign_in(self, client, real_user):
        response = attempt(client, "new-detective", "a long enough passphrase 42")
        assert response.status_code == 302
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_factor_setup"))
        assert client.get(reverse("referrals:triage_queue", args=["london"])).status_code == 302
        page = client.get(reverse("accounts:two_factor_setup"))
        assert b"<svg" in page.content and b"Set up two-factor authentication" in page.content
        device = TOTPDevice.objects.get(user=real_user)
        code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
        response = client.post(reverse("accounts:two_factor_setup"), {"token": code})
        assert response.status_code == 302
        assert client.get("/").status_code == 200
        device.refresh_from_db()
        assert device.confirmed
        event = AuditEvent.objects.get(action="accounts.two_factor_enrol")
        assert (event.operation, event.username) == ("alteration", "new-detective")

    def test_a_wrong_code_is_refused(self, client, real_user):
        attempt(client, "new-detective", "a long enough passphrase 42")
        client.get(reverse("accounts:two_factor_setup"))
        device = TOTPDevice.objects.get(user=real_user)
        right = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        wrong = f"{(right + 1) % 1_000_000:06d}"
        response = client.post(reverse("accounts:two_factor_setup"), {"token": wrong})
        assert b"The code is not right" in response.content
        assert client.get("/").status_code == 302  # still not through

    def test_enrolled_accounts_are_asked_for_a_code(self, client, real_user):
        TOTPDevice.objects.create(user=real_user, name="app", confirmed=True)
        attempt(client, "new-detective", "a long enough passphrase 42")
        response = client.get("/")
        assert response["Location"].startswith(reverse("accounts:two_factor"))
        assert b"Enter the 6-digit code" in client.post(reverse("accounts:two_factor"), {"token": "12"}).content

    def test_demo_accounts_skip_it_only_in_demo_mode(self, client, staff, settings):
        attempt(client, "london-police", "demo-password")
        assert client.get("/").status_code == 200
        settings.DEMO_MODE = False
        assert client.get("/").status_code == 302


def test_weak_passwords_are_refused(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("password123", "short", "12345678901234"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("correct horse battery staple")


def test_production_settings_pass_the_deploy_check():
    root = Path(__file__).resolve().parents[4]
    env = {
        **os.environ,
        "MASIP_DEMO": "0",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x7!k2$" * 10,
        "DJANGO_ALLOWED_HOSTS": "masip.example.org",
        "MASIP_AUDIT_CHAIN_KEY": "k3y-for-the-audit-chain" * 3,
        "MASIP_EVALUATION_KEY": "k3y-for-the-evaluation-pseudonyms" * 2,
        "DJANGO_SETTINGS_MODULE": "masip.settings",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the test suite for the browser tests only
    result = subprocess.run(
        [sys.executable, str(root / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, cwd=root,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_send_a_strict_content_security_policy(as_user):
    response = as_user("london-police").get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "no-store"
