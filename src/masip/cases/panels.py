"""Panels on the case page, contributed by other contexts (meetings, interventions, ...).

Like the timeline, each context registers a function; the case page renders
every panel in registration order. A panel function returns None to show
nothing, or (template name, context dict). Each must run a fixed number of
queries and must only show what the access policy lets the user see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Panel = tuple[str, dict[str, Any]]
PanelSource = Callable[[Any, Any], Panel | None]
_PANELS: list[tuple[int, PanelSource]] = []


def register(order: int = 50) -> Callable[[PanelSource], PanelSource]:
    """@register(order=10) - lower numbers show first."""

    def decorate(source: PanelSource) -> PanelSource:
        if all(existing is not source for _, existing in _PANELS):
            _PANELS.append((order, source))
            _PANELS.sort(key=lambda item: item[0])
        return source

    return decorate


def case_panels(case: Any, user: Any) -> list[Panel]:
    panels = []
    for _, source in _PANELS:
        panel = source(case, user)
        if panel is not None:
            panels.append(panel)
    return panels
