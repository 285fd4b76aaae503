"""Assessments through the pages: contributions, restricted sections, sign-off, corrections, reassessment."""

from __future__ import annotations

import pytest
from conftest import filled_answers
from django.core.management import call_command
from django.urls import reverse

from masip.assessments.instruments import definition
from masip.assessments.models import Assessment, Contribution
from masip.audit.models import AuditEvent
from masip.cases.models import Case


@pytest.fixture
def case(london, make_referral, accept, staff):
    accept(make_referral(london))
    case = Case.objects.get()
    case.allocations.create(user=staff["london-health"])
    case.allocations.create(user=staff["london-probation"])
    return case


def start(client, case, code):
    response = client.post(reverse("assessments:start_case", args=[case.pk]), {"instrument": code})
    assert response.status_code == 302, response.content
    return Assessment.objects.latest("id")


def post_answers(client, assessment, answers, action="save", **extra):
    """Post the form as a browser would: the current answers pre-filled, with these changed."""
    assessment.refresh_from_db()
    data = {"version": assessment.version, "action": action, **extra}
    for key, value in {**assessment.answers, **answers}.items():
        data[key] = value
    return client.post(reverse("assessments:detail", args=[assessment.pk]), data)


def test_only_tools_the_operating_model_offers_can_be_started(as_user, case):
    client = as_user("london-police")
    page = client.get(reverse("assessments:start_case", args=[case.pk])).content.decode()
    assert "Stalking Risk Profile" in page and "Case Analysis Summary" not in page  # CAS is Cheshire's
    response = client.post(reverse("assessments:start_case", args=[case.pk]), {"instrument": "cas"})
    assert response.status_code == 200 and not Assessment.objects.exists()


def test_partners_contribute_and_each_contribution_is_attributed(as_user, case):
    police, health = as_user("london-police"), None
    srp = start(police, case, "srp")
    post_answers(
        police,
        srp,
        {
            "stalker_type": "rejected",
            "context_of_onset": "After the break-up",
            "initial_motive": "Reconciliation",
            "risk_of_violence": "moderate",
        },
    )
    srp.refresh_from_db()
    from django.test import Client

    health = Client()
    health.force_login(case.allocations.get(user__username="london-health").user)
    response = post_answers(
        health,
        srp,
        {
            "clinical_mental_disorder": "yes",
            "clinical_notes": "Depressive episode",
            "risk_of_persistence": "high",
        },
    )
    assert response.status_code == 302
    contributions = list(Contribution.objects.filter(assessment=srp).select_related("agency"))
    assert [str(c.agency) for c in contributions] == ["Met Police", "STAC Health"]
    assert contributions[1].restricted_section_ids == ["clinical"]
    srp.refresh_from_db()
    assert srp.answers["stalker_type"] == "rejected" and srp.answers["clinical_notes"] == "Depressive episode"


def test_restricted_section_is_hidden_from_other_agencies(as_user, case, staff, complete_assessment):
    srp = complete_assessment(
        "srp", case=case, by="london-health", answers={"clinical_notes": "Depressive episode, under CMHT"}
    )
    police = as_user("london-police").get(reverse("assessments:detail", args=[srp.pk])).content.decode()
    assert "Depressive episode" not in police and "Seen by health staff only" in police
    health = as_user("london-health").get(reverse("assessments:detail", args=[srp.pk])).content.decode()
    assert "Depressive episode" in health


def test_a_forged_answer_to_a_restricted_section_is_refused(case, staff):
    from django.core.exceptions import ValidationError

    from masip.assessments.services import assessment_contribute, assessment_start

    srp = assessment_start(acting_user=staff["london-police"], instrument_code="srp", case=case)
    with pytest.raises(ValidationError) as raised:
        assessment_contribute(
            assessment=srp,
            acting_user=staff["london-police"],
            answers={"clinical_notes": "guess"},
            expected_version=srp.version,
        )
    assert "clinical_notes" in raised.value.message_dict
    srp.refresh_from_db()
    assert "clinical_notes" not in srp.answers


def test_answer_outside_the_options_is_refused_and_nothing_saved(as_user, case):
    client = as_user("london-police")
    dash = start(client, case, "dash")
    response = post_answers(client, dash, {"q01_injury": "perhaps", "q02_very_frightened": "yes"})
    assert response.status_code == 200
    assert "Select one of the options" in response.content.decode().replace("select one", "Select one")
    dash.refresh_from_db()
    assert dash.answers == {} and dash.version == 1


