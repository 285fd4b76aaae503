"""The victim support panel on the case page."""

from __future__ import annotations

from typing import Any

from masip.cases.panels import register
from masip.victims.selectors import victims_for_case


@register(order=50)
def victims_panel(case: Any, user: Any):
    return "victims/panel.html", {"case": case, "victims": victims_for_case(user, case)}
