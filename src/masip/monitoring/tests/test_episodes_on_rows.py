"""Episodes and re-offending computed from real rows, through the model and the case page.

The definitions (gap boundaries, overlap, the pragmatic measure) are unit-
and property-tested on plain records in test_episodes.py; these tests check
that the rows a unit records reach those functions as the definitions need:
the referral's own incidents count as contacts before acceptance, the gap
comes from the setting, and a new victim is told from an original one.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from masip.monitoring import episodes
from masip.monitoring.outcomes import case_outcome, caseload_inputs
from masip.monitoring.services import IncidentInput, incident_record
from masip.monitoring.tests.factories import days_ago, open_case, victim_of
from masip.people.services import PersonDetails

GAP = 182


@pytest.fixture
def case(london, make_referral, accept):
    # Referral contact 400 days ago, accepted 397 days ago: room for gaps of six months after it.
    return open_case(
        make_referral, accept, london, by="london-police", opened_on=days_ago(397), reported_on=days_ago(400)
    )


def record(case, staff, day, *, victim=None, new_victim=None, reporter="victim", behaviour="phone"):
    return incident_record(
        case=case,
        acting_user=staff["london-police"],
        data=IncidentInput(
            occurred_on=day,
            reported_by=reporter,
            behaviour=behaviour,
            severity=2,
            description="Contact.",
            victim_id=None if new_victim else (victim or victim_of(case)).pk,
            new_victim=PersonDetails(full_name=new_victim) if new_victim else None,
        ),
    )


def test_the_referrals_own_contacts_make_later_ones_a_continuation(case, staff):
    record(case, staff, days_ago(300))  # 100 days after the referral's contact: same episode
    outcome = case_outcome(case, gap_days=GAP)
    assert outcome.contacts == 2
    assert len(outcome.episodes) == 1 and not outcome.reoffended
    assert outcome.outcome.reported_incidents == 1  # the pragmatic measure: one report after acceptance


def test_exactly_the_gap_continues_and_one_day_more_is_re_offending(case, staff):
    referral_contact = days_ago(400)
    record(case, staff, referral_contact + timedelta(days=GAP))  # exactly the gap: the same episode
    assert not case_outcome(case, gap_days=GAP).reoffended
    last = referral_contact + timedelta(days=GAP)
    record(case, staff, last + timedelta(days=GAP + 1))  # one day longer: a new episode
    outcome = case_outcome(case, gap_days=GAP)
    assert [row.is_reoffending for row in outcome.episodes] == [False, True]
    assert outcome.outcome.reoffending.first_reoffence_on == last + timedelta(days=GAP + 1)
    assert outcome.outcome.reoffending.first_reoffence_victim == episodes.VictimKind.ORIGINAL


def test_the_gap_is_the_setting(case, staff, settings):
    record(case, staff, days_ago(300))  # 100 days after the referral's contact
    settings.MASIP_EPISODE_GAP_DAYS = 90
    assert case_outcome(case).reoffended
    settings.MASIP_EPISODE_GAP_DAYS = 182
    assert not case_outcome(case).reoffended


def test_a_new_victim_after_acceptance_is_re_offending_against_a_new_victim(case, staff):
    record(case, staff, days_ago(350))
    record(case, staff, days_ago(340), new_victim="Zoe Price")
    outcome = case_outcome(case, gap_days=GAP)
    assert outcome.outcome.reoffending.new_episodes_new_victim == 1
    assert outcome.outcome.reoffending.new_episodes_original_victim == 0
    new = next(row for row in outcome.episodes if not row.original_victim)
    assert new.victim_name == "Zoe Price" and new.is_reoffending
    # The pragmatic measure counts reports by the victims taking part, not the new one.
    assert outcome.outcome.reported_incidents == 1


def test_a_later_referral_about_the_same_suspect_joins_the_same_perpetrators_contacts(
    case, staff, london, make_referral, accept
):
    suspect = case.suspect
    later = make_referral(london, suspect_id=suspect.pk, victim="Zoe Price", received_on=days_ago(100))
    accept(later)  # joins the open case, naming a new victim with a contact 100 days ago
    outcome = case_outcome(case, gap_days=GAP)
    assert outcome.contacts == 2
    assert outcome.outcome.reoffending.new_episodes_new_victim == 1


def test_the_case_page_shows_episodes_and_re_offending(as_user, case, staff):
    record(case, staff, days_ago(400) + timedelta(days=GAP + 10))
    html = as_user("london-police").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="case-episodes"' in html and "Re-offending" in html
    panel = html[html.index('id="case-reoffending"') :]
    assert "a new episode began" in panel[:400] and "against an original victim" in panel[:400]


def test_the_caseload_computation_agrees_with_the_case_page(case, staff, london, make_referral, accept):
    record(case, staff, days_ago(300))
    record(case, staff, days_ago(100))
    record(case, staff, days_ago(90), new_victim="Zoe Price")
    other = open_case(
        make_referral,
        accept,
        london,
        by="london-police",
        suspect="Other Suspect",
        victim="Other Victim",
        opened_on=days_ago(200),
    )
    record(other, staff, days_ago(150))
    inputs = caseload_inputs()
    assert inputs.index_dates == {case.suspect_id: case.opened_on, other.suspect_id: other.opened_on}
    table = episodes.caseload_outcomes(
        inputs.columns, inputs.index_dates, gap_days=GAP, original_victims=inputs.original_victims
    )
    for each in (case, other):
        assert table.perpetrators.outcome_for(each.suspect_id) == case_outcome(each, gap_days=GAP).outcome
    assert table.perpetrators.outcome_for(case.suspect_id).reoffending.new_episodes == 2
