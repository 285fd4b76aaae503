"""Every change to a meeting - its agenda, attendance, record and minutes - goes through these functions.

Each is one transaction that checks, changes and logs together. A refusal
raises before anything is written: ValidationError for input the rules do not
allow (with a message that says how to put it right), PermissionDenied for a
user whose role does not allow it, MeetingClosed for any change to a closed
meeting. Changes to an open meeting lock its row first, so closing a meeting
and recording on it cannot interleave.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from masip.access import policy
from masip.access.models import Category
from masip.actions.models import CaseAction
from masip.actions.services import action_create
from masip.audit.actions import AuditAction
from masip.audit.history import stale_edit
from masip.audit.models import Operation
from masip.audit.services import disclosed_file, log_changes, log_event
from masip.cases.models import Case, ReviewTrigger, RiskRank, StalkerType
from masip.cases.services import case_set_risk
from masip.core.documents import render_pdf
from masip.meetings import agenda, selectors
from masip.meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    ItemSource,
    Meeting,
    MeetingStatus,
)
from masip.partnerships.models import Agency, Cadence, MeetingSeries, Partnership
from masip.referrals.services import TriageInput, triage_decide
from masip.sharing.models import InformationEntry

if TYPE_CHECKING:
    from masip.accounts.models import User

logger = logging.getLogger(__name__)

MAX_MEETINGS_AT_ONCE = 20


class MeetingNotOpen(ValidationError):
    """A change the meeting cannot take now: closed, or not yet held."""


class MeetingClosed(MeetingNotOpen):
    """A change to a meeting whose record is closed."""


class MeetingNotYetHeld(MeetingNotOpen):
    """Running (or closing) a meeting before the day it is held: a meeting dated Monday is not
    run on the Sunday before, whatever the clock says when someone opens it early."""


def not_yet_held_message(meeting: Meeting) -> str:
    return (
        f"This meeting is on {meeting.held_on:%A %-d %B %Y}. What is shared, discussed and agreed at it "
        "is recorded on that day, and it is closed then too."
    )


def is_held_yet(meeting: Meeting, *, today: date | None = None) -> bool:
    return (today or timezone.localdate()) >= meeting.held_on


def _closed_message(meeting: Meeting) -> str:
    when = (
        timezone.localtime(meeting.closed_at).strftime("%-d %B %Y at %H:%M")
        if meeting.closed_at
        else "earlier"
    )
    who = f" by {meeting.closed_by}" if meeting.closed_by_id else ""
    return f"This meeting was closed on {when}{who}. Its record can no longer be changed."


def _lock_open(meeting: Meeting) -> Meeting:
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("series", "partnership", "closed_by")
        .get(pk=meeting.pk)
    )
    if locked.is_closed:
        raise MeetingClosed(_closed_message(locked))
    return locked


def _lock_running(meeting: Meeting) -> Meeting:
    """Lock an open meeting to record at it: refused before the day it is held."""
    locked = _lock_open(meeting)
    if not is_held_yet(locked):
        raise MeetingNotYetHeld(not_yet_held_message(locked))
    return locked


def _require_casework(user: User, partnership: Partnership | int) -> None:
    if not policy.does_casework_in(user, partnership):
        raise PermissionDenied("You are not a member of this partnership's unit.")


def _require_chair(user: User, meeting: Meeting) -> None:
    if not selectors.may_chair(user, meeting):
        raise PermissionDenied("Only the chair, a triage lead or the unit manager may do this.")


def _mark_started(meeting: Meeting, now: datetime) -> None:
    if meeting.status == MeetingStatus.SCHEDULED:
        meeting.status, meeting.started_at = MeetingStatus.IN_PROGRESS, now
        meeting.save(update_fields=["status", "started_at"])


def _rule(series: MeetingSeries) -> agenda.AgendaRule:
    try:
        return agenda.AgendaRule.from_json(series.agenda_rule)
    except agenda.AgendaRuleError as exc:
        raise ValidationError(
            f"{series.name}: {exc} Ask your unit manager to correct it in Admin, Meeting series."
        ) from exc


def _is_partner(partnership: Partnership, agency: Agency) -> bool:
    return partnership.partner_agencies.filter(agency=agency).exists()


# -- scheduling and the agenda -------------------------------------------------------


@dataclass(frozen=True)
class ScheduleResult:
    created: list[Meeting]
    skipped: list[date]


@transaction.atomic
def meeting_schedule(
    *,
    partnership: Partnership,
    series: MeetingSeries,
    acting_user: User,
    first: date,
    count: int = 1,
    starts_at: time | None = None,
    location: str = "",
    chair: User | None = None,
    purpose: str = "",
    now: datetime | None = None,
) -> ScheduleResult:
    """Schedule `count` meetings of a series from `first`, following its cadence, and build their agendas.

    Dates that already have a meeting of the series are skipped, so scheduling
    the same weeks twice creates nothing new. A series that meets as needed
    (complex case consultations) is scheduled one meeting at a time.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not selectors.may_schedule(acting_user, partnership):
        raise PermissionDenied("Only the unit manager, a triage lead or business support schedule meetings.")
    if series.pk not in {s.pk for s in selectors.current_series(partnership, on=today)}:
        raise ValidationError({"series": f"Select one of {partnership}'s current meeting series."})
    errors: dict[str, str] = {}
    if first < today:
        errors["first"] = "The date of the first meeting must be today or in the future"
    if series.cadence == Cadence.AS_NEEDED and count != 1:
        errors["count"] = f"{series.name} meets as needed: schedule one meeting at a time"
    elif not 1 <= count <= MAX_MEETINGS_AT_ONCE:
        errors["count"] = f"Schedule between 1 and {MAX_MEETINGS_AT_ONCE} meetings at a time"
    if chair is not None and not policy.does_casework_in(chair, partnership):
        errors["chair"] = "The chair must be a member of this partnership's unit"
    if errors:
        raise ValidationError(errors)
    _rule(series)  # refuse now, clearly, rather than on every agenda
    dates = agenda.next_meeting_dates(series.cadence, first=first, count=count)
    taken = (
        set()
        if series.cadence == Cadence.AS_NEEDED
        else set(Meeting.objects.filter(series=series, held_on__in=dates).values_list("held_on", flat=True))
    )
    created = []
    for day in dates:
        if day in taken:
            continue
        created.append(
            Meeting.objects.create(
                partnership=partnership,
                series=series,
                title=series.name,
                held_on=day,
                starts_at=starts_at,
                location=location[:200],
                chair=chair,
                purpose=purpose,
                created_by=acting_user,
                created_at=now,
            )
        )
    if created:
        log_event(
            actor=acting_user,
            operation=Operation.COLLECTION,
            action=AuditAction.MEETING_SCHEDULE,
            partnership=partnership,
            subjects=created,
            details={"series": series.name, "dates": [m.held_on.isoformat() for m in created]},
        )
        plans = _plan_agendas(created, now=now, strict=True)
        _apply_agenda_plans(list(plans.values()), acting_user=acting_user, now=now, action=AuditAction.MEETING_AGENDA_BUILD)
        Meeting.objects.filter(pk__in=[m.pk for m in created]).update(agenda_built_at=now)
    return ScheduleResult(created=created, skipped=sorted(taken))


