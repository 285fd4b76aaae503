"""Two-factor enrolment at first sign-in, and the idle-timeout warning, in a real browser."""

import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def new_staff_member(demo_partnerships):
    from masip.accounts.models import User
    from masip.partnerships.models import Agency, Membership

    user = User.objects.create_user(
        "new-advocate", password="a long enough passphrase 42", first_name="Nia", last_name="Price",
        agency=Agency.objects.get(name="STAC stalking victim advocacy"),
    )
    Membership.objects.create(user=user, partnership=demo_partnerships["london"], role="practitioner")
    return user


def code_for(secret_base32: str) -> str:
    import base64

    padded = secret_base32 + "=" * (-len(secret_base32) % 8)
    return f"{totp(base64.b32decode(padded)):06d}"


def test_first_sign_in_enrols_an_authenticator(page, live_server, new_staff_member, axe):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Username").fill("new-advocate")
    page.get_by_label("Password").fill("a long enough passphrase 42")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.locator(".masip-qr svg")).to_be_visible()
    axe(page, context="two-factor set-up")
    # Nothing else is reachable until the code is confirmed.
    page.goto(f"{live_server.url}/partnerships/london/triage/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/set-up/"))

    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code from your authenticator app").fill("123")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the 6-digit code")
    page.get_by_label("Code from your authenticator app").fill(code_for(secret))
    page.get_by_role("button", name="Confirm").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Two-factor authentication is set up")
    expect(page).to_have_url(re.compile(r"/partnerships/london/triage/$"))
    axe(page, context="triage queue after enrolment")


def test_idle_warning_then_sign_out(page, live_server, demo_partnerships, settings, axe):
    # The page's timers run on Playwright's clock, so the test never races the
    # warning on a busy machine: the warning shows 2 minutes before the end.
    settings.SESSION_COOKIE_AGE = 600
    page.clock.install()
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Username").fill("london-advocate")
    page.get_by_label("Password").fill("demo-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    dialog = page.locator("#session-timeout")
    page.clock.run_for(470_000)
    expect(dialog).to_be_hidden()
    page.clock.run_for(10_000)  # 8 minutes idle: the warning
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("You are about to be signed out")
    axe(page, context="timeout warning")
    page.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    page.clock.run_for(470_000)
    expect(dialog).to_be_hidden()  # the clock restarted when she stayed
    page.clock.run_for(10_000)
    expect(dialog).to_be_visible()
    page.clock.run_for(121_000)  # ten minutes idle: signed out
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/\?timeout=1"), timeout=10_000)
    expect(page.get_by_text("You were signed out because you had not done anything")).to_be_visible()
