"""Every shipped instrument, scored on hand-computed cases. Pure Python, no database."""

from __future__ import annotations

from datetime import date

import pytest

from masip.assessments.engine import (
    AGENCY_KINDS,
    STALKER_TYPES,
    AnswerError,
    AnswerProblemCode,
    ItemType,
    Judgement,
    JudgementError,
    evaluate,
    load_directory,
    redact_answers,
    validate_answers,
)

REGISTRY = load_directory()
DASH = REGISTRY.latest("dash")
SDASH = REGISTRY.latest("sdash")
SASH = REGISTRY.latest("sash")
SRP = REGISTRY.latest("srp")
SCSQ = REGISTRY.latest("scsq")
CAS = REGISTRY.latest("cas")


def codes(result) -> list[str]:
    return [r.code for r in result.recommendations]


def test_the_six_instruments_ship_and_rank_on_one_scale():
    assert REGISTRY.codes() == ("cas", "dash", "sash", "scsq", "sdash", "srp")
    for definition in REGISTRY:
        assert definition.version == 1
        assert all(1 <= level.rank <= 3 for level in definition.levels)
        for section in definition.sections:
            assert section.restricted_to <= AGENCY_KINDS


# --- DASH -------------------------------------------------------------------

DASH_QUESTIONS = [item.id for item in DASH.sections[0].items]


def dash_answers(yes: list[int], dont_know: list[int] = (), **extra: object) -> dict[str, object]:
    """Answers to all 27 questions: the numbered ones "yes" / "don't know", the rest "no"."""
    answers: dict[str, object] = {
        item_id: "yes" if n in yes else "dont_know" if n in dont_know else "no"
        for n, item_id in enumerate(DASH_QUESTIONS, start=1)
    }
    answers.update(extra)
    return answers


def test_dash_has_27_yes_no_dont_know_questions_with_question_8_on_stalking():
    assert len(DASH_QUESTIONS) == 27
    assert all(item.type is ItemType.YES_NO_DONT_KNOW and item.required for item in DASH.sections[0].items)
    assert DASH_QUESTIONS[7] == "q08_stalking_harassment"
    assert DASH_QUESTIONS[26].startswith("q27_")


@pytest.mark.parametrize(
    ("yes", "level", "rank"),
    [
        ([], "standard", 1),
        ([1, 2, 3, 4, 5, 6, 7, 9, 10], "standard", 1),  # 9 yes: below the local medium band
        ([1, 2, 3, 4, 5, 6, 7, 9, 10, 11], "medium", 2),  # 10 yes
        ([1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14], "medium", 2),  # 13 yes
        ([1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15], "high", 3),  # 14 yes: visible high risk
        (list(range(1, 28)), "high", 3),
    ],
)
def test_dash_bands_on_the_count_of_yes(yes, level, rank):
    result = evaluate(DASH, dash_answers(yes))
    assert result.scores["yes_count"] == len(yes)
    assert result.computed_level == result.final_level == level
    assert result.risk_rank == rank
    assert result.complete


def test_dash_high_risk_recommends_marac():
    result = evaluate(DASH, dash_answers([1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15]))
    assert codes(result) == ["marac_referral"]
    assert "refer to MARAC" in result.recommendations[0].text


def test_dash_dont_know_does_not_count_as_yes():
    result = evaluate(
        DASH, dash_answers(yes=[1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14], dont_know=[20, 21, 22])
    )
    assert result.scores == {"yes_count": 13, "dont_know_count": 3}
    assert result.final_level == "medium"


def test_dash_question_8_yes_calls_for_the_sdash_whatever_the_score():
    result = evaluate(DASH, dash_answers([8]))
    assert result.final_level == "standard"
    assert codes(result) == ["complete_sdash"]
    assert "S-DASH" in result.recommendations[0].text


@pytest.mark.parametrize(("incidents", "flagged"), [(None, False), (2, False), (3, True), (12, True)])
def test_dash_escalation_is_a_separate_referral_ground(incidents, flagged):
    result = evaluate(DASH, dash_answers([], incidents_last_12_months=incidents))
    assert result.final_level == "standard"  # escalation does not change the score...
    assert ("escalation_referral" in codes(result)) is flagged  # ...it is its own referral ground