@transaction.atomic
def meeting_build_agenda(
    *, meeting: Meeting, acting_user: User, now: datetime | None = None
) -> agenda.AgendaChanges:
    """Bring the meeting's agenda in step with its series' rule (meetings.agenda), now.

    Adds what the rule now calls for and drops automatic items no longer
    called for - never one with anything recorded on it, one the chair added,
    or one the chair removed. Pages keep open agendas current by themselves
    (agendas_keep_current); this is the same work for one meeting, with the
    rule's errors raised rather than skipped.
    """
    now = now or timezone.now()
    locked = _lock_open(meeting)
    _require_casework(acting_user, locked.partnership_id)
    plans = _plan_agendas([locked], now=now, strict=True)
    plan = plans[locked.pk]
    _apply_agenda_plans([plan], acting_user=acting_user, now=now, action=AuditAction.MEETING_AGENDA_BUILD)
    if not plan.changes:
        Meeting.objects.filter(pk=locked.pk).update(agenda_built_at=now)
        log_event(
            actor=acting_user,
            operation=Operation.ALTERATION,
            action=AuditAction.MEETING_AGENDA_BUILD,
            partnership=locked.partnership_id,
            subjects=[locked],
            details={"added": 0, "dropped": 0, "cases": len(plan.proposals)},
        )
    return plan.changes


