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
        return self.agency.kind if self.agency_id else None
