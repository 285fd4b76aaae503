"""Risk management plans: a new version becomes current, the earlier ones stay as history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from masip.access import policy
from masip.audit.actions import AuditAction
from masip.audit.history import stale_edit
from masip.audit.models import Operation
from masip.audit.services import log_event
from masip.cases.models import Case
from masip.partnerships.models import Agency
from masip.plans.models import PlanArea, PlanStrategy, RiskManagementPlan

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.assessments.models import Assessment

ANONYMISED = "(anonymised)"


@dataclass(frozen=True)
class StrategyInput:
    area: str
    description: str
    owner_agency: Agency
    review_on: date


@transaction.atomic
def plan_create_version(
    *,
    case: Case,
    acting_user: User,
    strategies: list[StrategyInput],
    change_reason: str,
    expected_version: int,
    aim: str = "",
    responds_to: Assessment | None = None,
) -> RiskManagementPlan:
    """A new version of the case's risk management plan becomes current; the earlier one stays as history.

    expected_version is the version the new one is built on (0 for the first plan):
    if another version was saved meanwhile, this one is refused rather than
    silently replacing it.
    """
    if not policy.does_casework_in(acting_user, case.partnership_id):
        raise PermissionDenied("You are not a member of this partnership's unit.")
    locked_case = Case.objects.select_for_update(of=("self",)).select_related("partnership").get(pk=case.pk)
    current = RiskManagementPlan.objects.filter(case=locked_case, is_current=True).first()
    current_version = current.version if current is not None else 0
    if current_version != expected_version:
        raise stale_edit(
            locked_case, expected_version=expected_version, current_version=current_version,
            what="the risk management plan", actions=("plan.version",),
            summary=lambda event: f"saved version {event.details.get('version')}. Why: {event.reason}",
        )
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}

    def error(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not strategies:
        error("strategies", "Add at least one strategy")
    partners = set(locked_case.partnership.partner_agencies.values_list("agency_id", flat=True))
    for number, strategy in enumerate(strategies, start=1):
        if strategy.area not in PlanArea.values:
            error("strategies", f"Strategy {number}: select the area it belongs to")
        if not strategy.description.strip():
            error("strategies", f"Strategy {number}: enter what will be done")
        if strategy.owner_agency.pk not in partners:
            error(
                "strategies",
                f"Strategy {number}: the agency chosen is not a partner agency of {locked_case.partnership}",
            )
        if strategy.review_on < today:
            error("strategies", f"Strategy {number}: the review date must be today or in the future")
    change_reason = change_reason.strip()
    if current is not None and not change_reason:
        error("change_reason", "Enter why the plan is changing")
    if responds_to is not None and responds_to.case_id != locked_case.pk:
        error("responds_to", "Select an assessment of this case")
    if errors:
        raise ValidationError(errors)
    version = (RiskManagementPlan.objects.filter(case=locked_case).aggregate(v=Max("version"))["v"] or 0) + 1
    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current"])
    plan = RiskManagementPlan.objects.create(
        partnership_id=locked_case.partnership_id,
        case=locked_case,
        version=version,
        aim=aim.strip(),
        change_reason=change_reason or "First plan for the case",
        responds_to=responds_to,
        created_by=acting_user,
    )
    PlanStrategy.objects.bulk_create(
        PlanStrategy(
            plan=plan,
            area=s.area,
            description=s.description.strip(),
            owner_agency=s.owner_agency,
            review_on=s.review_on,
        )
        for s in strategies
    )
    log_event(
        actor=acting_user,
        operation=Operation.COLLECTION,
        action=AuditAction.PLAN_VERSION,
        partnership=locked_case.partnership_id,
        subjects=[locked_case, plan],
        reason=plan.change_reason,
        details={"version": version, "strategies": len(strategies)},
    )
    return plan


# -- retention -------------------------------------------------------------------------


def case_anonymise_plans(*, case: Case) -> dict[str, int]:
    """Blank the free text of the case's risk management plans, keeping versions, areas,
    agencies and dates - for anonymisation at retention review (cases.retention)."""
    plans = RiskManagementPlan.objects.filter(case=case).update(aim="", change_reason=ANONYMISED)
    PlanStrategy.objects.filter(plan__case=case).update(description=ANONYMISED)
    return {"plans": plans}
