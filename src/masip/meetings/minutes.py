"""Minutes: the meeting record as one document, for a reader or for a recipient agency.

What each agency shared is included only where the access policy lets the
reader see it. A version for a recipient agency includes only what *both* that
agency and the member of staff producing it may see, so producing minutes
never shows the producer anything they could not already read.

Minutes name the suspect (the case's subject) but not the victims, and leave out
victim contact details whoever reads them: minutes are sent on, and may go to
agencies working with the perpetrator. Those details stay on the case page, for
those who need them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from masip.access.models import Category, NeedToKnowRule
from masip.access.sharing import SharingView, sharing_view, valid_agreements
from masip.actions.models import CaseAction
from masip.cases.models import RiskRank, StalkerType
from masip.meetings import selectors
from masip.meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting
from masip.partnerships.models import Agency, AgencyKind, Partnership
from masip.partnerships.selectors import partner_agencies
from masip.sharing.models import InformationEntry

if TYPE_CHECKING:
    from masip.accounts.models import User


def agency_sharing_view(partnership: Partnership, agency: Agency, *, on: date | None = None) -> SharingView:
    """What staff of `agency` may see in the partnership: the same rule as access.sharing.sharing_view,
    for an agency rather than a signed-in user (a recipient of minutes)."""
    on = on or timezone.localdate()
    needs = frozenset(
        NeedToKnowRule.objects.filter(partnership=partnership, agency_kind=agency.kind).values_list(
            "category", flat=True
        )
    )
    shared: dict[str, set[int]] = {}
    for agreement in valid_agreements(partnership, on).filter(parties=agency):
        others = {a.pk for a in agreement.parties.all()} - {agency.pk}
        for category in agreement.categories:
            shared.setdefault(category, set()).update(others)
    return SharingView(agency.pk, needs, {c: frozenset(a) for c, a in shared.items()})


@dataclass
class MinutesItem:
    number: int
    item: AgendaItem
    reasons: list[str]
    shared: list[InformationEntry]
    decisions: list[str]
    actions: list[CaseAction]


@dataclass
class Minutes:
    meeting: Meeting
    recipient: Agency | None
    present: list[tuple[str, list[str]]]  # (partner agency, names)
    guests: list[str]  # present from organisations outside the partnership, with their organisation
    apologies: list[str]
    expected_not_present: list[str]
    items: list[MinutesItem]
    not_discussed: list[AgendaItem]
    removed: list[AgendaItem]
    produced_at: datetime = field(default_factory=timezone.now)

    @property
    def is_draft(self) -> bool:
        return not self.meeting.is_closed


def decisions_of(item: AgendaItem) -> list[str]:
    lines = []
    decision = item.triage_decision if item.triage_decision_id else None
    if decision is not None:
        line = f"Triage: {decision.get_outcome_display()}"
        if decision.case is not None:
            verb = "joined open case" if decision.joined_existing_case else "opened case"
            line += f" ({verb} {decision.case.reference})"
        lines.append(line)
    if item.agreed_risk_rank is not None:
        lines.append(f"Agreed risk level: {RiskRank(item.agreed_risk_rank).label}")
    if item.agreed_stalker_type:
        lines.append(f"Agreed stalker type: {StalkerType(item.agreed_stalker_type).label}")
    if item.next_steps:
        lines.append(f"Next steps: {item.next_steps}")
    if item.keep_on_agenda:
        lines.append("Keep on the agenda for the next meeting")
    if item.refer_to is not None:
        lines.append(f"Refer to: {item.refer_to.name}")
    return lines


def build_minutes(meeting: Meeting, *, reader: User, recipient: Agency | None = None) -> Minutes:
    """The minutes as `reader` may see them, or for `recipient` (limited to what both may see)."""
    visible = sharing_view(reader, meeting.partnership).visible_q()
    if recipient is not None:
        visible &= agency_sharing_view(meeting.partnership, recipient).visible_q()
    items = selectors.agenda_items(meeting)
    live = [i for i in items if not i.is_removed]
    entries: dict[int | None, list[InformationEntry]] = {}  # by agenda item (all set: filtered on it)
    for entry in (
        InformationEntry.objects.filter(agenda_item__meeting=meeting)
        .filter(visible)
        .exclude(category=Category.VICTIM_CONTACT)  # never in a document that is sent on
        .select_related("source_agency")
        .order_by("recorded_at", "id")
    ):
        entries.setdefault(entry.agenda_item_id, []).append(entry)
    actions: dict[int | None, list[CaseAction]] = {}
    for action in (
        CaseAction.objects.filter(agenda_item__meeting=meeting)
        .select_related("owner_agency", "owner_user")
        .order_by("id")
    ):
        actions.setdefault(action.agenda_item_id, []).append(action)
    rows = attendance_rows(selectors.attendance(meeting), meeting)
    minutes_items: list[MinutesItem] = []
    for item in live:
        if not item.is_discussed:
            continue
        minutes_items.append(
            MinutesItem(
                number=len(minutes_items) + 1,
                item=item,
                reasons=[r.get("text", "") for r in item.reasons],
                shared=entries.get(item.pk, []),
                decisions=decisions_of(item),
                actions=actions.get(item.pk, []),
            )
        )
    return Minutes(
        meeting=meeting,
        recipient=recipient,
        present=rows["present"],
        guests=rows["guests"],
        apologies=rows["apologies"],
        expected_not_present=rows["expected_not_present"],
        items=minutes_items,
        not_discussed=[i for i in live if not i.is_discussed],
        removed=[i for i in items if i.is_removed],
    )


def attendance_rows(records: list[Attendance], meeting: Meeting) -> dict[str, Any]:
    """Who was present, by partner agency; guests from outside the partnership apart, with their
    organisation (they do not represent a partner agency); apologies; partners expected but absent."""
    present: dict[str, list[str]] = {}
    guests = []
    apologies = []
    kinds_present = set()
    for record in records:
        label = record.display_name + (f", {record.role_title}" if record.role_title else "")
        agency = record.agency  # None for a guest from outside the partnership
        if record.status == AttendanceStatus.PRESENT and agency is None:
            guests.append(f"{label} ({record.organisation})")
        elif record.status == AttendanceStatus.PRESENT and agency is not None:
            present.setdefault(str(agency), []).append(label)
            kinds_present.add(agency.kind)
        else:
            apologies.append(f"{label} ({record.affiliation})")
    expected = [k for k in meeting.series.expected_agency_kinds if k not in kinds_present]
    return {
        "present": sorted(present.items()),
        "guests": guests,
        "apologies": apologies,
        "expected_not_present": [str(AgencyKind(k).label) for k in expected] if records else [],
    }


def recipient_choices(meeting: Meeting) -> list[Agency]:
    return list(
        partner_agencies(meeting.partnership).exclude(
            kind__in=[AgencyKind.PMO, AgencyKind.EVALUATION]
        )
    )


