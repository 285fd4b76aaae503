"""The triage form shows what the triager needs before deciding, and holds the rules:
"yes, stalking" names a marker, and Hampshire's S-DASH is a rule on the referral's source."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from masip.cases.models import Case
from masip.referrals.models import TriageDecision
from masip.referrals.services import TriageInput, triage_decide
from masip.referrals.tests.test_triage import decide


class TestMarkers:
    def test_yes_stalking_needs_at_least_one_marker(self, as_user, london, make_referral):
        referral = make_referral(london)
        response = decide(as_user("london-police"), referral, fixated="", fixated_note="")
        assert response.status_code == 200
        assert b"Select at least one marker of stalking (fixated, obsessive, unwanted, repeated)" in response.content
        assert b'href="#id_fixated"' in response.content  # the error summary leads to the markers
        assert not TriageDecision.objects.exists() and not Case.objects.exists()

    @pytest.mark.parametrize("marker", ["fixated", "obsessive", "unwanted", "repeated"])
    def test_any_one_marker_is_enough(self, as_user, london, make_referral, marker):
        referral = make_referral(london)
        ticked = {"fixated": "", "fixated_note": "", marker: "on", f"{marker}_note": "Seen on many days"}
        response = decide(as_user("london-police"), referral, **ticked)
        assert response.status_code == 302
        assert getattr(TriageDecision.objects.get(), marker)

    def test_not_stalking_needs_no_marker(self, as_user, london, make_referral):
        referral = make_referral(london)
        response = decide(
            as_user("london-police"), referral, is_stalking="no", fixated="", fixated_note="",
            outcome="advice", advice_text="Harassment: arrest and seize the phone.",
        )
        assert response.status_code == 302

    def test_the_service_holds_the_rule_too(self, london, make_referral, staff):
        referral = make_referral(london)
        with pytest.raises(ValidationError) as raised:
            triage_decide(
                referral=referral, acting_user=staff["london-police"],
                decision=TriageInput(is_stalking="yes", outcome="accept"),
            )
        assert "Select at least one marker" in str(raised.value.message_dict["fixated"])


@pytest.fixture
def history(london, make_referral, accept, staff, complete_assessment):
    """Ryan Cole: a closed case (victim Amy Old), an open case (victim Emma Hart, SASH high, an SPO
    in force), an earlier referral given advice (victim Jo Advice), and a new referral about him."""
    from masip.justice.services import OrderInput, order_record

    old = make_referral(london, victim="Amy Old")
    accept(old)
    old.refresh_from_db()
    Case.objects.filter(pk=old.case_id).update(status="closed", closed_on=timezone.localdate() - timedelta(days=400))
    suspect = old.parties.get(role="suspect").person
    current = make_referral(london, suspect_id=suspect.pk, victim="Emma Hart")
    accept(current)  # the old case is closed: a new one opens
    open_case = Case.objects.get(status="open")
    complete_assessment("sash", case=open_case, answers={"overall_concern": "high"})
    victim = open_case.parties.get(role="victim").person
    order_record(
        case=open_case, acting_user=staff["london-police"],
        data=OrderInput(
            kind="spo", status="granted", protected_person_id=victim.pk,
            applied_on=timezone.localdate() - timedelta(days=40), decided_on=timezone.localdate() - timedelta(days=30),
            until_further_order=True, conditions="No contact with Emma Hart", served_on=timezone.localdate() - timedelta(days=29),
        ),
    )
    advice = make_referral(london, suspect_id=suspect.pk, victim="Jo Advice")
    accept(advice, outcome="advice", is_stalking="no", advice_text="Not stalking")
    new = make_referral(london, suspect_id=suspect.pk, victim="Zoe New")
    complete_assessment("sash", referral=new, answers={"overall_concern": "moderate"})
    return {"new": new, "open_case": open_case, "closed": Case.objects.get(status="closed"), "suspect": suspect}


class TestWhatTheTriagerSees:
    def test_screening_cases_risk_victims_and_orders_are_on_the_form(self, as_user, history):
        html = as_user("london-police").get(reverse("referrals:triage", args=[history["new"].pk])).content.decode()
        screening = html[html.index('id="triage-screening"'):html.index('id="triage-suspect-history"')]
        assert "Moderate (SASH)" in screening
        cases = html[html.index('id="suspect-cases"'):html.index('id="other-victims"')]
        assert history["open_case"].reference in cases and history["closed"].reference in cases
        assert cases.index(history["open_case"].reference) < cases.index(history["closed"].reference)
        assert "High (SASH)" in cases and "Open since" in cases and "Closed since" in cases
        assert "accepting this referral adds it to that case" in html
        victims = html[html.index('id="other-victims"'):html.index('id="triage-orders"')]
        assert "Amy Old" in victims and "Emma Hart" in victims and "Jo Advice" in victims
        assert "Zoe New" not in victims  # named in this referral
        orders = html[html.index('id="orders-in-force"'):]
        assert "Stalking Protection Order" in orders and "protecting Emma Hart" in orders
        # The form comes after what the triager needs to read.
        assert html.index('id="orders-in-force"') < html.index('name="is_stalking"')

    def test_what_is_shown_is_logged_as_consulted(self, as_user, history):
        from masip.audit.models import AuditEvent

        as_user("london-police").get(reverse("referrals:triage", args=[history["new"].pk]))
        event = AuditEvent.objects.filter(action="triage.form").latest("id")
        seen = {(s.object_type, s.object_id) for s in event.subjects.all()}
        assert ("case", history["open_case"].pk) in seen and ("case", history["closed"].pk) in seen
        assert ("protective_order", history["open_case"].protective_orders.get().pk) in seen

    def test_the_form_runs_a_fixed_number_of_queries(self, as_user, history, make_referral, accept, london, count_queries):
        client = as_user("london-police")
        url = reverse("referrals:triage", args=[history["new"].pk])
        client.get(url)
        before = count_queries(lambda: client.get(url))
        for i in range(4):
            accept(make_referral(london, suspect_id=history["suspect"].pk, victim=f"Extra Victim{i}"),
                   outcome="close", close_reason="Duplicate")
        assert count_queries(lambda: client.get(url)) == before

    def test_a_suspect_waiting_for_confirmation_shows_no_history(self, as_user, london, history, staff):
        from rest_framework.test import APIClient

        api = APIClient()
        api.force_authenticate(staff["london-police"])
        body = api.post("/api/v1/partnerships/london/referrals/", {
            "source_agency_kind": "police", "channel": "police_scan", "received_on": str(timezone.localdate()),
            "recorded_offence": "s2", "behaviours": ["messages"], "summary": "x",
            "suspect": {"full_name": "Rian Cole"},  # sounds like Ryan Cole: waits for confirmation
            "victims": [{"full_name": "Someone", "relationship_to_suspect": "stranger"}],
        }, format="json").json()
        assert body["waiting_for_confirmation"]
        html = as_user("london-police").get(reverse("referrals:detail", args=[body["id"]])).content.decode()
        assert "Waiting for triage to confirm who the suspect Rian Cole is" in html


class TestHampshireSdashBySource:
    def test_a_police_referral_states_the_rule_with_a_link_and_waits_for_the_sdash(
        self, as_user, hampshire, make_referral, complete_assessment
    ):
        referral = make_referral(hampshire, by="hampshire-police")
        client = as_user("hampshire-police")
        html = client.get(reverse("referrals:triage", args=[referral.pk])).content.decode()
        rule = html[html.index('id="acceptance-requirement"'):]
        assert "Hampshire signs off the S-DASH before accepting a referral from police." in rule
        assert "This referral is from police: the S-DASH is not signed off yet" in rule
        start = reverse("assessments:start_referral", args=[referral.pk]) + "?instrument=sdash"
        assert f'href="{start}">Start the S-DASH</a>' in rule
        assert html.index('id="acceptance-requirement"') < html.index('name="is_stalking"')
        start_page = client.get(start).content.decode()
        assert 'value="sdash" checked' in start_page  # the link starts the S-DASH, not any tool

        assert decide(client, referral).status_code == 200 and not Case.objects.exists()
        complete_assessment("sdash", referral=referral, by="hampshire-police")
        assert decide(client, referral).status_code == 302

    @pytest.mark.parametrize("source", ["health", "social_services"])
    def test_southern_health_and_social_services_referrals_need_no_sdash(
        self, as_user, hampshire, make_referral, source
    ):
        referral = make_referral(hampshire, by="hampshire-police", source=source)
        client = as_user("hampshire-police")
        html = client.get(reverse("referrals:triage", args=[referral.pk])).content.decode()
        assert "so no S-DASH is needed before acceptance" in html
        assert "Start the S-DASH" not in html
        assert decide(client, referral).status_code == 302
        assert Case.objects.count() == 1

    def test_a_signed_off_sdash_shows_in_the_queue_and_on_the_case(
        self, as_user, hampshire, make_referral, complete_assessment
    ):
        referral = make_referral(hampshire, by="hampshire-police")
        yes = {"s01_very_frightened": "yes", "s05_follows_loiters": "yes", "s06_threats_of_violence": "yes"}
        complete_assessment("sdash", referral=referral, by="hampshire-police", answers=yes)
        client = as_user("hampshire-police")
        queue = client.get(reverse("referrals:triage_queue", args=["hampshire"])).content.decode()
        row = queue[queue.index(referral.reference):]
        row = row[: row.index("</tr>")]
        assert "S-DASH 3/11 yes" in row and "Not assessed" not in row
        decide(client, referral)
        case = Case.objects.get()
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        risk = page[page.index('id="case-risk"'):]
        risk = risk[: risk.index("</dd>")]
        assert "S-DASH 3/11 yes" in risk and "Not assessed" not in risk
        listing = client.get(reverse("cases:list", args=["hampshire"])).content.decode()
        assert "S-DASH 3/11 yes" in listing

    def test_a_later_level_replaces_the_sdash_count(self, hampshire, make_referral, complete_assessment):
        referral = make_referral(hampshire, by="hampshire-police")
        complete_assessment("sdash", referral=referral, by="hampshire-police")
        complete_assessment("sash", referral=referral, by="hampshire-police", answers={"overall_concern": "high"})
        complete_assessment("sdash", referral=referral, by="hampshire-police")  # no level: keeps the SASH's
        referral.refresh_from_db()
        assert referral.risk_rank == 3 and referral.risk_label == "High (SASH)"


class TestTheRuleIsOperatingModelData:
    def test_shipped_hampshire_requires_the_sdash_from_the_police_only(self, hampshire, london, cheshire):
        model = hampshire.operating_model_on()
        assert model.required_before_acceptance == ["sdash"]
        assert model.required_before_acceptance_sources == ["police"]
        assert model.required_before_accepting("police") == ["sdash"]
        assert model.required_before_accepting("health") == []
        assert london.operating_model_on().required_before_accepting("police") == []

    def test_empty_sources_mean_every_source(self, london):
        model = london.operating_model_on()
        model.required_before_acceptance = ["sash"]
        assert model.required_before_accepting("health") == ["sash"]

    def test_a_bad_source_is_refused(self, hampshire):
        model = hampshire.operating_model_on()
        model.required_before_acceptance_sources = ["martians"]
        with pytest.raises(ValidationError) as raised:
            model.full_clean()
        assert "Enter a list of agency kinds" in str(raised.value.message_dict["required_before_acceptance_sources"])

    def test_the_migration_moves_an_existing_hampshire_rule_onto_police_referrals(self, hampshire):
        from django.apps import apps

        model = hampshire.operating_model_on()
        model.required_before_acceptance_sources = []
        model.save()
        migration = importlib.import_module("masip.partnerships.migrations.0004_acceptance_requirement_by_source")
        migration.sdash_from_the_police_form(apps, None)
        model.refresh_from_db()
        assert model.required_before_acceptance_sources == ["police"]
