"""The project's URL patterns, enumerated from the URL resolver (shared by the tests that walk them)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver


def routes(resolver=None, prefix="", namespace=""):
    """(name, full route, view) for every named URL pattern of the project."""
    resolver = resolver or get_resolver()
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            inner = f"{namespace}{item.namespace}:" if item.namespace else namespace
            yield from routes(item, prefix + str(item.pattern), inner)
        elif isinstance(item, URLPattern) and item.name:
            yield f"{namespace}{item.name}", prefix + str(item.pattern), item.callback
