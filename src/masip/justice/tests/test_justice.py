"""Criminal-justice outcomes: events with their offence, orders, Stalking Protection Order dates, breaches."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from masip.cases.models import Case, ReviewTrigger, TriggerKind
from masip.justice.models import JusticeEvent, ProtectiveOrder, spo_earliest_end, spo_notification_deadline
from masip.justice.services import EventInput, OrderInput, justice_event_record, order_record, order_update
from masip.monitoring.models import Incident
from masip.monitoring.services import IncidentInput, incident_record
from masip.monitoring.tests.factories import days_ago, open_case, victim_of


def date_fields(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@pytest.fixture
def case(london, make_referral, accept):
    return open_case(make_referral, accept, london, by="london-police", opened_on=days_ago(90))


class TestStalkingProtectionOrderDates:
    def test_the_notification_deadline_is_three_days_counting_the_day_of_service(self):
        # s.9(1): "within the period of 3 days beginning with the date of service".
        assert spo_notification_deadline(date(2026, 3, 2)) == date(2026, 3, 4)
        assert spo_notification_deadline(date(2026, 2, 27)) == date(2026, 3, 1)

    def test_a_fixed_period_is_at_least_two_years_beginning_with_the_day_made(self):
        assert spo_earliest_end(date(2026, 3, 1)) == date(2028, 2, 29)
        assert spo_earliest_end(date(2024, 2, 29)) == date(2026, 2, 27)

    def test_the_minimum_duration_is_refused_one_day_short_and_accepted_on_the_day(self, case, staff):
        made = days_ago(10)
        short = OrderInput(
            kind="spo",
            status="granted",
            applied_on=days_ago(20),
            decided_on=made,
            ends_on=spo_earliest_end(made) - timedelta(days=1),
        )
        with pytest.raises(ValidationError) as refused:
            order_record(case=case, acting_user=staff["london-police"], data=short)
        assert "must last at least two years or until further order" in str(refused.value)
        assert "Stalking Protection Act 2019, s.3(2)" in str(refused.value)
        exactly = OrderInput(
            kind="spo",
            status="granted",
            applied_on=days_ago(20),
            decided_on=made,
            ends_on=spo_earliest_end(made),
        )
        assert order_record(
            case=case, acting_user=staff["london-police"], data=exactly
        ).ends_on == spo_earliest_end(made)

    def test_until_further_order_or_an_interim_order_needs_no_minimum(self, case, staff):
        police = staff["london-police"]
        order_record(
            case=case,
            acting_user=police,
            data=OrderInput(
                kind="spo",
                status="granted",
                applied_on=days_ago(20),
                decided_on=days_ago(10),
                until_further_order=True,
            ),
        )
        order_record(
            case=case,
            acting_user=police,
            data=OrderInput(
                kind="spo",
                status="granted",
                interim=True,
                applied_on=days_ago(20),
                decided_on=days_ago(19),
                ends_on=days_ago(-20),
            ),
        )
        assert ProtectiveOrder.objects.count() == 2

    def test_the_order_page_shows_the_deadline_and_a_missed_one(self, as_user, case, staff, give_reason):
        order = order_record(
            case=case,
            acting_user=staff["london-police"],
            data=OrderInput(
                kind="spo",
                status="granted",
                applied_on=days_ago(20),
                decided_on=days_ago(10),
                until_further_order=True,
                served_on=days_ago(6),
            ),
        )
        html = (
            give_reason(as_user("london-advocate"), case).get(reverse("justice:order_detail", args=[order.pk]))
            .content.decode()
        )
        assert f"{days_ago(4):%-d %b %Y}" in html[html.index('id="notification-deadline"') :][:200]
        assert "Notification overdue" in html
        order_update(
            order=order,
            acting_user=staff["london-police"],
            expected_version=order.version,
            data=OrderInput(
                kind="spo",
                status="granted",
                applied_on=days_ago(20),
                decided_on=days_ago(10),
                until_further_order=True,
                served_on=days_ago(6),
                notified_on=days_ago(5),
            ),
        )
        order.refresh_from_db()
        assert not order.notification_overdue

    def test_a_full_order_replacing_an_interim_one_asks_no_new_notification(self, case, staff):
        police = staff["london-police"]
        interim = order_record(
            case=case,
            acting_user=police,
            data=OrderInput(
                kind="spo",
                status="granted",
                interim=True,
                applied_on=days_ago(40),
                decided_on=days_ago(39),
                served_on=days_ago(39),
                notified_on=days_ago(38),
            ),
        )
        full = order_record(
            case=case,
            acting_user=police,
            data=OrderInput(
                kind="spo",
                status="granted",
                applied_on=days_ago(40),
                decided_on=days_ago(5),
                until_further_order=True,
                served_on=days_ago(4),
                replaces_id=interim.pk,
            ),
        )
        assert full.notification_deadline is None and interim.notification_deadline == days_ago(37)

    @pytest.mark.parametrize(
        "fields, message",
        [
            (
                {"ends_on": 30},
                "The end date must be on or after the date the order was made",
            ),  # end before start
            ({"ends_on": -100}, "must last at least two years or until further order"),
            ({"decided_on": None}, "Enter the date the order was made"),
            ({"served_on": 15}, "Date served must be on or after the date the order was made"),
            ({"notified_on": 5, "served_on": None}, "Enter the date the order was served first"),
            ({"applied_on": -1}, "Date applied for must be today or in the past"),
        ],
    )
    def test_bad_dates_are_refused_on_the_page_and_nothing_saved(self, as_user, case, fields, message):
        values = {"applied_on": 25, "decided_on": 10, "ends_on": None, "served_on": 8, "notified_on": None}
        values.update(fields)
        data = {"kind": "spo", "interim": "full", "status": "granted"}
        for name, ago in values.items():
            if ago is not None:
                data.update(date_fields(name, days_ago(ago)))
        response = as_user("london-police").post(reverse("justice:order_add", args=[case.pk]), data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "govuk-error-summary" in html and message in html
        assert not ProtectiveOrder.objects.exists()


class TestRestrainingOrders:
    def test_on_conviction_or_acquittal_with_duration_and_conditions(self, case, staff):
        order = order_record(
            case=case,
            acting_user=staff["london-police"],
            data=OrderInput(
                kind="restraining_order",
                basis="acquittal",
                status="granted",
                decided_on=days_ago(3),
                ends_on=days_ago(-365),
                conditions="Not to contact her by any means.",
                protected_person_id=victim_of(case).pk,
            ),
        )
        assert order.label == "Restraining order on acquittal" and order.duration_text.startswith("Until ")

    def test_the_basis_is_required_and_an_end_before_the_start_refused(self, case, staff):
        with pytest.raises(ValidationError) as refused:
            order_record(
                case=case,
                acting_user=staff["london-police"],
                data=OrderInput(
                    kind="restraining_order", status="granted", decided_on=days_ago(3), ends_on=days_ago(10)
                ),
            )
        assert set(refused.value.message_dict) == {"basis", "ends_on"}


class TestEvents:
    def test_a_charge_is_a_new_offence_and_brings_the_case_back(self, as_user, case):
        response = as_user("london-police").post(
            reverse("justice:event_add", args=[case.pk]),
            {"kind": "charge", **date_fields("occurred_on", days_ago(2)), "offence": "s4a"},
        )
        assert response.status_code == 302
        event = JusticeEvent.objects.get()
        assert (event.kind, event.offence) == ("charge", "s4a")
        trigger = ReviewTrigger.objects.get(case=case)
        assert trigger.kind == TriggerKind.NEW_OFFENCE
        assert "Stalking involving fear of violence or serious alarm or distress (s.4A)" in trigger.reason
        # London's revisiting policy: the trigger goes to the meeting, with no automatic reassessment
        # (each partnership's policy is tested in monitoring/tests/test_revisiting_policy.py).
        assert not Case.objects.get(pk=case.pk).reassessment_due

    def test_an_arrest_is_recorded_without_a_trigger(self, case, staff):
        justice_event_record(
            case=case,
            acting_user=staff["london-police"],
            data=EventInput(kind="arrest", occurred_on=days_ago(2), offence="s2a"),
        )
        assert not ReviewTrigger.objects.exists()

    @pytest.mark.parametrize(
        "data, message",
        [
            ({"kind": "nfa", "offence": "s2"}, "Select why no further action was taken"),
            (
                {"kind": "sentence", "offence": "s2a", "sentence_kind": "custody"},
                "Enter the length of the custodial sentence",
            ),
            ({"kind": "charge", "offence": "s9z"}, "Select a valid option"),
            ({"kind": "charge", "offence": "other"}, "Enter the offence"),
            ({"kind": "teleport", "offence": "s2"}, "Select a valid option"),
            ({"kind": "charge", "offence": "s2", "custody_months": "-4"}, "Custody must be at least 1 month"),
            ({"kind": "charge", "offence": "s2", "future": True}, "Date must be today or in the past"),
        ],
    )
    def test_bad_input_is_refused_and_nothing_saved(self, as_user, case, data, message):
        day = days_ago(-3) if data.pop("future", False) else days_ago(2)
        response = as_user("london-police").post(
            reverse("justice:event_add", args=[case.pk]), {**data, **date_fields("occurred_on", day)}
        )
        assert response.status_code == 200 and message in response.content.decode()
        assert not JusticeEvent.objects.exists() and not ReviewTrigger.objects.exists()


class TestBreaches:
    @pytest.fixture
    def order(self, case, staff):
        return order_record(
            case=case,
            acting_user=staff["london-police"],
            data=OrderInput(
                kind="bail",
                status="granted",
                decided_on=days_ago(30),
                ends_on=days_ago(-30),
                conditions="No contact.",
            ),
        )

    def test_a_breach_is_an_incident_that_raises_a_breach_trigger(self, as_user, case, order, give_reason):
        client = give_reason(as_user("london-advocate"), case)
        form = client.get(
            reverse("monitoring:incident_add", args=[case.pk]) + f"?breach_of={order.pk}"
        ).content.decode()
        assert f'<option value="{order.pk}" selected>' in form
        response = client.post(
            reverse("monitoring:incident_add", args=[case.pk]),
            {
                "victim": victim_of(case).pk,
                **date_fields("occurred_on", days_ago(3)),
                "reported_by": "advocate",
                "behaviour": "messages",
                "severity": "2",
                "description": "Texted her.",
                "breach_of": order.pk,
            },
        )
        assert response.status_code == 302
        assert Incident.objects.get().breach_of == order
        trigger = ReviewTrigger.objects.get(case=case)
        assert trigger.kind == TriggerKind.BREACH and trigger.reason.startswith(
            "Breach of the bail conditions"
        )
        page = client.get(reverse("justice:order_detail", args=[order.pk])).content.decode()
        assert "Contact by text or messaging apps" in page[page.index('id="order-breaches"') :]

    def test_an_order_not_in_force_on_the_day_cannot_be_breached(self, case, order, staff):
        with pytest.raises(ValidationError, match="was not in force on the date of the incident"):
            incident_record(
                case=case,
                acting_user=staff["london-police"],
                data=IncidentInput(
                    occurred_on=days_ago(40),
                    reported_by="police",
                    behaviour="phone",
                    severity=1,
                    description="Call.",
                    victim_id=victim_of(case).pk,
                    breach_of_id=order.pk,
                ),
            )
        assert not Incident.objects.exists()