def test_dash_draft_scores_and_lists_what_sign_off_needs():
    result = evaluate(DASH, {"q01_injury": "yes", "q08_stalking_harassment": "yes"})
    assert result.scores["yes_count"] == 2
    assert not result.complete
    assert len(result.missing_required) == 25
    assert "incidents_last_12_months" not in result.missing_required  # optional


# --- S-DASH -----------------------------------------------------------------


def test_sdash_counts_yes_and_has_no_cut_off():
    questions = [item.id for item in SDASH.items]
    assert len(questions) == 11
    assert all(item.type is ItemType.YES_NO for item in SDASH.items)
    answers = {item_id: "yes" if n < 7 else "no" for n, item_id in enumerate(questions)}
    result = evaluate(SDASH, answers)
    assert result.scores == {"yes_count": 7}
    assert result.computed_level is None and result.final_level is None
    assert result.risk_rank == 0  # no cut-off: the triage queue ranks it "none/unknown"


@pytest.mark.parametrize("yes", [0, 11])
def test_sdash_always_feeds_the_risk_management_plan(yes):
    answers = {item.id: "yes" if n < yes else "no" for n, item in enumerate(SDASH.items)}
    assert codes(evaluate(SDASH, answers)) == ["feed_risk_management_plan"]


def test_sdash_has_no_dont_know():
    with pytest.raises(AnswerError) as error:
        evaluate(SDASH, {"s01_very_frightened": "dont_know"})
    assert error.value.problems[0].code is AnswerProblemCode.NOT_AN_OPTION


# --- SASH -------------------------------------------------------------------


def sash_answers(*, ex_partner: bool, concern: str, yes: int = 0) -> dict[str, object]:
    answers: dict[str, object] = {f"sash_{n:02d}": "yes" if n <= yes else "no" for n in range(1, 14)}
    answers["suspect_is_ex_partner"] = "yes" if ex_partner else "no"
    answers["overall_concern"] = concern
    answers["concern_reasons"] = "Reasons."
    return answers


def test_sash_ships_structure_only_with_placeholder_labels():
    assert SASH.licensed
    assert SASH.item("sash_07").label == "SASH item 7 (licensed wording not loaded)"
    every_case = [i for i in SASH.items if i.id.startswith("sash_") and not i.id.startswith("sash_ex")]
    assert len(every_case) == 13
    assert [i.id for i in SASH.items if i.id.startswith("sash_ex_")] == [
        "sash_ex_1",
        "sash_ex_2",
        "sash_ex_3",
    ]


def test_sash_asks_three_more_items_only_where_the_suspect_is_an_ex_partner():
    stranger = sash_answers(ex_partner=False, concern="low")
    assert validate_answers(SASH, stranger, sign_off=True) == []

    ex_partner = sash_answers(ex_partner=True, concern="low")
    missing = [p.item_id for p in validate_answers(SASH, ex_partner, sign_off=True)]
    assert missing == ["sash_ex_1", "sash_ex_2", "sash_ex_3"]

    stranger_with_ex_answers = {**stranger, "sash_ex_1": "yes"}
    problems = validate_answers(SASH, stranger_with_ex_answers)
    assert [(p.item_id, p.code) for p in problems] == [("sash_ex_1", AnswerProblemCode.NOT_ASKED)]


def test_sash_yes_count_includes_ex_partner_items_when_asked():
    answers = {**sash_answers(ex_partner=True, concern="low", yes=2), "sash_ex_1": "yes", "sash_ex_2": "no"}
    assert evaluate(SASH, answers).scores == {"yes_count": 3}


@pytest.mark.parametrize(
    ("concern", "rank", "srp"), [("low", 1, False), ("moderate", 2, True), ("high", 3, True)]
)
def test_sash_concern_is_the_level_and_moderate_or_high_calls_for_the_srp(concern, rank, srp):
    # The concern is a judgement, not a sum: 13 "yes" with low concern stays low.
    result = evaluate(SASH, sash_answers(ex_partner=False, concern=concern, yes=13))
    assert result.final_level == concern
    assert result.risk_rank == rank
    assert ("complete_srp" in codes(result)) is srp


