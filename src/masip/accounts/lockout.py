"""Lockout after repeated failed sign-ins (django-axes), with a cool-off that doubles.

Failed sign-ins are counted per username, whatever address they come from
(axes, AXES_LOCKOUT_PARAMETERS). After MASIP_LOCKOUT_AFTER failures the
account locks for MASIP_LOCKOUT_COOLOFF_MINUTES (15 by default); each further
lockout of the same account, before anyone signs in to it successfully or a
manager unlocks it, doubles that (30, 60, ...), up to
MASIP_LOCKOUT_COOLOFF_MAX_MINUTES (a day by default). Anyone can lock anyone's
account by typing wrong passwords, so a lock must end by itself; the doubling
makes guessing slower with every round.

Each lockout emails the account's owner and the unit managers of their
partnerships (a locked account may mean someone is guessing a password for
access to case data), and is logged in the audit trail. A manager can unlock
an account at once, from the staff page.

The cool-off is kept here rather than in axes' AXES_COOLOFF_TIME: axes clears
expired attempts for every account with the threshold of the account being
tried, which would end a doubled lockout early.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from axes.backends import AxesBackend
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

from masip.accounts.backends import AgencyLoaded
from masip.accounts.models import Lockout, User
from masip.audit.actions import AuditAction
from masip.audit.models import Operation
from masip.audit.services import log_event
from masip.partnerships.models import Membership, Role


def cool_off_minutes(previous_lockouts: int) -> int:
    """The length of a lockout that follows `previous_lockouts` in a row (15, 30, 60, ... up to the cap)."""
    base = settings.MASIP_LOCKOUT_COOLOFF_MINUTES
    return min(base * 2 ** min(previous_lockouts, 32), settings.MASIP_LOCKOUT_COOLOFF_MAX_MINUTES)


def _failures(username: str) -> int:
    return AccessAttempt.objects.filter(username=username).aggregate(n=Sum("failures_since_start"))["n"] or 0


def active_lockout(username: str) -> Lockout | None:
    return Lockout.objects.filter(username=username, until__gt=timezone.now(), cleared_at__isnull=True).first()


def locked_usernames(usernames: Iterable[str]) -> dict[str, Any]:
    """Accounts locked now, with when each unlocks by itself."""
    usernames = list(usernames)
    failing = set(
        AccessAttempt.objects.filter(username__in=usernames)
        .values("username")
        .annotate(n=Sum("failures_since_start"))
        .filter(n__gte=settings.AXES_FAILURE_LIMIT)
        .values_list("username", flat=True)
    )
    active = {
        row.username: row.until
        for row in Lockout.objects.filter(username__in=failing, until__gt=timezone.now(), cleared_at__isnull=True)
    }
    # A lock from before cool-offs (no Lockout row) lasts until a manager unlocks it.
    return {name: active.get(name) for name in failing}


def record_lockout(*, username: str, ip_address: str | None) -> Lockout | None:
    """Axes has just locked `username`: start its cool-off and tell the people who should know.

    Axes signals again on each attempt made during a lockout; those add nothing."""
    if not username:
        return None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()  # one lockout at a time
        if active_lockout(username) is not None:
            return None
        previous = Lockout.objects.filter(username=username, cleared_at__isnull=True).count()
        minutes = cool_off_minutes(previous)
        now = timezone.now()
        lockout = Lockout.objects.create(
            username=username, user=user, locked_at=now, until=now + timedelta(minutes=minutes),
            cool_off_minutes=minutes, ip_address=ip_address or None,
        )
        log_event(
            actor=None, operation=Operation.ALTERATION, action=AuditAction.ACCOUNTS_LOCKOUT,
            details={"locked_user_id": user.pk if user else None, "cool_off_minutes": minutes,
                     "lockouts_in_a_row": previous + 1},
        )
        if user is not None:
            transaction.on_commit(lambda: _notify(lockout, user))
    return lockout


def expire_cool_off(username: str) -> None:
    """When an account's cool-off has passed, clear its failed attempts so it may sign in again.

    Its lockouts are kept (uncleared) so that the next one lasts twice as long."""
    if not username or _failures(username) < settings.AXES_FAILURE_LIMIT:
        return
    latest = Lockout.objects.filter(username=username, cleared_at__isnull=True).order_by("-until").first()
    if latest is not None and latest.until <= timezone.now():
        reset(username=username)


def clear_lockouts(username: str) -> None:
    """After a successful sign-in or a manager's unlock, the next lockout starts from the base cool-off again."""
    Lockout.objects.filter(username=username, cleared_at__isnull=True).update(cleared_at=timezone.now())


def unlock(username: str) -> int:
    clear_lockouts(username)
    return reset(username=username)


def _managers_of(user: User) -> list[User]:
    partnerships = Membership.objects.filter(user=user, is_active=True).values("partnership_id")
    return list(
        User.objects.filter(
            memberships__partnership_id__in=partnerships, memberships__role=Role.UNIT_MANAGER,
            memberships__is_active=True, is_active=True,
        )
        .exclude(pk=user.pk)
        .exclude(email="")
        .distinct()
        .order_by("username")
    )


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%-d %B %Y at %H:%M")


def _notify(lockout: Lockout, user: User) -> None:
    failures = settings.AXES_FAILURE_LIMIT
    until = _when(lockout.until)
    if user.email:
        send_mail(
            "Your MASIP account has been locked",
            f"Your account ({user.username}) was locked on {_when(lockout.locked_at)} after {failures} failed "
            f"sign-in attempts. You can sign in again after {until}, or ask your unit manager to unlock it "
            "sooner.\n\nIf you did not try to sign in, someone may be trying to guess your password: tell your "
            "unit manager.",
            None, [user.email],
        )
    for manager in _managers_of(user):
        send_mail(
            f"A MASIP account has been locked: {user.username}",
            f"The account of {user.get_full_name() or user.username} ({user.username}) was locked on "
            f"{_when(lockout.locked_at)} after {failures} failed sign-in attempts"
            + (f" (the last from {lockout.ip_address})" if lockout.ip_address else "")
            + f". It unlocks by itself after {until} ({lockout.cool_off_minutes} minutes). You can unlock it sooner "
            "from the Staff page.\n\nIf this is unexpected, someone may be trying to guess the password.",
            None, [manager.email],
        )


class CoolOffAxesBackend(AgencyLoaded, AxesBackend):
    """Axes' backend, but a lockout whose cool-off has passed is lifted before axes checks it
    (and the user's agency is loaded with the user: accounts/backends.py)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        expire_cool_off(username or "")
        return super().authenticate(request, username=username, password=password, **kwargs)


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    record_lockout(username=username or "", ip_address=ip_address)


def on_signed_in(sender, request=None, user=None, **kwargs) -> None:
    if user is not None:
        clear_lockouts(user.get_username())


def lockout_response(request, credentials=None, *args, **kwargs):
    """The sign-in page again, saying the account is locked, until when, and what to do.

    The same for an account that does not exist, so the page does not confirm usernames."""
    from masip.accounts.views import SignInForm

    username = (credentials or {}).get("username") or request.POST.get("username", "")
    lockout = active_lockout(username) if username else None
    form = SignInForm(request)
    message = f"This account is locked after {settings.AXES_FAILURE_LIMIT} failed sign-in attempts. "
    if lockout is not None:
        message += f"Try again after {_when(lockout.until)}, or ask your unit manager to unlock it sooner."
    else:
        message += "Ask your unit manager to unlock it."
    return render(request, "accounts/login.html", {"form": form, "locked_message": message}, status=403)