def agendas_keep_current(
    *,
    partnership: Partnership | int,
    acting_user: User,
    meetings: list[Meeting] | None = None,
    now: datetime | None = None,
) -> dict[int, agenda.AgendaChanges]:
    """Keep open meetings' agendas in step with their rules as of now: called whenever an agenda
    is read (the meeting page, the meetings list, the case page's "next meeting").

    Every input of the rules - a triage acceptance, a trigger, a meeting keeping a
    case or referring it on, an action falling overdue, a plan review falling due,
    a referral triaged elsewhere - therefore shows on the next open meeting without
    anyone asking, and the chair's additions and removals stay (agenda.reconcile).

    Reads first, in a fixed number of queries; writes only when something changed,
    then under the meetings' row locks, recomputing what it writes. A series whose
    rule cannot be read is left as it is (scheduling and the admin say why).
    Returns the changes made, by meeting id.
    """
    partnership_id = partnership if isinstance(partnership, int) else partnership.pk
    if not policy.does_casework_in(acting_user, partnership_id):
        return {}
    now = now or timezone.now()
    open_meetings = Meeting.objects.filter(partnership_id=partnership_id).exclude(status=MeetingStatus.CLOSED)
    if meetings is not None:
        open_meetings = open_meetings.filter(pk__in=[m.pk for m in meetings])
    found = list(open_meetings.select_related("series"))
    plans = _plan_agendas(found, now=now)
    changed = [pk for pk, plan in plans.items() if plan.changes]
    if not changed:
        return {}
    with transaction.atomic():
        locked = list(
            Meeting.objects.select_for_update(of=("self",))
            .filter(pk__in=changed)
            .exclude(status=MeetingStatus.CLOSED)
            .select_related("series")
            .order_by("pk")
        )
        plans = _plan_agendas(locked, now=now)
        _apply_agenda_plans(
            list(plans.values()), acting_user=acting_user, now=now, action=AuditAction.MEETING_AGENDA_KEEP_CURRENT
        )
    return {pk: plan.changes for pk, plan in plans.items() if plan.changes}


@dataclass
class _AgendaPlan:
    meeting: Meeting
    proposals: list[agenda.Proposal]
    changes: agenda.AgendaChanges
    updated: list[AgendaItem]  # items whose reasons, risk or waiting time change


def _plan_agendas(meetings: list[Meeting], *, now: datetime, strict: bool = False) -> dict[int, _AgendaPlan]:
    """What each meeting's agenda should become, and what must change to get there (reads only)."""
    rules: dict[int, agenda.AgendaRule] = {}
    for meeting in meetings:
        try:
            rules[meeting.pk] = _rule(meeting.series)
        except ValidationError:
            if strict:
                raise
    meetings = [m for m in meetings if m.pk in rules]
    if not meetings:
        return {}
    inputs = selectors.agenda_inputs_for(meetings, rules, now=now)
    stored_by_meeting: dict[int, list[AgendaItem]] = {m.pk: [] for m in meetings}
    for listed in AgendaItem.objects.filter(meeting_id__in=[m.pk for m in meetings]).annotate(
        has_information=Exists(InformationEntry.objects.filter(agenda_item=OuterRef("pk"))),
        has_actions=Exists(CaseAction.objects.filter(agenda_item=OuterRef("pk"))),
    ):
        stored_by_meeting[listed.meeting_id].append(listed)
    plans = {}
    for meeting in meetings:
        found = inputs[meeting.pk]
        proposals = agenda.build_agenda(
            rules[meeting.pk],
            found.facts,
            as_of=found.as_of,
            window_start=found.window_start,
            until=found.until,
            referrals=found.referrals,
        )
        items = stored_by_meeting[meeting.pk]
        stored = [
            agenda.StoredItem(
                item_id=i.pk,
                case_id=i.case_id,
                automatic=i.source == ItemSource.AUTOMATIC,
                removed=i.is_removed,
                recorded=_is_recorded(i),
                referral_id=i.referral_id,
            )
            for i in items
        ]
        changes = agenda.reconcile(stored, proposals)
        by_pk = {i.pk: i for i in items}
        updated: list[AgendaItem] = []
        for pk, proposal in changes.update:
            item = by_pk[pk]
            reasons = [r.as_json() for r in proposal.reasons]
            waiting = proposal.waiting_since
            if item.source == ItemSource.ADDED:
                reasons = [r for r in item.reasons if r.get("kind") == agenda.ReasonKind.ADDED] + reasons
                waiting = min(waiting, item.waiting_since)
            if (item.reasons, item.risk_rank_at_listing, item.waiting_since) != (
                reasons,
                proposal.risk_rank,
                waiting,
            ):
                item.reasons, item.risk_rank_at_listing, item.waiting_since = reasons, proposal.risk_rank, waiting
                updated.append(item)
        updated_ids = {i.pk for i in updated}
        changes = agenda.AgendaChanges(
            add=changes.add,
            update=[(pk, p) for pk, p in changes.update if pk in updated_ids],
            drop=changes.drop,
        )
        plans[meeting.pk] = _AgendaPlan(meeting, proposals, changes, updated)
    return plans


def _is_recorded(item: AgendaItem) -> bool:
    return bool(
        item.discussed_at
        or item.discussion.strip()
        or item.triage_decision_id
        or getattr(item, "has_information", False)
        or getattr(item, "has_actions", False)
    )


