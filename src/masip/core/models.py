"""Abstract bases shared by the contexts' models (core holds no tables of its own)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Recorded(models.Model):
    """A record someone made: who recorded it and when, kept for the audit and the timeline.

    `recorded_by` is protected: a member of staff who recorded casework cannot be
    deleted (switch the account off instead).
    """

    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
