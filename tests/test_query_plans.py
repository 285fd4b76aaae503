"""The key lists' filters and orderings are backed by indexes: each list's query is EXPLAINed
and a full scan of a table that grows with the casework fails the test.

- SQLite: a "SCAN <table>" line is a full scan ("SEARCH ... USING INDEX" is not).
- PostgreSQL: sequential scans are priced out for the statement (`SET LOCAL enable_seqscan =
  off`), so the planner takes an index whenever one can serve; a "Seq Scan on <table>" that
  remains means no index can.

Small reference tables (partnerships, agencies, users, memberships) may be scanned.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction

from masip.cases import selectors as case_selectors
from masip.cases.models import RiskRank
from masip.referrals import selectors as referral_selectors

SMALL_TABLES = {
    "partnerships_partnership", "partnerships_agency", "partnerships_membership", "partnerships_operatingmodel",
    "accounts_user",
}


def plan_of(queryset) -> str:
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            return queryset.explain()
    return queryset.explain()


def full_scans(plan: str) -> list[str]:
    if connection.vendor == "postgresql":
        tables = re.findall(r"Seq Scan on (\w+)", plan)
    else:
        tables = [t for t in re.findall(r"\bSCAN (\w+)", plan) if t != "CONSTANT"]
    return [t for t in tables if t not in SMALL_TABLES]


def case_queries():
    yield "all cases", case_selectors.CaseListQuery()
    yield "my cases", case_selectors.CaseListQuery(mine=True)
    yield "open", case_selectors.CaseListQuery(status="open")
    yield "lead", case_selectors.CaseListQuery(lead_id=1)
    yield "agency", case_selectors.CaseListQuery(agency_id=1)
    yield "risk", case_selectors.CaseListQuery(risk=RiskRank.HIGH, sort="risk")
    yield "stalker type", case_selectors.CaseListQuery(stalker_type="rejected")
    yield "area", case_selectors.CaseListQuery(area="Camden")
    yield "reassessment due", case_selectors.CaseListQuery(reassessment_due=True)
    yield "open actions", case_selectors.CaseListQuery(extras=("open_actions",))
    yield "on a coming agenda", case_selectors.CaseListQuery(extras=("on_agenda",))
    for sort in case_selectors.CASE_ORDER:
        yield f"sorted by {sort}", case_selectors.CaseListQuery(sort=sort)


@pytest.mark.parametrize(("name", "query"), list(case_queries()), ids=[n for n, _ in case_queries()])
def test_the_case_list_never_scans_a_whole_table(staff, name, query):
    user = staff["london-manager"]
    partnership = user.memberships.get().partnership
    queryset = case_selectors.case_list(user, partnership, query)
    plan = plan_of(queryset[:50])
    assert full_scans(plan) == [], f"{name}:\n{plan}"


@pytest.mark.parametrize("which", ["triage queue", "referrals", "referrals by status"])
def test_the_referral_lists_never_scan_a_whole_table(staff, which):
    user = staff["london-manager"]
    partnership = user.memberships.get().partnership
    queryset = {
        "triage queue": lambda: referral_selectors.triage_queue(user, partnership),
        "referrals": lambda: referral_selectors.referral_list(user, partnership),
        "referrals by status": lambda: referral_selectors.referral_list(user, partnership, status="accept"),
    }[which]()
    plan = plan_of(queryset[:50])
    assert full_scans(plan) == [], f"{which}:\n{plan}"


def test_the_check_sees_a_full_scan(db):
    """The tests above can fail: a filter on an unindexed column, with nothing else to narrow it,
    scans the table."""
    from masip.cases.models import Case

    assert full_scans(plan_of(Case.objects.filter(close_reason="x"))) == ["cases_case"]


def test_the_dashboards_period_of_actions_uses_an_index(db, london):
    from datetime import date

    from masip.actions.models import CaseAction

    actions = CaseAction.objects.filter(partnership_id__in=[london.pk], due_on__range=(date(2026, 7, 1), date(2026, 9, 30)))
    plan = plan_of(actions.values("status", "due_on", "completed_on").order_by())
    assert full_scans(plan) == [], plan
