"""The criminal-justice panel on the case page (events and orders; case-management information)."""

from __future__ import annotations

from typing import Any

from masip.cases.panels import register
from masip.justice.selectors import events_for_case, orders_for_case


@register(order=30)
def justice_panel(case: Any, user: Any):
    return "justice/panel.html", {
        "case": case,
        "events": list(events_for_case(case)),
        "orders": list(orders_for_case(case)),
    }
