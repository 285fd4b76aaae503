"""Cases as records the audit screens report on (registered with audit/registry.py in
CasesConfig.ready()): a unit manager's case log and export, through the case page guard."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from masip.access import policy
from masip.audit.registry import register_audited_kind, register_case_page
from masip.cases.access import case_page
from masip.cases.models import Case
from masip.cases.selectors import cases_visible_to


def case_for_audit(user: Any, pk: int) -> Case:
    """A case in a partnership the user manages; otherwise not found."""
    return get_object_or_404(
        cases_visible_to(user).filter(partnership_id__in=policy.managed_partnership_ids(user)).select_related("partnership"),
        pk=pk,
    )


def case_covers(case: Case) -> list[tuple[str, list[int]]]:
    """A case's log covers the case, its referrals and its people."""
    referral_ids = list(case.referrals.values_list("pk", flat=True))
    person_ids = list(case.parties.values_list("person_id", flat=True))
    return [("case", [case.pk]), ("referral", referral_ids), ("person", person_ids)]


def case_name(case: Case) -> str:
    return case.reference or f"case-{case.pk}"


def register() -> None:
    register_audited_kind("case", find=case_for_audit, covers=case_covers, name=case_name)
    register_case_page(case_page)
