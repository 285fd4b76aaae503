"""The criminal-justice panel on the case page (events and orders; case-management information)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from masip.cases.panels import register
from masip.justice.selectors import events_for_case, orders_for_case

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


@register(order=30)
def justice_panel(case: Case, user: User):
    return "justice/panel.html", {
        "case": case,
        "events": list(events_for_case(case)),
        "orders": list(orders_for_case(case)),
    }
