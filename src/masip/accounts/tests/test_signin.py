"""Signing in: lockout and unlock, idle timeout, two-factor enrolment, production settings."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from masip.accounts.models import User
from masip.audit.models import AuditEvent

LOGIN = "/accounts/sign-in/"


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


class TestLockout:
    def test_locked_after_five_failures_even_with_the_right_password(self, client, staff):
        for _ in range(4):
            assert attempt(client, "london-police", "wrong").status_code == 200
        response = attempt(client, "london-police", "wrong")
        assert response.status_code == 403
        assert b"This account is locked after 5 failed sign-in attempts" in response.content
        response = attempt(client, "london-police", "demo-password")
        assert response.status_code == 403 and b"Ask your unit manager to unlock it" in response.content

    def test_a_manager_unlocks_and_the_unlock_is_logged(self, client, staff, as_user):
        for _ in range(5):
            attempt(client, "london-police", "wrong")
        manager = as_user("london-manager")
        assert b"Locked" in manager.get(reverse("audit:staff")).content
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
