"""A rule must read the record, not a value the user can pick in another field.

The defect this guards against: Cheshire's direct-work rule read the intervention form's
Area dropdown, so picking Warrington saved brief therapeutic work on a Cheshire East case.
The class, across the interventions, victims, justice and assessments forms:

1. No form asks for a fact the case owns (its area, its suspect, its partnership ...).
2. Every record a form lets the user pick (a ModelChoiceField) is checked by the service
   against the case, so a value from another case or partnership - which a crafted POST or
   the API can send whatever the drop-down offered - is refused. `PICKED_RECORDS` lists
   each with the test that tries it; a new picked field fails the inventory test until
   someone adds it here.
3. A choice that decides whether a rule applies cannot be set against the record: "indirect"
   for the unit's own therapy, a SASH's "ex-partner" answer, a PDF recipient's view.
"""

from __future__ import annotations

import importlib
import inspect
import subprocess

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from masip.cases.models import Case
from masip.interventions.reference import shipped_type
from masip.interventions.services import InterventionInput, intervention_record, intervention_record_outcome
from masip.justice.models import ProtectiveOrder
from masip.justice.services import OrderInput, order_record
from masip.monitoring.tests.factories import days_ago, open_case, victim_of
from masip.victims.services import support_update

FORM_MODULES = ["masip.interventions.forms", "masip.victims.forms", "masip.justice.forms", "masip.assessments.forms"]

# Facts of the case: a form that asks for one lets the user pick what a rule should read.
CASE_FACTS = {f.name for f in Case._meta.get_fields()} - {"status"}  # "status" names other things' states

# (form, field) -> the test below that proves the service checks the pick against the case.
PICKED_RECORDS = {
    ("InterventionForm", "intervention_type"): "reference data shared by every partnership",
    ("InterventionForm", "delivered_by"): "test_staff_of_another_partnership_cannot_deliver_the_work",
    ("InterventionForm", "assessment_before"): "test_an_assessment_of_another_case_cannot_be_linked",
    ("OutcomeForm", "assessment_before"): "test_an_assessment_of_another_case_cannot_be_linked",
    ("OutcomeForm", "assessment_after"): "test_an_assessment_of_another_case_cannot_be_linked",
    ("SupportForm", "advocate"): "test_an_advocate_of_another_partnership_is_refused",
    ("OrderForm", "replaces"): "test_an_order_or_a_person_of_another_case_is_refused",
    ("OrderForm", "protected_person"): "test_an_order_or_a_person_of_another_case_is_refused",
    ("RecipientForm", "recipient"): "test_picking_a_health_recipient_does_not_show_the_author_health_detail",
}


def _form_classes():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module_name:
                yield cls


def test_no_form_asks_for_a_fact_the_case_owns():
    asked = {
        (cls.__name__, name)
        for cls in _form_classes()
        for name in cls.base_fields
        if name in CASE_FACTS
    }
    assert asked == set(), f"these fields let the user pick what the case records: {sorted(asked)}"


def test_every_picked_record_is_listed_with_the_test_that_checks_it():
    picked = {
        (cls.__name__, name)
        for cls in _form_classes()
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.ModelChoiceField)
    }
    assert picked == set(PICKED_RECORDS)
    for why in PICKED_RECORDS.values():
        assert not why.startswith("test_") or callable(globals().get(why)), why


@pytest.fixture
def two_cases(cheshire, make_referral, accept, staff):
    first = open_case(make_referral, accept, cheshire, by="cheshire-police", area="Halton")
    second = open_case(
        make_referral, accept, cheshire, by="cheshire-police", area="Halton", suspect="Dan Other", victim="Vi Other"
    )
    return first, second


def _refused(call, field: str) -> str:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict[field][0]


def test_staff_of_another_partnership_cannot_deliver_the_work(two_cases, staff):
    case, _ = two_cases
    data = InterventionInput(
        intervention_type=shipped_type("cbt"), mode="direct", delivered_by=staff["london-health"],
        offered_on=days_ago(1),
    )
    message = _refused(lambda: intervention_record(case=case, acting_user=staff["cheshire-health"], data=data),
                       "delivered_by")
    assert message == "Select a member of Cheshire's unit"