def _apply_agenda_plans(plans: list[_AgendaPlan], *, acting_user: User, now: datetime, action: str) -> None:
    """Write the planned changes of several meetings in a fixed number of queries, and log them."""
    plans = [p for p in plans if p.changes]
    if not plans:
        return
    # ignore_conflicts: a request that got here first already listed it.
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=plan.meeting,
                case_id=p.case_id,
                referral_id=p.referral_id,
                source=ItemSource.AUTOMATIC,
                reasons=[r.as_json() for r in p.reasons],
                risk_rank_at_listing=p.risk_rank,
                waiting_since=p.waiting_since,
            )
            for plan in plans
            for p in plan.changes.add
        ],
        ignore_conflicts=True,
    )
    AgendaItem.objects.bulk_update(
        [i for plan in plans for i in plan.updated], ["reasons", "risk_rank_at_listing", "waiting_since"]
    )
    drops = [pk for plan in plans for pk in plan.changes.drop]
    if drops:
        AgendaItem.objects.filter(pk__in=drops).delete()
    _renumber_all([plan.meeting.pk for plan in plans])
    Meeting.objects.filter(pk__in=[plan.meeting.pk for plan in plans]).update(agenda_built_at=now)
    log_event(
        actor=acting_user,
        operation=Operation.ALTERATION,
        action=action,
        partnership=plans[0].meeting.partnership_id,
        subjects=[plan.meeting for plan in plans],
        details={
            str(plan.meeting.pk): {
                "added": [_key_text(p.key) for p in plan.changes.add],
                "dropped": len(plan.changes.drop),
                "updated": len(plan.changes.update),
            }
            for plan in plans
        },
    )


def _key_text(key: tuple[str, int]) -> str:
    return f"{key[0]} {key[1]}"


def _renumber(meeting: Meeting) -> None:
    _renumber_all([meeting.pk])


def _renumber_all(meeting_ids: list[int]) -> None:
    """Number the live items of each meeting in agenda order (agenda.order_key)."""
    items = list(
        AgendaItem.objects.filter(meeting_id__in=meeting_ids, removed_at__isnull=True).only(
            "pk", "meeting_id", "case_id", "referral_id", "risk_rank_at_listing", "waiting_since", "position"
        )
    )
    items.sort(
        key=lambda i: (i.meeting_id, agenda.order_key(i.risk_rank_at_listing, i.waiting_since, i.case_id, i.referral_id))
    )
    changed, position, current = [], 0, None
    for item in items:
        position = 1 if item.meeting_id != current else position + 1
        current = item.meeting_id
        if item.position != position:
            item.position = position
            changed.append(item)
    AgendaItem.objects.bulk_update(changed, ["position"])


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, case: Case, acting_user: User, reason: str) -> AgendaItem:
    """The chair puts a case on the agenda, saying why."""
    locked = _lock_open(meeting)
    _require_chair(acting_user, locked)
    if case.partnership_id != locked.partnership_id:
        raise ValidationError({"case": f"That case is not a case of {locked.partnership}."})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the case should be discussed"})
    now = timezone.now()
    added = agenda.Reason(agenda.ReasonKind.ADDED, f"Added by {acting_user}: {reason}", now).as_json()
    item = AgendaItem.objects.filter(meeting=locked, case=case).first()
    if item is not None and not item.is_removed:
        raise ValidationError({"case": f"{case.reference} is already on this meeting's agenda."})
    if item is None:
        item = AgendaItem.objects.create(
            meeting=locked,
            case=case,
            source=ItemSource.ADDED,
            reasons=[added],
            risk_rank_at_listing=case.risk_rank,
            waiting_since=now,
            added_by=acting_user,
            added_reason=reason,
        )
    else:
        item.removed_at, item.removed_by, item.removal_reason = None, None, ""
        item.source, item.added_by, item.added_reason = ItemSource.ADDED, acting_user, reason
        item.reasons = [added, *item.reasons]
        item.save(
            update_fields=[
                "removed_at",
                "removed_by",
                "removal_reason",
                "source",
                "added_by",
                "added_reason",
                "reasons",
            ]
        )
    _renumber(locked)
    log_event(
        actor=acting_user,
        operation=Operation.ALTERATION,
        action=AuditAction.MEETING_ITEM_ADD,
        partnership=locked.partnership_id,
        subjects=[locked, case],
        reason=reason,
    )
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, acting_user: User, reason: str) -> AgendaItem:
    """The chair takes a case off the agenda, saying why. It is not put back automatically."""
    locked = _lock_open(item.meeting)
    _require_chair(acting_user, locked)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the case is being taken off the agenda"})
    if item.is_removed:
        raise ValidationError("This case has already been taken off the agenda.")
    if (
        item.discussed_at
        or item.discussion.strip()
        or item.triage_decision_id
        or InformationEntry.objects.filter(agenda_item=item).exists()
        or CaseAction.objects.filter(agenda_item=item).exists()
    ):
        raise ValidationError(
            "The meeting has already recorded something on this case, so it stays on the agenda."
        )
    item.removed_at, item.removed_by, item.removal_reason = timezone.now(), acting_user, reason
    item.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    _renumber(locked)
    log_event(
        actor=acting_user,
        operation=Operation.ALTERATION,
        action=AuditAction.MEETING_ITEM_REMOVE,
        partnership=locked.partnership_id,
        subjects=[locked, item.subject],
        reason=reason,
    )
    return item


