"""Triage: the queue, who may decide, and what each outcome does."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from masip.cases.models import Case, ReviewTrigger
from masip.referrals.models import TriageDecision


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def decide(client, referral, **overrides):
    data = {
        "is_stalking": "yes",
        "outcome": "accept",
        "fixated": "on",
        "fixated_note": "Daily contact for months",
    }
    data.update(overrides)
    return client.post(reverse("referrals:triage", args=[referral.pk]), data)


class TestQueue:
    def test_orders_by_flags_then_oldest(self, as_user, london, make_referral):
        plain_old = make_referral(london, received_on=days_ago(24), suspect="A One", victim="V One")
        threats_new = make_referral(
            london, received_on=days_ago(5), behaviours=["threats"], suspect="B Two", victim="V Two"
        )
        threats_old = make_referral(
            london,
            received_on=days_ago(15),
            behaviours=["threats"],
            suspect="C Three",
            victim="V Three",
        )
        violence = make_referral(
            london, received_on=days_ago(0), behaviours=["violence"], suspect="D Four", victim="V Four"
        )
        response = as_user("london-advocate").get(reverse("referrals:triage_queue", args=[london.slug]))
        html = response.content.decode()
        positions = [html.index(r.reference) for r in (violence, threats_old, threats_new, plain_old)]
        assert positions == sorted(positions)

    def test_triaged_referrals_leave_the_queue(self, as_user, london, make_referral, accept):
        done = make_referral(london, suspect="A One", victim="V One")
        waiting = make_referral(london, suspect="B Two", victim="V Two")
        accept(done)
        html = (
            as_user("london-police")
            .get(reverse("referrals:triage_queue", args=[london.slug]))
            .content.decode()
        )
        assert waiting.reference in html and done.reference not in html

    def test_runs_a_constant_number_of_queries(self, as_user, london, make_referral, count_queries):
        client = as_user("london-police")
        url = reverse("referrals:triage_queue", args=[london.slug])
        make_referral(london, suspect="A One", victim="V One")
        client.get(url)  # warm per-process caches
        small = count_queries(lambda: client.get(url))
        for i in range(15):
            make_referral(london, suspect=f"Suspect {i}", victim=f"Victim {i}")
        large = count_queries(lambda: client.get(url))
        assert small == large
        assert client.get(url).content.count(b"LON-R000") >= 16


class TestWhoMayTriage:
    """Who triages is read from each partnership's operating model."""

    @pytest.mark.parametrize(
        "username, slug, allowed",
        [
            ("london-police", "london", True),  # London: police staff triage
            ("london-health", "london", False),
            ("london-manager", "london", True),
            ("cheshire-support", "cheshire", True),  # Cheshire: business support triages
            ("cheshire-police", "cheshire", True),  # the unit DC is its triage lead
            ("cheshire-health", "cheshire", False),
            ("hampshire-police", "hampshire", True),  # Hampshire: the force stalking co-ordinator
            ("hampshire-advocate", "hampshire", False),
        ],
    )
    def test_operating_model_decides(self, as_user, partnerships, make_referral, username, slug, allowed):
        triager = {
            "london": "london-police",
            "cheshire": "cheshire-support",
            "hampshire": "hampshire-police",
        }[slug]
        referral = make_referral(partnerships[slug], by=triager)
        client = as_user(username)
        assert client.get(reverse("referrals:triage", args=[referral.pk])).status_code == (
            200 if allowed else 403
        )
        response = decide(client, referral, outcome="advice", advice_text="Arrest and seize the phone")
        assert (response.status_code == 302) == allowed
        assert TriageDecision.objects.filter(referral=referral).exists() == allowed

    def test_refusal_says_who_triages(self, as_user, london, make_referral):
        referral = make_referral(london)
        response = as_user("london-health").get(reverse("referrals:triage", args=[referral.pk]))
        assert b"In London, triage is done by" in response.content

    def test_editing_the_operating_model_changes_who_triages(self, as_user, london, make_referral):
        model = london.operating_model_on()
        model.triage_agency_kinds = ["health"]
        model.save()
        referral = make_referral(london)
        assert (
            as_user("london-health").get(reverse("referrals:triage", args=[referral.pk])).status_code == 200
        )

    def test_other_partnership_gets_not_found(self, as_user, london, make_referral):
        referral = make_referral(london)
        assert (
            as_user("cheshire-support").get(reverse("referrals:triage", args=[referral.pk])).status_code
            == 404
        )
        assert decide(as_user("cheshire-support"), referral).status_code == 404


