"""Re-offending and episodes by stalker type and intervention, on the dashboards.

The hand-counted world (London; the default period, the last four quarters, all cases open in it
unless said otherwise; each referral reports one contact three days before the case was accepted):

    case   stalker type (latest SRP)      contacts after acceptance                 interventions    new episode
    Adam   rejected                       100 days after the referral's: same one   signposting      no
    Ben    rejected                       390 days after the last one: a new one    signposting      yes
    Carl   resentful (rejected before)    a new victim, 100 days ago                none             yes
    Dan    none signed off                none                                      none             no
    Fred   rejected                       none                                      declined: none   no
    Eric   (closed before the period, with a new episode: not in the caseload)

By stalker type: rejected 1 of 3 (33%), resentful 1 of 1 (100%), not yet typed 0 of 1; in all 2 of 5 (40%).
By intervention: signposting 1 of 2 (50%), none 1 of 3 (33%).
"""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from django.urls import reverse

from masip.cases.models import Case, CaseStatus
from masip.monitoring.services import IncidentInput, incident_record
from masip.monitoring.tests.factories import days_ago, open_case, victim_of
from masip.people.services import PersonDetails
from masip.reporting import dashboard as measures
from masip.reporting.periods import Quarter

TYPES = {"rejected": "Rejected", "resentful": "Resentful", "predatory": "Predatory"}


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def section(shown: str, title: str, until: str) -> str:
    return shown.split(title, 1)[1].split(until, 1)[0]


def contact(case, staff, day, *, new_victim=None):
    return incident_record(
        case=case, acting_user=staff["london-police"],
        data=IncidentInput(occurred_on=day, reported_by="victim", behaviour="phone", severity=2, description="Contact.",
                           victim_id=None if new_victim else victim_of(case).pk,
                           new_victim=PersonDetails(full_name=new_victim) if new_victim else None),
    )


@pytest.fixture
def world(london, staff, make_referral, accept, complete_assessment):
    from masip.interventions.reference import shipped_type
    from masip.interventions.services import (
        InterventionInput,
        intervention_record,
        intervention_set_engagement,
    )

    def case(suspect, victim, opened=397):
        return open_case(make_referral, accept, london, by="london-police", suspect=suspect, victim=victim,
                         opened_on=days_ago(opened), reported_on=days_ago(opened + 3))

    def srp(case, kind):
        complete_assessment("srp", case=case, by="london-health",
                            answers={"stalker_type": kind, "risk_of_violence": "high"})

    def signposting(case):
        return intervention_record(case=case, acting_user=staff["london-police"], data=InterventionInput(
            intervention_type=shipped_type("signposting"), mode="indirect", external_service="GP",
            offered_on=days_ago(200), follow_up_on=days_ago(186), start_on=days_ago(200)))

    adam, ben, carl = case("Adam Stone", "Ann Lee"), case("Ben Marsh", "Bea Ray"), case("Carl Wynn", "Cath Orr")
    dan, fred = case("Dan Hale", "Dora Fox", opened=30), case("Fred Lowe", "Faye Dunn")
    for c in (adam, ben, fred):
        srp(c, "rejected")
    srp(carl, "rejected")
    srp(carl, "resentful")  # the latest signed-off type stands
    contact(adam, staff, days_ago(300))  # 100 days after the referral's contact: the same episode
    contact(ben, staff, days_ago(10))  # 390 days after the referral's contact: a new episode
    contact(carl, staff, days_ago(100), new_victim="Nina Newby")  # a new victim: a new episode
    signposting(adam)
    signposting(ben)
    declined = signposting(fred)
    intervention_set_engagement(intervention=declined, acting_user=staff["london-police"], state="declined",
                                on=days_ago(199), expected_version=declined.version)
    eric = case("Eric Vale", "Elsa Moon", opened=700)
    contact(eric, staff, days_ago(500))  # re-offended, but the case closed before the period
    Case.objects.filter(pk=eric.pk).update(status=CaseStatus.CLOSED, closed_on=days_ago(400))
    return {"adam": adam, "ben": ben, "carl": carl, "dan": dan, "fred": fred, "eric": eric}