def test_an_assessment_of_another_case_cannot_be_linked(two_cases, staff, complete_assessment):
    case, other = two_cases
    elsewhere = complete_assessment("scsq", case=other, by="cheshire-police")
    health = staff["cheshire-health"]
    data = InterventionInput(
        intervention_type=shipped_type("cbt"), mode="direct", delivered_by=health, offered_on=days_ago(3),
        assessment_before=elsewhere,
    )
    assert _refused(lambda: intervention_record(case=case, acting_user=health, data=data), "assessment_before") == (
        "Select a signed-off assessment of this case"
    )
    data.assessment_before = None
    intervention = intervention_record(case=case, acting_user=health, data=data)
    for field in ("assessment_before", "assessment_after"):
        message = _refused(
            lambda field=field: intervention_record_outcome(
                intervention=intervention, acting_user=health, end_on=days_ago(0), outcome="completed",
                expected_version=intervention.version, **{field: elsewhere},
            ),
            field,
        )
        assert message == "Select a signed-off assessment of this case"


def test_an_advocate_of_another_partnership_is_refused(two_cases, staff):
    case, _ = two_cases
    message = _refused(
        lambda: support_update(
            case=case, victim=victim_of(case), acting_user=staff["cheshire-advocate"], status="accepted",
            on=days_ago(1), advocate=staff["london-advocate"], expected_version=0,
        ),
        "advocate",
    )
    assert message == "Select an advocate of this partnership"


def test_an_order_or_a_person_of_another_case_is_refused(two_cases, staff):
    case, other = two_cases
    police = staff["cheshire-police"]
    interim = order_record(
        case=other, acting_user=police,
        data=OrderInput(kind="spo", status="granted", interim=True, applied_on=days_ago(9), decided_on=days_ago(8)),
    )
    full = OrderInput(
        kind="spo", status="granted", applied_on=days_ago(9), decided_on=days_ago(1), until_further_order=True,
        replaces_id=interim.pk,
    )
    assert _refused(lambda: order_record(case=case, acting_user=police, data=full), "replaces") == (
        "Select an interim Stalking Protection Order recorded on this case"
    )
    full.replaces_id, full.protected_person_id = None, victim_of(other).pk
    assert _refused(lambda: order_record(case=case, acting_user=police, data=full), "protected_person") == (
        "Select a victim of this case"
    )
    assert ProtectiveOrder.objects.filter(case=case).count() == 0


def test_picking_a_health_recipient_does_not_show_the_author_health_detail(
    as_user, london, make_referral, accept, complete_assessment
):
    from masip.partnerships.models import Agency

    case = open_case(make_referral, accept, london, by="london-police")
    srp = complete_assessment("srp", case=case, by="london-health", answers={"clinical_notes": "Under CMHT"})
    health = Agency.objects.get(name="STAC forensic mental health team (NHS)")
    client = as_user("london-police")  # the police cannot see the health section themselves
    client.post(reverse("cases:detail", args=[case.pk]), {"reason": "meeting"})
    response = client.post(reverse("assessments:pdf", args=[srp.pk]), {"recipient": health.pk, "purpose": "Clinic"})
    assert response.content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout
    assert b"Under CMHT" not in text


def test_a_rule_gated_on_a_choice_follows_the_record(cheshire, make_referral, accept, staff):
    """Direct-work rule: the area is the case's, and the unit's own therapy cannot be called indirect."""
    case = open_case(make_referral, accept, cheshire, by="cheshire-police", area="Cheshire East")
    health = staff["cheshire-health"]
    for mode in ("direct", "indirect"):
        data = InterventionInput(
            intervention_type=shipped_type("brief_therapeutic"), mode=mode, delivered_by=health,
            offered_on=days_ago(1),
        )
        message = _refused(lambda data=data: intervention_record(case=case, acting_user=health, data=data), "mode")
        assert "direct" in message
    assert not hasattr(InterventionInput(intervention_type=None, mode="direct"), "area")