class TestOutcomes:
    def test_accept_opens_a_case_with_the_people(self, as_user, london, make_referral):
        referral = make_referral(london)
        response = decide(as_user("london-police"), referral)
        case = Case.objects.get()
        assert response["Location"] == reverse("cases:detail", args=[case.pk])
        assert case.reference == "LON-C00001" and case.is_open
        assert {(p.role, p.person.full_name) for p in case.parties.select_related("person")} == {
            ("suspect", "Ryan Cole"),
            ("victim", "Emma Hart"),
        }
        referral.refresh_from_db()
        assert referral.status == "accept" and referral.case == case

    def test_new_referral_about_a_suspect_with_an_open_case_joins_it(
        self, as_user, london, make_referral, accept
    ):
        first = make_referral(london)
        accept(first)
        case = Case.objects.get()
        suspect = first.parties.get(role="suspect").person
        second = make_referral(
            london, suspect_id=suspect.pk, victim="New Victim", relationship="acquaintance"
        )
        response = decide(as_user("london-police"), second)
        assert Case.objects.count() == 1
        assert response["Location"] == reverse("cases:detail", args=[case.pk])
        trigger = ReviewTrigger.objects.get(case=case)
        assert trigger.kind == "new_referral" and second.reference in trigger.reason
        assert "1 new victim" in trigger.reason
        assert case.parties.filter(role="victim").count() == 2
        assert TriageDecision.objects.get(referral=second).joined_existing_case

    def test_suspect_whose_case_is_closed_gets_a_new_case(self, london, make_referral, accept):
        first = make_referral(london)
        accept(first)
        Case.objects.update(status="closed")
        suspect = first.parties.get(role="suspect").person
        accept(make_referral(london, suspect_id=suspect.pk, victim="New Victim"))
        assert Case.objects.count() == 2

    def test_advice_only_records_the_advice(self, as_user, london, make_referral):
        referral = make_referral(london)
        response = decide(
            as_user("london-police"),
            referral,
            is_stalking="no",
            outcome="advice",
            advice_text="Not stalking but serious: arrest for s.4 harassment.",
        )
        assert response.status_code == 302
        decision = TriageDecision.objects.get()
        assert decision.advice_text.startswith("Not stalking") and not Case.objects.exists()
        referral.refresh_from_db()
        assert referral.status == "advice"

    def test_offence_correction_updates_the_referral(self, as_user, london, make_referral):
        referral = make_referral(london)
        decide(as_user("london-police"), referral, corrected_offence="s2a")
        referral.refresh_from_db()
        assert referral.recorded_offence == "s2" and referral.current_offence == "s2a"

    @pytest.mark.parametrize(
        "overrides, message",
        [
            ({"outcome": ""}, "Select what happens next"),
            ({"is_stalking": ""}, "Select whether this is stalking"),
            ({"outcome": "advice"}, "Enter the advice given to the officer in charge"),
            (
                {"outcome": "signpost", "signpost_agency": "NHS trust"},
                "Enter why the referral is signposted there",
            ),
            ({"outcome": "close"}, "Enter why the referral is closed"),
            ({"fixated_note": ""}, "Enter why the behaviour is fixated"),
            ({"outcome": "teleport"}, "Select a valid option for what happens next?"),
        ],
    )
    def test_incomplete_decisions_are_refused(self, as_user, london, make_referral, overrides, message):
        referral = make_referral(london)
        response = decide(as_user("london-police"), referral, **overrides)
        assert response.status_code == 200
        assert message.encode() in response.content
        assert not TriageDecision.objects.exists() and not Case.objects.exists()


class TestRevision:
    def test_revision_needs_a_reason_and_keeps_history(self, as_user, london, make_referral):
        referral = make_referral(london)
        client = as_user("london-police")
        decide(client, referral, outcome="advice", is_stalking="no", advice_text="Advice given")
        first = TriageDecision.objects.get()
        response = decide(client, referral, based_on=str(first.pk))
        assert b"Enter why the earlier decision is being revised" in response.content
        response = decide(
            client, referral, based_on=str(first.pk), revision_reason="Victim disclosed months of following"
        )
        assert response.status_code == 302
        latest = TriageDecision.objects.latest("id")
        assert latest.revises == first and latest.outcome == "accept"
        referral.refresh_from_db()
        assert referral.status == "accept" and referral.case is not None
        detail = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
        assert "Superseded" in detail and "Victim disclosed months of following" in detail

    def test_revising_an_acceptance_closes_the_case_it_alone_opened(
        self, as_user, london, make_referral, accept
    ):
        referral = make_referral(london)
        first = accept(referral)
        decide(
            as_user("london-police"),
            referral,
            outcome="close",
            close_reason="Duplicate",
            based_on=str(first.pk),
            revision_reason="Found to duplicate an earlier report",
        )
        case = Case.objects.get()
        assert case.status == "closed" and "revised" in case.close_reason
        referral.refresh_from_db()
        assert referral.case is None and referral.status == "close"

    def test_a_decision_made_meanwhile_is_not_overwritten(self, as_user, london, make_referral, accept):
        referral = make_referral(london)
        client = as_user("london-police")
        page = client.get(reverse("referrals:triage", args=[referral.pk]))
        assert b'name="based_on" value=""' in page.content or b'name="based_on"' in page.content
        accept(referral, by="london-manager")  # someone else decides first
        response = decide(client, referral, outcome="advice", advice_text="Advice")
        assert response.status_code == 200
        assert b"while you were deciding" in response.content
        assert TriageDecision.objects.count() == 1
        assert b"Advice" in response.content  # what the user typed is kept


class TestRequiredAssessments:
    """Hampshire's operating model requires the S-DASH (from the police form) before acceptance."""

    def test_acceptance_waits_for_a_signed_off_sdash(self, as_user, hampshire, make_referral, complete_assessment):
        referral = make_referral(hampshire, by="hampshire-police")
        client = as_user("hampshire-police")
        response = decide(client, referral)
        assert response.status_code == 200
        assert b"Hampshire signs off the S-DASH before accepting a referral from police" in response.content
        assert not Case.objects.exists()
        complete_assessment("sdash", referral=referral, by="hampshire-police")
        assert decide(client, referral).status_code == 302
        assert Case.objects.count() == 1

    def test_other_outcomes_need_no_assessment(self, as_user, hampshire, make_referral):
        referral = make_referral(hampshire, by="hampshire-police")
        response = decide(as_user("hampshire-police"), referral, outcome="close", close_reason="Duplicate")
        assert response.status_code == 302
