"""Reads about partnerships and their agencies."""

from __future__ import annotations

from django.db.models import QuerySet

from masip.partnerships.models import Agency, Partnership


def partner_agencies(partnership: Partnership | int) -> QuerySet[Agency]:
    """The agencies that take part in the partnership, by name: who its information may go to."""
    return Agency.objects.filter(partner_roles__partnership=partnership).distinct().order_by("name")
