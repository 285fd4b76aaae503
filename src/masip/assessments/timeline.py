"""Assessments on the case timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse

from masip.assessments.models import Assessment, AssessmentStatus
from masip.cases.timeline import TimelineEntry, register

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


@register
def assessment_entries(case: Case, user: User) -> list[TimelineEntry]:
    entries = []
    referral_ids = [r.pk for r in case.referrals.all()]
    for a in (
        Assessment.objects.filter(Q(case=case) | Q(referral_id__in=referral_ids))
        .select_related("started_by", "signed_off_by")
        .distinct()
    ):
        url = reverse("assessments:detail", args=[a.pk])
        if a.signed_off_at:
            detail = f"Level: {a.level_label}" if a.level_label else "No level"
            if a.stalker_type:
                detail += f"; stalker type: {a.stalker_type.replace('_', ' ')}"
            title = f"{a.instrument_name} signed off" + (" (correction)" if a.corrects_id else "")
            if a.previous_id:
                title += " - reassessment"
            entries.append(
                TimelineEntry(
                    when=a.signed_off_at,
                    kind="assessment",
                    title=title,
                    detail=detail,
                    actor=str(a.signed_off_by),
                    url=url,
                )
            )
        if a.status == AssessmentStatus.DRAFT:
            entries.append(
                TimelineEntry(
                    when=a.started_at,
                    kind="assessment",
                    title=f"{a.instrument_name} started (draft)",
                    actor=str(a.started_by),
                    url=url,
                )
            )
    return entries
