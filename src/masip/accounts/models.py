from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A member of staff. Their agency is their employer; what they may do in a
    partnership comes from their Membership there."""

    agency = models.ForeignKey(
        "partnerships.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    is_demo_account = models.BooleanField(
        default=False, help_text="Created by the synthetic demo generator; never set on a real account."
    )

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def agency_kind(self) -> str | None:
        return self.agency.kind if self.agency is not None else None


class Lockout(models.Model):
    """An account locked after repeated failed sign-ins, and until when (accounts/lockout.py).

    Lockouts not yet cleared by a successful sign-in or a manager's unlock are
    "in a row": each one's cool-off is twice the one before."""

    username = models.CharField(max_length=150, db_index=True)
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="lockouts")
    locked_at = models.DateTimeField()
    until = models.DateTimeField()
    cool_off_minutes = models.PositiveIntegerField()
    ip_address = models.GenericIPAddressField(null=True, blank=True, help_text="Where the last failed attempt came from.")
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-locked_at"]

    def __str__(self) -> str:
        return f"{self.username} locked until {self.until:%Y-%m-%d %H:%M}"
