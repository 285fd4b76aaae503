"""Records of issue 6's contexts on a London case, for the declared access policy test
(access/tests/test_policy_table.py): one of each kind of record a URL can name."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone


def casework_world(*, case, closed_case, staff) -> dict[str, dict[str, int]]:
    from masip.interventions.reference import shipped_type
    from masip.interventions.services import InterventionInput, intervention_record
    from masip.justice.services import OrderInput, order_record
    from masip.victims.services import support_update

    today = timezone.localdate()
    victim = case.parties.filter(role="victim").first().person
    signposting = intervention_record(
        case=case,
        acting_user=staff["london-police"],
        data=InterventionInput(
            intervention_type=shipped_type("signposting"),
            mode="indirect",
            external_service="Community mental health team",
            offered_on=today,
            follow_up_on=today + timedelta(days=14),
        ),
    )
    cbt = intervention_record(
        case=case,
        acting_user=staff["london-health"],
        data=InterventionInput(
            intervention_type=shipped_type("cbt"),
            mode="direct",
            delivered_by=staff["london-health"],
            offered_on=today,
        ),
    )
    support_update(
        case=case,
        victim=victim,
        acting_user=staff["london-advocate"],
        status="accepted",
        on=today,
        advocate=staff["london-advocate"],
        expected_version=0,  # support not yet recorded
    )
    order = order_record(
        case=case,
        acting_user=staff["london-police"],
        data=OrderInput(kind="spo", status="granted", interim=True, applied_on=today, decided_on=today),
    )
    return {
        "closed_case": {"pk": closed_case.pk},
        "intervention": {"intervention_id": signposting.pk},
        "clinical_intervention": {"intervention_id": cbt.pk},
        "victim": {"pk": case.pk, "person_id": victim.pk},
        "order": {"order_id": order.pk},
    }


ARGS = {
    "monitoring:queue": "slug",
    "monitoring:incident_add": "case",
    "monitoring:review_request": "case",
    "cases:close": "case",
    "cases:reopen": "closed_case",
    "interventions:add": "case",
    "interventions:detail": "clinical_intervention",
    "interventions:engagement": "clinical_intervention",
    "interventions:session_add": "clinical_intervention",
    "interventions:outcome": "clinical_intervention",
    "interventions:follow_up": "intervention",
    "victims:support": "victim",
    "victims:support_update": "victim",
    "victims:contact_add": "victim",
    "victims:safety_plan_add": "victim",
    "victims:referral_add": "victim",
    "victims:court_support_add": "victim",
    "victims:survey_add": "victim",
    "justice:event_add": "case",
    "justice:order_add": "case",
    "justice:order_detail": "order",
}
