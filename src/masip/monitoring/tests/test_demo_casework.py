"""The demo's interventions, victim support, criminal justice, incidents and tracking look as the report
describes each partnership, and every seeded record is one the services would accept."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from conftest import forget_reference_data
from django.db import transaction
from django.db.models import Count, Q

from masip.cases.models import Case, CaseStatus, CaseStatusChange, ReviewTrigger
from masip.demo.generator import seed
from masip.interventions.models import Intervention
from masip.justice.models import JusticeEvent, OrderKind, OrderStatus, ProtectiveOrder
from masip.justice.services import OrderInput, order_errors
from masip.monitoring import episodes
from masip.monitoring.models import Incident
from masip.monitoring.outcomes import case_outcome, caseload_inputs, cases_reoffending
from masip.victims.models import AdvocateContact, SafetyPlan, VictimSupport

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One seeding for the module, rolled back afterwards (a flush would also remove migrations' data).
    The module runs on the evening of TODAY, whatever day the suite runs, so no record is after now."""
    evening = datetime(2026, 11, 27, 18, 0, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(evening, tick=True), django_db_blocker.unblock(), transaction.atomic():
        forget_reference_data()  # the demo creates it as of TODAY, as in a fresh database
        seed(scale=0.5, seed_value=11, today=TODAY)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_interventions_follow_each_partnerships_model(seeded):
    cases = dict(Case.objects.values_list("partnership__slug").annotate(n=Count("id")))
    direct = dict(
        Intervention.objects.filter(mode="direct").values_list("partnership__slug").annotate(n=Count("id"))
    )
    share = {slug: direct.get(slug, 0) / cases[slug] for slug in cases}
    assert share["hampshire"] > share["cheshire"] > share["london"]  # Recolo does the most direct work
    london = Counter(
        Intervention.objects.filter(partnership__slug="london").values_list(
            "intervention_type__code", flat=True
        )
    )
    assert london.most_common(1)[0][0] == "signposting"  # London mostly signposts to the NHS trusts
    cheshire_direct = Intervention.objects.filter(partnership__slug="cheshire", mode="direct")
    assert (
        Counter(cheshire_direct.values_list("intervention_type__code", flat=True)).most_common(1)[0][0]
        == "brief_therapeutic"
    )
    assert set(cheshire_direct.values_list("area", flat=True)) <= {
        "Warrington",
        "Halton",
    }  # its operating model
    assert Intervention.objects.filter(category="health_clinical", sessions__isnull=False).exists()
    assert set(Intervention.objects.exclude(engagement="").values_list("engagement", flat=True)) == {
        "offered",
        "accepted",
        "declined",
        "disengaged",
        "completed",
    }
    assert Intervention.objects.filter(
        service_status="referred", follow_up_on__lte=TODAY
    ).exists()  # follow-ups due


@pytest.mark.django_db
def test_victims_are_supported_by_advocates(seeded):
    supported = VictimSupport.objects.filter(status__in=["accepted", "ended"])
    assert supported.filter(partnership__slug="cheshire").count() > 10
    assert AdvocateContact.objects.exists() and SafetyPlan.objects.filter(version=2).exists()


@pytest.mark.django_db
def test_criminal_justice_outcomes_and_orders_are_valid(seeded):
    charges = Counter(JusticeEvent.objects.filter(kind="charge").values_list("offence", flat=True))
    assert charges["s4a"] > 0 and charges["s2a"] > 0
    assert ProtectiveOrder.objects.filter(kind=OrderKind.RESTRAINING_ORDER, basis="conviction").exists()
    spos = ProtectiveOrder.objects.filter(kind=OrderKind.SPO)
    assert 0 < spos.count() < Case.objects.count() * 0.05  # a few
    for order in ProtectiveOrder.objects.select_related("case"):
        data = OrderInput(
            kind=order.kind,
            status=order.status,
            basis=order.basis,
            interim=order.interim,
            replaces_id=order.replaces_id,
            protected_person_id=order.protected_person_id,
            applied_on=order.applied_on,
            decided_on=order.decided_on,
            ends_on=order.ends_on,
            until_further_order=order.until_further_order,
            served_on=order.served_on,
            notified_on=order.notified_on,
        )
        assert order_errors(order.case, data, exclude_pk=order.pk, today=TODAY) == {}, order.pk
    assert (
        spos.filter(status=OrderStatus.GRANTED, interim=False, until_further_order=False)
        .exclude(ends_on=None)
        .exists()
    )


@pytest.mark.django_db
def test_incidents_form_episodes_with_some_re_offending(seeded):
    assert not Incident.objects.filter(occurred_on__gt=TODAY).exists()
    assert not Incident.objects.filter(suspect__date_of_birth__gt=models_f("occurred_on")).exists()
    inputs = caseload_inputs()
    outcomes = episodes.caseload_outcomes(
        inputs.columns, inputs.index_dates, original_victims=inputs.original_victims
    )
    assert 0 < outcomes.perpetrators.reoffended.sum() < len(outcomes.perpetrators) / 2
    assert (
        outcomes.perpetrators.new_episodes_original_victim.sum() > 0
    )  # same victim, after six months' silence
    assert (
        Incident.objects.filter(new_victim=True).exists()
        and Incident.objects.filter(breach_of__isnull=False).exists()
    )
    # The bulk computation and the case page agree, case by case (suspects with one case).
    single = Case.objects.values("suspect_id").annotate(n=Count("id")).filter(n=1).values("suspect_id")
    for case in Case.objects.filter(suspect_id__in=single, incidents__isnull=False).distinct()[:40]:
        bulk, page = outcomes.perpetrators.outcome_for(case.suspect_id), case_outcome(case).outcome
        assert replace(bulk, severity_trend=None) == replace(page, severity_trend=None), case.reference
        assert bulk.severity_trend == pytest.approx(page.severity_trend), (
            case.reference
        )  # summed in another order
    open_triggers = ReviewTrigger.objects.filter(resolved_at__isnull=True)
    assert open_triggers.exists()
    assert Case.objects.filter(pk__in=open_triggers.values("case_id"), reassessment_due=True).exists()


@pytest.mark.django_db
def test_the_dashboards_re_offending_agrees_with_every_case_page(seeded, django_assert_max_num_queries):
    """cases_reoffending (one pass for a whole caseload) and case_outcome (one case) agree on every case,
    suspects with several cases and unidentified suspects included."""
    with django_assert_max_num_queries(6):
        bulk = cases_reoffending(Case.objects.all(), until=TODAY)
    cases = list(Case.objects.all())
    assert set(bulk) == {c.pk for c in cases}
    assert Case.objects.values("suspect_id").annotate(n=Count("id")).filter(n__gt=1).exists()
    reoffended = 0
    for case in cases:
        page = case_outcome(case).outcome.reoffending
        assert bulk[case.pk].new_episodes == page.new_episodes, case.reference
        assert bulk[case.pk].first_reoffence_on == page.first_reoffence_on, case.reference
        reoffended += page.reoffended
    assert 0 < reoffended < len(cases)
    # Up to a day: only episodes begun by then count, whatever came after.
    day = TODAY - timedelta(days=200)
    earlier = cases_reoffending(Case.objects.filter(opened_on__lte=day), until=day)
    for case_id, figure in earlier.items():
        later = bulk[case_id]
        assert figure.new_episodes <= later.new_episodes
        assert (figure.first_reoffence_on is None) == (later.first_reoffence_on is None or later.first_reoffence_on > day)


@pytest.mark.django_db
def test_closed_cases_within_their_tracking_period(seeded):
    tracked = CaseStatusChange.objects.filter(
        change="closed", tracking_until__gte=TODAY, case__status=CaseStatus.CLOSED
    )
    assert tracked.filter(case__partnership__slug="cheshire").exists()
    assert (
        not tracked.filter(~Q(case__partnership__slug="cheshire"))
        .exclude(tracking_until=models_f("on"))
        .exists()
    )
    assert CaseStatusChange.objects.filter(change="reopened").exists()


def models_f(name):
    from django.db.models import F

    return F(name)
