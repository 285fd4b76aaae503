"""A daily meeting's agenda renders in the same number of queries with 10 cases (and 10 referrals
awaiting triage) as with 50, keeping it current as it is read; and building it costs the same
number of queries whatever its size."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from masip.access.models import Category
from masip.actions.models import CaseAction
from masip.cases.models import Case, CaseParty, ReviewTrigger
from masip.meetings import services
from masip.meetings.models import AgendaItem
from masip.people.models import Person
from masip.referrals.models import Referral, ReferralParty
from masip.sharing.models import InformationEntry

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def crowded_meeting(london, daily, staff):
    """Today's daily meeting with n cases, each with a re-review trigger, what agencies shared and an
    action, and n referrals awaiting triage (London's morning meeting triages them)."""

    def make(n: int):
        partnership = london
        ReviewTrigger.objects.update(
            resolved_at=timezone.now()
        )  # an earlier size's cases stay off this agenda
        start = Case.objects.count()
        people = Person.objects.bulk_create(
            Person(
                partnership=partnership,
                full_name=f"Person {start + i} {role}",
                name_key=f"p{start + i}{role}",
            )
            for i in range(n)
            for role in ("suspect", "victim")
        )
        cases = Case.objects.bulk_create(
            Case(
                partnership=partnership,
                reference=f"LON-P{start + i:05d}",
                suspect=people[2 * i],
                risk_rank=i % 4,
            )
            for i in range(n)
        )
        CaseParty.objects.bulk_create(
            CaseParty(case=c, person=people[2 * i + role], role=("suspect", "victim")[role])
            for i, c in enumerate(cases)
            for role in (0, 1)
        )
        ReviewTrigger.objects.bulk_create(
            ReviewTrigger(case=c, kind="new_incident", reason="Seen at work") for c in cases
        )
        Referral.objects.filter(status="untriaged").update(status="close")  # an earlier size's referrals
        referrals = Referral.objects.bulk_create(
            Referral(
                partnership=partnership,
                reference=f"LON-RP{start + i:05d}",
                source_agency_kind="police",
                channel="police_scan",
                received_on=timezone.localdate(),
                recorded_offence="s2",
                current_offence="s2",
                summary="Messages after the break-up.",
            )
            for i in range(n)
        )
        ReferralParty.objects.bulk_create(
            ReferralParty(referral=r, person=people[2 * i + role], role=("suspect", "victim")[role])
            for i, r in enumerate(referrals)
            for role in (0, 1)
        )
        meeting = daily()
        items = list(AgendaItem.objects.filter(meeting=meeting, case__isnull=False))
        assert len(items) == n
        assert AgendaItem.objects.filter(meeting=meeting, referral__isnull=False).count() == n
        police = staff["london-police"]
        InformationEntry.objects.bulk_create(
            InformationEntry(
                partnership=partnership,
                case_id=i.case_id,
                category=Category.POLICE_INTELLIGENCE,
                source_agency=police.agency,
                title="PNC",
                body="Two warnings",
                recorded_by=police,
                agenda_item=i,
            )
            for i in items
        )
        CaseAction.objects.bulk_create(
            CaseAction(
                partnership=partnership,
                case_id=i.case_id,
                meeting=meeting,
                agenda_item=i,
                description="Advice",
                owner_agency=police.agency,
                due_on=timezone.localdate() + timedelta(days=3),
                created_by=police,
            )
            for i in items
        )
        return meeting

    return make


def test_the_meeting_page_runs_the_same_queries_for_10_and_50_cases(crowded_meeting, as_user, count_queries):
    counts = {}
    for n in (10, 50):
        meeting = crowded_meeting(n)
        client = as_user("london-police")  # after the clock has moved to the meeting's day
        url = reverse("meetings:detail", args=[meeting.pk])
        assert client.get(url).status_code == 200  # warm the session and caches
        counts[n] = count_queries(lambda url=url, client=client: client.get(url))
        response = client.get(url)
        assert response.content.decode().count('class="masip-agenda__item') == 2 * n
        for kind, item in [
            ("case", AgendaItem.objects.filter(meeting=meeting, case__isnull=False).last()),
            ("referral", AgendaItem.objects.filter(meeting=meeting, referral__isnull=False).last()),
        ]:
            panel = reverse("meetings:item", args=[meeting.pk, item.pk])
            counts[f"{kind} panel {n}"] = count_queries(
                lambda panel=panel, client=client: client.get(panel, **HTMX)
            )
        from masip.meetings.models import Meeting

        Meeting.objects.filter(pk=meeting.pk).delete()
    print("query counts", counts)
    assert counts[10] == counts[50], counts
    assert counts["case panel 10"] == counts["case panel 50"], counts
    assert counts["referral panel 10"] == counts["referral panel 50"], counts


def test_building_the_agenda_costs_the_same_whatever_its_size(crowded_meeting, staff, count_queries):
    counts = []
    for n in (10, 50):
        meeting = crowded_meeting(n)
        counts.append(
            count_queries(
                lambda m=meeting: services.meeting_build_agenda(meeting=m, acting_user=staff["london-police"])
            )
        )
        meeting.delete()
    print("agenda build query counts", counts)
    assert counts[0] == counts[1], counts
