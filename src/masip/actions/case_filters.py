"""The case list's "has open actions" filter, registered with cases (cases/registry.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from masip.actions.models import ActionStatus, CaseAction
from masip.cases.registry import CaseFilter, register_case_filter


def with_open_actions(cases: QuerySet, partnership: Any) -> QuerySet:
    return cases.filter(Exists(CaseAction.objects.filter(case=OuterRef("pk"), status=ActionStatus.OPEN)))


register_case_filter(CaseFilter("open_actions", "Has open actions", with_open_actions))
