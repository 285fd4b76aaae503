from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from conftest import forget_reference_data
from django.core.management import call_command
from django.db import transaction

from masip.cases.models import Case, CaseStatus
from masip.core.forms import nhs_number_is_valid
from masip.demo.generator import EX_INTIMATE_SHARE, WINDOW_DAYS, seed, synthetic_nhs_number
from masip.referrals.models import Referral, ReferralParty, TriageDecision

TODAY = date(2026, 11, 27)  # a Friday; the tests travel to its evening, whatever day the suite runs


@pytest.fixture
def on_demo_day():
    with time_machine.travel(datetime(2026, 11, 27, 18, 0, tzinfo=ZoneInfo("Europe/London")), tick=True):
        yield


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """The full-size demo, seeded once for the tests that read it and rolled back after the module
    (each test's own changes are rolled back after the test, as ever)."""
    evening = datetime(2026, 11, 27, 18, 0, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(evening, tick=True), django_db_blocker.unblock(), transaction.atomic():
        forget_reference_data()  # created as of TODAY, as in a fresh database
        yield seed(scale=1, seed_value=7, today=TODAY)
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once, db, on_demo_day):
    return seeded_once


# These two seed an empty database, so they come before the first test that uses `seeded` (seeded once
# for the module, which then holds the full demo until its end).


def test_same_seed_gives_the_same_data(no_reference_data, on_demo_day):
    seed(scale=0.05, seed_value=3, today=TODAY)
    first = list(
        Referral.objects.order_by("reference").values_list("reference", "received_on", "summary", "status")
    )
    Referral.objects.all().delete()
    from masip.cases.models import Case
    from masip.partnerships.models import Partnership

    Case.objects.all().delete()
    Partnership.objects.update(next_referral_number=1, next_case_number=1)
    seed(scale=0.05, seed_value=3, today=TODAY)
    second = list(
        Referral.objects.order_by("reference").values_list("reference", "received_on", "summary", "status")
    )
    assert first == second


def test_command_skips_when_data_exists(no_reference_data, capsys, on_demo_day):
    call_command("seed_demo", "--scale", "0.02", "--today", "2026-11-27")
    count = Referral.objects.count()
    call_command("seed_demo", "--scale", "0.02", "--if-empty")
    assert Referral.objects.count() == count
    assert "already loaded" in capsys.readouterr().out


def test_volumes_follow_the_report(seeded):
    window = Referral.objects.filter(received_on__gte=TODAY - timedelta(days=WINDOW_DAYS))
    counts = {slug: window.filter(partnership__slug=slug).count() for slug in ("cheshire", "hampshire", "london")}
    assert counts == {"cheshire": 246, "hampshire": 83, "london": 1120}
    assert seeded.referrals == 1449 and seeded.rows > 10_000


def test_proportions_are_realistic(seeded):
    for slug, share in EX_INTIMATE_SHARE.items():
        victims = ReferralParty.objects.filter(referral__partnership__slug=slug, role="victim")
        observed = victims.filter(relationship_to_suspect="ex_intimate").count() / victims.count()
        assert abs(observed - share) < 0.08, (slug, observed)
    police = Referral.objects.filter(source_agency_kind="police").count() / Referral.objects.count()
    assert police > 0.7
    london_harassment = TriageDecision.objects.filter(
        referral__partnership__slug="london", referral__recorded_offence__in=["s2", "s4"], is_stalking="yes"
    )
    corrected = london_harassment.exclude(corrected_offence="").count() / london_harassment.count()
    assert 0.4 < corrected < 0.8


def test_legacy_cases_are_due_for_retention_review(seeded):
    due = Case.objects.filter(status="closed", retention_review_on__lte=TODAY)
    assert due.count() == 12
    from masip.cases.models import RetentionProposal

    assert RetentionProposal.objects.filter(partnership__slug="london", status="pending").count() == 1


def test_casework_data_is_there(seeded):
    from masip.access.models import InformationSharingAgreement
    from masip.audit.models import AuditEvent
    from masip.sharing.models import HealthSummaryShare, InformationEntry

    assert set(InformationEntry.objects.values_list("category", flat=True)) == {
        "case_management", "police_intelligence", "health_clinical", "probation", "victim_contact",
        "advocacy_notes", "safeguarding_children",
    }
    assert HealthSummaryShare.objects.exists()
    lapsed = InformationSharingAgreement.objects.get(reference="ISA-HAM-002")
    assert lapsed.valid_to < TODAY
    assert AuditEvent.objects.filter(operation="consultation").exclude(reason="").exists()


def test_data_is_internally_consistent(seeded):
    # Every accepted referral is in a case; no suspect has two open cases; the untriaged queue is not empty.
    assert not Referral.objects.filter(status="accept", case__isnull=True).exists()
    assert not Referral.objects.exclude(status="accept").filter(case__isnull=False).exists()
    open_cases = Case.objects.filter(status=CaseStatus.OPEN).values_list("partnership_id", "suspect_id")
    assert len(open_cases) == len(set(open_cases))
    assert Referral.objects.filter(status="untriaged").exists()
    assert not Referral.objects.filter(received_on__gt=TODAY).exists()
    for referral in Referral.objects.filter(status="accept").select_related("case")[:200]:
        assert referral.case.opened_on <= TODAY


def test_synthetic_nhs_numbers_are_valid_and_in_the_test_range():
    import random

    rng = random.Random(1)
    for _ in range(50):
        number = synthetic_nhs_number(rng)
        assert number.startswith("999") and nhs_number_is_valid(number)


def test_meetings_with_attendance_sharing_decisions_actions_and_plans(seeded):
    from masip.actions.models import CaseAction
    from masip.meetings.models import AgendaItem, Attendance, Meeting
    from masip.partnerships.models import MeetingSeries
    from masip.plans.models import RiskManagementPlan
    from masip.sharing.models import InformationEntry

    for series in MeetingSeries.objects.select_related("operating_model__partnership"):
        meetings = Meeting.objects.filter(series=series)
        assert meetings.filter(held_on__lt=TODAY, status="closed").exists(), series
        assert meetings.filter(held_on__gte=TODAY).exclude(status="closed").exists(), series
    # TODAY is a Friday: London's daily morning meeting is on, its agenda built by the rules.
    today = Meeting.objects.get(partnership__slug="london", series__name="Daily morning case review", held_on=TODAY)
    assert today.agenda_built_at is not None
    assert set(Attendance.objects.values_list("status", flat=True)) == {"present", "apologies"}
    shared = InformationEntry.objects.filter(agenda_item__isnull=False)
    assert shared.values("category").distinct().count() >= 5
    assert shared.values("source_agency__kind").distinct().count() >= 4
    assert AgendaItem.objects.filter(discussed_at__isnull=False, agreed_risk_rank__isnull=False).exists()
    assert AgendaItem.objects.filter(refer_to__name="Monthly stalking clinic").exists()
    actions = CaseAction.objects.all()
    assert actions.filter(status="done").exists() and actions.filter(status="open", due_on__gte=TODAY).exists()
    assert actions.filter(status="open", due_on__lt=TODAY).exists()  # overdue
    open_cases = Case.objects.filter(status=CaseStatus.OPEN)
    assert RiskManagementPlan.objects.filter(is_current=True, case__in=open_cases).count() == open_cases.count()
    assert RiskManagementPlan.objects.filter(version=2).exists()
