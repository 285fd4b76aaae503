"""Who works a case because of its actions: the named owner of an action on it (open
or done, not cancelled), and the staff of an agency with an open action on it. Registered with cases.access, so the
"why are you opening this case?" question is not put to them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from masip.actions.models import ActionStatus, CaseAction
from masip.cases.access import register_caseload_rule

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


@register_caseload_rule
def works_an_action(user: User, case: Case) -> bool:
    mine = Q(owner_user=user) & ~Q(status=ActionStatus.CANCELLED)
    if user.agency_id:
        mine |= Q(owner_agency_id=user.agency_id, status=ActionStatus.OPEN)
    return CaseAction.objects.filter(mine, case=case).exists()