# -- running the meeting -----------------------------------------------------------


@dataclass(frozen=True)
class GuestInput:
    """Someone without an account: from a partner agency (an officer in charge), or from an
    organisation outside the partnership (a CPS lawyer, a MARAC chair) - then `agency` is None
    and `organisation` names where they are from."""

    name: str
    agency: Agency | None
    role_title: str = ""
    status: str = AttendanceStatus.PRESENT
    organisation: str = ""


def _attendance_by_name(meeting: Meeting) -> dict[str, str]:
    """Who is recorded, by name, with their status in words: what a change of attendance logs."""
    labels = dict(AttendanceStatus.choices)
    return {
        (str(r.user) if r.user_id else f"{r.name} (guest)")[:64]: str(labels.get(r.status, r.status))
        for r in Attendance.objects.filter(meeting=meeting).select_related("user")
    }


@transaction.atomic
def attendance_record(
    *,
    meeting: Meeting,
    acting_user: User,
    staff_statuses: dict[int, str],
    expected_version: int,
    add_guest: GuestInput | None = None,
    remove_guest_ids: list[int] | None = None,
) -> list[Attendance]:
    """Who is present and who sent apologies: staff by account (their agency is their employer),
    and guests by name and agency. Staff not listed are recorded as not expected.

    expected_version is the attendance version the form was opened at: a save
    based on an older one is refused with what changed meanwhile.
    """
    locked = _lock_running(meeting)
    _require_casework(acting_user, locked.partnership_id)
    if locked.attendance_version != expected_version:
        raise stale_edit(
            locked, expected_version=expected_version, current_version=locked.attendance_version,
            what="the attendance", actions=("meeting.attendance",),
        )
    before = _attendance_by_name(locked)
    staff = {u.pk: u for u in selectors.partnership_staff(locked.partnership)}
    errors = []
    for user_id, status in staff_statuses.items():
        if user_id not in staff:
            errors.append("Record attendance only for staff of this partnership's unit.")
        elif status and status not in AttendanceStatus.values:
            errors.append("Select present or apologies.")
        elif status and staff[user_id].agency_id is None:
            errors.append(f"{staff[user_id]} has no agency, so their attendance cannot be attributed.")
    if add_guest is not None:
        organisation = add_guest.organisation.strip()
        if not add_guest.name.strip():
            errors.append("Enter the guest's name")
        if add_guest.agency is None and not organisation:
            errors.append("Select the guest's partner agency, or enter the organisation they are from")
        elif add_guest.agency is not None and organisation:
            errors.append(
                "Enter an organisation only for a guest who is not from a partner agency: "
                "choose one or the other"
            )
        elif add_guest.agency is not None and not _is_partner(locked.partnership, add_guest.agency):
            errors.append(
                f"The guest's agency is not a partner agency of {locked.partnership}: select one from the list, "
                "or record the guest with the organisation they are from instead."
            )
        if add_guest.status not in AttendanceStatus.values:
            errors.append("Select whether the guest is present or sent apologies")
    if errors:
        raise ValidationError(sorted(set(errors)))
    Attendance.objects.filter(meeting=locked, user__isnull=False).delete()
    if remove_guest_ids:
        Attendance.objects.filter(meeting=locked, user__isnull=True, pk__in=remove_guest_ids).delete()
    rows = [
        Attendance(
            meeting=locked,
            user=staff[user_id],
            agency_id=staff[user_id].agency_id,
            status=status,
            role_title="",
            recorded_by=acting_user,
        )
        for user_id, status in sorted(staff_statuses.items())
        if status
    ]
    if add_guest is not None:
        rows.append(
            Attendance(
                meeting=locked,
                name=add_guest.name.strip()[:200],
                agency=add_guest.agency,
                organisation="" if add_guest.agency else add_guest.organisation.strip()[:200],
                role_title=add_guest.role_title.strip()[:200],
                status=add_guest.status,
                recorded_by=acting_user,
            )
        )
    Attendance.objects.bulk_create(rows)
    _mark_started(locked, timezone.now())
    after = _attendance_by_name(locked)
    changes = [
        (locked, name, before.get(name, "Not recorded"), after.get(name, "Not recorded"))
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    ]
    if changes:
        locked.attendance_version += 1
        locked.save(update_fields=["attendance_version"])
    present = sum(1 for r in rows if r.status == AttendanceStatus.PRESENT)
    log_event(
        actor=acting_user,
        operation=Operation.COLLECTION,
        action=AuditAction.MEETING_ATTENDANCE,
        partnership=locked.partnership_id,
        subjects=[locked],
        details={
            "present": present,
            "recorded": len(rows),
            **({"version": locked.attendance_version} if changes else {}),
        },
        changes=changes,
    )
    return rows


