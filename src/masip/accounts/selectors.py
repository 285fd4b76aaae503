"""Reads about staff accounts: their authenticator devices."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device(user: AbstractBaseUser) -> TOTPDevice | None:
    """The authenticator the user enrolled, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_confirmed_device(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
