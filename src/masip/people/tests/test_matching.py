"""Search-before-create matching: pure functions, no database."""

from datetime import date

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from masip.people.matching import (
    KnownPerson,
    Match,
    MatchStrength,
    NameAgreement,
    TypedPerson,
    grade,
    identifier_value,
    match_person,
    name_agreement,
    name_key,
    name_tokens,
    phone_key,
    rank_matches,
    sounds_alike,
    surname_codes,
    transposed,
    unattended_choice,
)

DOB = date(1985, 3, 4)


def known(pid=1, *names, dob=DOB):
    return KnownPerson(pid, tuple(names) or ("Ryan Cole",), dob)


def test_tokens_fold_case_accents_titles_and_punctuation():
    assert name_tokens("Dr  Anne-Marie O'Neil") == ["annemarie", "oneil"]
    assert name_tokens("ZOË  Brontë") == ["zoe", "bronte"]


def test_name_key_ignores_order():
    assert name_key("Cole, Ryan") == name_key("ryan COLE")


def test_same_name_and_birth_date_is_strong():
    assert match_person("Ryan Cole", DOB, known()).strength == MatchStrength.STRONG


def test_swapped_name_order_still_matches():
    assert match_person("COLE Ryan", DOB, known()).strength == MatchStrength.STRONG


def test_different_birth_date_is_never_a_match():
    assert match_person("Ryan Cole", date(1990, 1, 1), known()).strength == MatchStrength.NONE


def test_day_and_month_transposed_is_likely():
    m = match_person("Ryan Cole", date(1985, 4, 3), known())
    assert m.strength == MatchStrength.LIKELY
    assert "date of birth with day and month swapped" in m.reasons


def test_missing_middle_name_with_same_birth_date_is_strong():
    assert match_person("Ryan Cole", DOB, known(1, "Ryan James Cole")).strength == MatchStrength.STRONG


def test_surname_only_needs_the_birth_date():
    assert match_person("Mark Cole", DOB, known()).strength == MatchStrength.POSSIBLE
    assert match_person("Mark Cole", None, known()).strength == MatchStrength.NONE


def test_alias_match_says_so():
    m = match_person("Ry Cole", None, known(1, "Ryan Cole", "Ry Cole"))
    assert m.strength == MatchStrength.LIKELY
    assert "alias 'Ry Cole'" in m.reasons[0]


def test_rank_orders_strongest_first_and_drops_non_matches():
    people = [known(1, "Ryan Cole", dob=None), known(2, "Ryan Cole"), known(3, "Amy Wood")]
    ranked = rank_matches("Ryan Cole", DOB, people)
    assert [m.person_id for m in ranked] == [2, 1]


names = st.lists(st.sampled_from(["ryan", "cole", "amy", "wood", "jo", "smith"]), min_size=1, max_size=3).map(
    " ".join
)


@given(st.permutations(["ryan", "james", "cole"]))
def test_any_order_of_the_same_names_is_strong(order):
    assert match_person(" ".join(order), DOB, known(1, "Ryan James Cole")).strength == MatchStrength.STRONG


@given(names)
def test_a_person_always_matches_themselves(name):
    assert match_person(name, DOB, known(1, name)).strength == MatchStrength.STRONG


# -- misspellings, identifiers and contact details (issue 9) ---------------------------

HARRY = KnownPerson(7, ("Harry Saunders",), date(1990, 6, 2))


def test_harry_sanders_finds_harry_saunders():
    assert name_agreement("Harry Sanders", "Harry Saunders") == NameAgreement.SIMILAR
    assert surname_codes("Harry Sanders") == surname_codes("Harry Saunders")  # so an index finds him
    assert match_person("Harry Sanders", date(1990, 6, 2), HARRY).strength == MatchStrength.LIKELY
    assert match_person("Harry Sanders", None, HARRY).strength == MatchStrength.POSSIBLE
    assert "similar name" in match_person("Harry Sanders", None, HARRY).reasons[0]
    assert rank_matches("SANDERS, Harry", None, [HARRY, known(8, "Harriet Sands")]) == [
        match_person("Harry Sanders", None, HARRY)
    ]


