"""The victim support panel on the case page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from masip.cases.panels import register
from masip.victims.selectors import victims_for_case

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


@register(order=50)
def victims_panel(case: Case, user: User):
    return "victims/panel.html", {"case": case, "victims": victims_for_case(user, case)}
