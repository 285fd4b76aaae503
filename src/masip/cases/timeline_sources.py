"""Timeline entries from referrals, triage decisions and the case itself."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from masip.cases.models import ReviewTrigger
from masip.cases.timeline import TimelineEntry, at_start_of, register
from masip.referrals.choices import Behaviour, TriageOutcome
from masip.referrals.models import Referral, ReferralParty, TriageDecision


@register
def referral_entries(case: Any, user: Any) -> list[TimelineEntry]:
    referrals = (
        Referral.objects.filter(case=case)
        .prefetch_related(
            Prefetch("parties", queryset=ReferralParty.objects.select_related("person")),
            Prefetch("triage_decisions", queryset=TriageDecision.objects.select_related("decided_by")),
            "reported_incidents",
        )
        .order_by("received_on", "id")
    )
    entries = []
    for referral in referrals:
        url = reverse("referrals:detail", args=[referral.pk])
        labels = dict(Behaviour.choices)
        behaviours = ", ".join(str(labels.get(b, b)).lower() for b in referral.behaviours)
        lines = [f"Behaviours: {behaviours or 'none recorded'}"]
        lines += [f"{i.occurred_on:%d %b %Y}: {i.description}" for i in referral.reported_incidents.all()]
        entries.append(
            TimelineEntry(
                when=at_start_of(referral.received_on),
                kind="referral",
                title=f"Referral {referral.reference} received from {referral.get_channel_display().lower()}",
                detail=referral.summary,
                url=url,
                lines=tuple(lines),
                date_only=True,
            )
        )
        for decision in referral.triage_decisions.all():
            title = f"Triage of {referral.reference}: {decision.get_outcome_display().lower()}"
            if decision.outcome == TriageOutcome.ACCEPT and decision.joined_existing_case:
                title += " (joined this open case)"
            if decision.revises_id:
                title += " - revised decision"
            lines = [f"Is it stalking? {decision.get_is_stalking_display()}"]
            if decision.corrected_offence:
                lines.append(
                    f"Offence corrected from {referral.get_recorded_offence_display()} "
                    f"to {decision.get_corrected_offence_display()}"
                )
            if decision.revision_reason:
                lines.append(f"Why revised: {decision.revision_reason}")
            entries.append(
                TimelineEntry(
                    when=decision.decided_at,
                    kind="triage",
                    title=title,
                    detail=decision.outcome_detail,
                    actor=str(decision.decided_by),
                    url=url,
                    lines=tuple(lines),
                )
            )
    return entries


@register
def case_entries(case: Any, user: Any) -> list[TimelineEntry]:
    # The case opens at the triage decision that accepted it: use the moment it
    # was created when that fell on the opening date, so it sorts after the decision.
    opened_at = (
        case.created_at
        if timezone.localdate(case.created_at) == case.opened_on
        else at_start_of(case.opened_on)
    )
    entries = [TimelineEntry(when=opened_at, kind="case", title="Case opened", date_only=True)]
    if case.closed_on:
        entries.append(
            TimelineEntry(
                when=at_start_of(case.closed_on),
                kind="case",
                title="Case closed",
                detail=case.close_reason,
                date_only=True,
            )
        )
    for trigger in ReviewTrigger.objects.filter(case=case).select_related("raised_by"):
        status = "resolved" if trigger.resolved_at else "awaiting re-review"
        entries.append(
            TimelineEntry(
                when=trigger.raised_at,
                kind="trigger",
                title=f"Re-review trigger: {trigger.get_kind_display().lower()} ({status})",
                detail=trigger.reason,
                actor=str(trigger.raised_by or ""),
            )
        )
    return entries
