"""Nothing the demo generates is dated after now, whatever the time of day it is seeded.

The defect: seeded at 05:00, the timeline showed a SASH "signed off" at 15:40 that day and
partner information dated tomorrow, and a case from 2018 showed a triage entry dated today.
The class: every date and date-time field of every model, after seeding at awkward moments
(just after midnight, before the working day, just after midnight in British Summer Time,
the night the clocks go back). Only fields that hold a plan or a deadline may be later.
"""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.apps import apps
from django.db import models
from django.utils import timezone

from masip.cases.models import Case
from masip.cases.timeline import case_timeline
from masip.demo.generator import seed
from masip.monitoring.models import Incident
from masip.partnerships.models import Membership, Role
from masip.referrals.models import TriageDecision

# Fields that hold a plan or a deadline, not something that happened: they may be after now.
PLANNED = {
    "access.InformationSharingAgreement.valid_to": "the day an agreement ends",
    "cases.Case.retention_review_on": "the day the records are due for review",
    "interventions.Intervention.follow_up_on": "the day to follow up a referral to a service",
    "justice.ProtectiveOrder.ends_on": "the last day an order has effect",
    "actions.CaseAction.due_on": "the day an action is due",
    "meetings.Meeting.held_on": "the day a scheduled meeting is held (checked below: not yet started)",
    "plans.PlanStrategy.review_on": "the day a strategy is reviewed",
    "cases.CaseStatusChange.tracking_until": "the last day a closed case is tracked",
    "victims.CourtSupport.hearing_on": "the day of a hearing",
    "victims.SafetyPlan.review_on": "the day a safety plan is reviewed",
}

MOMENTS = [
    "2026-11-25T00:30:00+00:00",  # half past midnight, GMT
    "2026-11-25T05:00:00+00:00",  # before the working day (the reported defect)
    "2027-06-27T00:05:00+01:00",  # just after midnight in British Summer Time (23:05 UTC the day before)
    "2026-10-25T01:30:00+00:00",  # the night the clocks go back: 01:30 has happened twice
]


def _dated_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateField):  # DateTimeField is one too
                yield model, field


def _after_now(now: datetime) -> dict[str, int]:
    today = timezone.localdate(now)
    found = {}
    for model, field in _dated_fields():
        label = f"{model._meta.label}.{field.name}"
        if label in PLANNED:
            continue
        limit = now if isinstance(field, models.DateTimeField) else today
        count = model._default_manager.filter(**{f"{field.name}__gt": limit}).count()
        if count:
            found[label] = count
    return found


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_demo_seeded_at_any_time_of_day_has_nothing_after_now(no_reference_data, moment):
    now = datetime.fromisoformat(moment)
    with time_machine.travel(now, tick=False):
        seed(scale=0.03, seed_value=5)
        assert _after_now(now) == {}
        today = timezone.localdate(now)
        # A time of day given with a date has happened too.
        for incident in Incident.objects.filter(occurred_on=today, occurred_at__isnull=False):
            assert incident.occurred_at <= timezone.localtime(now).time(), incident.pk
        # A meeting dated after now is one that is still to be held.
        from masip.meetings.models import Meeting

        assert not Meeting.objects.filter(held_on__gt=today).exclude(status="scheduled").exists()
        # The demo exercised what it should: these are not empty checks.
        for label in ("assessments.Assessment", "referrals.TriageDecision", "sharing.InformationEntry",
                      "monitoring.Incident", "interventions.Intervention", "meetings.Meeting"):
            assert apps.get_model(label).objects.exists(), label


def test_a_case_is_triaged_on_the_day_it_opened_and_its_timeline_has_nothing_after_now(no_reference_data):
    """The 2018 legacy cases went through today's services: their triage is dated when it happened."""
    now = datetime.fromisoformat(MOMENTS[1])
    with time_machine.travel(now, tick=False):
        seed(scale=0.03, seed_value=5)
        for decision in TriageDecision.objects.filter(outcome="accept", joined_existing_case=False).select_related(
            "referral__case"
        ):
            case = decision.referral.case
            if case is not None and case.referrals.count() == 1:
                assert timezone.localdate(decision.decided_at) == case.opened_on, case.reference
        legacy = Case.objects.filter(opened_on__year=2018)
        assert legacy.count() == 12
        managers = {m.partnership_id: m.user for m in Membership.objects.filter(role=Role.UNIT_MANAGER)}
        for case in Case.objects.select_related("partnership"):
            for entry in case_timeline(case, managers[case.partnership_id]):
                assert entry.when <= now, (case.reference, entry.title, entry.when)
        for case in legacy:
            triage = [e for e in case_timeline(case, managers[case.partnership_id]) if e.kind == "triage"]
            assert triage and all(e.when.year == 2018 for e in triage), case.reference


def test_a_demo_cannot_be_seeded_for_a_day_after_today(db):
    from datetime import timedelta

    from django.core.management import CommandError, call_command

    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValueError, match="after today"):
        seed(scale=0.01, today=tomorrow)
    with pytest.raises(CommandError, match="--today must be today"):
        call_command("seed_demo", "--scale", "0.01", "--today", tomorrow.isoformat())
