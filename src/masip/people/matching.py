"""Search-before-create: does a newly typed person match someone already known?

Pure functions over plain values, tested without a database. Referrers type
names inconsistently (order swapped, middle names dropped, hyphens, case), and
a date of birth may be missing or have day and month transposed, so matching
works on normalised name keys and grades what agrees.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

_NON_LETTERS = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
# Titles and suffixes referrers add that say nothing about identity.
_NOISE = frozenset({"mr", "mrs", "ms", "miss", "dr", "mx", "jr", "sr", "jnr", "snr"})


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


class MatchStrength(IntEnum):
    NONE = 0
    POSSIBLE = 1
    LIKELY = 2
    STRONG = 3


@dataclass(frozen=True)
class KnownPerson:
    """What matching needs to know about a person already on the system."""

    id: int
    names: tuple[str, ...]  # full name first, then aliases
    date_of_birth: date | None


@dataclass(frozen=True)
class Match:
    person_id: int
    strength: MatchStrength
    reasons: tuple[str, ...]


def _dob_agreement(a: date | None, b: date | None) -> str:
    if a is None or b is None:
        return "unknown"
    if a == b:
        return "same"
    if a.year == b.year and a.day == b.month and a.month == b.day:
        return "transposed"
    return "different"


def _name_agreement(typed: str, known_names: Iterable[str]) -> tuple[str, str]:
    """Best agreement between a typed name and any of a person's names."""
    typed_tokens = name_tokens(typed)
    if not typed_tokens:
        return "none", ""
    typed_key = " ".join(sorted(typed_tokens))
    best = ("none", "")
    for known in known_names:
        known_tokens = name_tokens(known)
        if not known_tokens:
            continue
        if " ".join(sorted(known_tokens)) == typed_key:
            return "full", known
        first_typed, last_typed = typed_tokens[0], typed_tokens[-1]
        first_known, last_known = known_tokens[0], known_tokens[-1]
        surname_same = last_typed == last_known
        if surname_same and first_typed == first_known:
            best = ("first_last", known)  # middle names differ or are missing
        elif surname_same and first_typed[0] == first_known[0] and best[0] not in {"first_last"}:
            best = ("initial_last", known)
        elif surname_same and best[0] == "none":
            best = ("last", known)
    return best


def match_person(typed_name: str, typed_dob: date | None, known: KnownPerson) -> Match:
    """Grade how well a typed name and date of birth fit one known person."""
    agreement, which = _name_agreement(typed_name, known.names)
    dob = _dob_agreement(typed_dob, known.date_of_birth)
    reasons: list[str] = []
    if agreement == "none" or dob == "different":
        return Match(known.id, MatchStrength.NONE, ())
    via_alias = which and which != known.names[0]
    name_reason = {
        "full": "same name",
        "first_last": "same first name and surname",
        "initial_last": "same surname and first initial",
        "last": "same surname",
    }[agreement]
    reasons.append(name_reason + (f" (alias {which!r})" if via_alias else ""))
    if dob == "same":
        reasons.append("same date of birth")
    elif dob == "transposed":
        reasons.append("date of birth with day and month swapped")

    if agreement == "full" and dob == "same":
        strength = MatchStrength.STRONG
    elif agreement in {"full", "first_last"} and dob in {"same", "transposed"}:
        strength = (
            MatchStrength.STRONG if agreement == "first_last" and dob == "same" else MatchStrength.LIKELY
        )
    elif agreement in {"full", "first_last"}:
        strength = MatchStrength.LIKELY if agreement == "full" else MatchStrength.POSSIBLE
    elif agreement in {"initial_last", "last"} and dob == "same":
        strength = MatchStrength.POSSIBLE
    else:
        strength = MatchStrength.NONE
    return Match(known.id, strength, tuple(reasons) if strength else ())


def rank_matches(
    typed_name: str, typed_dob: date | None, candidates: Iterable[KnownPerson], *, limit: int = 5
) -> list[Match]:
    """Matches worth showing, strongest first (ties broken by id for a stable order)."""
    graded = [match_person(typed_name, typed_dob, c) for c in candidates]
    kept = [m for m in graded if m.strength >= MatchStrength.POSSIBLE]
    kept.sort(key=lambda m: (-m.strength, m.person_id))
    return kept[:limit]
