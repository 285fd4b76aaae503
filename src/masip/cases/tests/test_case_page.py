from __future__ import annotations

from django.urls import reverse

from masip.cases.models import Case


def test_case_page_shows_people_and_a_timeline_in_order(as_user, london, make_referral, accept):
    first = make_referral(london)
    accept(first)
    suspect = first.parties.get(role="suspect").person
    second = make_referral(london, suspect_id=suspect.pk, victim="Zoe Price", relationship="acquaintance")
    accept(second)
    case = Case.objects.get()
    html = as_user("london-police").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Ryan Cole" in html and "Emma Hart" in html and "Zoe Price" in html
    timeline = html[html.index('id="case-timeline"') :]
    # Newest first: the trigger the second triage raised, that triage, then the case's beginning.
    order = [
        timeline.index("Re-review trigger: new referral about the same suspect"),
        timeline.index(f"Triage of {second.reference}"),
        timeline.index("Case opened"),
        timeline.index(f"Triage of {first.reference}"),
        timeline.index(f"Referral {first.reference} received"),
    ]
    assert order == sorted(order)
    assert "Re-review needed" in html  # the open trigger is flagged at the top


def test_case_page_runs_a_constant_number_of_queries(as_user, london, make_referral, accept, count_queries):
    first = make_referral(london)
    accept(first)
    case = Case.objects.get()
    client = as_user("london-police")
    url = reverse("cases:detail", args=[case.pk])
    client.get(url)
    small = count_queries(lambda: client.get(url))
    suspect = first.parties.get(role="suspect").person
    for i in range(8):
        accept(make_referral(london, suspect_id=suspect.pk, victim=f"Victim {i}"))
    large = count_queries(lambda: client.get(url))
    assert small == large
    assert client.get(url).content.decode().count("Re-review trigger") == 8


def test_case_list_filters_by_status(as_user, london, make_referral, accept):
    accept(make_referral(london, suspect="Open Suspect", victim="V1"))
    accept(make_referral(london, suspect="Closed Suspect", victim="V2"))
    Case.objects.filter(suspect__full_name="Closed Suspect").update(status="closed")
    html = (
        as_user("london-police")
        .get(reverse("cases:list", args=[london.slug]) + "?status=open")
        .content.decode()
    )
    assert "Open Suspect" in html and "Closed Suspect" not in html
