"""At retention review, anonymising a case blanks its assessments' free text and keeps their scores."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from masip.assessments.instruments import definition
from masip.assessments.models import Assessment, Contribution
from masip.assessments.services import case_anonymise_assessments
from masip.audit.models import AuditEvent
from masip.cases.models import Case, RetentionProposal
from masip.cases.retention import set_review_date

SECRET = "lives above the bakery on Mill Street"


@pytest.fixture
def closed_case_with_cas(cheshire, make_referral, accept, complete_assessment):
    referral = make_referral(cheshire, by="cheshire-support", suspect="Old Suspect", victim="Old Victim")
    accept(referral, by="cheshire-support")
    case = Case.objects.get()
    signed = complete_assessment(
        "cas", case=case, by="cheshire-police", answers={"risk_summary": SECRET, "motivation": SECRET}
    )
    Assessment.objects.filter(pk=signed.pk).update(judgement_reason=SECRET)
    Contribution.objects.filter(assessment=signed).update(note=SECRET)
    case.status, case.closed_on = "closed", timezone.localdate() - timedelta(days=365 * 7)
    case.save()
    set_review_date(case)
    return case


def test_anonymising_a_case_blanks_its_assessments_free_text_and_keeps_the_scores(as_user, closed_case_with_cas):
    case = closed_case_with_cas
    before = Assessment.objects.get(case=case)
    text_items = {i.id for i in definition("cas", before.instrument_version).items if i.type == "text"}
    scored_before = {k: v for k, v in before.answers.items() if k not in text_items}
    assert text_items & set(before.answers) and scored_before

    as_user("cheshire-manager").post(
        reverse("cases:retention_propose", args=[case.pk]), {"action": "anonymise", "reason": "Seven years"}
    )
    proposal = RetentionProposal.objects.get()
    response = as_user("cheshire-police").post(
        reverse("cases:retention_decide", args=[proposal.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302

    after = Assessment.objects.get(pk=before.pk)
    assert SECRET not in str(after.answers) and after.judgement_reason == ""
    assert all(after.answers[k] == "" for k in text_items if k in before.answers)
    assert {k: v for k, v in after.answers.items() if k not in text_items} == scored_before
    assert (after.result, after.risk_rank, after.stalker_type) == (before.result, before.risk_rank, before.stalker_type)
    assert after.version == before.version + 1  # a form opened before anonymising is refused
    assert not Contribution.objects.filter(note__contains=SECRET).exists()
    event = AuditEvent.objects.get(action="retention.anonymise")
    assert event.details["assessments"] == 1 and event.details["assessment_text_answers"] >= 2
    assert SECRET not in str(event.details)


def test_an_instrument_no_longer_loaded_has_every_text_answer_blanked(closed_case_with_cas):
    case = closed_case_with_cas
    Assessment.objects.filter(case=case).update(instrument_version=999)  # no such version is loaded
    counts = case_anonymise_assessments(case)
    answers = Assessment.objects.get(case=case).answers
    assert counts["assessments"] == 1
    assert not any(isinstance(v, str) and v for v in answers.values())
