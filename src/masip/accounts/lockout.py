"""Lockout after repeated failed sign-ins (django-axes), and unlocking by a unit manager.

Accounts stay locked until a manager unlocks them (no automatic cool-off): a
locked account may mean someone is guessing a password for access to
sensitive case data, which a manager should know about.
"""

from __future__ import annotations

from collections.abc import Iterable

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.shortcuts import render


def locked_usernames(usernames: Iterable[str]) -> set[str]:
    return set(
        AccessAttempt.objects.filter(
            username__in=list(usernames), failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).values_list("username", flat=True)
    )


def unlock(username: str) -> int:
    return reset(username=username)


def lockout_response(request, credentials=None, *args, **kwargs):
    """The sign-in page again, saying the account is locked and what to do."""
    from masip.accounts.views import SignInForm

    form = SignInForm(request)
    message = (
        f"This account is locked after {settings.AXES_FAILURE_LIMIT} failed sign-in attempts. "
        "Ask your unit manager to unlock it."
    )
    return render(request, "accounts/login.html", {"form": form, "locked_message": message}, status=403)
