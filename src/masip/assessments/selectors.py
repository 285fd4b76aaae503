from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from masip.access import policy
from masip.assessments.engine import (
    AssessmentResult,
    InstrumentDefinition,
    Judgement,
    evaluate,
    redact_answers,
)
from masip.assessments.instruments import definition as instrument_definition
from masip.assessments.models import Assessment, AssessmentStatus
from masip.partnerships.models import Agency
from masip.partnerships.selectors import partner_agencies

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case
    from masip.referrals.models import Referral


def assessments_visible_to(user: User) -> QuerySet[Assessment]:
    return Assessment.objects.filter(partnership_id__in=policy.casework_partnership_ids(user))


def assessment_get(user: User, pk: int) -> Assessment:
    return get_object_or_404(
        assessments_visible_to(user)
        .select_related(
            "partnership", "referral", "case", "started_by", "signed_off_by", "previous", "corrects"
        )
        .prefetch_related("contributions__contributed_by", "contributions__agency"),
        pk=pk,
    )


def definition_of(assessment: Assessment) -> InstrumentDefinition:
    return instrument_definition(assessment.instrument_code, assessment.instrument_version)


def result_of(assessment: Assessment) -> AssessmentResult | None:
    return AssessmentResult.from_dict(assessment.result) if assessment.result else None


def scored_result(assessment: Assessment) -> AssessmentResult:
    """The stored result; for a row stored without one, the result its answers give now."""
    stored = result_of(assessment)
    if stored is not None:
        return stored
    judgement = (
        Judgement(assessment.judgement_level, assessment.judgement_reason) if assessment.judgement_level else None
    )
    return evaluate(definition_of(assessment), assessment.answers, judgement=judgement)


def visible_answers(user: User, assessment: Assessment) -> dict[str, Any]:
    """The answers this user's agency may see (restricted sections removed)."""
    return redact_answers(definition_of(assessment), assessment.answers, user.agency_kind)


def assessments_of_case(case: Case) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(case=case)
        .exclude(status=AssessmentStatus.SUPERSEDED)
        .select_related("signed_off_by", "started_by")
        .order_by("-started_at", "-id")
    )


def assessments_of_referral(referral: Referral) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(referral=referral)
        .exclude(status=AssessmentStatus.SUPERSEDED)
        .select_related("signed_off_by", "started_by")
        .order_by("-started_at", "-id")
    )


def answer_rows(definition, answers: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The answers section by section as a reader of agency `kind` sees them (restricted sections marked hidden)."""
    rows = []
    for section in definition.sections:
        if not section.visible_to(kind):
            rows.append({"section": section, "hidden": True, "items": []})
            continue
        items = []
        for item in section.items:
            value = answers.get(item.id)
            if isinstance(value, list):
                shown = ", ".join(item.option_label(v) for v in value)
            elif value is None:
                shown = ""
            elif item.options:
                shown = item.option_label(str(value))
            else:
                shown = str(value)
            items.append((item, shown))
        rows.append({"section": section, "hidden": False, "items": items})
    return rows


def recipient_agencies(assessment: Assessment) -> QuerySet[Agency]:
    """The agencies a printed copy of the assessment may go to: the partnership's partners."""
    return partner_agencies(assessment.partnership)
