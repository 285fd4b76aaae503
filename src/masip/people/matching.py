"""Search-before-create: does a newly typed person match someone already known?

Pure functions over plain values, tested without a database. Referrers type
names inconsistently (order swapped, middle names dropped, hyphens, case,
misspellings such as "Sanders" for "Saunders"), a date of birth may be missing
or have day and month transposed, and a police or NHS system may send only a
reference number. So matching works on normalised name keys and grades what
agrees:

- names: exact tokens, then "sounds alike" (Double Metaphone codes shared, or
  Jaro-Winkler high with one edit apart), then surname and first initial;
- date of birth: the same, or day and month swapped (a near match);
- identifiers (PNC ID, NHS number, probation CRN): the same value is strong
  evidence; a different value in a scheme that is unique per person (PNC, NHS)
  is evidence against;
- phone numbers and email addresses: supporting evidence only (families and
  households share them).

The database stores the phonetic keys (`surname_codes`, `forename_code`) in
indexed columns so that candidates are found by index, never by scanning
everyone; this module then grades the few candidates found.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum

import jellyfish
from doublemetaphone import doublemetaphone

_NON_LETTERS = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
# Titles and suffixes referrers add that say nothing about identity.
_NOISE = frozenset({"mr", "mrs", "ms", "miss", "dr", "mx", "jr", "sr", "jnr", "snr"})
# Two spellings "sound alike" when they share a Double Metaphone code, or when
# Jaro-Winkler similarity is at least this and they are one edit apart (a typo
# such as "Saunder" for "Saunders", whose codes differ).
SIMILAR_SPELLING = 0.9
# Schemes whose value belongs to one person only: a different value is evidence
# of a different person. (A probation CRN can be re-issued; "other" is anything.)
UNIQUE_SCHEMES = frozenset({"pnc", "nhs"})
SCHEME_LABELS = {
    "pnc": "PNC ID",
    "nhs": "NHS number",
    "probation_crn": "probation CRN",
    "police_local": "local police record number",
    "other": "reference",
}


def name_tokens(name: str) -> list[str]:
    """Lower-case ASCII tokens of a name, without titles: "Dr Anne-Marie O'Neil" -> ['annemarie', 'oneil']."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    folded = folded.replace("-", "").replace("'", "").replace("\u2019", "")
    folded = _SPACES.sub(" ", _NON_LETTERS.sub(" ", folded)).strip()
    return [t for t in folded.split(" ") if t and t not in _NOISE]


def name_key(name: str) -> str:
    """Order-free key: the same for "Smith John" and "john SMITH"."""
    return " ".join(sorted(name_tokens(name)))


def surname_key(name: str) -> str:
    """The last token, which is what an index can look up cheaply."""
    tokens = name_tokens(name)
    return tokens[-1] if tokens else ""


def token_codes(token: str) -> frozenset[str]:
    """Double Metaphone codes (primary and alternate) of one name token."""
    if not token:
        return frozenset()
    return frozenset(code for code in doublemetaphone(token) if code)


def surname_codes(name: str) -> tuple[str, str]:
    """(primary, alternate) Double Metaphone codes of the surname, for indexed columns.

    The alternate is stored even when it equals the primary, so a lookup needs
    no special case.
    """
    tokens = name_tokens(name)
    if not tokens:
        return "", ""
    primary, alternate = doublemetaphone(tokens[-1])
    return primary, alternate or primary


def forename_code(name: str) -> str:
    """Primary Double Metaphone code of the first name ("" for a single-token name)."""
    tokens = name_tokens(name)
    return doublemetaphone(tokens[0])[0] if len(tokens) > 1 else ""


def name_codes(name: str) -> frozenset[str]:
    """Every Double Metaphone code of every token of a name (what a typed name is looked up by)."""
    return frozenset(code for token in name_tokens(name) for code in token_codes(token))


def phonetic_columns(name: str) -> dict[str, str]:
    """The indexed key columns a person row stores for its name."""
    primary, alternate = surname_codes(name)
    return {
        "name_key": name_key(name),
        "surname_key": surname_key(name),
        "surname_phonetic": primary,
        "surname_phonetic_alt": alternate,
        "forename_phonetic": forename_code(name),
    }


# -- normalising identifiers and contact details -------------------------------------


def identifier_value(scheme: str, value: str) -> str:
    """How an identifier is stored and compared: upper case without spaces; an NHS number as digits."""
    value = re.sub(r"\s+", "", value or "").upper()
    if scheme == "nhs":
        value = re.sub(r"\D", "", value)
    return value


