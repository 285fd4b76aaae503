"""The reporting edit forms, raced by tests/forms/test_stale_edits.py: each returns the Race's fields."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone


def _parts(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def training_correct(w) -> dict:
    from masip.reporting import services
    from masip.reporting.models import TrainingEvent

    event = services.training_record(
        partnership=w.london, acting_user=w.staff["london-police"],
        data=services.TrainingInput(direction="outward", held_on=timezone.localdate(), topic="Stalking awareness",
                                    trainer="DS Okafor", place="", audience_kinds=["police"], number_trained=24),
    )
    return dict(
        url=reverse("reporting:training_correct", args=[event.pk]), field="number_trained",
        a="london-manager", b="london-manager",
        change_b={"number_trained": "40", "reason": "Recounted the sign-in sheet"},
        change_a={"topic": "Stalking awareness for call handlers", "reason": "Fuller title"},
        snapshot=lambda: TrainingEvent.objects.values_list("topic", "number_trained", "version").get(pk=event.pk),
        expect=("This training event changed while you were editing it", "Number trained is now “40”"),
    )


def consultancy_correct(w) -> dict:
    from masip.reporting import services
    from masip.reporting.models import Consultancy

    item = services.consultancy_record(
        partnership=w.london, acting_user=w.staff["london-police"],
        data=services.ConsultancyInput(kind="oic_advice", agency_kind="police", agency_name="",
                                       given_on=timezone.localdate()),
    )
    return dict(
        url=reverse("reporting:consultancy_correct", args=[item.pk]), field="agency_name",
        a="london-manager", b="london-manager",
        change_b={"agency_name": "Lambeth CID", "reason": "Which team"},
        change_a={"kind": "complex_case", "reason": "It was a complex case consultation"},
        snapshot=lambda: Consultancy.objects.values_list("kind", "agency_name", "version").get(pk=item.pk),
        expect=("This consultancy record changed while you were editing it", "Agency name is now “Lambeth CID”"),
    )


def _post(w):
    from masip.partnerships.models import Agency
    from masip.reporting import services

    return services.post_create(
        partnership=w.london, acting_user=w.staff["london-manager"],
        data=services.PostInput(agency=Agency.objects.get(name="Metropolitan Police Service"), role="Detective sergeant",
                                programme_funded=True, fte=Decimal("1"),
                                starts_on=timezone.localdate() - timedelta(days=400)),
    )


def post_edit(w) -> dict:
    from masip.reporting.models import Post

    post = _post(w)
    return dict(
        url=reverse("reporting:post_edit", args=[post.pk]), field="fte",
        a="london-manager", b="london-manager",
        change_b={"role": "Detective inspector"},
        change_a={"fte": "0.5"},
        snapshot=lambda: Post.objects.values_list("role", "fte", "version").get(pk=post.pk),
        expect=("This post changed while you were editing it", "Role is now “Detective inspector”"),
    )


def holding_edit(w) -> dict:
    from masip.reporting import services
    from masip.reporting.models import PostHolding

    today = timezone.localdate()
    holding = services.holding_add(
        post=_post(w), acting_user=w.staff["london-manager"],
        data=services.HoldingInput(user=w.staff["london-police"], holder_name="", starts_on=today - timedelta(days=300)),
    )
    return dict(
        url=reverse("reporting:holding_edit", args=[holding.pk]), field="holder_name",
        a="london-manager", b="london-manager",
        change_b=_parts("ends_on", today - timedelta(days=1)),
        change_a=_parts("starts_on", today - timedelta(days=200)),
        snapshot=lambda: PostHolding.objects.values_list("starts_on", "ends_on", "version").get(pk=holding.pk),
        expect=("Who holds this post changed while you were editing it", "End date is now"),
    )


def collection(w) -> dict:
    from masip.reporting.models import CollectionBasis

    return dict(
        url=reverse("reporting:collection", args=["london"]), field="note_people_trained",
        a="london-manager", b="london-manager",
        change_b={"note_people_trained": "Probation only"},
        change_a={"collected_victims_supported": ""},
        snapshot=lambda: sorted(CollectionBasis.objects.filter(partnership=w.london).values_list(
            "figure", "collected", "note")),
        expect=("Someone else saved how this partnership collects its return while you were editing it",),
    )


EDITS = {
    "masip.reporting.forms.CollectionForm": collection,
    "masip.reporting.forms.TrainingCorrectForm": training_correct,
    "masip.reporting.forms.ConsultancyCorrectForm": consultancy_correct,
    "masip.reporting.forms.PostEditForm": post_edit,
    "masip.reporting.forms.HoldingEditForm": holding_edit,
}

NOT_EDITS = {
    "masip.reporting.forms.TrainingForm": "records new training",
    "masip.reporting.forms.ConsultancyForm": "records new consultancy",
    "masip.reporting.forms.PostForm": "adds a new post",
    "masip.reporting.forms.HoldingForm": "records someone new in a post",
    "masip.reporting.forms.CaseloadDayForm": "picks the day the caseload is shown for",
    "masip.reporting.forms.FileReturnForm": "files a new revision of a return (earlier ones are kept)",
}


# -- multiple-choice round trips (tests/forms/test_multiple_choice_fields.py) ------------------


def training_audience(w, *, correct: bool) -> None:
    """Training's audience: several agency kinds ticked are all kept, and shown ticked again."""
    from tests.forms import test_multiple_choice_fields as h
    from tests.forms.html_forms import form_with

    from masip.reporting import services
    from masip.reporting.forms import TrainingCorrectForm, TrainingForm
    from masip.reporting.models import TrainingEvent

    today = timezone.localdate()
    if correct:
        event = services.training_record(
            partnership=w.london, acting_user=w.staff["london-police"],
            data=services.TrainingInput(direction="outward", held_on=today, topic="Stalking awareness",
                                        trainer="DS Okafor", place="", audience_kinds=["police"], number_trained=24),
        )
        client, url, cls = w.as_user("london-manager"), reverse("reporting:training_correct", args=[event.pk]), \
            TrainingCorrectForm
    else:
        client, url, cls = w.as_user("london-police"), reverse("reporting:training_add", args=["london"]), TrainingForm
    response = client.get(url)
    page = form_with(response.content.decode(), "audience_kinds")
    values = h.choice_values(h.form_object(response, cls), "audience_kinds")
    h.assert_checkboxes(page, "audience_kinds", values)
    chosen = h.several(values)
    data = {"audience_kinds": chosen, "topic": ["Recognising stalking"], "trainer": ["DS Okafor"],
            "number_trained": ["12"], "direction": ["outward"],
            **{k: [v] for k, v in _parts("held_on", today).items()}}
    if correct:
        data["reason"] = ["Audience from the sign-in sheet"]
    h.assert_saved(h.post_page(client, url, page, data), "the training")
    event = TrainingEvent.objects.filter(partnership=w.london).order_by("-version", "-pk").first()
    assert sorted(event.audience_kinds) == sorted(chosen)
    after = form_with(client.get(reverse("reporting:training_correct", args=[event.pk])
                                 if correct else url).content.decode(), "audience_kinds")
    if correct:
        assert h.checked(after, "audience_kinds") == set(chosen)


ROUND_TRIPS = {
    ("masip.reporting.forms.TrainingForm", "audience_kinds"): lambda w: training_audience(w, correct=False),
    ("masip.reporting.forms.TrainingCorrectForm", "audience_kinds"): lambda w: training_audience(w, correct=True),
}
