"""Actions: agreeing one (and refusing bad ones), completing or cancelling it, the lists each
person works from, reminder emails and the on-time figures for reporting."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from masip.actions import services
from masip.actions.action_rules import REMIND_DAYS_BEFORE
from masip.actions.models import ActionReminder, ActionStatus, CaseAction
from masip.actions.selectors import action_completion_by_agency
from masip.audit.models import FieldChange
from masip.partnerships.models import Agency

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def case(london, make_case):
    return make_case(london, risk=3)


@pytest.fixture
def nps():
    return Agency.objects.get(name="National Probation Service - London")


def new_action(
    case, staff, *, agency, by="london-police", due_in=7, owner=None, description="Raise at supervision"
):
    return services.action_create(
        case=case,
        acting_user=staff[by],
        description=description,
        owner_agency=agency,
        owner_user=owner,
        due_on=timezone.localdate() + timedelta(days=due_in),
    )


def date_fields(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


class TestAgreeingAnAction:
    def test_at_the_meeting(self, london, case, daily, as_user, nps):
        meeting = daily()
        item = meeting.items.get(case=case)
        due = timezone.localdate() + timedelta(days=5)
        response = as_user("london-police").post(
            reverse("meetings:item_action", args=[meeting.pk, item.pk]),
            {
                "action-description": "Raise the incidents at supervision",
                "action-owner_agency": nps.pk,
                **date_fields("action-due_on", due),
            },
            **HTMX,
        )
        assert "Action added for London NPS" in text(response)
        action = CaseAction.objects.get()
        assert (action.case, action.meeting, action.agenda_item, action.owner_agency, action.due_on) == (
            case,
            meeting,
            item,
            nps,
            due,
        )

    @pytest.mark.parametrize(
        "change, message",
        [
            ({"due_offset": -1}, "The due date must be today or in the future"),
            (
                {"agency": "Cheshire Constabulary"},
                "The agency chosen is not a partner agency of London, so it cannot own an action",
            ),
            ({"owner": "london-health"}, "Nadia Farrant does not work for London NPS"),
            ({"owner": "cheshire-police"}, "The person chosen is not a member of London's unit"),
            ({"description": "   "}, "Enter what needs to be done"),
        ],
    )
    def test_bad_input_is_refused_and_nothing_is_saved(self, case, as_user, staff, nps, change, message):
        agency = Agency.objects.get(name=change["agency"]) if "agency" in change else nps
        due = timezone.localdate() + timedelta(days=change.get("due_offset", 3))
        data = {
            "description": change.get("description", "Do it"),
            "owner_agency": agency.pk,
            **date_fields("due_on", due),
        }
        if "owner" in change:
            data["owner_user"] = staff[change["owner"]].pk
        client = as_user("london-police")
        response = client.post(reverse("meetings:case_action_add", args=[case.pk]), data)
        assert response.status_code == 200
        assert message in text(response)
        assert "Cheshire" not in text(response) and staff["cheshire-police"].get_full_name() not in text(response)
        assert not CaseAction.objects.exists()

    def test_the_service_refuses_the_same_way(self, case, staff):
        with pytest.raises(ValidationError) as refusal:
            services.action_create(
                case=case,
                acting_user=staff["london-police"],
                description="x",
                owner_agency=Agency.objects.get(name="Hampshire Constabulary"),
                due_on=timezone.localdate() - timedelta(days=1),
            )
        assert set(refusal.value.message_dict) == {"due_on", "owner_agency"}
        assert not CaseAction.objects.exists()


class TestLifecycle:
    def test_the_owning_agency_marks_it_done_with_a_date_and_note(self, case, staff, as_user, nps, give_reason):
        action = new_action(case, staff, agency=nps)
        url = reverse("meetings:action_update", args=[action.pk])
        assert as_user("london-health").post(url, {"outcome": "done"}).status_code == 403
        client = as_user("london-probation")
        response = client.post(
            url,
            {
                "version": action.version,
                "outcome": "done",
                **date_fields("completed_on", timezone.localdate()),
                "completion_note": "Raised on Tuesday.",
            },
        )
        assert response.status_code == 302
        action.refresh_from_db()
        assert (action.status, action.completed_on, action.completion_note, action.closed_by) == (
            "done",
            timezone.localdate(),
            "Raised on Tuesday.",
            staff["london-probation"],
        )
        assert FieldChange.objects.filter(
            object_type="action", object_id=action.pk, field="status", new_value="done"
        ).exists()
        # With no open action left, probation is outside the caseload again: it gives a reason first.
        again = give_reason(client, case).post(
            url, {"version": action.version, "outcome": "cancelled", "cancel_reason": "x"}
        )
        assert "already done" in text(again)
        action.refresh_from_db()
        assert action.status == "done"

    def test_cancelling_needs_a_reason(self, case, staff, as_user, nps):
        action = new_action(case, staff, agency=nps)
        client = as_user("london-probation")
        url = reverse("meetings:action_update", args=[action.pk])
        assert "Enter why the action is no longer needed" in text(
            client.post(url, {"version": 0, "outcome": "cancelled"})
        )
        assert (
            client.post(url, {"version": 0, "outcome": "cancelled", "cancel_reason": "Suspect charged"}).status_code
            == 302
        )
        action.refresh_from_db()
        assert (action.status, action.cancel_reason) == ("cancelled", "Suspect charged")

    def test_a_completion_date_in_the_future_is_refused(self, case, staff, as_user, nps):
        action = new_action(case, staff, agency=nps)
        response = as_user("london-probation").post(
            reverse("meetings:action_update", args=[action.pk]),
            {"version": 0, "outcome": "done", **date_fields("completed_on", timezone.localdate() + timedelta(days=2))},
        )
        assert "must be today or in the past" in text(response)
        action.refresh_from_db()
        assert action.status == "open"

    def test_another_partnership_cannot_see_it(self, case, staff, as_user, nps):
        action = new_action(case, staff, agency=nps)
        assert (
            as_user("cheshire-police").get(reverse("meetings:action_update", args=[action.pk])).status_code
            == 404
        )


class TestLists:
    @pytest.fixture
    def actions(self, case, staff, nps):
        police = staff["london-police"].agency
        mine = new_action(
            case, staff, agency=nps, owner=staff["london-probation"], description="Kieran's own"
        )
        agency = new_action(case, staff, agency=nps, description="For probation generally", due_in=2)
        other = new_action(case, staff, agency=police, description="For the police", due_in=20)
        overdue = new_action(case, staff, agency=police, description="Late one", due_in=1)
        CaseAction.objects.filter(pk=overdue.pk).update(due_on=timezone.localdate() - timedelta(days=3))
        done = new_action(case, staff, agency=nps, description="Finished one")
        services.action_complete(
            action=done, acting_user=staff["london-probation"], completed_on=timezone.localdate()
        )
        return {"mine": mine, "agency": agency, "other": other, "overdue": overdue, "done": done}

    @pytest.mark.parametrize(
        "view, expected",
        [
            ("mine", ["Kieran's own"]),
            ("agency", ["For probation generally", "Kieran's own", "Finished one"]),
            ("open", ["Late one", "For probation generally", "Kieran's own", "For the police"]),
            ("overdue", ["Late one"]),
        ],
    )
    def test_each_view_for_probation(self, actions, as_user, view, expected):
        response = as_user("london-probation").get(
            reverse("meetings:actions", args=["london"]) + f"?view={view}"
        )
        page = text(response)
        listed = [
            d
            for d in ["Late one", "For probation generally", "Kieran's own", "Finished one", "For the police"]
            if d in page
        ]
        assert sorted(listed) == sorted(expected)
        positions = [page.index(d) for d in expected]
        assert positions == sorted(positions)  # soonest due first

    def test_filters_and_sorting(self, actions, as_user, case, nps):
        client = as_user("london-police")
        url = reverse("meetings:actions", args=["london"])
        page = text(client.get(url + f"?view=all&agency={nps.pk}&status=open"))
        assert "Kieran's own" in page and "For the police" not in page and "Finished one" not in page
        page = text(client.get(url + "?view=all&sort=-due"))
        assert page.index("For the police") < page.index("Late one")
        page = text(client.get(url + f"?view=all&case={case.reference[-3:]}"))
        assert "For the police" in page
        page = text(client.get(url + "?view=all&case=NO-SUCH"))
        assert "No actions match" in page

    def test_the_list_is_logged_as_a_consultation(self, actions, as_user):
        from masip.audit.models import AuditEvent

        as_user("london-advocate").get(reverse("meetings:actions", args=["london"]) + "?view=open")
        assert AuditEvent.objects.filter(action="action.list", username="london-advocate").exists()


class TestReminders:
    def test_owners_hear_before_the_due_date_and_when_overdue_and_running_twice_sends_nothing_new(
        self, case, staff, nps
    ):
        today = timezone.localdate()
        soon = new_action(case, staff, agency=nps, owner=staff["london-probation"], due_in=REMIND_DAYS_BEFORE)
        later = new_action(case, staff, agency=nps, due_in=REMIND_DAYS_BEFORE + 5)
        late = new_action(case, staff, agency=staff["london-police"].agency, due_in=1)
        CaseAction.objects.filter(pk=late.pk).update(due_on=today - timedelta(days=1))
        done = new_action(case, staff, agency=nps, due_in=1)
        services.action_complete(action=done, acting_user=staff["london-probation"], completed_on=today)

        call_command("send_action_reminders", "--base-url", "https://masip.example.org")
        subjects = sorted(m.subject for m in mail.outbox)
        assert subjects == sorted(
            [
                f"Action due {soon.due_on:%-d %B %Y} on case {case.reference}",
                f"Overdue action on case {case.reference}",
            ]
        )
        to_soon = next(m for m in mail.outbox if m.subject.startswith("Action due"))
        assert to_soon.to == [staff["london-probation"].email]
        assert f"https://masip.example.org/actions/{soon.pk}/" in to_soon.body
        assert soon.description not in to_soon.body  # what the action says stays in the system
        overdue_mail = next(m for m in mail.outbox if m.subject.startswith("Overdue"))
        assert set(overdue_mail.to) == {staff["london-police"].email, staff["london-manager"].email}

        call_command("send_action_reminders")
        assert len(mail.outbox) == 2
        assert ActionReminder.objects.count() == 2
        assert not ActionReminder.objects.filter(action=later).exists()

    def test_a_failed_email_is_tried_again_next_time(self, case, staff, nps, monkeypatch):
        action = new_action(case, staff, agency=nps, due_in=1)
        monkeypatch.setattr(
            services, "send_mail", lambda *a, **k: (_ for _ in ()).throw(OSError("mail server down"))
        )
        report = services.action_send_reminders()
        assert report.failed == 1 and not ActionReminder.objects.filter(action=action).exists()
        monkeypatch.undo()
        assert services.action_send_reminders().sent == 1

    def test_a_moved_due_date_gets_its_own_reminder(self, case, staff, nps):
        action = new_action(case, staff, agency=nps, due_in=1)
        services.action_send_reminders()
        CaseAction.objects.filter(pk=action.pk).update(due_on=timezone.localdate() + timedelta(days=2))
        assert services.action_send_reminders().sent == 1
        assert len(mail.outbox) == 2

    def test_a_bad_date_option_is_a_clear_error(self):
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="--today must be a date"):
            call_command("send_action_reminders", "--today", "tomorrow")


def test_the_share_completed_on_time_per_agency_for_reporting(london, case, staff, nps):
    today = timezone.localdate()
    police = staff["london-police"].agency
    on_time = new_action(case, staff, agency=nps)
    services.action_complete(action=on_time, acting_user=staff["london-probation"], completed_on=today)
    late = new_action(case, staff, agency=nps)
    overdue = new_action(case, staff, agency=nps)
    cancelled = new_action(case, staff, agency=police)
    services.action_cancel(action=cancelled, acting_user=staff["london-police"], reason="No longer needed")
    not_due = new_action(case, staff, agency=police, due_in=30)
    CaseAction.objects.filter(pk=late.pk).update(
        status=ActionStatus.DONE, completed_on=today, due_on=today - timedelta(days=2)
    )
    CaseAction.objects.filter(pk=overdue.pk).update(due_on=today - timedelta(days=1))
    figures = dict(
        action_completion_by_agency(london, start=today - timedelta(days=10), end=today + timedelta(days=60))
    )
    assert (figures[nps].on_time, figures[nps].late, figures[nps].overdue) == (1, 1, 1)
    assert figures[nps].share == pytest.approx(1 / 3)
    assert figures[police].fallen_due == 0 and figures[police].share is None
    assert not_due.status == "open"


class TestProgressDueDatesAndHandovers:
    """Issue 9: a progress note, a new due date with a reason, and reassignment within the
    partnership - each audited, each refused when saved from a stale copy of the page."""

    def post(self, client, action, **data):
        return client.post(reverse("meetings:action_update", args=[action.pk]), data)

    def test_a_progress_note_is_kept_shown_and_logged(self, case, staff, as_user, nps, give_reason):
        from masip.audit.models import AuditEvent

        action = new_action(case, staff, agency=nps)
        client = as_user("london-probation")
        response = self.post(client, action, version=0, outcome="progress", progress_note="Left a message")
        assert response.status_code == 302
        page = text(client.get(reverse("meetings:action_update", args=[action.pk])))
        assert "Progress note added" in page and "Left a message" in page
        action.refresh_from_db()
        assert action.version == 1 and action.status == "open"
        assert AuditEvent.objects.filter(action="action.note", username="london-probation").exists()
        police = as_user("london-police")
        give_reason(police, case)
        assert "Left a message" in text(police.get(reverse("cases:detail", args=[case.pk])))  # the timeline
        empty = self.post(client, action, version=1, outcome="progress", progress_note="  ")
        assert "Enter what has happened so far" in text(empty)

    def test_a_new_due_date_needs_a_reason_and_a_date_not_in_the_past(self, case, staff, as_user, nps):
        action = new_action(case, staff, agency=nps, due_in=2)
        client = as_user("london-probation")
        today = timezone.localdate()
        refused = self.post(
            client, action, version=0, outcome="reschedule", **date_fields("new_due_on", today - timedelta(days=1))
        )
        assert "The new due date must be today or in the future" in text(refused)
        assert "Enter why the due date is changing" in text(refused)
        same = self.post(
            client, action, version=0, outcome="reschedule", due_reason="x", **date_fields("new_due_on", action.due_on)
        )
        assert "already due on" in text(same)
        later = today + timedelta(days=14)
        response = self.post(
            client, action, version=0, outcome="reschedule", due_reason="Supervision moved to next month",
            **date_fields("new_due_on", later),
        )
        assert response.status_code == 302
        action.refresh_from_db()
        assert action.due_on == later and action.version == 1
        note = action.notes.get()
        assert (note.kind, note.due_on_before, note.due_on_after, note.text) == (
            "due_date", today + timedelta(days=2), later, "Supervision moved to next month"
        )
        change = FieldChange.objects.get(object_type="action", object_id=action.pk, field="due_on")
        assert change.new_value == later.isoformat()
        page = text(client.get(reverse("meetings:action_update", args=[action.pk])))
        assert f"New due date {later:%-d %b %Y}" in page

    def test_reassigned_only_within_the_partnership_and_audited(self, case, staff, as_user, nps):
        action = new_action(case, staff, agency=nps)
        client = as_user("london-probation")
        police = staff["london-police"]
        for data, message in [
            ({"new_owner_agency": Agency.objects.get(name="Cheshire Constabulary").pk}, "not a partner agency of London"),
            ({"new_owner_agency": nps.pk, "new_owner_user": staff["london-health"].pk}, "does not work for London NPS"),
            (
                {"new_owner_agency": staff["cheshire-police"].agency_id, "new_owner_user": staff["cheshire-police"].pk},
                "not a partner agency of London",
            ),
            ({"new_owner_agency": nps.pk}, "already with London NPS"),
            ({}, "Select the agency the action goes to"),
        ]:
            response = self.post(client, action, version=0, outcome="reassign", **data)
            assert message in text(response), message
        action.refresh_from_db()
        assert action.owner_agency == nps and action.version == 0 and not action.notes.exists()
        response = self.post(
            client, action, version=0, outcome="reassign", new_owner_agency=police.agency_id,
            new_owner_user=police.pk, reassign_reason="The OIC will give the advice",
        )
        assert response.status_code == 302
        action.refresh_from_db()
        assert (action.owner_agency, action.owner_user) == (police.agency, police)
        assert FieldChange.objects.filter(
            object_type="action", object_id=action.pk, field="owner_agency", new_value="Met Police"
        ).exists()
        note = action.notes.get()
        assert note.owner_before == "London NPS" and note.owner_after == f"Met Police ({police})"
        page = text(as_user("london-police").get(reverse("meetings:actions", args=["london"]) + "?view=mine"))
        assert "Raise at supervision" in page

    def test_a_change_saved_from_an_older_copy_is_refused(self, case, staff, as_user, nps):
        action = new_action(case, staff, agency=nps)
        first, second = as_user("london-probation"), None
        self.post(first, action, version=0, outcome="progress", progress_note="Called the OIC")
        second = as_user("london-police")  # opened the page before that note
        later = timezone.localdate() + timedelta(days=20)
        response = self.post(
            second, action, version=0, outcome="reschedule", due_reason="x", **date_fields("new_due_on", later)
        )
        page = text(response)
        assert "Someone else changed this action while you were looking at it" in page
        assert "Called the OIC" in page  # the page now shows the action as it is
        action.refresh_from_db()
        assert action.due_on != later and action.version == 1
        done = self.post(second, action, version=0, outcome="done", **date_fields("completed_on", timezone.localdate()))
        assert "Someone else changed this action" in text(done)
        action.refresh_from_db()
        assert action.status == "open"

    def test_my_agency_s_actions_show_open_ones_first(self, case, staff, as_user, nps):
        done = new_action(case, staff, agency=nps, description="Finished early one", due_in=1)
        services.action_complete(action=done, acting_user=staff["london-probation"], completed_on=timezone.localdate())
        new_action(case, staff, agency=nps, description="Still to do later", due_in=9)
        new_action(case, staff, agency=nps, description="Still to do soon", due_in=4)
        client = as_user("london-probation")
        page = text(client.get(reverse("meetings:actions", args=["london"])))
        assert "My agency&#x27;s actions" in page or "My agency's actions" in page
        order = [page.index(d) for d in ("Still to do soon", "Still to do later", "Finished early one")]
        assert order == sorted(order)
        by_due = text(client.get(reverse("meetings:actions", args=["london"]) + "?view=agency&sort=due"))
        assert by_due.index("Finished early one") < by_due.index("Still to do soon")