def test_a_typo_that_changes_the_sound_still_matches_by_spelling():
    assert sounds_alike("saunders", "saunder") and not sounds_alike("smith", "smithson")
    assert match_person("Harry Saunder", date(1990, 6, 2), HARRY).strength == MatchStrength.LIKELY


def test_different_people_with_the_same_surname_need_more_than_the_name():
    assert match_person("Mark Saunders", None, HARRY).strength == MatchStrength.NONE
    assert match_person("Mark Saunders", date(1990, 6, 2), HARRY).strength == MatchStrength.POSSIBLE


def test_a_shared_pnc_id_is_strong_even_without_a_name():
    harry = KnownPerson(7, ("Harry Saunders",), None, frozenset({("pnc", "2019/0012345X")}))
    typed = TypedPerson("", None, {"pnc": "2019/0012345x "})
    match = grade(typed, harry)
    assert match.strength == MatchStrength.STRONG and "same PNC ID" in match.reasons


def test_a_shared_identifier_with_a_different_name_waits_for_a_person():
    harry = KnownPerson(7, ("Harry Saunders",), None, frozenset({("nhs", "9434765919")}))
    match = grade(TypedPerson("Lucy Field", None, {"nhs": "943 476 5919"}), harry)
    assert match.strength == MatchStrength.LIKELY


def test_a_different_pnc_id_caps_a_name_match():
    harry = KnownPerson(7, ("Harry Saunders",), date(1990, 6, 2), frozenset({("pnc", "19/1A")}))
    match = grade(TypedPerson("Harry Saunders", date(1990, 6, 2), {"pnc": "19/2B"}), harry)
    assert match.strength == MatchStrength.POSSIBLE and "different PNC ID" in match.reasons


def test_same_phone_supports_a_name_match_and_alone_is_possible():
    harry = KnownPerson(7, ("Harry Saunders",), None, contacts=frozenset({phone_key("07700 900982")}))
    with_name = grade(TypedPerson("Harry Saunders", None, contacts=frozenset({phone_key("+44 7700 900982")})), harry)
    assert with_name.strength == MatchStrength.STRONG
    alone = grade(TypedPerson("", None, contacts=frozenset({"07700900982"})), harry)
    assert alone.strength == MatchStrength.POSSIBLE and "same phone number or email address" in alone.reasons


def test_identifiers_and_phones_are_normalised():
    assert identifier_value("nhs", "943 476 5919") == "9434765919"
    assert identifier_value("pnc", " 2019/0012345x") == "2019/0012345X"
    assert phone_key("+44 (0)7700-900982") == phone_key("07700 900 982") == "07700900982"


def test_unattended_choice_links_only_a_clear_strong_match():
    strong, likely = MatchStrength.STRONG, MatchStrength.LIKELY
    assert unattended_choice([Match(1, strong, ()), Match(2, MatchStrength.POSSIBLE, ())]) == 1
    assert unattended_choice([Match(1, strong, ()), Match(2, likely, ())]) is None
    assert unattended_choice([Match(1, strong, ()), Match(2, strong, ())]) is None
    assert unattended_choice([Match(1, likely, ())]) is None
    assert unattended_choice([]) is None


# Property tests. Names are made of letters the normaliser keeps. No deadline: the
# machine is shared, and a slow example is not a wrong one.
PROPERTIES = settings(deadline=None)

letters = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10).filter(
    lambda t: name_tokens(t) == [t]  # not a title such as "mr" or "jr", which names drop
)
dates = st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31))


