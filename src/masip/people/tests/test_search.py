"""Search finds people by sound-alike names and by every identifier a practitioner holds,
says when it shows only some of the matches, and reads only through indexes."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from masip.people.services import PersonDetails, person_create


@pytest.fixture
def harry(london, staff):
    return person_create(
        partnership=london, acting_user=staff["london-police"],
        details=PersonDetails(
            full_name="Harry Saunders", date_of_birth=date(1984, 3, 7), phone="07700 900982",
            email="h.saunders@example.org",
            identifiers={"pnc": "2019/0012345X", "probation_crn": "X123456", "nhs": "9434765919"},
        ),
    )


def search(client, q):
    response = client.get(reverse("workspace:search"), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "Harry Sanders",  # misspelt: sounds the same
        "SANDERS, harry",  # the other way round
        "Harry Saunder",  # a typo that changes the sound, but only one letter
        "Saunders",
        "2019/0012345X",  # PNC ID
        "2019/0012345x",
        "X123456",  # probation CRN
        "943 476 5919",  # NHS number as written on a letter
        "+44 7700 900982",  # phone, in international form
        "H.Saunders@Example.org",  # email, any case
        "7/3/1984",  # date of birth, British order
        "7 March 1984",
        "1984-03-07",
    ],
)
def test_search_finds_a_person_by_any_identifier(as_user, harry, query):
    html = search(as_user("london-police"), query)
    assert reverse("people:detail", args=[harry.pk]) in html, query


def test_a_reference_number_finds_only_its_person(as_user, harry, london, staff):
    """A PNC ID ends in a letter: that letter must not be searched for as a name ("Kay", "Xu")."""
    for name in ("Kay Smith", "Xu Li", "Ann Kay"):
        person_create(partnership=london, acting_user=staff["london-police"], details=PersonDetails(full_name=name))
    html = search(as_user("london-police"), "2019/0012345X")
    assert "1 result for" in html and reverse("people:detail", args=[harry.pk]) in html


def test_a_date_of_birth_with_day_and_month_swapped_is_found_too(as_user, harry):
    assert reverse("people:detail", args=[harry.pk]) in search(as_user("london-police"), "3/7/1984")


def test_different_names_and_numbers_are_not_found(as_user, harry):
    client = as_user("london-police")
    for query in ("Harriet Sands", "2019/0099999X", "07700 900000", "8/3/1984", "someone@example.org"):
        assert reverse("people:detail", args=[harry.pk]) not in search(client, query), query


def test_people_of_another_partnership_are_never_found(as_user, harry):
    link = reverse("people:detail", args=[harry.pk])
    assert link not in search(as_user("cheshire-police"), "Harry Saunders")
    assert link not in search(as_user("cheshire-police"), "2019/0012345X")


def test_a_victims_phone_finds_them_only_for_those_who_may_see_it(as_user, london, make_referral, staff):
    referral = make_referral(london, victim="Emma Hart")
    victim = referral.parties.get(role="victim").person
    from masip.people.services import person_add_details

    person_add_details(person=victim, details=PersonDetails(phone="07700 900123"))
    link = reverse("people:detail", args=[victim.pk])
    assert link in search(as_user("london-advocate"), "07700 900123")
    assert link not in search(as_user("london-health"), "07700 900123")  # health has no need to know it


def test_search_says_when_results_are_cut_off(as_user, london, staff):
    for i in range(52):
        person_create(
            partnership=london, acting_user=staff["london-police"],
            details=PersonDetails(full_name=f"Person{chr(97 + i % 26)}{chr(97 + i // 26)} Smith"),
        )
    html = search(as_user("london-police"), "Smith")
    assert 'id="search-cut-off"' in html and "These are not all the matches (people)" in html
    assert html.count(">Person") == 50
    person_create(
        partnership=london, acting_user=staff["london-police"], details=PersonDetails(full_name="Zed Quimby")
    )
    few = search(as_user("london-police"), "Zed Quimby")
    assert 'id="search-cut-off"' not in few and "1 result for" in few


def full_scans(sql_statements, tables) -> list[str]:
    """Statements whose plan reads a whole table (SQLite "SCAN t"; PostgreSQL "Seq Scan on t",
    asked with sequential scans discouraged so that any usable index is chosen), or everyone
    in a partnership (an index used for the partnership alone)."""
    only_partnership = re.compile(r"\(partnership_id=\?\)|Index Cond: \(partnership_id = [^()]*(\([^()]*\)[^()]*)*\)$")
    scans = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # With statistics, as a live database has them, PostgreSQL picks the most selective
            # index (SQLite without them assumes large tables, which is what this check wants).
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
            cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in sql_statements:
            cursor.execute("EXPLAIN QUERY PLAN " + sql if connection.vendor == "sqlite" else "EXPLAIN " + sql)
            for row in cursor.fetchall():
                line = str(row[-1])
                if any(f"SCAN {t}" in line or f"Seq Scan on {t}" in line for t in tables) or only_partnership.search(
                    line.strip()
                ):
                    scans.append(f"{line}  <-  {sql[:200]}")
    return scans


def test_search_and_matching_read_through_indexes(as_user, london, staff, harry):
    """No query that looks for people may read the whole people, alias, identifier or contact table."""
    for i in range(30):
        person_create(
            partnership=london, acting_user=staff["london-police"],
            details=PersonDetails(full_name=f"Someone{i} Else", date_of_birth=date(1970, 1, 1 + i % 28)),
        )
    from masip.people.matching import TypedPerson
    from masip.people.selectors import person_matches

    client = as_user("london-police")
    with CaptureQueriesContext(connection) as ctx:
        for query in ("Harry Sanders", "Harry", "2019/0012345X", "07700 900982", "h.saunders@example.org", "7/3/1984"):
            search(client, query)
        found = person_matches(
            staff["london-police"], london,
            typed=TypedPerson("Harry Sanders", date(1984, 7, 3), {"pnc": "2019/0012345X"}, frozenset({"07700900982"})),
        )
    assert [m.person for m in found] == [harry]
    tables = ("people_person ", "people_personalias ", "people_personidentifier ", "people_contactdetail ")
    lookups = [
        q["sql"] for q in ctx.captured_queries
        if q["sql"].startswith("SELECT") and any(t.strip() in q["sql"] for t in tables)
    ]
    assert len(lookups) > 10
    assert not full_scans(lookups, [t.strip() for t in tables])


def test_the_index_check_catches_a_scan(london):
    """The check above must fail on the kind of query it guards against."""
    from masip.people.models import Person

    everyone = str(Person.objects.filter(partnership=london, name_key__contains="cole").values("pk").query)
    with CaptureQueriesContext(connection) as ctx:
        list(Person.objects.filter(partnership=london, name_key__contains="cole").values("pk"))
        list(Person.objects.filter(name_key__contains="cole").values("pk"))
    assert "name_key" in everyone
    assert len(full_scans([q["sql"] for q in ctx.captured_queries], ["people_person"])) == 2
