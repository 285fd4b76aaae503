"""Every "select all that apply" field keeps every answer (issue 9).

The GOV.UK field template once took the multiple-checkbox widget for a radio
widget (CheckboxSelectMultiple is a subclass of RadioSelect), so behaviours on
a referral, safety-plan measures, SRP treatment options and the staff working
a case rendered as radios and a practitioner's three ticks saved as one.

These tests walk every form class in the project. Each multiple-choice field is
round-tripped through the page a user fills it in on: the page renders one
checkbox per choice under one name, a post of several values (built from what
the page rendered) keeps them all, and the page afterwards shows them all.
A new form with a multiple-choice field fails here until it has a round trip.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from masip.reporting.tests import races as reporting_races
from tests.forms.discovery import (
    builds_multiple_choice_fields,
    declared_multiple_choice_fields,
    project_form_classes,
    qualified_name,
)
from tests.forms.html_forms import HtmlForm, form_with

# -- what the page rendered --------------------------------------------------------------


def form_object(response, cls):
    """The form instance of class cls the view rendered (also inside a multi-form holder)."""
    for context in response.context:
        for layer in context.dicts:
            for value in layer.values():
                if isinstance(value, cls):
                    return value
                for attribute in getattr(value, "__dict__", {}).values():
                    if isinstance(attribute, cls):
                        return attribute
    raise AssertionError(f"{cls.__name__} is not on the page")


def choice_values(form: forms.BaseForm, name: str) -> list[str]:
    return [str(value) for value, _label in form.fields[name].choices if str(value) != ""]


def assert_checkboxes(page: HtmlForm, name: str, values: list[str]) -> None:
    controls = page.named(name)
    assert [c.type for c in controls] == ["checkbox"] * len(values), (
        f"{name} must render one checkbox per choice, rendered {[c.type for c in controls]}"
    )
    assert [c.value for c in controls] == values


def checked(page: HtmlForm, name: str) -> set[str]:
    return {c.value for c in page.named(name) if c.checked}


def several(values: list[str]) -> list[str]:
    """Two or three of the choices, not the first alone (a radio would keep only one of them)."""
    assert len(values) >= 2, "a multiple choice needs at least two choices to test"
    return values[1:4] if len(values) > 3 else values[:2] if len(values) == 2 else values[-2:]


def date_parts(prefix: str, day) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def post_page(client, url: str, page: HtmlForm, data: dict, *, button: str | None = None):
    submission = page.submission(button=button)
    submission.update(data)
    return client.post(page.action or url, submission)


def assert_saved(response, what: str) -> None:
    errors = ""
    if response.status_code == 200 and response.context is not None:
        errors = [
            str(v.errors) for c in response.context for layer in c.dicts for v in layer.values()
            if isinstance(v, forms.BaseForm) and v.errors
        ]
    assert response.status_code == 302, f"{what} was not saved: {response.status_code} {errors}"


# -- the round trips ----------------------------------------------------------------------


def referral_behaviours(w) -> None:
    from masip.referrals.forms import ReferralDetailsForm
    from masip.referrals.models import Referral

    client = w.as_user("london-police")
    url = reverse("referrals:create", args=[w.london.slug])
    response_get = client.get(url)
    page = form_with(response_get.content.decode(), "referral-behaviours")
    values = choice_values(form_object(response_get, ReferralDetailsForm), "behaviours")
    assert_checkboxes(page, "referral-behaviours", values)
    chosen = several(values)
    received = timezone.localdate() - timedelta(days=2)
    response = post_page(
        client, url, page,
        {
            "action": ["save"],
            "referral-source_agency_kind": ["police"],
            "referral-channel": ["police_scan"],
            **{k: [v] for k, v in date_parts("referral-received_on", received).items()},
            "referral-recorded_offence": ["s2"],
            "referral-behaviours": chosen,
            "referral-summary": ["Messages every night since the relationship ended."],
            "suspect-full_name": ["Quentin Multiple"],
            "suspect-sex": ["male"],
            "victim-0-full_name": ["Olive Multiple"],
            "victim-0-relationship": ["ex_intimate"],
            "victim-0-sex": ["female"],
            **{k: [v] for k, v in date_parts("incident-0-occurred_on", received).items()},
            "incident-0-description": ["Forty messages in one evening."],
        },
    )
    assert_saved(response, "the referral")
    referral = Referral.objects.get(partnership=w.london, parties__person__full_name="Quentin Multiple")
    assert sorted(referral.behaviours) == sorted(chosen)
    shown = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    labels = dict(form_object(response_get, ReferralDetailsForm).fields["behaviours"].choices)
    for value in chosen:
        assert str(labels[value]) in shown


def case_allocated_staff(w) -> None:
    from masip.cases.forms import CaseDetailsForm

    case = w.make_case(w.london)
    client = w.as_user("london-police")
    w.give_reason(client, case)
    url = reverse("cases:edit", args=[case.pk])
    response = client.get(url)
    page = form_with(response.content.decode(), "allocated_staff")
    values = choice_values(form_object(response, CaseDetailsForm), "allocated_staff")
    assert_checkboxes(page, "allocated_staff", values)
    chosen = several(values)
    assert_saved(post_page(client, url, page, {"allocated_staff": chosen}), "the case team")
    assert {str(pk) for pk in case.allocations.values_list("user_id", flat=True)} == set(chosen)
    after = form_with(client.get(url).content.decode(), "allocated_staff")
    assert checked(after, "allocated_staff") == set(chosen)


def safety_plan_measures(w) -> None:
    from masip.victims.forms import SafetyPlanForm
    from masip.victims.models import MeasureKind, SafetyPlan
    from masip.victims.services import support_update

    case = w.make_case(w.london)
    victim = case.parties.get(role="victim").person
    advocate = w.staff["london-advocate"]
    support_update(
        case=case, victim=victim, acting_user=advocate, status="accepted", on=timezone.localdate(),
        advocate=advocate, expected_version=0,
    )
    client = w.as_user("london-advocate")
    w.give_reason(client, case)
    url = reverse("victims:safety_plan_add", args=[case.pk, victim.pk])
    response = client.get(url)
    page = form_with(response.content.decode(), "measures")
    values = choice_values(form_object(response, SafetyPlanForm), "measures")
    assert_checkboxes(page, "measures", values)
    chosen = several(values)
    response = post_page(client, url, page, {"measures": chosen, **date_parts("agreed_on", timezone.localdate())})
    assert_saved(response, "the safety plan")
    plan = SafetyPlan.objects.filter(support__case=case, support__victim=victim).order_by("-version").first()
    assert sorted(plan.measures.values_list("kind", flat=True)) == sorted(chosen)
    support_page = client.get(reverse("victims:support", args=[case.pk, victim.pk])).content.decode()
    for value in chosen:
        assert str(MeasureKind(value).label) in support_page
    # The next version starts from these measures, all ticked.
    assert checked(form_with(client.get(url).content.decode(), "measures"), "measures") == set(chosen)


def attendance_remove_guests(w) -> None:
    from masip.meetings.forms import AttendanceForm
    from masip.meetings.models import Attendance, Meeting
    from masip.meetings.services import GuestInput, attendance_record
    from masip.partnerships.selectors import partner_agencies

    meeting = w.daily()
    agency = partner_agencies(w.london).first()
    for name in ("Guest Ash", "Guest Birch", "Guest Cedar"):
        attendance_record(
            meeting=meeting, acting_user=w.staff["london-police"], staff_statuses={},
            add_guest=GuestInput(name=name, agency=agency),
            expected_version=Meeting.objects.get(pk=meeting.pk).attendance_version,
        )
    client = w.as_user("london-police")
    url = reverse("meetings:attendance", args=[meeting.pk])
    response = client.get(url)
    page = form_with(response.content.decode(), "remove_guests")
    values = choice_values(form_object(response, AttendanceForm), "remove_guests")
    assert_checkboxes(page, "remove_guests", values)
    chosen = several(values)
    assert_saved(post_page(client, url, page, {"remove_guests": chosen}), "attendance")
    guests = Attendance.objects.filter(meeting=meeting, user__isnull=True)
    assert not guests.filter(pk__in=chosen).exists()
    assert guests.count() == len(values) - len(chosen)
    after = client.get(url).content.decode()
    for row in Attendance.objects.filter(pk__in=[int(v) for v in values]):
        assert row.name in after
    assert "Guest" in after and sum(name in after for name in ("Guest Ash", "Guest Birch", "Guest Cedar")) == 1


def agreement_admin(field_name: str):
    """The information sharing agreement in the Django admin: parties (a multiple select) and categories."""

    def round_trip(w) -> None:
        from masip.access.models import InformationSharingAgreement

        # The shipped agreements are open-ended: end them, so the new one overlaps none.
        InformationSharingAgreement.objects.filter(partnership=w.london).update(
            valid_to=timezone.localdate() - timedelta(days=60)
        )
        client = w.as_user("london-manager")
        url = reverse("admin:access_informationsharingagreement_add")
        response = client.get(url)
        assert response.status_code == 200
        page = form_with(response.content.decode(), field_name)
        form = response.context["adminform"].form
        values = choice_values(form, field_name)
        controls = page.named(field_name)
        if field_name == "parties":  # the admin's filter_horizontal: one <select multiple>
            assert [c.type for c in controls] == ["select-multiple"]
            assert [v for v, _ in controls[0].options] == values
        else:
            assert_checkboxes(page, field_name, values)
        parties = [str(pk) for pk in w.london.partner_agencies.values_list("agency_id", flat=True)[:3]]
        data = {
            "partnership": [str(w.london.pk)],
            "title": ["Round trip agreement"],
            "reference": ["ISA-RT-1"],
            "parties": parties,
            "categories": ["police_intelligence", "victim_contact"],
            "lawful_basis": [form.fields["lawful_basis"].choices[1][0]],
            "lawful_basis_detail": ["Crime and Disorder Act 1998 s.115"],
            "valid_from": [(timezone.localdate() - timedelta(days=30)).isoformat()],
            "signed_by": ["Unit manager"],
            "signed_on": [(timezone.localdate() - timedelta(days=30)).isoformat()],
        }
        chosen = several(values)
        if field_name == "parties":
            chosen = parties
        data[field_name] = chosen
        response = post_page(client, url, page, data, button="_save")
        assert_saved(response, "the agreement")
        agreement = InformationSharingAgreement.objects.get(reference="ISA-RT-1")
        stored = (
            [str(pk) for pk in agreement.parties.values_list("pk", flat=True)]
            if field_name == "parties"
            else list(agreement.categories)
        )
        assert sorted(stored) == sorted(chosen)
        after = form_with(
            client.get(reverse("admin:access_informationsharingagreement_change", args=[agreement.pk]))
            .content.decode(),
            field_name,
        )
        if field_name == "parties":
            assert {v for v, selected in after.named("parties")[0].options if selected} == set(chosen)
        else:
            assert checked(after, field_name) == set(chosen)

    return round_trip


def assessment_item(code: str, item_id: str):
    """One multiple-choice question of an instrument, on the assessment page of a case or referral."""

    def round_trip(w) -> None:
        from masip.assessments.engine import applicable_item_ids
        from masip.assessments.forms import AssessmentForm
        from masip.assessments.instruments import definition
        from masip.assessments.models import Assessment
        from masip.assessments.services import assessment_contribute, assessment_start, offered_instruments

        instrument = definition(code)
        section = instrument.section_of(item_id)
        place = next(
            (
                (p, stage)
                for p in (w.london, w.hampshire, w.cheshire)
                for stage in ("case", "referral")
                if code in offered_instruments(p, on_case=stage == "case")
            ),
            None,
        )
        assert place is not None, f"no shipped partnership uses {code}"
        partnership, stage = place
        kind = sorted(section.restricted_to)[0] if section.restricted_to else "police"
        username = {"police": "police", "health": "health", "advocacy": "advocate"}.get(kind, kind)
        user = w.staff[f"{partnership.slug}-{username}"]
        case = w.make_case(partnership) if stage == "case" else None
        referral = None if case else w.make_referral(partnership, by=f"{partnership.slug}-police")
        assessment = assessment_start(acting_user=user, instrument_code=code, case=case, referral=referral)
        answers = {
            k: v for k, v in w.filled_answers(instrument).items()
            if k != item_id and section.visible_to(user.agency_kind)
        }
        if item_id not in applicable_item_ids(instrument, answers):
            assessment = assessment_contribute(
                assessment=assessment, acting_user=user, answers=answers, expected_version=assessment.version
            )
        assert item_id in applicable_item_ids(instrument, assessment.answers), f"{code}.{item_id} not asked"
        client = w.client
        client.force_login(user)
        if case is not None:
            w.give_reason(client, case)
        url = reverse("assessments:detail", args=[assessment.pk])
        response = client.get(url)
        page = form_with(response.content.decode(), item_id)
        values = choice_values(form_object(response, AssessmentForm), item_id)
        assert values == list(instrument.item(item_id).option_values)
        assert_checkboxes(page, item_id, values)
        chosen = several(values)
        response = post_page(client, url, page, {item_id: chosen}, button="action=save")
        assert_saved(response, f"{code}.{item_id}")
        assert sorted(Assessment.objects.get(pk=assessment.pk).answers[item_id]) == sorted(chosen)
        assert checked(form_with(client.get(url).content.decode(), item_id), item_id) == set(chosen)

    return round_trip


def _instrument_items() -> dict[tuple[str, str], Callable]:
    from masip.assessments.engine import ItemType
    from masip.assessments.instruments import definition, instrument_codes

    return {
        ("masip.assessments.forms.AssessmentForm", f"{code}.{item.id}"): assessment_item(code, item.id)
        for code in instrument_codes()
        for item in definition(code).items
        if item.type == ItemType.MULTIPLE_CHOICE
    }


# (form class, field) -> the round trip through its page. AssessmentForm's fields are the
# instruments' questions: every multiple-choice question of every instrument is walked.
ROUND_TRIPS: dict[tuple[str, str], Callable] = {
    ("masip.referrals.forms.ReferralDetailsForm", "behaviours"): referral_behaviours,
    ("masip.cases.forms.CaseDetailsForm", "allocated_staff"): case_allocated_staff,
    ("masip.victims.forms.SafetyPlanForm", "measures"): safety_plan_measures,
    ("masip.meetings.forms.AttendanceForm", "remove_guests"): attendance_remove_guests,
    ("masip.access.admin.AgreementForm", "parties"): agreement_admin("parties"),
    ("masip.access.admin.AgreementForm", "categories"): agreement_admin("categories"),
    **reporting_races.ROUND_TRIPS,
}

# Forms whose fields are built at run time from data rather than declared.
BUILT_FROM_DATA = {"masip.assessments.forms.AssessmentForm"}


def all_round_trips() -> dict[tuple[str, str], Callable]:
    return {**ROUND_TRIPS, **_instrument_items()}


def test_every_multiple_choice_field_of_every_form_has_a_round_trip():
    trips = all_round_trips()
    covered_classes = {name for name, _field in trips}
    classes = project_form_classes()
    assert len(classes) > 40  # the walk found the project's forms, not an empty list
    missing = []
    for cls in classes:
        name = qualified_name(cls)
        for field_name in declared_multiple_choice_fields(cls):
            if (name, field_name) not in trips:
                missing.append(f"{name}.{field_name}")
        if (
            name not in covered_classes
            and name not in BUILT_FROM_DATA
            and builds_multiple_choice_fields(cls)
            and not declared_multiple_choice_fields(cls)
        ):
            missing.append(f"{name} (adds a multiple-choice field in __init__)")
    assert not missing, "multiple-choice fields without a round trip in ROUND_TRIPS: " + ", ".join(missing)
    for name in BUILT_FROM_DATA:
        assert any(trip_class == name for trip_class, _ in trips), f"{name}: no field of it was walked"
    assert len(trips) >= len(ROUND_TRIPS) + 4  # the four shipped multiple-choice questions


@pytest.mark.parametrize("key", sorted(all_round_trips()), ids=lambda key: f"{key[0].split('.')[-1]}.{key[1]}")
def test_multiple_choice_field_keeps_every_answer_through_its_page(
    key, client, as_user, staff, london, hampshire, cheshire, make_case, make_referral, give_reason, daily
):
    from conftest import filled_answers

    world = SimpleNamespace(
        client=client, as_user=as_user, staff=staff, london=london, hampshire=hampshire, cheshire=cheshire,
        make_case=make_case, make_referral=make_referral, give_reason=give_reason, daily=daily,
        filled_answers=filled_answers,
    )
    all_round_trips()[key](world)
