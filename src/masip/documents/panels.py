"""The documents panel on the case page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from masip.cases.panels import register
from masip.documents.selectors import documents_for_case
from masip.documents.services import may_delete

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


@register(order=55)
def documents_panel(case: Case, user: User):
    documents = list(documents_for_case(user, case))
    rows = [{"document": d, "may_delete": not d.is_deleted and may_delete(user, d)} for d in documents]
    return "documents/panel.html", {"case": case, "rows": rows}
