"""Timeline entries for actions: agreed, noted, rescheduled, reassigned, done or cancelled."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.urls import reverse

from masip.actions.models import ActionNote, ActionNoteKind, CaseAction
from masip.cases.timeline import TimelineEntry, register

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


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
