"""Records of the meetings context on a London case, for the declared access policy test
(access/tests/test_policy_table.py): one of each kind of record a meetings URL names."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

ARGS = {
    "meetings:list": "slug",
    "meetings:schedule": "slug",
    "meetings:actions": "slug",
    "meetings:detail": "meeting",
    "meetings:attendance": "meeting",
    "meetings:item_add": "meeting",
    "meetings:close": "meeting",
    "meetings:minutes": "meeting",
    "meetings:minutes_pdf": "meeting",
    "meetings:item": "agenda_item",
    "meetings:item_share": "agenda_item",
    "meetings:item_record": "agenda_item",
    "meetings:item_action": "agenda_item",
    "meetings:item_remove": "agenda_item",
    "meetings:item_triage": "agenda_item",
    "meetings:action_update": "action",
    "meetings:case_action_add": "case",
    "meetings:plan": "case",
    "meetings:plan_edit": "case",
}


def meetings_world(*, case, partnership, staff) -> dict[str, dict[str, int]]:
    from masip.actions.services import action_create
    from masip.meetings.services import meeting_schedule

    today = timezone.localdate()
    series = partnership.operating_model_on().meeting_series.get(name="Daily morning case review")
    meeting = meeting_schedule(
        partnership=partnership, series=series, acting_user=staff["london-police"], first=today
    ).created[0]
    item = meeting.items.get(case=case)
    # Agreed on the case, not at the meeting: the meeting may be Monday's, when the clock says Sunday.
    action = action_create(
        case=case,
        acting_user=staff["london-police"],
        description="Send investigative advice",
        owner_agency=staff["london-police"].agency,
        due_on=today + timedelta(days=7),
    )
    return {
        "meeting": {"pk": meeting.pk},
        "agenda_item": {"pk": meeting.pk, "item_pk": item.pk},
        "action": {"pk": action.pk},
    }