@PROPERTIES
@given(letters, letters, dates)
def test_title_case_accents_and_order_do_not_change_the_grade(first, last, dob):
    person = KnownPerson(1, (f"{first} {last}",), dob)
    plain = match_person(f"{first} {last}", dob, person)
    assert plain.strength == MatchStrength.STRONG
    assert match_person(f"Mr {last.upper()}, {first.title()}", dob, person).strength == plain.strength


@PROPERTIES
@given(letters, st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=6, max_size=12), dates, st.data())
@example("harry", "saunders", date(1990, 6, 2), None)
def test_one_slip_of_the_keyboard_late_in_a_surname_still_matches(first, last, dob, data):
    """Jaro-Winkler weights the start of a name: one edit from the fifth letter on keeps a match."""
    if data is None:
        typo = "sanders"
    else:
        at = data.draw(st.integers(min_value=4, max_value=len(last) - 1))
        kind = data.draw(st.sampled_from(["substitute", "delete", "insert", "swap"]))
        letter = data.draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
        typo = {
            "substitute": last[:at] + letter + last[at + 1 :],
            "delete": last[:at] + last[at + 1 :],
            "insert": last[:at] + letter + last[at:],
            "swap": last[: at - 1] + last[at] + last[at - 1] + last[at + 1 :],
        }[kind]
    person = KnownPerson(1, (f"{first} {last}",), dob)
    assert match_person(f"{first} {typo}", dob, person).strength >= MatchStrength.LIKELY
    assert match_person(f"{first} {typo}", None, person).strength >= MatchStrength.POSSIBLE


@PROPERTIES
@given(letters, letters, dates)
def test_day_and_month_swapped_is_a_near_match_never_a_miss(first, last, dob):
    swapped = transposed(dob)
    assume(swapped is not None)
    person = KnownPerson(1, (f"{first} {last}",), dob)
    assert match_person(f"{first} {last}", swapped, person).strength == MatchStrength.LIKELY


@PROPERTIES
@given(letters, letters, dates, dates)
def test_a_different_birth_date_is_never_a_match_on_the_name(first, last, dob, other):
    assume(other != dob and transposed(other) != dob)
    person = KnownPerson(1, (f"{first} {last}",), dob)
    assert match_person(f"{first} {last}", other, person).strength == MatchStrength.NONE


@PROPERTIES
@given(letters, letters, st.one_of(st.none(), dates), st.one_of(st.none(), dates), letters, letters)
def test_a_shared_reference_number_never_weakens_a_match(first, last, dob, typed_dob, other_first, other_last):
    typed = TypedPerson(f"{other_first} {other_last}", typed_dob, {"probation_crn": "X123456"})
    without = grade(typed, KnownPerson(1, (f"{first} {last}",), dob))
    with_id = grade(typed, KnownPerson(1, (f"{first} {last}",), dob, frozenset({("probation_crn", "X123456")})))
    assert with_id.strength >= max(without.strength, MatchStrength.LIKELY)


@PROPERTIES
@given(letters, letters, st.one_of(st.none(), dates), st.one_of(st.none(), dates))
def test_a_different_pnc_id_is_never_more_than_possible(first, last, dob, typed_dob):
    person = KnownPerson(1, (f"{first} {last}",), dob, frozenset({("pnc", "19/1A")}))
    typed = TypedPerson(f"{first} {last}", typed_dob, {"pnc": "19/2B"})
    assert grade(typed, person).strength <= MatchStrength.POSSIBLE


@PROPERTIES
@given(st.lists(st.tuples(st.integers(1, 50), st.sampled_from(list(MatchStrength))), max_size=6))
def test_an_unattended_link_is_always_the_one_clear_strong_match(graded):
    matches = [Match(pid, strength, ()) for pid, strength in graded]
    chosen = unattended_choice(matches)
    if chosen is not None:
        assert [m.person_id for m in matches if m.strength == MatchStrength.STRONG] == [chosen]
        assert sum(m.strength >= MatchStrength.LIKELY for m in matches) == 1
