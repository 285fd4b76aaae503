"""Search-before-create matching: pure functions, no database."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from masip.people.matching import (
    KnownPerson,
    MatchStrength,
    match_person,
    name_key,
    name_tokens,
    rank_matches,
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