def _open_item(item: AgendaItem) -> tuple[Meeting, AgendaItem]:
    meeting = _lock_running(item.meeting)
    fresh = (
        AgendaItem.objects.select_for_update(of=("self",)).select_related("case", "referral").get(pk=item.pk)
    )
    if fresh.is_removed:
        raise ValidationError("This case was taken off the agenda; put it back before recording on it.")
    return meeting, fresh


@transaction.atomic
def item_share_information(
    *, item: AgendaItem, acting_user: User, source_agency: Agency, category: str, title: str, body: str
) -> InformationEntry:
    """Record what one agency shared about the case at the meeting, in a category.

    Stored as an InformationEntry of the case (or, for a referral the meeting is
    triaging, of the referral: it then shows with the case the referral joins), so
    the access policy decides who later sees it - on the meeting page, the case
    page and in minutes.
    """
    meeting, item = _open_item(item)
    _require_casework(acting_user, meeting.partnership_id)
    errors: dict[str, str] = {}
    if not _is_partner(meeting.partnership, source_agency):
        errors["source_agency"] = f"The agency chosen is not a partner agency of {meeting.partnership}: select one from the list."
    if category not in Category.values:
        errors["category"] = "Select the category of the information"
    if not title.strip():
        errors["title"] = "Enter a summary line"
    if not body.strip():
        errors["body"] = "Enter what the agency shared"
    if errors:
        raise ValidationError(errors)
    entry = InformationEntry.objects.create(
        partnership=meeting.partnership,
        case=item.case,
        referral=item.referral,
        category=category,
        source_agency=source_agency,
        title=title.strip()[:200],
        body=body.strip(),
        recorded_by=acting_user,
        agenda_item=item,
    )
    _mark_started(meeting, entry.recorded_at)
    log_event(
        actor=acting_user,
        operation=Operation.COLLECTION,
        action=AuditAction.INFORMATION_RECORD,
        partnership=meeting.partnership_id,
        subjects=[item.subject, entry, meeting],
        details={"category": category, "source_agency": str(source_agency), "at_meeting": meeting.pk},
    )
    return entry


@dataclass(frozen=True)
class DiscussionInput:
    discussion: str = ""
    agreed_risk_rank: int | None = None
    agreed_stalker_type: str = ""
    next_steps: str = ""
    keep_on_agenda: bool = False
    refer_to: MeetingSeries | None = None


