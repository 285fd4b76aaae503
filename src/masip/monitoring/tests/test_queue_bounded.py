"""The monitoring queue is bounded: each section shows its first few items and how many there
are, and links to its own paginated page; the page's queries do not grow with the caseload."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from masip.cases.models import Case, ReviewTrigger, TriggerKind
from masip.monitoring import queue

URL = reverse("monitoring:queue", args=["london"])


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(queue, "QUEUE_SECTION_LIMIT", 3)
    monkeypatch.setattr(queue, "SECTION_PAGE_SIZE", 2)


def _triggered_cases(london, make_referral, accept, n: int, start: int = 0) -> list[str]:
    now = timezone.now()
    for i in range(start, start + n):
        accept(make_referral(london, suspect=f"Suspect{i} Queued", victim=f"Victim{i} Queued"))
        case = Case.objects.order_by("-pk").first()
        ReviewTrigger.objects.create(
            case=case, kind=TriggerKind.NEW_INCIDENT, reason=f"Reason {i}", raised_at=now - timedelta(hours=100 - i)
        )
    return list(
        ReviewTrigger.objects.filter(case__partnership=london, resolved_at__isnull=True)
        .order_by("raised_at", "id")
        .values_list("case__reference", flat=True)
    )


def test_a_section_shows_its_first_items_and_links_to_all_of_them(
    as_user, london, make_referral, accept, small_pages
):
    refs = _triggered_cases(london, make_referral, accept, 5)
    client = as_user("london-manager")
    page = client.get(URL, {"scope": "all"}).content.decode()
    shown = [r for r in refs if r in page]
    assert shown == refs[:3]  # the earliest three, in order
    assert "The first 3 of 5, earliest first." in page
    assert "?scope=all&amp;section=triggers" in page

    first = client.get(URL, {"scope": "all", "section": "triggers"}).content.decode()
    assert [r for r in refs if r in first] == refs[:2] and "Page 1 of 3" in first
    assert "Back to the whole queue" in first and "Reassessments due" not in first
    last = client.get(URL, {"scope": "all", "section": "triggers", "page": "3"}).content.decode()
    assert [r for r in refs if r in last] == refs[4:]
    beyond = client.get(URL, {"scope": "all", "section": "triggers", "page": "99"}).content.decode()
    assert [r for r in refs if r in beyond] == refs[4:]  # past the end: the last page
    for bad in ("nonsense", "<script>", "9" * 30):
        response = client.get(URL, {"scope": "all", "section": bad, "page": bad})
        assert response.status_code == 200 and "Reassessments due" in response.content.decode()


def test_the_queue_makes_as_many_queries_for_many_items_as_for_a_few(
    as_user, london, make_referral, accept, small_pages
):
    client = as_user("london-manager")
    _triggered_cases(london, make_referral, accept, 4)
    client.get(URL, {"scope": "all"})  # warm: the session, the operating model
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"scope": "all"})
    _triggered_cases(london, make_referral, accept, 6, start=4)
    with CaptureQueriesContext(connection) as many:
        page = client.get(URL, {"scope": "all"}).content.decode()
    assert "The first 3 of 10, earliest first." in page
    assert len(many.captured_queries) == len(few.captured_queries)
