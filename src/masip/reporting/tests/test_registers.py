"""Training, consultancy and staffing registers, through their pages, per role."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from masip.audit.models import AuditEvent
from masip.reporting.models import Consultancy, Post, PostHolding, TrainingEvent


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def training_post(date_parts, day, **extra):
    data = {"direction": "outward", "topic": "Recognising stalking", "trainer": "DS Okafor", "place": "Lambeth",
            "audience_kinds": ["police", "probation"], "number_trained": "930", "number_is_lower_bound": "on",
            **date_parts("held_on", day)}
    data.update(extra)
    return data


def test_unit_staff_record_training_with_an_approximate_count_shown_as_a_lower_bound(
    london, as_user, date_parts
):
    client = as_user("london-health")
    day = timezone.localdate() - timedelta(days=2)
    response = client.post(reverse("reporting:training_add", args=["london"]), training_post(date_parts, day))
    assert response.status_code == 302
    event = TrainingEvent.objects.get()
    assert (event.number_trained, event.number_is_lower_bound, event.audience_kinds) == (930, True, ["police", "probation"])
    assert AuditEvent.objects.filter(action="training.record", subjects__object_id=event.pk).exists()
    listing = text(client.get(reverse("reporting:training_list", args=["london"])))
    assert ">930 (approximate)" in listing and "Police, Probation (NPS)" in listing
    assert "Correct" not in listing  # only the manager corrects


def test_training_form_errors_are_clear_and_nothing_is_saved(london, as_user, date_parts):
    client = as_user("london-police")
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("reporting:training_add", args=["london"]),
        training_post(date_parts, tomorrow, number_trained="0", topic="", audience_kinds=[]),
    )
    page = text(response)
    assert response.status_code == 200
    assert "Date held must be today or in the past" in page
    assert "Number trained must be 1 or more" in page
    assert "Enter topic" in page
    assert not TrainingEvent.objects.exists()
    # Outward training needs its audience (checked by the service once the form is valid).
    response = client.post(
        reverse("reporting:training_add", args=["london"]),
        training_post(date_parts, timezone.localdate(), audience_kinds=[]),
    )
    assert "Select at least one agency the audience came from" in text(response)
    assert not TrainingEvent.objects.exists()


def test_the_manager_corrects_training_others_may_not(london, as_user, date_parts, staff):
    from masip.reporting import services

    day = timezone.localdate() - timedelta(days=5)
    event = services.training_record(
        partnership=london, acting_user=staff["london-police"],
        data=services.TrainingInput(direction="outward", held_on=day, topic="Stalking awareness", trainer="DS Okafor",
                                    place="", audience_kinds=["police"], number_trained=24),
    )
    url = reverse("reporting:training_correct", args=[event.pk])
    assert as_user("london-police").get(url).status_code == 403
    assert as_user("cheshire-manager").get(url).status_code == 404
    client = as_user("london-manager")
    assert client.get(url).status_code == 200
    response = client.post(url, {**training_post(date_parts, day, number_trained="42", number_is_lower_bound=""),
                                 "version": str(event.version), "reason": "Sign-in sheet recounted"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.number_trained, event.number_is_lower_bound, event.version) == (42, False, 2)
    change = AuditEvent.objects.get(action="training.correct")
    assert change.reason == "Sign-in sheet recounted"
    assert {(c.field, c.old_value, c.new_value) for c in change.field_changes.all()} >= {("number_trained", "24", "42")}
    # A page opened at version 1 is now stale: refused, saying what changed, nothing saved.
    stale = client.post(url, {**training_post(date_parts, day, number_trained="50"), "version": "1", "reason": "x"})
    assert stale.status_code == 200
    assert "Number trained is now “42”" in text(stale)
    event.refresh_from_db()
    assert event.number_trained == 42


def test_consultancy_is_recorded_by_unit_staff_and_listed(london, as_user, date_parts):
    client = as_user("london-police")
    url = reverse("reporting:consultancy_add", args=["london"])
    response = client.post(url, {"kind": "psr_advice", "agency_kind": "probation", "agency_name": "NPS Lambeth",
                                 **date_parts("given_on", timezone.localdate())})
    assert response.status_code == 302
    item = Consultancy.objects.get()
    assert (item.kind, item.agency_kind, item.recorded_by.username) == ("psr_advice", "probation", "london-police")
    page = text(client.get(reverse("reporting:consultancy_list", args=["london"])))
    assert "Pre-sentence report advice" in page and "NPS Lambeth" in page
    missing = client.post(url, {**date_parts("given_on", timezone.localdate())})
    assert "Select kind of consultancy" in text(missing)
    assert as_user("cheshire-police").get(reverse("reporting:consultancy_list", args=["london"])).status_code == 404
    assert as_user("pmo").get(reverse("reporting:consultancy_list", args=["london"])).status_code == 403


def test_consultancy_list_is_paginated(london, staff, as_user):
    from masip.reporting import services

    for _ in range(30):
        services.consultancy_record(
            partnership=london, acting_user=staff["london-police"],
            data=services.ConsultancyInput(kind="oic_advice", agency_kind="police", agency_name="",
                                           given_on=timezone.localdate()),
        )
    client = as_user("london-advocate")
    first = text(client.get(reverse("reporting:consultancy_list", args=["london"])))
    assert "Page 1 of 2" in first
    second = client.get(reverse("reporting:consultancy_list", args=["london"]) + "?page=2")
    assert text(second).count("Advice to an officer in charge") == 5


def _met(london):
    from masip.partnerships.models import Agency

    return Agency.objects.get(name="Metropolitan Police Service")


def test_the_manager_keeps_posts_and_holders_and_caseload_per_fte_follows(
    london, as_user, date_parts, staff, make_referral, accept
):
    today = timezone.localdate()
    client = as_user("london-manager")
    start = today - timedelta(days=200)
    response = client.post(reverse("reporting:post_add", args=["london"]), {
        "agency": _met(london).pk, "role": "Detective sergeant", "programme_funded": "on", "fte": "0.5",
        **date_parts("starts_on", start),
    })
    assert response.status_code == 302
    post = Post.objects.get()
    assert (post.fte, post.programme_funded) == (Decimal("0.50"), True)
    vacant = text(client.get(reverse("reporting:staffing", args=["london"])))
    assert "Vacant" in vacant and "no staff in post" in vacant
    response = client.post(reverse("reporting:holding_add", args=[post.pk]), {
        "user": staff["london-police"].pk, **date_parts("starts_on", start),
    })
    assert response.status_code == 302
    # Two open cases led by london-police (who accepts them), one of them allocated on.
    for n in range(2):
        accept(make_referral(london, suspect=f"Suspect{n} Caseload", victim=f"Victim{n} Caseload",
                             received_on=today - timedelta(days=3)))
    page = text(client.get(reverse("reporting:staffing", args=["london"])))
    assert "Open cases per FTE 4.0" in page  # 2 open cases over 0.5 FTE
    assert "Sam Okafor Detective sergeant (Met Police) 0.50 2 4.0" in page
    # On a day before the cases were opened the caseload was nil.
    before = client.get(reverse("reporting:staffing", args=["london"]), date_parts("on", today - timedelta(days=30)))
    assert "Open cases 0" in text(before)
    # Overlapping holders are refused with a clear message.
    overlap = client.post(reverse("reporting:holding_add", args=[post.pk]), {
        "holder_name": "Agency temp", **date_parts("starts_on", today),
    })
    assert "Sam Okafor holds this post from" in text(overlap)
    assert PostHolding.objects.count() == 1
    # The holder leaves: a versioned edit; the post is vacant from the next day.
    holding = PostHolding.objects.get()
    response = client.post(reverse("reporting:holding_edit", args=[holding.pk]), {
        "user": staff["london-police"].pk, **date_parts("starts_on", start), **date_parts("ends_on", today - timedelta(days=1)),
        "version": str(holding.version),
    })
    assert response.status_code == 302
    page = text(client.get(reverse("reporting:staffing", args=["london"])))
    assert "Vacant posts Detective sergeant (Met Police) (0.50 FTE)" in page
    assert "Vacant" in page.split("Posts and who held them")[1]
    assert AuditEvent.objects.filter(action="post.holding_update").exists()


def test_staffing_pages_per_role(london, as_user):
    assert as_user("london-advocate").get(reverse("reporting:staffing", args=["london"])).status_code == 200
    assert as_user("london-advocate").get(reverse("reporting:post_add", args=["london"])).status_code == 403
    assert as_user("cheshire-manager").get(reverse("reporting:post_add", args=["london"])).status_code == 404
    assert as_user("london-manager").get(reverse("reporting:post_add", args=["london"])).status_code == 200


def test_post_form_errors(london, as_user, date_parts):
    client = as_user("london-manager")
    today = timezone.localdate()
    response = client.post(reverse("reporting:post_add", args=["london"]), {
        "agency": _met(london).pk, "role": "Analyst", "fte": "1.5", **date_parts("starts_on", today),
        **date_parts("ends_on", today - timedelta(days=1)),
    })
    page = text(response)
    assert "FTE must be between 0.01 and 1" in page
    response = client.post(reverse("reporting:post_add", args=["london"]), {
        "agency": _met(london).pk, "role": "Analyst", "fte": "1", **date_parts("starts_on", today),
        **date_parts("ends_on", today - timedelta(days=1)),
    })
    assert "End date must be on or after the start date" in text(response)
    assert not Post.objects.exists()
