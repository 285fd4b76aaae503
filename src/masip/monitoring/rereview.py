"""Raising a re-review trigger: the one way incidents, offences, breaches and
advocates' concerns bring a case back.

A trigger (cases.ReviewTrigger) says why the case needs another look; the
meetings context puts cases with open triggers on the next suitable agenda and
resolves them once discussed. What else a trigger asks for is the partnership's
revisiting policy (partnerships.revisiting): a reassessment, with the same
reason, where the unit looks (the case page and the monitoring queue) - in
Cheshire a new CAS - or, in London, nothing more than the meeting. New
referrals about a suspect with an open case raise their own trigger at triage
(cases.services), read the same way.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from masip.audit.actions import AuditAction
from masip.audit.models import Operation
from masip.audit.services import log_event
from masip.cases.models import Case, ReviewTrigger, TriggerKind
from masip.cases.services import case_revisit


def review_trigger_raise(
    *, case: Case, kind: str, reason: str, acting_user: Any, referral: Any = None
) -> ReviewTrigger:
    """Record why the case needs re-review and mark a reassessment as due. Call inside the change's transaction."""
    assert transaction.get_connection().in_atomic_block, "raise a trigger inside the transaction of its cause"
    kind = TriggerKind(kind)
    reason = reason.strip()
    trigger = ReviewTrigger.objects.create(
        case=case, kind=kind, reason=reason, raised_by=acting_user, referral=referral
    )
    case_revisit(case=case, acting_user=acting_user, trigger=f"{kind.label}: {reason}")
    log_event(
        actor=acting_user,
        operation=Operation.ALTERATION,
        action=AuditAction.CASE_REVIEW_TRIGGER,
        partnership=case.partnership,
        subjects=[case],
        reason=reason,
        details={"kind": kind.value},
    )
    return trigger
