"""The sign-in backends load the user's agency with the user.

Every page names the user's agency in its header; loading it with the user (one query on
each request instead of two) keeps templates from querying. Both backends in
AUTHENTICATION_BACKENDS use it: axes' (first, which `force_login` records in the session)
and Django's ModelBackend (which a password sign-in records).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from masip.accounts.models import User


class AgencyLoaded:
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("agency").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class UserWithAgencyBackend(AgencyLoaded, ModelBackend):
    """Django's ModelBackend, the agency loaded with the user."""
