"""Property: whatever free text mentions a third party's stored identifiers - in any case,
with any spacing - none of them survives in a subject access pack, JSON or PDF (issue 10, item 5).

Each example records a referral (suspect and victim, each with names, an alias, an address,
a phone number, an email address and a reference number), accepts it into a case, writes free
text that mentions the other party's identifiers in the referral summary, an incident, a triage
note and a case record, and produces the pack of one party through the manager's page.
"""

from __future__ import annotations

import json
import re
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from masip.access.models import Category
from masip.cases.models import Case
from masip.people.services import PersonDetails
from masip.referrals.services import PartyInput, ReferralInput, TriageInput, referral_create, triage_decide
from masip.sharing.services import information_record

# Each example writes to the database and renders a pack: shrinking a failure would take minutes,
# and the failing texts are in the assertion message anyway.
NO_SHRINKING = [Phase.explicit, Phase.reuse, Phase.generate]

FILLER = ["She said", "he was seen", "again", "today", "outside", "the new number is", "moved to", "wrote from",
          "officers spoke to", "and", "near", "call back on", "known as", "record", "email", "at"]


@st.composite
def people(draw):
    """A suspect and a victim with nothing in common (the subject's own details are not redacted)."""
    first = draw(st.permutations(["Helen", "Priya", "Amara", "Niamh", "Tomasz", "Ryan", "Darren", "Kwame"]))
    last = draw(st.permutations(["Marsh", "Okafor", "Lindqvist", "Brennan", "Cole", "Achterberg"]))
    streets = draw(st.permutations(["Larch", "Rowan", "Hazel", "Juniper"]))
    phones = draw(st.lists(st.integers(100, 999), min_size=2, max_size=2, unique=True))
    areas = draw(st.permutations(["CR", "SM", "SE", "BR"]))
    out = []
    for i, role in enumerate(["suspect", "victim"]):
        area = areas[i]
        postcode = f"{area}{draw(st.integers(1, 9))} {draw(st.integers(1, 9))}{draw(st.sampled_from(['AA', 'BD', 'HX']))}"
        number = draw(st.sampled_from(["07700 900{}", "07700900{}", "+44 7700 900{}"])).format(phones[i])
        out.append({
            "role": role,
            "name": f"{first[i]} {last[i]}",
            "alias": f"{first[i + 2]} {last[i + 2]}",
            "address": f"{draw(st.integers(1, 99))} {streets[i]} {draw(st.sampled_from(['Close', 'Road', 'Way']))}, "
                       f"{['Croydon', 'Sutton'][i]} {postcode}",
            "phone": number,
            "email": f"{first[i].lower()}.{last[i].lower()}@example.org",
            "nhs": ["9434765919", "4010232137"][i],
        })
    return out


def written(value: str, draw) -> str:
    """How someone might type a stored value: any case, any spacing, digits grouped their way."""
    if re.fullmatch(r"[\d +]+", value):
        digits = re.sub(r"\D", "", value)
        if value.startswith("+44") and draw(st.booleans()):
            digits = "0" + digits[2:]
        cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=4)))
        parts = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
        return draw(st.sampled_from([" ", "-", "  "])).join(parts)
    case = draw(st.sampled_from([str, str.upper, str.lower, str.title, str.swapcase]))
    words = case(value).split(" ")
    return "".join(w + draw(st.sampled_from([" ", "  ", "\n", "\t "])) for w in words[:-1]) + words[-1]


@st.composite
def free_text(draw, identifiers):
    """Filler with the identifiers mentioned in it, each as someone typed it."""
    segments = [draw(st.sampled_from(FILLER)) for _ in range(draw(st.integers(0, 4)))]
    mentioned = draw(st.lists(st.sampled_from(identifiers), min_size=1, max_size=5))
    for value in mentioned:
        segments.insert(draw(st.integers(0, len(segments))), written(value, draw))
    return draw(st.sampled_from([" ", ", ", ". ", "; ", "\n"])).join(segments)


def identifiers_of(person):
    return [person[k] for k in ("name", "alias", "address", "phone", "email", "nhs")] + [
        person["address"].split(", ")[0], person["address"].rsplit(" ", 2)[-2] + " " + person["address"].rsplit(" ", 1)[-1]
    ]


@st.composite
def scenarios(draw):
    suspect, victim = draw(people())
    subject = draw(st.sampled_from(["suspect", "victim"]))
    other = victim if subject == "suspect" else suspect
    texts = {k: draw(free_text(identifiers_of(other))) for k in ("summary", "incident", "triage", "record")}
    return suspect, victim, subject, other, texts


