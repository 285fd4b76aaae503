"""Changes to staff accounts, each audited in the same transaction: enrolling an
authenticator (two-factor authentication) and unlocking an account locked after
failed sign-ins."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from masip.accounts import lockout
from masip.audit.actions import AuditAction
from masip.audit.models import Operation
from masip.audit.services import log_event


@transaction.atomic
def two_factor_enrolment_start(*, user: AbstractBaseUser) -> TOTPDevice:
    """The authenticator waiting to be confirmed: the same one until confirmed, so the QR code stays put."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def two_factor_enrolment_confirm(*, device: TOTPDevice, acting_user: AbstractBaseUser) -> TOTPDevice:
    """The user typed a correct code from the new authenticator: it becomes their second factor."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).exclude(pk=device.pk).delete()
    log_event(
        actor=acting_user, operation=Operation.ALTERATION, action=AuditAction.ACCOUNTS_TWO_FACTOR_ENROL,
        details={"device_id": device.pk},
    )
    return device


@transaction.atomic
def account_unlock(*, member: AbstractBaseUser, acting_user: AbstractBaseUser) -> None:
    """A unit manager lets a locked-out member of staff sign in again."""
    lockout.unlock(member.get_username())
    log_event(
        actor=acting_user, operation=Operation.ALTERATION, action=AuditAction.ACCOUNTS_UNLOCK,
        details={"unlocked_user_id": member.pk},
    )
