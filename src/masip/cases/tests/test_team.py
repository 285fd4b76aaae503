"""The staff working a case: taking someone off ends their allocation and keeps it, so the
caseload on any past day can still be counted."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from masip.cases.access import in_caseload
from masip.cases.models import Case, CaseAllocation
from masip.reporting.staffing import CaseRow


def _save_team(client, case, *, lead, allocated):
    case.refresh_from_db()
    response = client.post(
        reverse("cases:edit", args=[case.pk]),
        {"lead_officer": lead.pk, "allocated_staff": [u.pk for u in allocated], "version": case.team_version},
    )
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[case.pk])
    return response


def test_taking_someone_off_a_case_ends_their_allocation_and_keeps_it(london, make_referral, accept, as_user, staff):
    accept(make_referral(london))
    case = Case.objects.get()
    police, probation, health = staff["london-police"], staff["london-probation"], staff["london-health"]
    client = as_user("london-police")
    start = timezone.localdate()
    assert _save_team(client, case, lead=police, allocated=[probation, health]).status_code == 302
    assert in_caseload(probation, case)

    later = timezone.now() + timedelta(days=10)
    with time_machine.travel(later, tick=False):
        client = as_user("london-police")  # signed in again: the session has expired by then
        assert _save_team(client, case, lead=police, allocated=[health]).status_code == 302
        ended = CaseAllocation.objects.get(case=case, user=probation)
        assert (ended.allocated_on, ended.ended_on) == (start, timezone.localdate())
        assert not in_caseload(probation, case)
        page = client.get(reverse("cases:edit", args=[case.pk])).content.decode()
        assert f'value="{probation.pk}" checked' not in page and f'value="{health.pk}" checked' in page

        # Put back on the case: a new allocation from today; the ended one stays as it was.
        assert _save_team(client, case, lead=police, allocated=[health, probation]).status_code == 302
        rows = CaseAllocation.objects.filter(case=case, user=probation).order_by("pk")
        assert [(r.allocated_on, r.ended_on) for r in rows] == [(start, ended.ended_on), (timezone.localdate(), None)]
        assert in_caseload(probation, case)

    # Caseload on a past day counts whoever worked the case that day: probation from the start
    # until the day they came off (not that day), and again from the day they were put back.
    row = CaseRow(
        case.pk, case.opened_on, None, police.pk,
        tuple(
            CaseAllocation.objects.filter(case=case, user=probation)
            .order_by("pk")
            .values_list("user_id", "allocated_on", "ended_on")
        ),
    )
    first_only = CaseRow(case.pk, case.opened_on, None, police.pk, (row.allocations[0],))
    assert probation.pk in row.workers_on(start + timedelta(days=5))
    assert probation.pk not in first_only.workers_on(start + timedelta(days=10))
    assert probation.pk in row.workers_on(start + timedelta(days=11))
