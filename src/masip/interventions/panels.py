"""The interventions panel on the case page: every intervention, with clinical detail only for those who may see it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from masip.cases.panels import register
from masip.interventions.selectors import interventions_for_case

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


@register(order=40)
def interventions_panel(case: Case, user: User):
    items = interventions_for_case(user, case)
    return "interventions/panel.html", {
        "case": case,
        "items": items,
        "any_hidden": any(not item.detail_visible for item in items),
        "today": timezone.localdate(),
    }
