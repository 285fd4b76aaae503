from __future__ import annotations

from typing import TYPE_CHECKING

from masip.assessments import services
from masip.assessments.selectors import assessments_of_case
from masip.cases.panels import register

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


@register(order=10)
def assessments_panel(case: Case, user: User):
    return "assessments/_case_panel.html", {
        "assessments": list(assessments_of_case(case)[:10]),
        "offered": bool(services.offered_instruments(case.partnership, on_case=True)),
        "case": case,
    }