def phone_key(value: str) -> str:
    """Digits of a UK phone number in national form: "+44 7700 900982" -> "07700900982"."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("44") and len(digits) >= 11:
        digits = "0" + digits[2:].removeprefix("0")  # "+44 (0)7700 ..." as often written
    return digits


def email_key(value: str) -> str:
    return (value or "").strip().lower()


def contact_key(kind: str, value: str) -> str:
    """The comparable form of a phone number or email address ("" for an address)."""
    if kind == "phone":
        return phone_key(value)
    if kind == "email":
        return email_key(value)
    return ""


_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[\s/.-]+(\d{1,2})[\s/.-]+(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDY_DATE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$")


def parse_date_of_birth(text: str) -> date | None:
    """A date typed into search, British order: "4/3/1985", "04-03-1985", "4 3 1985",
    "1985-03-04", "4 March 1985", "4th Mar 1985". None if it is not a real date."""
    text = text.strip().lower()
    day = month = year = None
    if found := _NUMERIC_DATE.match(text):
        day, month, year = (int(g) for g in found.groups())
    elif found := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in found.groups())
    elif (found := _WORDY_DATE.match(text)) and found.group(2) in _MONTHS:
        day, month, year = int(found.group(1)), _MONTHS[found.group(2)], int(found.group(3))
    if day is None or month is None or year is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def transposed(day: date | None) -> date | None:
    """The same date with day and month swapped, if that is a different real date."""
    if day is None or day.day > 12 or day.day == day.month:
        return None
    try:
        return day.replace(month=day.day, day=day.month)
    except ValueError:
        return None


# -- grading --------------------------------------------------------------------------


class MatchStrength(IntEnum):
    NONE = 0
    POSSIBLE = 1
    LIKELY = 2
    STRONG = 3


class NameAgreement(IntEnum):
    NONE = 0
    LAST = 1  # same surname only
    INITIAL_LAST = 2  # same surname and first initial
    SIMILAR = 3  # first name and surname sound alike or are spelt nearly the same
    FIRST_LAST = 4  # same first name and surname; middle names differ or are missing
    FULL = 5  # the same names, in any order


_NAME_REASONS = {
    NameAgreement.FULL: "same name",
    NameAgreement.FIRST_LAST: "same first name and surname",
    NameAgreement.SIMILAR: "similar name (sounds alike or spelt nearly the same)",
    NameAgreement.INITIAL_LAST: "same surname and first initial",
    NameAgreement.LAST: "same surname",
}


@dataclass(frozen=True)
class KnownPerson:
    """What matching needs to know about a person already on the system."""

    id: int
    names: tuple[str, ...]  # full name first, then aliases
    date_of_birth: date | None
    identifiers: frozenset[tuple[str, str]] = frozenset()  # (scheme, normalised value)
    contacts: frozenset[str] = frozenset()  # phone_key / email_key values


@dataclass(frozen=True)
class TypedPerson:
    """What a referral says about someone: any of it may be missing."""

    name: str = ""
    date_of_birth: date | None = None
    identifiers: Mapping[str, str] = field(default_factory=dict)  # scheme -> value (normalised here)
    contacts: frozenset[str] = frozenset()

    def identifier_pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset(
            (scheme, identifier_value(scheme, value)) for scheme, value in self.identifiers.items() if value
        )


@dataclass(frozen=True)
class Match:
    person_id: int
    strength: MatchStrength
    reasons: tuple[str, ...]


def sounds_alike(a: str, b: str) -> bool:
    """Two name tokens that a listener or a typist could confuse."""
    if a == b:
        return True
    if token_codes(a) & token_codes(b):
        return True
    return (
        min(len(a), len(b)) >= 4
        and jellyfish.jaro_winkler_similarity(a, b) >= SIMILAR_SPELLING
        and jellyfish.damerau_levenshtein_distance(a, b) <= 1
    )


def _pair_agreement(first_typed: str, last_typed: str, first_known: str, last_known: str) -> NameAgreement:
    if last_typed == last_known:
        if first_typed == first_known:
            return NameAgreement.FIRST_LAST
        if sounds_alike(first_typed, first_known):
            return NameAgreement.SIMILAR
        if first_typed[0] == first_known[0]:
            return NameAgreement.INITIAL_LAST
        return NameAgreement.LAST
    if sounds_alike(last_typed, last_known) and sounds_alike(first_typed, first_known):
        return NameAgreement.SIMILAR
    return NameAgreement.NONE


def name_agreement(typed: str, known: str) -> NameAgreement:
    """How far two names agree, whichever way round the typed one was written."""
    typed_tokens, known_tokens = name_tokens(typed), name_tokens(known)
    if not typed_tokens or not known_tokens:
        return NameAgreement.NONE
    if sorted(typed_tokens) == sorted(known_tokens):
        return NameAgreement.FULL
    if len(typed_tokens) == 1 or len(known_tokens) == 1:
        # One name only (a surname, or a single-name person): it can agree on the surname at most.
        return NameAgreement.LAST if typed_tokens[-1] == known_tokens[-1] else NameAgreement.NONE
    first_known, last_known = known_tokens[0], known_tokens[-1]
    as_typed = _pair_agreement(typed_tokens[0], typed_tokens[-1], first_known, last_known)
    swapped = _pair_agreement(typed_tokens[-1], typed_tokens[0], first_known, last_known)
    return max(as_typed, swapped)


def _best_name(typed: str, names: Iterable[str]) -> tuple[NameAgreement, str]:
    best, which = NameAgreement.NONE, ""
    for known in names:
        agreement = name_agreement(typed, known)
        if agreement > best:
            best, which = agreement, known
    return best, which


def _dob_agreement(a: date | None, b: date | None) -> str:
    if a is None or b is None:
        return "unknown"
    if a == b:
        return "same"
    if transposed(a) == b:
        return "transposed"
    return "different"


# Strength from name and date of birth alone. A different date of birth is never a match
# on the name (father and son share names); a swapped day and month is one step below the same.
_BY_NAME_AND_DOB = {
    NameAgreement.FULL: {"same": MatchStrength.STRONG, "transposed": MatchStrength.LIKELY, "unknown": MatchStrength.LIKELY},
    NameAgreement.FIRST_LAST: {"same": MatchStrength.STRONG, "transposed": MatchStrength.LIKELY, "unknown": MatchStrength.POSSIBLE},
    NameAgreement.SIMILAR: {"same": MatchStrength.LIKELY, "transposed": MatchStrength.POSSIBLE, "unknown": MatchStrength.POSSIBLE},
    NameAgreement.INITIAL_LAST: {"same": MatchStrength.POSSIBLE, "transposed": MatchStrength.POSSIBLE},
    NameAgreement.LAST: {"same": MatchStrength.POSSIBLE},
}


def grade(typed: TypedPerson, known: KnownPerson) -> Match:
    """Grade how well what a referral says fits one known person."""
    agreement, which = _best_name(typed.name, known.names) if typed.name else (NameAgreement.NONE, "")
    dob = _dob_agreement(typed.date_of_birth, known.date_of_birth)
    reasons: list[str] = []
    strength = MatchStrength.NONE
    if dob != "different":
        strength = _BY_NAME_AND_DOB.get(agreement, {}).get(dob, MatchStrength.NONE)
    if agreement:
        via_alias = which and which != known.names[0]
        reasons.append(_NAME_REASONS[agreement] + (f" (alias {which!r})" if via_alias else ""))
    if dob == "same":
        reasons.append("same date of birth")
    elif dob == "transposed":
        reasons.append("date of birth with day and month swapped")
    elif dob == "different":
        reasons.append("different date of birth")

    typed_ids = typed.identifier_pairs()
    shared = sorted(typed_ids & known.identifiers)
    if shared:
        reasons.extend(f"same {SCHEME_LABELS.get(scheme, scheme)}" for scheme, _ in shared)
        # A shared reference number is strong unless the name or date of birth says otherwise.
        named_otherwise = bool(typed.name and name_tokens(typed.name)) and agreement == NameAgreement.NONE
        strength = MatchStrength.LIKELY if named_otherwise or dob == "different" else MatchStrength.STRONG
    else:
        known_schemes = dict(known.identifiers)
        conflicts = sorted(
            scheme for scheme, value in typed_ids
            if scheme in UNIQUE_SCHEMES and scheme in known_schemes
            and all(v != value for s, v in known.identifiers if s == scheme)
        )
        if conflicts and strength:
            reasons.extend(f"different {SCHEME_LABELS[scheme]}" for scheme in conflicts)
            strength = min(strength, MatchStrength.POSSIBLE)
        elif conflicts:
            return Match(known.id, MatchStrength.NONE, ())

    if typed.contacts & known.contacts and dob != "different":
        reasons.append("same phone number or email address")
        if strength == MatchStrength.NONE:
            strength = MatchStrength.POSSIBLE
        elif strength < MatchStrength.STRONG:
            ceiling = MatchStrength.STRONG if agreement >= NameAgreement.FIRST_LAST else MatchStrength.LIKELY
            strength = min(MatchStrength(strength + 1), ceiling)

    if strength == MatchStrength.NONE:
        return Match(known.id, MatchStrength.NONE, ())
    return Match(known.id, strength, tuple(reasons))


def match_person(
    typed_name: str,
    typed_dob: date | None,
    known: KnownPerson,
    *,
    identifiers: Mapping[str, str] | None = None,
    contacts: Iterable[str] = (),
) -> Match:
    """Grade how well a typed name and date of birth (and any identifiers) fit one known person."""
    return grade(
        TypedPerson(typed_name, typed_dob, dict(identifiers or {}), frozenset(c for c in contacts if c)), known
    )


def rank(typed: TypedPerson, candidates: Iterable[KnownPerson], *, limit: int = 5) -> list[Match]:
    """Matches worth showing, strongest first (ties broken by id for a stable order)."""
    kept = [m for m in (grade(typed, c) for c in candidates) if m.strength >= MatchStrength.POSSIBLE]
    kept.sort(key=lambda m: (-m.strength, m.person_id))
    return kept[:limit]


def rank_matches(
    typed_name: str, typed_dob: date | None, candidates: Iterable[KnownPerson], *, limit: int = 5
) -> list[Match]:
    return rank(TypedPerson(typed_name, typed_dob), candidates, limit=limit)


def unattended_choice(matches: Iterable[Match]) -> int | None:
    """The person a machine may link without asking anyone: the only strong match,
    with no other match even likely. Anything less waits for a person to confirm."""
    matches = list(matches)
    strong = [m for m in matches if m.strength == MatchStrength.STRONG]
    if len(strong) != 1:
        return None
    if any(m.strength >= MatchStrength.LIKELY for m in matches if m is not strong[0]):
        return None
    return strong[0].person_id