def test_sash_concern_cannot_be_overridden_it_is_itself_the_judgement():
    with pytest.raises(JudgementError):
        evaluate(SASH, sash_answers(ex_partner=False, concern="low"), judgement=Judgement("high", "Worried"))


# --- SRP --------------------------------------------------------------------


def srp_answers(**domains: str) -> dict[str, object]:
    ratings = {
        "risk_of_violence": "low",
        "risk_of_persistence": "low",
        "risk_of_recurrence_same_victim": "low",
        "risk_of_recurrence_new_victim": "low",
        "risk_of_psychosocial_damage": "low",
    }
    ratings.update(domains)
    return {
        "context_of_onset": "Ended relationship in March.",
        "initial_motive": "To restore the relationship.",
        "stalker_type": "rejected",
        "formulation": "Formulation text.",
        **ratings,
    }


def test_srp_outputs_the_stalker_type():
    assert SRP.item("stalker_type").option_values == STALKER_TYPES
    result = evaluate(SRP, srp_answers())
    assert result.stalker_type == "rejected"
    assert result.complete


def test_srp_overall_level_is_the_highest_domain_judgement():
    assert evaluate(SRP, srp_answers()).final_level == "low"
    result = evaluate(SRP, srp_answers(risk_of_recurrence_new_victim="moderate"))
    assert (result.final_level, result.risk_rank) == ("moderate", 2)
    result = evaluate(SRP, srp_answers(risk_of_persistence="high", risk_of_violence="moderate"))
    assert (result.final_level, result.risk_rank) == ("high", 3)


def test_srp_recommendations():
    assert codes(evaluate(SRP, srp_answers())) == ["reassess_after_intervention"]
    result = evaluate(SRP, srp_answers(risk_of_violence="high", risk_of_psychosocial_damage="moderate"))
    assert codes(result) == ["review_safety_plan", "stalker_health_needs", "reassess_after_intervention"]


def test_srp_sign_off_needs_the_context_the_motive_and_the_formulation():
    answers = srp_answers()
    for item_id in ("context_of_onset", "initial_motive", "formulation"):
        answers[item_id] = "  "  # blank text is not an answer
    problems = validate_answers(SRP, answers, sign_off=True)
    assert [(p.item_id, p.code) for p in problems] == [
        ("context_of_onset", AnswerProblemCode.REQUIRED_MISSING),
        ("initial_motive", AnswerProblemCode.REQUIRED_MISSING),
        ("formulation", AnswerProblemCode.REQUIRED_MISSING),
    ]


def test_srp_clinical_section_is_for_health_partners_only():
    clinical = next(s for s in SRP.sections if s.id == "clinical")
    assert clinical.restricted_to == frozenset({"health"})
    assert clinical.visible_to("health") and not clinical.visible_to("police")
    assert "clinical" not in [s.id for s in SRP.sections_visible_to("victim_advocacy")]

    answers = {**srp_answers(), "clinical_mental_disorder": "yes", "clinical_notes": "Under the CMHT."}
    police_view = redact_answers(SRP, answers, "police")
    assert "clinical_notes" not in police_view and "clinical_mental_disorder" not in police_view
    assert redact_answers(SRP, answers, "health") == answers

    # A police contribution may not answer the clinical section; a health one may.
    problems = validate_answers(SRP, {"clinical_notes": "x"}, agency_kind="police")
    assert [p.code for p in problems] == [AnswerProblemCode.RESTRICTED]
    assert validate_answers(SRP, {"clinical_notes": "x"}, agency_kind="health") == []

    # The result, which every agency sees, is the same with or without clinical answers.
    assert evaluate(SRP, answers) == evaluate(SRP, srp_answers())


# --- SCSQ -------------------------------------------------------------------


