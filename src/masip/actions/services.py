"""Every change to an action goes through these functions: created, noted, rescheduled,
reassigned, completed or cancelled (each logged), and the reminders emailed to owners."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from masip.access import policy
from masip.actions import action_rules, selectors
from masip.actions.models import ActionNote, ActionNoteKind, ActionReminder, ActionStatus, CaseAction
from masip.audit.actions import AuditAction
from masip.audit.models import Operation
from masip.audit.services import log_changes, log_event
from masip.cases.models import Case
from masip.partnerships.models import CASEWORK_ROLES, Agency, Membership, Partnership

if TYPE_CHECKING:
    from masip.accounts.models import User

logger = logging.getLogger(__name__)

ANONYMISED = "(anonymised)"


@transaction.atomic
def action_create(
    *,
    case: Case,
    acting_user: User,
    description: str,
    owner_agency: Agency,
    due_on: date,
    owner_user: User | None = None,
    meeting: models.Model | None = None,
    agenda_item: models.Model | None = None,
) -> CaseAction:
    """An agency takes on an action for a case, by a date; from the case page, or at a meeting
    (meetings.services.item_action_create locks the open meeting and its agenda item, then
    passes them here)."""
    if not policy.does_casework_in(acting_user, case.partnership_id):
        raise PermissionDenied("You are not a member of this partnership's unit.")
    errors: dict[str, str] = {}
    description = description.strip()
    if not description:
        errors["description"] = "Enter what needs to be done"
    elif len(description) > 2000:
        errors["description"] = "What needs to be done must be 2000 characters or fewer"
    try:
        action_rules.check_due_date(due_on, today=timezone.localdate())
    except action_rules.ActionRuleError as exc:
        errors["due_on"] = str(exc)
    errors.update(_owner_errors(case.partnership, owner_agency, owner_user))
    if errors:
        raise ValidationError(errors)
    action = CaseAction.objects.create(
        partnership_id=case.partnership_id,
        case=case,
        meeting_id=meeting.pk if meeting is not None else None,
        agenda_item_id=agenda_item.pk if agenda_item is not None else None,
        description=description,
        owner_agency=owner_agency,
        owner_user=owner_user,
        due_on=due_on,
        created_by=acting_user,
    )
    log_event(
        actor=acting_user,
        operation=Operation.COLLECTION,
        action=AuditAction.ACTION_CREATE,
        partnership=case.partnership_id,
        subjects=[case, action] + ([meeting] if meeting is not None else []),
        details={"owner_agency": str(owner_agency), "due_on": due_on.isoformat()},
    )
    return action


def _owner_errors(partnership: Partnership, owner_agency: Agency, owner_user: User | None) -> dict[str, str]:
    """An action is owned by a partner agency of the case's partnership, and optionally by one of
    its staff who does case work there - at creation and at every reassignment."""
    if not partnership.partner_agencies.filter(agency=owner_agency).exists():
        return {
            "owner_agency": f"The agency chosen is not a partner agency of {partnership}, so it cannot own an action."
        }
    if owner_user is not None:
        if not policy.does_casework_in(owner_user, partnership.pk):
            return {"owner_user": f"The person chosen is not a member of {partnership}'s unit: select someone from the list."}
        if owner_user.agency_id != owner_agency.pk:
            return {"owner_user": f"{owner_user} does not work for {owner_agency}: choose someone from that agency."}
    return {}


STALE_ACTION = (
    "Someone else changed this action while you were looking at it, so nothing was saved. "
    "Read it again below, then make your change."
)


def _lock_action(action: CaseAction, acting_user: User, expected_version: int | None = None) -> CaseAction:
    locked = (
        CaseAction.objects.select_for_update(of=("self",))
        .select_related("partnership", "case", "owner_agency", "owner_user")
        .get(pk=action.pk)
    )
    if not selectors.may_update_action(acting_user, locked):
        raise PermissionDenied(
            f"Only staff of {action.owner_agency}, the owner, whoever agreed it, or the chair may update this action."
        )
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(STALE_ACTION, code="stale")
    return locked


def _lock_open_action(action: CaseAction, acting_user: User, expected_version: int) -> CaseAction:
    locked = _lock_action(action, acting_user, expected_version)
    if locked.status != ActionStatus.OPEN:
        raise ValidationError(
            f"This action is already {locked.get_status_display().lower()}; it cannot change again."
        )
    return locked


_ACTION_FIELDS = ["status", "completed_on", "completion_note", "cancel_reason"]


@transaction.atomic
def action_add_note(*, action: CaseAction, acting_user: User, text: str, expected_version: int):
    """A progress note on an open action: what has been done so far, for the owner and the meeting."""
    locked = _lock_open_action(action, acting_user, expected_version)
    text = text.strip()
    if not text:
        raise ValidationError({"progress_note": "Enter what has happened so far"})
    note = ActionNote.objects.create(
        action=locked, kind=ActionNoteKind.PROGRESS, text=text, recorded_by=acting_user
    )
    locked.version += 1
    locked.save(update_fields=["version"])
    log_event(
        actor=acting_user,
        operation=Operation.COLLECTION,
        action=AuditAction.ACTION_NOTE,
        partnership=locked.partnership_id,
        subjects=[locked, locked.case],
    )
    return note


@transaction.atomic
def action_reschedule(
    *, action: CaseAction, acting_user: User, due_on: date | None, reason: str, expected_version: int
) -> CaseAction:
    """A new due date for an open action, saying why. The earlier date stays in its history."""
    locked = _lock_open_action(action, acting_user, expected_version)
    errors: dict[str, str] = {}
    if due_on is None:
        errors["new_due_on"] = "Enter the new due date"
    else:
        try:
            action_rules.check_due_date(due_on, today=timezone.localdate())
        except action_rules.ActionRuleError as exc:
            errors["new_due_on"] = str(exc).replace("The due date", "The new due date")
        else:
            if due_on == locked.due_on:
                errors["new_due_on"] = f"The action is already due on {due_on:%-d %B %Y}: enter a different date"
    reason = reason.strip()
    if not reason:
        errors["due_reason"] = "Enter why the due date is changing"
    if errors or due_on is None:
        raise ValidationError(errors)
    before = locked.due_on
    ActionNote.objects.create(
        action=locked,
        kind=ActionNoteKind.DUE_DATE,
        text=reason,
        due_on_before=before,
        due_on_after=due_on,
        recorded_by=acting_user,
    )
    locked.due_on = due_on
    locked.version += 1
    locked.save(update_fields=["due_on", "version"])
    log_changes(
        actor=acting_user,
        action=AuditAction.ACTION_RESCHEDULE,
        record=locked,
        partnership=locked.partnership_id,
        before={"due_on": before},
        after={"due_on": due_on},
        reason=reason,
        extra_subjects=[locked.case],
    )
    return locked


@transaction.atomic
def action_reassign(
    *,
    action: CaseAction,
    acting_user: User,
    owner_agency: Agency | None,
    owner_user: User | None = None,
    reason: str = "",
    expected_version: int,
) -> CaseAction:
    """Hand an open action to another partner agency, or to a named member of its staff."""
    locked = _lock_open_action(action, acting_user, expected_version)
    if owner_agency is None:
        raise ValidationError({"new_owner_agency": "Select the agency the action goes to"})
    errors = {
        f"new_{name}": message
        for name, message in _owner_errors(locked.partnership, owner_agency, owner_user).items()
    }
    if not errors and (owner_agency.pk, getattr(owner_user, "pk", None)) == (
        locked.owner_agency_id,
        locked.owner_user_id,
    ):
        errors["new_owner_agency"] = f"The action is already with {locked.owner_label}"
    if errors:
        raise ValidationError(errors)
    before = {"owner_agency": str(locked.owner_agency), "owner_user": str(locked.owner_user or "")}
    before_label = locked.owner_label
    locked.owner_agency, locked.owner_user = owner_agency, owner_user
    locked.version += 1
    locked.save(update_fields=["owner_agency", "owner_user", "version"])
    ActionNote.objects.create(
        action=locked,
        kind=ActionNoteKind.REASSIGNED,
        text=reason.strip(),
        owner_before=before_label[:300],
        owner_after=locked.owner_label[:300],
        recorded_by=acting_user,
    )
    log_changes(
        actor=acting_user,
        action=AuditAction.ACTION_REASSIGN,
        record=locked,
        partnership=locked.partnership_id,
        before=before,
        after={"owner_agency": str(owner_agency), "owner_user": str(owner_user or "")},
        reason=reason.strip(),
        extra_subjects=[locked.case],
    )
    return locked


@transaction.atomic
def action_complete(
    *,
    action: CaseAction,
    acting_user: User,
    completed_on: date | None,
    note: str = "",
    expected_version: int | None = None,
) -> CaseAction:
    locked = _lock_action(action, acting_user, expected_version)
    try:
        action_rules.check_transition(locked.status, ActionStatus.DONE)
    except action_rules.ActionRuleError as exc:
        raise ValidationError(str(exc)) from exc
    try:
        action_rules.check_completion(
            completed_on=completed_on,
            created_on=timezone.localdate(locked.created_at),
            today=timezone.localdate(),
        )
    except action_rules.ActionRuleError as exc:
        raise ValidationError({"completed_on": str(exc)}) from exc
    before = {f: getattr(locked, f) for f in _ACTION_FIELDS}
    locked.status, locked.completed_on, locked.completion_note = ActionStatus.DONE, completed_on, note.strip()
    locked.closed_by, locked.closed_at = acting_user, timezone.now()
    locked.version += 1
    locked.save(update_fields=[*_ACTION_FIELDS, "closed_by", "closed_at", "version"])
    log_changes(
        actor=acting_user,
        action=AuditAction.ACTION_COMPLETE,
        record=locked,
        partnership=locked.partnership_id,
        before=before,
        after={f: getattr(locked, f) for f in _ACTION_FIELDS},
        extra_subjects=[locked.case],
    )
    return locked


@transaction.atomic
def action_cancel(
    *, action: CaseAction, acting_user: User, reason: str, expected_version: int | None = None
) -> CaseAction:
    locked = _lock_action(action, acting_user, expected_version)
    if not reason.strip():
        raise ValidationError({"cancel_reason": "Enter why the action is cancelled"})
    try:
        action_rules.check_transition(locked.status, ActionStatus.CANCELLED)
    except action_rules.ActionRuleError as exc:
        raise ValidationError(str(exc)) from exc
    before = {f: getattr(locked, f) for f in _ACTION_FIELDS}
    locked.status, locked.cancel_reason = ActionStatus.CANCELLED, reason.strip()
    locked.closed_by, locked.closed_at = acting_user, timezone.now()
    locked.version += 1
    locked.save(update_fields=[*_ACTION_FIELDS, "closed_by", "closed_at", "version"])
    log_changes(
        actor=acting_user,
        action=AuditAction.ACTION_CANCEL,
        record=locked,
        partnership=locked.partnership_id,
        before=before,
        after={f: getattr(locked, f) for f in _ACTION_FIELDS},
        reason=reason.strip(),
        extra_subjects=[locked.case],
    )
    return locked


@dataclass
class ReminderReport:
    sent: int = 0
    already_sent: int = 0
    no_recipient: int = 0
    failed: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def action_send_reminders(*, today: date | None = None, base_url: str = "") -> ReminderReport:
    """Email owners about actions due soon and actions overdue. Safe to run twice (or at once):
    each reminder is claimed by a row with a unique key before its email is sent.

    The email names the case reference, the owning agency and the due date,
    not what the action says: email leaves the system, so it carries as little
    personal data as will get the owner to sign in.
    """
    today = today or timezone.localdate()
    report = ReminderReport()
    horizon = today + _days(action_rules.REMIND_DAYS_BEFORE)
    actions = list(
        CaseAction.objects.filter(status=ActionStatus.OPEN, due_on__lte=horizon)
        .select_related("case", "owner_agency", "owner_user", "meeting")
        .order_by("due_on", "id")
    )
    sent_before = set(
        ActionReminder.objects.filter(action__in=actions).values_list("action_id", "kind", "due_on")
    )
    recipients = _agency_recipients({(a.partnership_id, a.owner_agency_id) for a in actions})
    for action in actions:
        kind = action_rules.reminder_due(action.status, action.due_on, today=today)
        if kind is None:
            continue
        if (action.pk, kind.value, action.due_on) in sent_before:
            report.already_sent += 1
            continue
        owner = action.owner_user
        if owner is not None and owner.is_active and owner.email:
            to = [owner.email]
        else:
            to = recipients.get((action.partnership_id, action.owner_agency_id), [])
        if not to:
            report.no_recipient += 1
            continue
        url = base_url.rstrip("/") + reverse("meetings:action_update", args=[action.pk])
        subject, body = _reminder_text(action, kind, url)
        try:
            with transaction.atomic():
                ActionReminder.objects.create(
                    action=action, kind=kind, due_on=action.due_on, recipients=", ".join(to)
                )
                # Sent inside the claim's transaction: if sending fails the claim is rolled
                # back and the next run tries again (at worst a duplicate, never a silent miss).
                send_mail(subject, body, None, to)
        except IntegrityError:
            report.already_sent += 1  # another run claimed it a moment ago
        except Exception:  # noqa: BLE001 - one failed email must not stop the others
            logger.exception("Could not send the %s reminder for action %s", kind, action.pk)
            report.failed += 1
        else:
            report.sent += 1
            report.by_kind[kind.value] = report.by_kind.get(kind.value, 0) + 1
    return report


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def _agency_recipients(keys: set[tuple[int, int]]) -> dict[tuple[int, int], list[str]]:
    if not keys:
        return {}
    partnership_ids = {p for p, _ in keys}
    agency_ids = {a for _, a in keys}
    found: dict[tuple[int, int], list[str]] = {}
    for partnership_id, agency_id, email in (
        Membership.objects.filter(
            partnership_id__in=partnership_ids,
            user__agency_id__in=agency_ids,
            is_active=True,
            role__in=CASEWORK_ROLES,
            user__is_active=True,
        )
        .exclude(user__email="")
        .values_list("partnership_id", "user__agency_id", "user__email")
        .order_by("user__email")
    ):
        if (partnership_id, agency_id) in keys:
            found.setdefault((partnership_id, agency_id), []).append(email)
    return found


def _reminder_text(action: CaseAction, kind: action_rules.ReminderKind, url: str) -> tuple[str, str]:
    due = f"{action.due_on:%-d %B %Y}"
    where = f", agreed at {action.meeting}" if action.meeting_id else ""
    if kind == action_rules.ReminderKind.OVERDUE:
        subject = f"Overdue action on case {action.case.reference}"
        opening = f"An action owned by {action.owner_agency} on case {action.case.reference}{where} was due on {due} and is still open."
    else:
        subject = f"Action due {due} on case {action.case.reference}"
        opening = f"An action owned by {action.owner_agency} on case {action.case.reference}{where} is due on {due}."
    body = (
        f"{opening}\n\nSign in to read it and record when it is done: {url}\n\n"
        "This email does not say what the action is. Do not reply with case details."
    )
    return subject, body


# -- retention -------------------------------------------------------------------------


def case_anonymise_actions(*, case: Case) -> dict[str, int]:
    """Blank the free text of the case's actions, keeping owners, dates and statuses - for
    anonymisation at retention review (cases.retention)."""
    actions = CaseAction.objects.filter(case=case).update(description=ANONYMISED, completion_note="")
    CaseAction.objects.filter(case=case, status=ActionStatus.CANCELLED).update(cancel_reason=ANONYMISED)
    return {"actions": actions}
