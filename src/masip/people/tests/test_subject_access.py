from __future__ import annotations

import json

import pytest
from django.urls import reverse

from masip.access.models import Category
from masip.audit.models import AuditEvent
from masip.cases.models import Case
from masip.people.subject_access import Redactor
from masip.sharing.services import information_record


@pytest.fixture
def case(london, make_referral, accept, staff):
    referral = make_referral(london, suspect="Ryan Cole", victim="Emma Hart")
    referral.summary = "Ryan Cole sends Emma Hart forty messages a night; Emma is frightened."
    referral.save()
    accept(referral)
    case = Case.objects.get()
    information_record(case=case, acting_user=staff["london-advocate"], category=Category.VICTIM_CONTACT,
                       title="Victim has moved", body="Emma Hart now lives at 7 Refuge Road.")
    information_record(case=case, acting_user=staff["london-police"], category=Category.POLICE_INTELLIGENCE,
                       title="Warning notice", body="Ryan Cole had a warning notice in 2017.")
    return case


def pack_for(client, person, fmt="json"):
    return client.post(reverse("people:subject_access", args=[person.pk]),
                       {"request_reference": "SAR-2026-001", "format": fmt})


def test_suspects_pack_redacts_the_victim_and_never_carries_her_contact(as_user, case):
    suspect = case.suspect
    response = pack_for(as_user("london-manager"), suspect)
    pack = json.loads(response.content)
    text = json.dumps(pack)
    assert pack["person"]["name"] == "Ryan Cole"
    assert "Emma" not in text and "Hart" not in text
    assert "[third party] sends" not in text  # the subject's own name stays
    assert "Ryan Cole sends [third party] forty messages a night; [third party] is frightened." in text
    assert "Refuge Road" not in text and "Victim has moved" not in text
    assert "warning notice in 2017" in text
    event = AuditEvent.objects.get(action="person.subject_access")
    assert event.operation == "disclosure" and "SAR-2026-001" in event.reason


def test_victims_pack_leaves_out_the_suspects_records(as_user, case):
    victim = case.parties.get(role="victim").person
    pack = json.loads(pack_for(as_user("london-manager"), victim).content)
    text = json.dumps(pack)
    assert "Ryan" not in text and "warning notice" not in text
    assert "7 Refuge Road" in text  # her own new address is hers


def test_pdf_pack(as_user, case):
    response = pack_for(as_user("london-manager"), case.suspect, fmt="pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_only_the_unit_manager_produces_packs(as_user, case):
    assert pack_for(as_user("london-police"), case.suspect).status_code == 403
    assert pack_for(as_user("cheshire-manager"), case.suspect).status_code == 404
    assert not AuditEvent.objects.filter(action="person.subject_access").exists()


def test_missing_request_reference_is_refused(as_user, case):
    response = as_user("london-manager").post(reverse("people:subject_access", args=[case.suspect.pk]),
                                              {"request_reference": "", "format": "json"})
    assert b"Enter the subject access request reference" in response.content


def test_redactor_replaces_whole_names_only():
    redact = Redactor.for_names(["Amy Li", "Jo Green"])
    assert redact("Amy Li met Jo Green by the green door") == "[third party] met [third party] by the [third party] door"
    assert redact("Amiable Lion") == "Amiable Lion"


class TestPersonCorrection:
    def test_edit_keeps_field_level_history(self, as_user, case):
        suspect = case.suspect
        client = as_user("london-police")
        url = reverse("people:edit", args=[suspect.pk])
        version = suspect.version  # the form carries the version it was opened at
        response = client.post(url, {"full_name": "Ryan J Cole", "sex": "male", "reason": "", "version": version})
        assert b"Enter why you are changing the record" in response.content
        client.post(
            url, {"full_name": "Ryan J Cole", "sex": "male", "reason": "Middle initial from PNC", "version": version}
        )
        html = client.get(reverse("people:detail", args=[suspect.pk])).content.decode()
        assert "full_name: “Ryan Cole” → “Ryan J Cole”" in html and "Middle initial from PNC" in html