@transaction.atomic
def item_record_discussion(
    *, item: AgendaItem, acting_user: User, expected_version: int, record: DiscussionInput
) -> AgendaItem:
    """Record the discussion of a case and the meeting's decisions.

    An agreed risk level or stalker type becomes the case's current one
    (through cases.services.case_set_risk). Re-review triggers that put the
    case on this agenda are resolved: the case has been reviewed.
    """
    meeting, item = _open_item(item)
    _require_casework(acting_user, meeting.partnership_id)
    discussed = item.subject
    if not isinstance(discussed, Case):
        raise ValidationError(REFERRAL_NOT_DISCUSSED)
    if item.version != expected_version:
        raise ValidationError(
            "Someone else saved this case's record while you were editing it. Your changes were not saved: "
            "open the case again to see theirs, then add yours."
        )
    errors: dict[str, str] = {}
    if record.agreed_risk_rank is not None and record.agreed_risk_rank not in (
        RiskRank.LOW,
        RiskRank.MODERATE,
        RiskRank.HIGH,
    ):
        errors["agreed_risk_rank"] = "Select an agreed risk level"
    if record.agreed_stalker_type and record.agreed_stalker_type not in StalkerType.values:
        errors["agreed_stalker_type"] = "Select an agreed stalker type"
    if record.refer_to is not None:
        current = {s.pk for s in selectors.current_series(meeting.partnership)}
        if record.refer_to.pk not in current:
            errors["refer_to"] = f"Select one of {meeting.partnership}'s meetings"
        elif record.refer_to.pk == meeting.series_id:
            errors["refer_to"] = "To bring it back to this series, tick keep on the agenda instead"
    if not (
        record.discussion.strip()
        or record.next_steps.strip()
        or record.agreed_risk_rank
        or record.agreed_stalker_type
        or record.keep_on_agenda
        or record.refer_to
    ):
        errors["discussion"] = "Enter the discussion or record a decision"
    if errors:
        raise ValidationError(errors)
    fields = [
        "discussion",
        "agreed_risk_rank",
        "agreed_stalker_type",
        "next_steps",
        "keep_on_agenda",
        "refer_to",
    ]
    before = {f: _plain(getattr(item, f)) for f in fields}
    now = timezone.now()
    item.discussion, item.next_steps = record.discussion.strip(), record.next_steps.strip()
    item.agreed_risk_rank, item.agreed_stalker_type = record.agreed_risk_rank, record.agreed_stalker_type
    item.keep_on_agenda, item.refer_to = record.keep_on_agenda, record.refer_to
    item.discussed_at = item.discussed_at or now
    item.discussed_by = item.discussed_by or acting_user
    item.version += 1
    item.save(update_fields=[*fields, "discussed_at", "discussed_by", "version"])
    log_changes(
        actor=acting_user,
        action=AuditAction.MEETING_ITEM_RECORD,
        record=item,
        partnership=meeting.partnership_id,
        before=before,
        after={f: _plain(getattr(item, f)) for f in fields},
        extra_subjects=[discussed, meeting],
    )
    case = Case.objects.select_for_update().get(pk=discussed.pk)
    new_rank = case.risk_rank if record.agreed_risk_rank is None else record.agreed_risk_rank
    rank_changed = new_rank != case.risk_rank
    type_changed = bool(record.agreed_stalker_type) and record.agreed_stalker_type != case.stalker_type
    if rank_changed or type_changed:
        source = f"Agreed at {meeting}"
        case_set_risk(
            case=case,
            acting_user=acting_user,
            rank=new_rank,
            label=f"{RiskRank(new_rank).label} (agreed at meeting)"
            if rank_changed
            else case.risk_label,
            source=source if rank_changed else case.risk_source,
            stalker_type=record.agreed_stalker_type if type_changed else None,
        )
    trigger_ids = [
        r.get("ref") for r in item.reasons if r.get("kind") == agenda.ReasonKind.TRIGGER and r.get("ref")
    ]
    if trigger_ids:
        resolved = ReviewTrigger.objects.filter(
            pk__in=trigger_ids, case_id=case.pk, resolved_at__isnull=True
        ).update(resolved_at=now)
        if resolved:
            log_event(
                actor=acting_user,
                operation=Operation.ALTERATION,
                action=AuditAction.CASE_TRIGGERS_RESOLVED,
                partnership=meeting.partnership_id,
                subjects=[case, meeting],
                reason=f"Discussed at {meeting}",
                details={"triggers": resolved},
            )
    _mark_started(meeting, now)
    return item


REFERRAL_NOT_DISCUSSED = (
    "This is a referral awaiting triage: record the meeting's triage decision on it. "
    "Once it is accepted, its case comes to the next meeting."
)


@transaction.atomic
def agenda_item_triage(
    *, item: AgendaItem, acting_user: User, decision: TriageInput, discussion: str = "", expected_version: int
) -> AgendaItem:
    """The meeting records its triage decision on a referral on the agenda.

    The decision goes through referrals.services.triage_decide, so every rule of
    triage applies as at the triage queue: who may triage, the partnership's tools
    signed off before acceptance, a decision made meanwhile by someone else. An
    accepted referral opens (or joins) its case there; the item keeps the decision.
    """
    meeting, item = _open_item(item)
    _require_casework(acting_user, meeting.partnership_id)
    referral = item.referral
    if referral is None:
        raise ValidationError("Only a referral on the agenda is triaged here.")
    if item.version != expected_version or item.triage_decision_id:
        raise ValidationError(
            "Someone else recorded this referral's triage at the meeting while you were deciding. "
            "Nothing was saved: read their decision above."
        )
    row = triage_decide(referral=referral, acting_user=acting_user, decision=decision)
    now = timezone.now()
    item.triage_decision = row
    item.discussion = discussion.strip()
    item.discussed_at, item.discussed_by = now, acting_user
    item.version += 1
    item.save(update_fields=["triage_decision", "discussion", "discussed_at", "discussed_by", "version"])
    log_event(
        actor=acting_user,
        operation=Operation.ALTERATION,
        action=AuditAction.MEETING_ITEM_TRIAGE,
        partnership=meeting.partnership_id,
        subjects=[referral, meeting, *([row.case] if row.case is not None else [])],
        details={"outcome": row.outcome, "case": row.case.reference if row.case is not None else ""},
    )
    _mark_started(meeting, now)
    return item


