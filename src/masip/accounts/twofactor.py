"""Two-factor authentication (TOTP) for every account, enrolled at first sign-in.

Demo accounts skip it only while the demo settings are active (MASIP_DEMO):
they exist only in synthetic demo data.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from masip.accounts.selectors import has_confirmed_device

EXEMPT_URL_NAMES = {"accounts:login", "accounts:logout", "accounts:two_factor", "accounts:two_factor_setup",
                    "workspace:healthz", "accounts:keep_alive"}


def exempt_from_two_factor(user: Any) -> bool:
    return bool(settings.DEMO_MODE and getattr(user, "is_demo_account", False))


def needs_two_factor(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or exempt_from_two_factor(user):
        return False
    return not user.is_verified()


class TwoFactorRequiredMiddleware:
    """After the password, nothing but the two-factor pages until a code is given."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if needs_two_factor(request.user):
            match = getattr(request, "resolver_match", None)
            path = request.path_info
            if not path.startswith(settings.STATIC_URL):
                from django.urls import Resolver404, resolve

                try:
                    name = resolve(path).view_name if match is None else match.view_name
                except Resolver404:
                    name = ""
                if name not in EXEMPT_URL_NAMES:
                    target = "accounts:two_factor" if has_confirmed_device(request.user) else "accounts:two_factor_setup"
                    return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