def scsq_answers(yes: tuple[str, ...] = (), four: str = "yes", **extra: object) -> dict[str, object]:
    indicators = [item.id for item in SCSQ.items if SCSQ.section_of(item.id).id == "risk_indicators"]
    answers: dict[str, object] = {item_id: "yes" if item_id in yes else "no" for item_id in indicators}
    answers.update({f"four_{c}": four for c in ("fixated", "obsessive", "unwanted", "repeated")})
    answers["relationship"] = "ex_intimate"
    answers.update(extra)
    return answers


@pytest.mark.parametrize(
    ("yes", "score", "level"),
    [
        ((), 0, "low"),
        (("victim_very_frightened", "threats_of_violence"), 3, "low"),  # 1 + 2
        (("physical_violence", "substance_misuse"), 4, "medium"),  # 3 + 1
        (("physical_violence", "threats_of_violence", "escalating"), 7, "medium"),  # 3 + 2 + 2
        (("physical_violence", "threats_of_violence", "escalating", "breached_orders"), 8, "high"),  # + 1
    ],
)
def test_scsq_weighted_screening_score_and_local_bands(yes, score, level):
    result = evaluate(SCSQ, scsq_answers(yes))
    assert result.scores == {"four_count": 4, "screening_score": score}
    assert result.final_level == level
    assert ("complete_srp" in codes(result)) is (level == "high")


def test_scsq_dont_know_weighs_nothing():
    result = evaluate(SCSQ, scsq_answers((), physical_violence="dont_know"))
    assert result.scores["screening_score"] == 0


def test_scsq_flags_cases_that_do_not_meet_four():
    assert "not_all_four" not in codes(evaluate(SCSQ, scsq_answers()))
    assert "not_all_four" in codes(evaluate(SCSQ, scsq_answers(four_repeated="no")))
    assert "not_all_four" in codes(evaluate(SCSQ, scsq_answers(four="dont_know")))


def test_scsq_children_at_risk_suggests_social_services():
    assert "children_social_services" in codes(evaluate(SCSQ, scsq_answers(("children_at_risk",))))


def test_scsq_judgement_may_raise_with_a_reason():
    result = evaluate(
        SCSQ, scsq_answers(), judgement=Judgement("high", "Threats made to the victim's child.")
    )
    assert (result.computed_level, result.final_level, result.risk_rank) == ("low", "high", 3)
    assert "complete_srp" in codes(result)  # recommendations follow the final level


# --- CAS --------------------------------------------------------------------


def cas_answers(**extra: object) -> dict[str, object]:
    answers: dict[str, object] = {
        "review_reason": "initial",
        "review_date": "2019-03-01",
        "overall_risk": "medium",
        "risk_summary": "Daily messages, turned up at work twice.",
        "value_notes": "Investigative advice; advocate contact.",
        "motivation": "Wants reconciliation.",
        "recommended_actions": "Police: arrest strategy (OIC, 2 weeks).",
    }
    answers.update(extra)
    return answers


def test_cas_overall_risk_is_its_level():
    result = evaluate(CAS, cas_answers(overall_risk="high", perpetrator_type="resentful"))
    assert (result.final_level, result.final_level_label, result.risk_rank) == ("high", "High", 3)
    assert result.stalker_type == "resentful"
    assert codes(result) == ["clinic_discussion"]
    assert result.complete


def test_cas_suggests_an_srp_when_the_perpetrator_type_is_not_known():
    assert codes(evaluate(CAS, cas_answers())) == ["consider_srp"]
    assert codes(evaluate(CAS, cas_answers(perpetrator_type="rejected"))) == []
    assert codes(evaluate(CAS, cas_answers(overall_risk="low"))) == []


def test_cas_mappa_first():
    assert "mappa_first" in codes(evaluate(CAS, cas_answers(value_routes=["victim_advocacy", "mappa"])))


def test_cas_dates_as_text_or_date():
    assert validate_answers(CAS, cas_answers(review_date=date(2019, 3, 1))) == []
    problems = validate_answers(CAS, cas_answers(review_date="01/03/2019"))
    assert [(p.item_id, p.code) for p in problems] == [("review_date", AnswerProblemCode.WRONG_TYPE)]