def record(partnership, staff, suspect, victim, texts):
    def details(p):
        return PersonDetails(full_name=p["name"], aliases=[p["alias"]], address=p["address"], phone=p["phone"],
                             email=p["email"], identifiers={"nhs": p["nhs"]})

    today = timezone.localdate()
    referral = referral_create(
        partnership=partnership, acting_user=staff["london-police"],
        data=ReferralInput(
            source_agency_kind="police", channel="police_scan", received_on=today, recorded_offence="s2",
            summary=texts["summary"][:5000], behaviours=["messages"],
            parties=[PartyInput(role="suspect", details=details(suspect)),
                     PartyInput(role="victim", details=details(victim), relationship_to_suspect="ex_intimate")],
            incidents=[(today - timedelta(days=1), texts["incident"][:1000])],
        ),
    )
    triage_decide(referral=referral, acting_user=staff["london-police"],
                  decision=TriageInput(is_stalking="yes", outcome="accept", fixated=True, fixated_note=texts["triage"]))
    case = Case.objects.get(referrals=referral)
    information_record(case=case, acting_user=staff["london-police"], category=Category.CASE_MANAGEMENT,
                       title="Update", body=texts["record"])
    return case


def survivors(pack_text: str, other) -> list[str]:
    """The other party's stored identifiers still in the pack, compared ignoring case and spacing."""
    flat = re.sub(r"\s+", " ", pack_text).casefold()
    found = []
    for value in identifiers_of(other):
        pattern = r"(?<!\w)" + r"\s*".join(re.escape(c) for c in value.casefold() if not c.isspace()) + r"(?!\w)"
        if re.search(pattern, flat):
            found.append(value)
    digits = re.sub(r"\D", "", other["phone"])[-10:]
    if re.search(r"[\s\-]*".join(digits), flat):
        found.append(other["phone"])
    return found


def pack(client, case, subject_role, fmt):
    person = case.parties.get(role=subject_role).person
    response = client.post(reverse("people:subject_access", args=[person.pk]),
                           {"request_reference": "SAR-1", "format": fmt})
    assert response.status_code == 200
    return response.content


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, phases=NO_SHRINKING, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenarios())
def test_no_third_party_identifier_survives_in_the_json_pack(as_user, london, staff, scenario):
    suspect, victim, subject, other, texts = scenario
    case = record(london, staff, suspect, victim, texts)
    body = json.loads(pack(as_user("london-manager"), case, subject, "json"))
    assert not survivors(json.dumps(body, ensure_ascii=False), other), texts
    own = suspect if subject == "suspect" else victim
    assert own["name"] == body["person"]["name"] and own["address"] in json.dumps(body)  # their own data stays
    assert body["redactions"]["made"] and all(r["why"] for r in body["redactions"]["made"])


@pytest.mark.django_db
@settings(max_examples=6, deadline=None, phases=NO_SHRINKING, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenarios())
def test_no_third_party_identifier_survives_in_the_pdf_pack(as_user, london, staff, scenario):
    suspect, victim, subject, other, texts = scenario
    case = record(london, staff, suspect, victim, texts)
    pdf = pack(as_user("london-manager"), case, subject, "pdf")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    text = text.decode()
    assert "Personal data held by" in text and "For the information governance reviewer" in text
    assert not survivors(text, other), texts


def test_the_suspects_pack_keeps_neither_the_victims_new_address_nor_her_mobile(as_user, london, staff):
    """The issue's example: the system holds the address and number as the victim's contact details."""
    suspect = {"name": "Ryan Cole", "alias": "Ry Cole", "address": "3 Oak Road, Leeds LS1 4AB", "phone": "07700 900111",
               "email": "ryan@example.net", "nhs": "4010232137"}
    victim = {"name": "Helen Marsh", "alias": "Nell Marsh", "address": "14 Larch Close, Croydon CR0 1AA",
              "phone": "07700900555", "email": "helen@example.org", "nhs": "9434765919"}
    said = "Helen has moved to 14 Larch Close, Croydon CR0 1AA; her new mobile is 07700 900555"
    case = record(london, staff, suspect, victim, dict.fromkeys(("summary", "incident", "triage", "record"), said))
    body = json.loads(pack(as_user("london-manager"), case, "suspect", "json"))
    summary = body["referrals"][0]["what_was_reported"]
    assert summary == "[third party] has moved to [address]; her new mobile is [phone number]"
    made = {(r["what"], r["whose"], r["why"]) for r in body["redactions"]["made"]}
    assert ("address", "Third party 1", "their address, as held") in made
    assert ("phone", "Third party 1", "their phone number, as held") in made
    assert body["redactions"]["third_parties"] == [
        {"label": "Third party 1", "known_as": f"victim in {case.referrals.get().reference}, victim in {case.reference}"}
    ]