def test_sign_off_with_required_items_missing_is_refused(as_user, case):
    client = as_user("london-police")
    dash = start(client, case, "dash")
    response = post_answers(client, dash, {"q01_injury": "yes"}, action="sign_off")
    assert response.status_code == 200
    assert b"Answer every required question before sign-off" in response.content
    dash.refresh_from_db()
    assert dash.status == "draft"
    # "Save and sign off" is one step: refused, it saves nothing (issue 10, item 10).
    assert dash.answers == {} and dash.version == 1


def test_a_refused_sign_off_saves_nothing_and_the_same_page_signs_off_once_complete(as_user, case):
    """Issue 10, item 10: saved in one transaction and signed off in another, a refused sign-off
    left the answers saved under the refusal, and the page, still carrying the version it was
    opened at, then refused the completed form as "someone else saved this assessment"."""
    client = as_user("london-police")
    dash = start(client, case, "dash")
    url = reverse("assessments:detail", args=[dash.pk])
    opened = client.get(url).context["form"]["version"].value()
    response = client.post(url, {"version": opened, "action": "sign_off", "q01_injury": "yes"})
    page = response.content.decode()
    assert response.status_code == 200 and "Answer every required question before sign-off" in page
    assert "Your answers are saved" not in page
    dash.refresh_from_db()
    assert (dash.status, dash.answers, dash.version) == ("draft", {}, opened)  # nothing half-saved
    assert not AuditEvent.objects.filter(action="assessment.contribute").exists()
    form = response.context["form"]
    assert form["q01_injury"].value() == "yes"  # what was entered is still on the page
    answers = filled_answers(definition("dash"), {"q01_injury": "yes"})
    response = client.post(url, {**answers, "version": form["version"].value(), "action": "sign_off"})
    assert response.status_code == 302, response.context["form"].errors
    dash.refresh_from_db()
    assert dash.status == "signed_off" and dash.answers["q01_injury"] == "yes"


def test_sign_off_locks_sets_the_case_risk_and_recommends_the_sdash(as_user, case):
    client = as_user("london-police")
    dash = start(client, case, "dash")
    answers = filled_answers(definition("dash"), {f"q{n:02d}": None for n in []})
    yes = [i.id for i in definition("dash").items if i.id.startswith("q")][:15]
    answers.update({item_id: "yes" for item_id in yes})
    response = post_answers(client, dash, answers, action="sign_off")
    assert response.status_code == 302
    dash.refresh_from_db()
    assert dash.status == "signed_off" and dash.level_label == "High"
    case.refresh_from_db()
    assert case.risk_rank == 3 and case.risk_label == "High (DASH)"
    page = client.get(reverse("assessments:detail", args=[dash.pk])).content.decode()
    assert "Start the S-DASH" in page and 'name="version"' not in page  # locked: no form
    response = post_answers(client, dash, {"q01_injury": "no"})
    dash.refresh_from_db()
    assert dash.answers["q01_injury"] == "yes"


def test_judgement_may_raise_but_never_lower_and_needs_a_reason(as_user, case):
    client = as_user("london-police")
    dash = start(client, case, "dash")
    answers = filled_answers(definition("dash"))
    response = post_answers(client, dash, answers, judgement_level="high", judgement_reason="")
    assert response.status_code == 200
    dash.refresh_from_db()
    assert dash.judgement_level == ""
    response = post_answers(
        client, dash, answers, judgement_level="high", judgement_reason="Threats to kill since"
    )
    assert response.status_code == 302
    dash.refresh_from_db()
    assert dash.level_label == "High"


def test_only_authorised_roles_sign_off(cheshire, make_referral, staff, complete_assessment):
    from django.core.exceptions import PermissionDenied

    referral = make_referral(cheshire, by="cheshire-support")
    with pytest.raises(PermissionDenied, match="signed off by"):
        complete_assessment("scsq", referral=referral, by="cheshire-support")


def test_correction_after_sign_off_is_a_new_version_with_a_reason(as_user, case, complete_assessment):
    dash = complete_assessment("dash", case=case)
    client = as_user("london-police")
    response = client.post(reverse("assessments:correct", args=[dash.pk]), {"reason": ""})
    assert b"Enter why the assessment needs correcting" in response.content
    client.post(reverse("assessments:correct", args=[dash.pk]), {"reason": "Q1 was recorded wrongly"})
    correction = Assessment.objects.get(corrects=dash)
    assert correction.status == "draft" and correction.answers == dash.answers
    post_answers(client, correction, {"q01_injury": "yes"}, action="sign_off")
    dash.refresh_from_db()
    correction.refresh_from_db()
    assert dash.status == "superseded" and correction.status == "signed_off"