def test_measures_on_hand_counted_rows():
    rows = [
        {"partnership": "London", "stalker_type": "rejected", "interventions": ["CBT", "Signposting"], "new_episodes": 2},
        {"partnership": "London", "stalker_type": "rejected", "interventions": [], "new_episodes": 0},
        {"partnership": "London", "stalker_type": "", "interventions": ["CBT"], "new_episodes": 0},
        {"partnership": "Cheshire", "stalker_type": "resentful", "interventions": [], "new_episodes": 1},
    ]
    by_type = measures.reoffending_by_stalker_type(rows, type_labels=TYPES, gap_days=182)
    assert by_type.columns == ["New episode after acceptance", "No new episode"]
    assert by_type.rows == [("Rejected", [1, 1]), ("Resentful", [1, 0]), ("Not yet typed", [0, 1])]
    shown = by_type.as_display()
    assert shown["headers"][-2:] == ["Total", "Rate"]
    assert shown["rows"][0] == ["Rejected", "1", "1", "2", "50%"]
    assert shown["total"] == ["Total", "2", "2", "4", "50%"]
    assert shown["notes"][0] == ("2 of the 4 cases in the caseload (50%) began a new episode after acceptance: "
                                 "3 new episodes in all.")
    assert "more than 182 days" in shown["notes"][1]
    by_intervention = measures.reoffending_by_intervention(rows, gap_days=182)
    assert by_intervention.rows == [("CBT", [1, 1]), ("Signposting", [1, 0]), ("None", [1, 1])]
    chart = measures.chart(by_intervention)
    assert [trace["name"] for trace in chart["data"]] == ["New episode after acceptance", "No new episode"]
    assert chart["data"][0]["y"] == ["CBT", "Signposting", "None"] and chart["data"][0]["x"] == [1, 1, 1]
    assert chart["data"][1]["x"] == [1, 0, 1]
    programme = measures.programme_reoffending(rows, partnerships=["Cheshire", "London"], type_labels=TYPES,
                                               gap_days=182, period="July to September 2026")
    assert programme[0].rows[:4] == [("Cheshire: Rejected", [0, 0]), ("Cheshire: Resentful", [1, 0]),
                                     ("Cheshire: Predatory", [0, 0]), ("Cheshire: Not yet typed", [0, 0])]
    assert ("London: Rejected", [1, 1]) in programme[0].rows
    published = programme[0].as_display(suppressed=True)
    assert {cell for row in published["rows"] for cell in row[1:-1]} <= {"fewer than 5", "withheld"}
    assert {row[-1] for row in published["rows"]} == {"not shown"}  # no rate from a withheld count
    assert programme[1].rows == [("Cheshire: Direct intervention", [0, 0]), ("Cheshire: Indirect only", [0, 0]),
                                 ("Cheshire: None", [1, 0]), ("London: Direct intervention", [0, 0]),
                                 ("London: Indirect only", [1, 1]), ("London: None", [0, 1])]


def test_the_unit_dashboard_counts_re_offending_by_stalker_type_and_intervention(world, as_user):
    page = as_user("london-manager").get(reverse("reporting:dashboard", args=["london"]))
    assert page.status_code == 200
    shown = text(page)
    by_type = section(shown, "Re-offending by stalker type", "Re-offending by intervention received")
    assert "Stalker type New episode after acceptance No new episode Total Rate" in by_type
    assert "Rejected 1 2 3 33%" in by_type
    assert "Resentful 1 0 1 100%" in by_type
    assert "Not yet typed 0 1 1 0%" in by_type
    assert "Total 2 3 5 40%" in by_type
    assert "2 of the 5 cases in the caseload (40%) began a new episode after acceptance: 2 new episodes in all." in by_type
    assert "Re-offending (the research definition): the perpetrator began a new stalking episode after the day" in by_type
    assert "Bar chart: re-offending by stalker type, one bar for each stalker type" in by_type
    by_intervention = section(shown, "Re-offending by intervention received", "Caseload per FTE today")
    assert "Signposting to an external service 1 1 2 50%" in by_intervention
    assert "None 1 2 3 33%" in by_intervention
    assert "Total (cases once per type received) 2 3 5 40%" in by_intervention
    body = page.content.decode()
    charts = re.findall(r'data-chart="(chart-data-\d+)"', body)
    assert len(charts) == len(set(charts)) and f'id="{charts[-1]}" type="application/json"' in body


def test_a_case_closed_before_the_period_is_not_in_its_caseload(world, as_user):
    Case.objects.filter(pk=world["adam"].pk).update(status=CaseStatus.CLOSED, closed_on=days_ago(390))
    shown = text(as_user("london-manager").get(reverse("reporting:dashboard", args=["london"])))
    by_type = section(shown, "Re-offending by stalker type", "Re-offending by intervention received")
    assert "Rejected 1 1 2 50%" in by_type and "Total 2 2 4 50%" in by_type


def test_the_unit_exports_carry_the_rates(world, as_user):
    page = as_user("london-manager").get(reverse("reporting:dashboard", args=["london"]), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(page.content.decode("utf-8-sig"))))
    start = rows.index(["Re-offending by stalker type"])
    assert rows[start + 1] == ["Stalker type", "New episode after acceptance", "No new episode", "Total", "Rate"]
    assert ["Rejected", "1", "2", "3", "33%"] in rows[start:]


