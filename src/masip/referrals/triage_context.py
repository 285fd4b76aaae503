"""What the triager needs to see, and what must be done before acceptance, contributed by
the contexts that hold it (assessments, cases, justice), like the case page's panels.

Referrals sit below those contexts, so they register here and this module imports none
of them.

- A panel function `(referral, user) -> TriagePanel | None` shows something on the
  triage form: the signed-off screening result and what the operating model requires
  before acceptance (assessments), the suspect's open and past cases with their risk
  and other victims (cases), orders in force (justice). Each runs a fixed number of
  queries and shows only what the access policy lets the user see; the people and
  records it shows are logged as consulted by the page.
- An acceptance check `(referral) -> str | None` returns why the referral cannot be
  accepted yet (e.g. Hampshire's S-DASH on police referrals), or None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class TriagePanel:
    template: str
    context: dict[str, Any]
    subjects: list[Any] = field(default_factory=list)  # records shown, for the consultation log


PanelSource = Callable[[Any, Any], TriagePanel | None]
AcceptanceCheck = Callable[[Any], str | None]
_PANELS: list[tuple[int, PanelSource]] = []
_CHECKS: list[AcceptanceCheck] = []


def register_panel(order: int = 50) -> Callable[[PanelSource], PanelSource]:
    """@register_panel(order=10) - lower numbers show first."""

    def decorate(source: PanelSource) -> PanelSource:
        if all(existing is not source for _, existing in _PANELS):
            _PANELS.append((order, source))
            _PANELS.sort(key=lambda item: item[0])
        return source

    return decorate


def register_acceptance_check(check: AcceptanceCheck) -> AcceptanceCheck:
    if check not in _CHECKS:
        _CHECKS.append(check)
    return check


def triage_panels(referral: Any, user: Any) -> list[TriagePanel]:
    panels = []
    for _, source in _PANELS:
        panel = source(referral, user)
        if panel is not None:
            panels.append(panel)
    return panels


def acceptance_refusals(referral: Any) -> list[str]:
    """Why this referral cannot be accepted yet (empty: it can)."""
    return [message for check in _CHECKS if (message := check(referral))]
