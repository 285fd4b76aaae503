"""Retention review of a case holding incidents, interventions, victim support and orders:
erasure takes them with the case, anonymisation removes their free text and keeps the figures."""

from __future__ import annotations

import pytest

from masip.audit.models import AuditEvent
from masip.cases.models import Case, CaseStatusChange
from masip.cases.retention import ANONYMISED, retention_decide, retention_propose
from masip.cases.services import case_close
from masip.interventions.models import Intervention
from masip.interventions.reference import shipped_type
from masip.interventions.services import InterventionInput, intervention_record
from masip.justice.models import ProtectiveOrder
from masip.justice.services import OrderInput, order_record
from masip.monitoring.models import Incident
from masip.monitoring.services import IncidentInput, incident_record
from masip.monitoring.tests.factories import days_ago, open_case, victim_of
from masip.people.models import Person
from masip.people.services import PersonDetails
from masip.victims.models import AdvocateContact
from masip.victims.services import contact_record, support_update


@pytest.fixture
def case(london, make_referral, accept, staff):
    case = open_case(make_referral, accept, london, by="london-police", opened_on=days_ago(100))
    police, advocate, health = staff["london-police"], staff["london-advocate"], staff["london-health"]
    order = order_record(
        case=case,
        acting_user=police,
        data=OrderInput(
            kind="restraining_order",
            basis="conviction",
            status="granted",
            decided_on=days_ago(60),
            until_further_order=True,
            conditions="Not to go to Acacia Avenue.",
        ),
    )
    incident_record(
        case=case,
        acting_user=police,
        data=IncidentInput(
            occurred_on=days_ago(30),
            reported_by="victim",
            behaviour="turning_up",
            severity=3,
            description="Outside her door at 2am.",
            victim_id=victim_of(case).pk,
            breach_of_id=order.pk,
        ),
    )
    incident_record(
        case=case,
        acting_user=police,
        data=IncidentInput(
            occurred_on=days_ago(20),
            reported_by="police",
            behaviour="messages",
            severity=1,
            description="Texts to her sister.",
            new_victim=PersonDetails(full_name="Zoe Price"),
        ),
    )
    intervention_record(
        case=case,
        acting_user=health,
        data=InterventionInput(
            intervention_type=shipped_type("cbt"),
            mode="direct",
            delivered_by=health,
            offered_on=days_ago(50),
            details="Rumination about the relationship.",
        ),
    )
    support_update(
        case=case,
        victim=victim_of(case),
        acting_user=advocate,
        status="accepted",
        on=days_ago(90),
        advocate=advocate,
        expected_version=0,  # support not yet recorded
    )
    contact_record(
        case=case,
        victim=victim_of(case),
        acting_user=advocate,
        contact_on=days_ago(10),
        mode="phone",
        purpose="welfare",
        notes="Staying with her mother in Leeds.",
    )
    case_close(case=case, acting_user=police, reason="Convicted; order in place.", closed_on=days_ago(5))
    case.refresh_from_db()
    return case


def test_erasure_takes_everything_with_the_case(case, staff):
    proposal = retention_propose(
        case=case, acting_user=staff["london-manager"], action="erase", reason="Past review."
    )
    retention_decide(proposal=proposal, acting_user=staff["london-police"], approve=True)
    assert not Case.objects.filter(pk=case.pk).exists()
    assert (
        not Incident.objects.exists()
        and not ProtectiveOrder.objects.exists()
        and not Intervention.objects.exists()
    )
    assert not Person.objects.filter(full_name__in=["Zoe Price", "Emma Hart", "Ryan Cole"]).exists()


def test_anonymising_removes_free_text_and_keeps_the_figures(case, staff):
    # Each context anonymises its own records through the handler it registered with cases.retention.
    proposal = retention_propose(
        case=case, acting_user=staff["london-manager"], action="anonymise", reason="Past review."
    )
    retention_decide(proposal=proposal, acting_user=staff["london-police"], approve=True)
    counts = AuditEvent.objects.get(action="retention.anonymise").details
    assert counts["casework_incidents"] == 2 and counts["status_changes"] == 1
    assert counts["casework_interventions"] == 1 and counts["casework_justice"] == 1
    assert counts["casework_victim_support"] >= 2  # the support and the advocate's contact
    assert CaseStatusChange.objects.get().reason == ANONYMISED
    incident = Incident.objects.get(breach_of__isnull=False)
    assert incident.description == ANONYMISED and (incident.severity, incident.behaviour) == (3, "turning_up")
    assert ProtectiveOrder.objects.get().conditions == ANONYMISED
    assert Intervention.objects.get().details == "" and Intervention.objects.get().engagement == "offered"
    assert AdvocateContact.objects.get().notes == "" and AdvocateContact.objects.get().purpose == "welfare"