def test_reassessment_shows_what_changed(as_user, case, complete_assessment):
    first = complete_assessment(
        "srp", case=case, by="london-health", answers={"stalker_type": "rejected", "risk_of_violence": "high"}
    )
    client = as_user("london-health")
    client.post(reverse("assessments:reassess", args=[first.pk]))
    second = Assessment.objects.get(previous=first)
    post_answers(client, second, {"risk_of_violence": "low", "stalker_type": "resentful"}, action="sign_off")
    page = client.get(reverse("assessments:compare", args=[second.pk])).content.decode()
    assert "Risk of stalking violence" in page and "high" in page and "low" in page
    assert "rejected → resentful" in page
    case.refresh_from_db()
    assert case.stalker_type == "resentful"


def test_pdf_for_a_recipient_leaves_out_restricted_sections_and_is_logged(as_user, case, complete_assessment):
    from masip.partnerships.models import Agency

    srp = complete_assessment("srp", case=case, by="london-health", answers={"clinical_notes": "Under CMHT"})
    client = as_user("london-health")
    police = Agency.objects.get(name="Metropolitan Police Service")
    response = client.post(
        reverse("assessments:pdf", args=[srp.pk]), {"recipient": police.pk, "purpose": "Clinic"}
    )
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True
    ).stdout.decode()
    assert "Not included in this copy" in text and "Under CMHT" not in text
    assert AuditEvent.objects.get(action="assessment.pdf").recipient == "Met Police"


def test_case_page_shows_assessments_and_other_partnerships_get_not_found(as_user, case, complete_assessment):
    dash = complete_assessment("dash", case=case)
    page = as_user("london-police").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "DASH risk checklist" in page and 'id="case-risk"' in page
    assert as_user("cheshire-police").get(reverse("assessments:detail", args=[dash.pk])).status_code == 404


def test_a_stale_save_is_refused(as_user, case):
    client = as_user("london-police")
    dash = start(client, case, "dash")
    post_answers(client, dash, {"q01_injury": "yes"})
    response = client.post(
        reverse("assessments:detail", args=[dash.pk]), {"version": 1, "q01_injury": "no", "action": "save"}
    )  # a page loaded before the first save still carries version 1
    page = response.content.decode()
    assert "This assessment changed while you were editing it" in page
    assert "saved 1 answer" in page  # what changed meanwhile, and who (the same user, in another tab)
    dash.refresh_from_db()
    assert dash.answers["q01_injury"] == "yes"


def test_a_broken_definition_fails_the_system_check(settings, tmp_path):
    (tmp_path / "broken.yaml").write_text(
        "code: broken\nname: Broken\nversion: 1\nlevels:\n  - {id: low, label: Low, rank: 1}\n"
        "sections:\n  - id: x\n    title: X\n    items:\n      - {id: a, type: yesno, label: A}\n"
    )
    settings.MASIP_INSTRUMENTS_DIR = tmp_path
    from masip.assessments.checks import instrument_definitions_load

    errors = instrument_definitions_load(None)
    settings.MASIP_INSTRUMENTS_DIR = settings.PROJECT_DIR / "instruments"
    from masip.assessments.instruments import registry

    registry.cache_clear()
    messages = " ".join(e.msg for e in errors)
    assert "broken.yaml line 10" in messages and "unknown item type 'yesno'" in messages
    call_command("check")  # the shipped definitions load


def test_london_queue_orders_by_sash_concern(as_user, london, make_referral, complete_assessment):
    plain = make_referral(london, suspect="A One", victim="V One", behaviours=["violence"])
    high = make_referral(london, suspect="B Two", victim="V Two")
    complete_assessment(
        "sash", referral=high, answers={"overall_concern": "high"}
    )
    high.refresh_from_db()
    assert high.risk_rank == 3
    html = as_user("london-police").get(reverse("referrals:triage_queue", args=["london"])).content.decode()
    assert html.index(high.reference) < html.index(plain.reference)


def test_a_member_without_an_agency_is_told_their_answers_cannot_be_attributed(client, london, case, staff):
    """Each contribution names the contributor's agency: an account with none gets a clear error
    (it used to fail with a database error when the contribution was written)."""
    from masip.accounts.models import User
    from masip.assessments.services import assessment_start
    from masip.partnerships.models import Membership, Role

    dash = assessment_start(acting_user=staff["london-police"], instrument_code="dash", case=case)
    locum = User.objects.create_user(
        username="locum", password="x" * 20, first_name="Sam", last_name="Locum", is_demo_account=True
    )
    Membership.objects.create(user=locum, partnership=london, role=Role.PRACTITIONER)
    case.allocations.create(user=locum)
    client.force_login(locum)
    response = post_answers(client, dash, {"q01_injury": "yes"})
    assert response.status_code == 200
    assert "Your account has no agency, so your answers cannot be attributed" in response.content.decode()
    dash.refresh_from_db()
    assert dash.answers.get("q01_injury") != "yes" and not dash.contributions.exists()