def _plain(value: Any) -> Any:
    if isinstance(value, MeetingSeries):
        return value.name
    return "" if value is None else value


@transaction.atomic
def meeting_close(*, meeting: Meeting, acting_user: User) -> Meeting:
    """Close the meeting: from now on its record is read-only and its minutes can go out.
    Cases not reached are carried forward to the series' next meeting."""
    locked = _lock_running(meeting)
    _require_chair(acting_user, locked)
    now = timezone.now()
    locked.status, locked.closed_at, locked.closed_by = MeetingStatus.CLOSED, now, acting_user
    locked.started_at = locked.started_at or now
    locked.save(update_fields=["status", "closed_at", "closed_by", "started_at"])
    items = AgendaItem.objects.filter(meeting=locked, removed_at__isnull=True)
    log_event(
        actor=acting_user,
        operation=Operation.ALTERATION,
        action=AuditAction.MEETING_CLOSE,
        partnership=locked.partnership_id,
        subjects=[locked],
        details={
            "discussed": items.filter(discussed_at__isnull=False).count(),
            "not_reached": items.filter(discussed_at__isnull=True).count(),
        },
    )
    return locked


# -- actions agreed at the meeting ----------------------------------------------------


@transaction.atomic
def item_action_create(
    *,
    item: AgendaItem,
    acting_user: User,
    description: str,
    owner_agency: Agency,
    due_on: date,
    owner_user: User | None = None,
) -> CaseAction:
    """An agency takes on an action for the case under discussion (actions.services.action_create),
    recorded against the open meeting and its agenda item."""
    _require_casework(acting_user, item.meeting.partnership_id)
    meeting, item = _open_item(item)
    if item.case is None:
        raise ValidationError("The action must be for the case under discussion.")
    action = action_create(
        case=item.case,
        acting_user=acting_user,
        description=description,
        owner_agency=owner_agency,
        owner_user=owner_user,
        due_on=due_on,
        meeting=meeting,
        agenda_item=item,
    )
    _mark_started(meeting, action.created_at)
    return action


# -- minutes -------------------------------------------------------------------------


def minutes_export(*, meeting: Meeting, acting_user: User, recipient: Agency) -> bytes:
    """The minutes as a PDF for one partner agency, leaving out what it may not see; logged as a disclosure.

    Rendered before the log is written (slow work outside the transaction);
    nothing is handed over unless the disclosure was logged.
    """
    from masip.meetings.minutes import build_minutes

    _require_casework(acting_user, meeting.partnership_id)
    meeting = Meeting.objects.select_related("partnership", "series", "chair").get(pk=meeting.pk)
    if not meeting.is_closed:
        raise ValidationError("Minutes go to partner agencies once the meeting is closed.")
    if not _is_partner(meeting.partnership, recipient):
        raise ValidationError({"recipient": f"The agency chosen is not a partner agency of {meeting.partnership}."})
    minutes = build_minutes(meeting, reader=acting_user, recipient=recipient)
    return disclosed_file(
        actor=acting_user,
        action=AuditAction.MEETING_MINUTES_EXPORT,
        partnership=meeting.partnership_id,
        subjects=[meeting, *[m.item.subject for m in minutes.items]],
        recipient=str(recipient),
        reason=f"Minutes of {meeting} for {recipient}",
        details={
            "format": "pdf",
            "cases": len(minutes.items),
            "entries_shared": sum(len(m.shared) for m in minutes.items),
        },
        render=lambda: render_pdf("meetings/minutes_pdf.html", {"minutes": minutes}),
    )


# -- retention -------------------------------------------------------------------------

ANONYMISED = "(anonymised)"


def case_anonymise_meeting_records(*, case: Case) -> dict[str, int]:
    """Blank the free text about a case in meeting records, keeping the figures (dates, agencies,
    statuses, decisions) - for anonymisation at retention review (cases.retention).

    Information shared at meetings is an InformationEntry of the case, which
    anonymisation already deletes; entries on its referrals (shared while a meeting
    triaged them) are deleted here. The caller holds the transaction and logs.
    """
    items = AgendaItem.objects.filter(case=case).update(
        discussion=ANONYMISED, next_steps="", reasons=[], added_reason="", removal_reason=""
    )
    # Its referrals as a meeting triaged them, and what partners shared on them there.
    items += AgendaItem.objects.filter(referral__case=case).update(
        discussion=ANONYMISED, reasons=[], added_reason="", removal_reason=""
    )
    InformationEntry.objects.filter(case__isnull=True, referral__case=case).delete()
    return {"agenda_items": items}
