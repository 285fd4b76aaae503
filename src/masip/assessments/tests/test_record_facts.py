"""An instrument item that mirrors what the case or referral records (`from_record`) takes its
answer from the record: a rule that reads it - the SASH asks its three ex-partner items only
where the suspect is an ex-partner - cannot be sidestepped by picking another answer."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from masip.assessments.engine import DefinitionError, applicable_item_ids, load_definition_text
from masip.assessments.instruments import definition
from masip.assessments.models import Assessment
from masip.assessments.services import assessment_contribute, assessment_sign_off, assessment_start

SASH = definition("sash")
EX_ITEMS = {"sash_ex_1", "sash_ex_2", "sash_ex_3"}


def _definition(item_yaml: str) -> str:
    return (
        "code: tiny\nname: Tiny\nversion: 1\nsections:\n  - id: s\n    title: S\n    items:\n" + item_yaml
    )


def test_a_definition_may_name_only_a_known_record_fact_with_the_answers_it_gives():
    with pytest.raises(DefinitionError) as broken:
        load_definition_text(
            _definition("      - {id: a, type: yes_no, label: A, from_record: suspect_postcode}\n"), source="t.yaml"
        )
    assert "t.yaml line 8, sections[0].items[0].from_record: unknown record fact 'suspect_postcode'" in str(
        broken.value
    )
    with pytest.raises(DefinitionError) as broken:
        load_definition_text(
            _definition("      - {id: a, type: number, label: A, from_record: suspect_is_ex_partner}\n"),
            source="t.yaml",
        )
    assert "the item must offer those answers" in str(broken.value)
    ok = load_definition_text(
        _definition("      - {id: a, type: yes_no, label: A, from_record: suspect_is_ex_partner}\n")
    )
    assert ok.item("a").from_record == "suspect_is_ex_partner"
    assert SASH.item("suspect_is_ex_partner").from_record == "suspect_is_ex_partner"


@pytest.fixture
def ex_partner_referral(london, make_referral):
    return make_referral(london, relationship="ex_intimate")


def _start_sash_page(client, referral) -> Assessment:
    response = client.post(reverse("assessments:start_referral", args=[referral.pk]), {"instrument": "sash"})
    assert response.status_code == 302
    return Assessment.objects.get(referral=referral, instrument_code="sash")


def test_the_form_shows_the_records_answer_and_picking_another_does_not_skip_the_ex_partner_items(
    as_user, ex_partner_referral
):
    client = as_user("london-police")
    assessment = _start_sash_page(client, ex_partner_referral)
    assert assessment.answers["suspect_is_ex_partner"] == "yes"
    url = reverse("assessments:detail", args=[assessment.pk])
    page = client.get(url).content.decode()
    assert "from the referral, which records how the suspect is related to each victim" in page
    radios = [line for line in page.splitlines() if 'name="suspect_is_ex_partner"' in line]
    assert radios and all("disabled" in line for line in radios)

    # Picking "no" (to skip the ex-partner questions) is not taken: the record answers.
    response = client.post(url, {"version": assessment.version, "suspect_is_ex_partner": "no", "action": "save"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.answers["suspect_is_ex_partner"] == "yes"
    assert EX_ITEMS <= applicable_item_ids(SASH, assessment.answers)
    page = client.get(url).content.decode()
    assert "SASH ex-partner item 1" in page


def test_the_service_refuses_an_answer_that_contradicts_the_record(staff, ex_partner_referral):
    user = staff["london-police"]
    assessment = assessment_start(acting_user=user, instrument_code="sash", referral=ex_partner_referral)
    with pytest.raises(ValidationError) as refused:
        assessment_contribute(
            assessment=assessment,
            acting_user=user,
            answers={"suspect_is_ex_partner": "no", "overall_concern": "low"},
            expected_version=assessment.version,
        )
    assert refused.value.message_dict["suspect_is_ex_partner"] == [
        "Yes: from the referral, which records how the suspect is related to each victim. "
        "The answer follows the record."
    ]
    assessment.refresh_from_db()
    assert (assessment.version, "overall_concern" in assessment.answers) == (1, False)


def test_a_stranger_is_not_asked_the_ex_partner_items(staff, london, make_referral):
    referral = make_referral(london, relationship="stranger")
    assessment = assessment_start(acting_user=staff["london-police"], instrument_code="sash", referral=referral)
    assert assessment.answers["suspect_is_ex_partner"] == "no"
    assert not EX_ITEMS & applicable_item_ids(SASH, assessment.answers)


def test_where_the_record_does_not_know_the_assessor_answers(as_user, london, make_referral):
    referral = make_referral(london, relationship="unknown")
    client = as_user("london-police")
    assessment = _start_sash_page(client, referral)
    assert "suspect_is_ex_partner" not in assessment.answers
    url = reverse("assessments:detail", args=[assessment.pk])
    radios = [line for line in client.get(url).content.decode().splitlines() if 'name="suspect_is_ex_partner"' in line]
    assert radios and not any("disabled" in line for line in radios)
    client.post(url, {"version": assessment.version, "suspect_is_ex_partner": "yes", "action": "save"})
    assessment.refresh_from_db()
    assert assessment.answers["suspect_is_ex_partner"] == "yes"


def test_sign_off_is_refused_when_the_record_changed_after_the_answers_were_saved(
    staff, london, make_referral, complete_assessment
):
    referral = make_referral(london, relationship="unknown")
    assessment = complete_assessment(
        "sash", referral=referral, answers={"suspect_is_ex_partner": "no"}, sign_off=False
    )
    referral.parties.filter(role="victim").update(relationship_to_suspect="ex_intimate")
    with pytest.raises(ValidationError) as refused:
        assessment_sign_off(assessment=assessment, acting_user=staff["london-police"])
    assert "The record has changed since these answers were saved" in str(refused.value)
    assessment.refresh_from_db()
    assert assessment.status == "draft"
