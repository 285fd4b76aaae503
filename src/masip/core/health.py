"""Checks the health endpoint's deep mode runs (`/healthz?deep=1`).

Core knows no domain, so the apps that own a check register it here (the audit
trail registers its hash-chain verification in its AppConfig.ready).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache

# A full check reads every audit event, and the health endpoint needs no sign-in:
# a result is reused for this long so that the endpoint cannot be used to load the database.
DEEP_RESULT_SECONDS = 300
_CACHE_KEY = "masip.healthz.deep"

_deep_checks: dict[str, Callable[[], bool]] = {}


def register_deep_check(name: str, check: Callable[[], bool]) -> None:
    """`check` returns True when healthy; an exception counts as unhealthy."""
    _deep_checks[name] = check


def run_deep_checks() -> dict[str, str]:
    cached = cache.get(_CACHE_KEY)
    if cached is not None:
        return cached
    results = {}
    for name, check in sorted(_deep_checks.items()):
        try:
            results[name] = "ok" if check() else "failed"
        except Exception:  # a check that cannot run is a failed check
            results[name] = "failed"
    cache.set(_CACHE_KEY, results, DEEP_RESULT_SECONDS)
    return results


def forget_deep_results() -> None:
    cache.delete(_CACHE_KEY)