def test_the_programme_office_sees_no_re_offending_cell_below_5(world, as_user, staff, make_referral, accept):
    for n in range(6):  # six more untyped cases without contact: a count of 5 or more to show
        open_case(make_referral, accept, world["adam"].partnership, by="london-police", suspect=f"Quiet{n} Suspect",
                  victim=f"Calm{n} Victim", opened_on=days_ago(20), reported_on=days_ago(23))
    quarter = Quarter.containing(days_ago(0))
    page = as_user("pmo").get(reverse("reporting:programme_dashboard"), {"quarter": quarter.code})
    shown = text(page)
    by_type = section(shown, f"Re-offending by stalker type, caseload of {quarter.label}", "Re-offending by intervention")
    assert re.search(r"London: Not yet typed fewer than 5 (7|withheld) (7|withheld) not shown", by_type), by_type
    assert "London: Rejected fewer than 5" in by_type and "Cheshire: Resentful fewer than 5" in by_type
    by_mode = section(shown, f"Re-offending by intervention received, caseload of {quarter.label}", "Download")
    assert "London: None fewer than 5" in by_mode and "London: Direct intervention fewer than 5" in by_mode
    assert "Adam" not in page.content.decode() and "LON-" not in page.content.decode()
    for cell in re.findall(r'govuk-table__cell--numeric">(?:<strong>)?([^<]*)<', page.content.decode()):
        number = cell.strip().replace(",", "")
        assert not number.isdigit() or int(number) >= 5, cell
    export = as_user("pmo").get(reverse("reporting:programme_dashboard"), {"quarter": quarter.code, "export": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [f"Re-offending by stalker type, caseload of {quarter.label}"] in rows
    assert all(int(c) >= 5 for row in rows for c in row[1:] if c.isdigit()), rows


def test_days_after_the_period_do_not_count(london, staff, make_referral, accept):
    """Through the selector: a new episode after the period's end is not re-offending in it."""
    from masip.reporting.selectors import reoffending_rows

    case = open_case(make_referral, accept, london, by="london-police", opened_on=days_ago(397),
                     reported_on=days_ago(400))
    contact(case, staff, days_ago(10))
    before = reoffending_rows([london.pk], days_ago(400), days_ago(11))
    after = reoffending_rows([london.pk], days_ago(400), days_ago(10))
    assert [r["new_episodes"] for r in before] == [0] and [r["new_episodes"] for r in after] == [1]


def test_the_dashboards_query_count_does_not_grow_with_the_data(world, as_user, staff, make_referral, accept,
                                                               count_queries, complete_assessment):
    """World A (the hand-counted one) and a bigger world B (more referrals, cases, contacts, assessments,
    interventions and actions in both London and Cheshire): each dashboard makes the same number of queries."""
    from masip.actions.models import CaseAction
    from masip.interventions.reference import shipped_type
    from masip.interventions.services import InterventionInput, intervention_record
    from masip.partnerships.models import Agency, Partnership

    pages = {"unit": ("london-manager", reverse("reporting:dashboard", args=["london"])),
             "programme": ("pmo", reverse("reporting:programme_dashboard"))}

    def counts() -> dict[str, int]:
        out = {}
        for name, (user, url) in pages.items():
            client = as_user(user)
            assert client.get(url).status_code == 200  # warm: sessions, suppression worked out once
            out[name] = count_queries(lambda client=client, url=url: client.get(url))
        return out

    small = counts()
    police = Agency.objects.get(pk=staff["london-police"].agency_id)
    cheshire = Partnership.objects.get(slug="cheshire")
    for n in range(4):
        case = open_case(make_referral, accept, world["adam"].partnership, by="london-police",
                         suspect=f"More{n} Suspect", victim=f"More{n} Victim", opened_on=days_ago(300 - n),
                         reported_on=days_ago(303 - n))
        contact(case, staff, days_ago(5 + n))
        complete_assessment("srp", case=case, by="london-health", answers={"stalker_type": "predatory",
                                                                           "risk_of_violence": "high"})
        intervention_record(case=case, acting_user=staff["london-police"], data=InterventionInput(
            intervention_type=shipped_type("signposting"), mode="indirect", external_service="GP",
            offered_on=days_ago(50), follow_up_on=days_ago(36), start_on=days_ago(50)))
        CaseAction.objects.create(partnership=case.partnership, case=case, description="Visit", owner_agency=police,
                                  due_on=days_ago(1), created_by=staff["london-police"])
        make_referral(world["adam"].partnership, suspect=f"Other{n} Suspect", victim=f"Other{n} Victim",
                      received_on=days_ago(n))
        open_case(make_referral, accept, cheshire, by="cheshire-police", suspect=f"North{n} Suspect",
                  victim=f"North{n} Victim", opened_on=days_ago(20 + n), reported_on=days_ago(22 + n))
    bigger = counts()
    assert bigger == small
