"""Timeline entries for meetings, actions and risk management plan versions.

Information shared at a meeting is an InformationEntry of the case, so it is
already on the timeline (sharing.timeline), under the access policy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q
from django.urls import reverse

from masip.cases.timeline import TimelineEntry, register
from masip.meetings.minutes import decisions_of
from masip.meetings.models import ActionNote, ActionNoteKind, AgendaItem, CaseAction, RiskManagementPlan

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


@register
def meeting_entries(case: Case, user: User) -> list[TimelineEntry]:
    entries = []
    items = AgendaItem.objects.filter(case=case).filter(
        Q(discussed_at__isnull=False) | Q(removed_at__isnull=False)
    )
    for item in items.select_related("meeting", "refer_to", "discussed_by", "removed_by"):
        url = reverse("meetings:detail", args=[item.meeting_id]) + f"?item={item.pk}"
        if item.removed_at:
            entries.append(
                TimelineEntry(
                    when=item.removed_at,
                    kind="meeting",
                    title=f"Taken off the agenda of {item.meeting}",
                    detail=item.removal_reason,
                    actor=str(item.removed_by or ""),
                    url=url,
                )
            )
            continue
        if item.discussed_at is None:  # the query leaves none out: removed or discussed
            continue
        entries.append(
            TimelineEntry(
                when=item.discussed_at,
                kind="meeting",
                title=f"Discussed at {item.meeting}",
                detail=item.discussion,
                actor=str(item.discussed_by or ""),
                url=url,
                lines=tuple(decisions_of(item)),
            )
        )
    return entries


@register
def action_entries(case: Case, user: User) -> list[TimelineEntry]:
    entries = []
    notes = Prefetch("notes", queryset=ActionNote.objects.select_related("recorded_by"))
    for action in (
        CaseAction.objects.filter(case=case)
        .select_related("owner_agency", "owner_user", "created_by", "closed_by", "meeting")
        .prefetch_related(notes)
    ):
        url = reverse("meetings:action_update", args=[action.pk])
        lines = [f"Due {action.due_on:%-d %b %Y}"]
        if action.meeting_id:
            lines.append(f"Agreed at {action.meeting}")
        entries.append(
            TimelineEntry(
                when=action.created_at,
                kind="action",
                title=f"Action for {action.owner_label}",
                detail=action.description,
                actor=str(action.created_by),
                url=url,
                lines=tuple(lines),
            )
        )
        for note in action.notes.all():
            lines_: tuple[str, ...]
            if note.kind == ActionNoteKind.DUE_DATE:
                title = f"Action for {action.owner_agency}: new due date {note.due_on_after:%-d %b %Y}"
                lines_ = (f"Was due {note.due_on_before:%-d %b %Y}",)
            elif note.kind == ActionNoteKind.REASSIGNED:
                title, lines_ = f"Action given to {note.owner_after}", (f"Was with {note.owner_before}",)
            else:
                title, lines_ = f"Progress on the action for {action.owner_agency}", ()
            entries.append(
                TimelineEntry(
                    when=note.recorded_at,
                    kind="action",
                    title=title,
                    detail=note.text,
                    actor=str(note.recorded_by),
                    url=url,
                    lines=lines_,
                )
            )
        if action.closed_at:
            done = action.status == "done"
            entries.append(
                TimelineEntry(
                    when=action.closed_at,
                    kind="action",
                    title=f"Action for {action.owner_agency} {'done' if done else 'cancelled'}",
                    detail=action.completion_note if done else action.cancel_reason,
                    actor=str(action.closed_by or ""),
                    url=url,
                    lines=(f"Done on {action.completed_on:%-d %b %Y}",)
                    if done and action.completed_on
                    else (),
                )
            )
    return entries


@register
def plan_entries(case: Case, user: User) -> list[TimelineEntry]:
    url = reverse("meetings:plan", args=[case.pk])
    return [
        TimelineEntry(
            when=plan.created_at,
            kind="plan",
            title=f"Risk management plan version {plan.version}",
            detail=plan.change_reason,
            actor=str(plan.created_by),
            url=url,
        )
        for plan in RiskManagementPlan.objects.filter(case=case).select_related("created_by")
    ]
