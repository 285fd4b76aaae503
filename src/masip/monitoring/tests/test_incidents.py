"""Recording incidents after referral: who may, what it raises, duplicates and bad input."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from masip.cases.models import Case, CaseParty, ReviewTrigger, TriggerKind
from masip.monitoring.episodes import Reporter, Severity
from masip.monitoring.models import Incident, ReportedBy, SeverityLevel
from masip.monitoring.services import IncidentInput, PossibleDuplicate, incident_record
from masip.monitoring.tests.factories import days_ago, open_case, victim_of
from masip.people.models import Person
from masip.people.services import PersonDetails


def test_model_choices_store_the_pure_functions_values():
    assert {int(s) for s in Severity} == set(SeverityLevel.values)
    assert [int(s) for s in Severity] == [v for v, _ in SeverityLevel.choices]
    assert {r.value for r in Reporter} == set(ReportedBy.values)


@pytest.fixture
def case(london, make_referral, accept):
    return open_case(
        make_referral,
        accept,
        london,
        by="london-police",
        opened_on=days_ago(40),
        suspect_dob=date(1990, 5, 1),
    )


def form_data(case, **overrides):
    day = overrides.pop("day", days_ago(2))
    data = {
        "victim": str(victim_of(case).pk),
        "occurred_on_0": day.day,
        "occurred_on_1": day.month,
        "occurred_on_2": day.year,
        "occurred_at": "21:30",
        "reported_by": "victim",
        "behaviour": "turning_up",
        "severity": "3",
        "description": "Waited outside her flat and shouted.",
        "breach_of": "",
    }
    data.update(overrides)
    return data


def test_an_incident_brings_the_case_back_for_re_review(as_user, case):
    client = as_user("london-police")
    response = client.post(reverse("monitoring:incident_add", args=[case.pk]), form_data(case))
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert (incident.victim, incident.severity, incident.reported_by) == (victim_of(case), 3, "victim")
    assert incident.suspect_id == case.suspect_id and not incident.new_victim
    trigger = ReviewTrigger.objects.get(case=case, kind=TriggerKind.NEW_INCIDENT)
    assert "Turning up at home, work or elsewhere" in trigger.reason and "severity: threat" in trigger.reason
    case.refresh_from_db()
    assert not case.reassessment_due  # London: no formal revisiting, the trigger goes to the meeting
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Re-review needed: new incident" in page  # the trigger shows on the case, with why
    assert "Incident: turning up at home, work or elsewhere" in page  # and in the timeline


def test_any_partner_doing_case_work_may_record_one(as_user, case):
    """Outside the caseload the post is held while the user says why, then saved as entered."""
    for username in ("london-health", "london-advocate", "london-probation", "london-manager"):
        client = as_user(username)
        url = reverse("monitoring:incident_add", args=[case.pk])
        asked = client.post(url, form_data(case, behaviour="phone", day=days_ago(len(username))))
        assert "Why are you opening this case?" in asked.content.decode(), username
        assert Incident.objects.filter(recorded_by__username=username).count() == 0  # nothing saved before the reason
        held = {
            name: html.unescape(value)
            for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', asked.content.decode())
        }
        assert held["why-origin"] == "post"
        response = client.post(url, {**held, "why-reason": "meeting"})
        assert response.status_code == 302, username
    assert Incident.objects.count() == 4
    assert set(Incident.objects.values_list("occurred_on", flat=True)) == {
        days_ago(len(u)) for u in ("london-health", "london-advocate", "london-probation", "london-manager")
    }
    assert (
        as_user("cheshire-police").get(reverse("monitoring:incident_add", args=[case.pk])).status_code == 404
    )
    assert as_user("pmo").get(reverse("monitoring:incident_add", args=[case.pk])).status_code == 403


def test_a_new_victim_is_added_to_the_case(as_user, case, give_reason):
    response = give_reason(as_user("london-advocate"), case).post(
        reverse("monitoring:incident_add", args=[case.pk]),
        form_data(case, victim="new", new_victim_name="Zoe Price", new_victim_relationship="acquaintance"),
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.new_victim and incident.victim.full_name == "Zoe Price"
    assert CaseParty.objects.filter(case=case, person=incident.victim, role="victim").exists()
    assert "against a new victim" in ReviewTrigger.objects.get(case=case).reason


def test_a_likely_duplicate_is_warned_and_needs_confirming(as_user, case):
    client = as_user("london-police")
    url = reverse("monitoring:incident_add", args=[case.pk])
    assert client.post(url, form_data(case)).status_code == 302
    again = client.post(url, form_data(case, reported_by="advocate"))
    assert again.status_code == 200
    assert "looks like an incident already recorded" in again.content.decode()
    assert Incident.objects.count() == 1 and ReviewTrigger.objects.count() == 1
    confirmed = client.post(url, form_data(case, reported_by="advocate", confirmed_not_duplicate="on"))
    assert confirmed.status_code == 302
    second = Incident.objects.latest("id")
    assert second.possible_duplicate_of == Incident.objects.earliest("id")


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"day": days_ago(-3)}, "Date of the incident must be today or in the past"),
        ({"day": date(1989, 12, 31)}, "on or after the suspect&#x27;s date of birth (1 May 1990)"),
        ({"occurred_on_0": "31", "occurred_on_1": "2"}, "Date of the incident must be a real date"),
        ({"victim": "new"}, "Enter the new victim&#x27;s name or a description"),
        ({"victim": "999999"}, "Select a valid option"),
        ({"severity": "9"}, "Select a valid option"),
        ({"breach_of": "abc"}, "Select a valid option"),
        ({"occurred_at": "25:99"}, "Enter the time as hours and minutes"),
        ({"description": ""}, "Enter what happened"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(as_user, case, overrides, message):
    people = Person.objects.count()
    response = as_user("london-police").post(
        reverse("monitoring:incident_add", args=[case.pk]), form_data(case, **overrides)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and message in html
    assert not Incident.objects.exists() and not ReviewTrigger.objects.exists()
    assert Person.objects.count() == people
    assert not Case.objects.get(pk=case.pk).reassessment_due


def test_the_service_refuses_a_date_before_birth_whatever_the_form(case, staff):
    data = IncidentInput(
        occurred_on=date(1980, 1, 1),
        reported_by="police",
        behaviour="phone",
        severity=1,
        description="Calls.",
        victim_id=victim_of(case).pk,
    )
    with pytest.raises(ValidationError) as refused:
        incident_record(case=case, acting_user=staff["london-police"], data=data)
    assert "date of birth" in str(refused.value)


def test_a_new_victim_with_a_bad_date_leaves_no_person_behind(case, staff):
    people = Person.objects.count()
    data = IncidentInput(
        occurred_on=days_ago(-1),
        reported_by="police",
        behaviour="phone",
        severity=1,
        description="Calls.",
        new_victim=PersonDetails(full_name="Someone New"),
    )
    with pytest.raises(ValidationError):
        incident_record(case=case, acting_user=staff["london-police"], data=data)
    assert (
        Person.objects.count() == people
        and not CaseParty.objects.filter(person__full_name="Someone New").exists()
    )


def test_duplicate_check_is_a_refusal_of_the_service_too(case, staff):
    data = IncidentInput(
        occurred_on=days_ago(1),
        reported_by="police",
        behaviour="phone",
        severity=1,
        description="Calls.",
        victim_id=victim_of(case).pk,
    )
    incident_record(case=case, acting_user=staff["london-police"], data=data)
    with pytest.raises(PossibleDuplicate):
        incident_record(case=case, acting_user=staff["london-advocate"], data=data)
    assert Incident.objects.count() == 1


def test_an_incident_today_cannot_be_timed_after_now_whichever_door(case, staff):
    """At 05:00 an incident "today at 23:00" has not happened: refused by the service, not only the form."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    import time_machine
    from django.utils import timezone

    early = datetime.combine(timezone.localdate(), time(5, 0), tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(early, tick=False):
        data = IncidentInput(
            occurred_on=timezone.localdate(), occurred_at=time(23, 0), reported_by="victim",
            behaviour="messages", severity=2, description="Texts.", victim_id=victim_of(case).pk,
        )
        with pytest.raises(ValidationError) as refused:
            incident_record(case=case, acting_user=staff["london-police"], data=data)
        assert refused.value.message_dict["occurred_at"] == ["Time of the incident must be now or in the past"]
        data.occurred_at = time(4, 30)
        assert incident_record(case=case, acting_user=staff["london-police"], data=data).occurred_at == time(4, 30)
