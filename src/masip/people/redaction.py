"""Redacting other people's personal data from free text (subject access packs).

Pure functions over plain values, tested without a database. A third party is
known by what the system holds about them - names, aliases, addresses, phone
numbers, email addresses and reference numbers - and free text writes these as
people type them: in any case, with spaces where the record has none (or the
other way round), a phone number as +44 or 0, a postcode with or without its
space, a street without its house number. Anything that looks like a UK
postcode, phone number or email address is redacted too unless it is the
subject's own. Every redaction is counted with what it was and why, for the
information governance reviewer; the values themselves are never repeated.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from masip.people.matching import name_tokens

REDACTED = "[third party]"

PLACEHOLDERS = {
    "name": REDACTED,
    "address": "[address]",
    "postcode": "[postcode]",
    "phone": "[phone number]",
    "email": "[email address]",
    "reference number": "[reference number]",
}

# UK postcodes (outward code, inward code), phone numbers (0, 44, +44 or 0044 and 9-10 more digits)
# and email addresses, as people type them.
POSTCODE = re.compile(r"\b(?:GIR\s*0AA|[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2})\b", re.IGNORECASE)
_SEP = r"[\s\-().]*"  # what people put between the digits of a phone number
_UK_PREFIX = rf"(?:(?:(?:\+|0{_SEP}0){_SEP})?4{_SEP}4{_SEP}(?:\(\s*0\s*\){_SEP})?|0{_SEP})"  # 0, 44, +44, 0044, +44 (0)
PHONE = re.compile(rf"(?<![\d+]){_UK_PREFIX}(?:{_SEP}\d){{9,10}}(?!\d)")
EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+(?![\w\-])", re.IGNORECASE)

_REFERENCE_SEPARATORS = r"[\s\-/.]*"


@dataclass(frozen=True)
class Identifiers:
    """What the system holds about one person."""

    names: tuple[str, ...] = ()  # full name first, then aliases
    addresses: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    references: tuple[str, ...] = ()  # PNC, NHS number, probation CRN...


@dataclass(frozen=True)
class ThirdParty:
    label: str  # "Third party 1": how the reviewer's list names them
    role: str  # "victim in LON-R00001", so the reviewer can find them
    known: Identifiers


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern
    kind: str
    whose: str  # a third party's label, or "" for a pattern
    why: str


@dataclass
class Redactor:
    """Replaces third parties' identifiers in text; `log` counts what was replaced where."""

    rules: list[_Rule]
    own: Identifiers = field(default_factory=Identifiers)
    log: Counter = field(default_factory=Counter)

    def __post_init__(self):
        # One pass over the text, so that nothing matches inside a placeholder already put in.
        self._combined = (
            re.compile("|".join(f"(?P<r{i}>{r.pattern.pattern})" for i, r in enumerate(self.rules)), re.IGNORECASE)
            if self.rules
            else None
        )
        self._own_phones = {_national_digits(p) for p in self.own.phones}
        self._own_emails = {e.strip().casefold() for e in self.own.emails}
        self._own_postcodes = {_compact(m.group()) for a in self.own.addresses for m in POSTCODE.finditer(a)}

    @classmethod
    def for_people(
        cls, third_parties: Iterable[ThirdParty], *, own: Identifiers = Identifiers(), patterns: bool = True
    ) -> Redactor:
        rules: list[tuple[int, _Rule]] = []
        own_tokens = {t for n in own.names for t in name_tokens(n)}
        for party in third_parties:
            rules.extend(_rules_for(party, own_tokens))
        # Longest first, so a whole address goes before its street and a full name before its parts.
        ordered = [rule for _, rule in sorted(rules, key=lambda item: -item[0])]
        if patterns:
            ordered += [
                _Rule(EMAIL, "email", "", "looks like an email address, and is not the subject's own"),
                _Rule(PHONE, "phone", "", "looks like a UK phone number, and is not the subject's own"),
                _Rule(POSTCODE, "postcode", "", "looks like a UK postcode, and is not the subject's own"),
            ]
        return cls(ordered, own)

    @classmethod
    def for_names(cls, names: list[str]) -> Redactor:
        """Names only, no patterns (for a quick check of the name rules)."""
        party = ThirdParty("Third party", "", Identifiers(names=tuple(names)))
        return cls.for_people([party], patterns=False)

    def __call__(self, text: str, *, where: str = "") -> str:
        if not text or self._combined is None:
            return text

        def replace(match: re.Match) -> str:
            found = match.group()
            group = match.lastgroup
            assert group is not None  # every alternative of the combined pattern is a named group
            rule = self.rules[int(group[1:])]
            if not rule.whose and self._is_own(rule.kind, found):
                return found
            self.log[(where, rule.kind, rule.whose, rule.why)] += 1
            return PLACEHOLDERS[rule.kind]

        return self._combined.sub(replace, text)

    def _is_own(self, kind: str, found: str) -> bool:
        if kind == "phone":
            return _national_digits(found) in self._own_phones
        if kind == "email":
            return found.casefold() in self._own_emails
        return kind == "postcode" and _compact(found) in self._own_postcodes

    def report(self) -> list[dict[str, object]]:
        """What was redacted, where and why, in the order it was found."""
        return [
            {"where": where, "what": kind, "whose": whose or "anyone", "why": why, "times": times}
            for (where, kind, whose, why), times in self.log.items()
        ]


def _rules_for(party: ThirdParty, own_tokens: set[str]) -> list[tuple[int, _Rule]]:
    who, known = party.label, party.known
    rules: list[tuple[int, _Rule]] = []

    def add(source: str, regex: str, kind: str, why: str) -> None:
        rules.append((len(source), _Rule(re.compile(regex, re.IGNORECASE), kind, who, why)))

    for name in known.names:
        words = [w for w in re.split(r"[\s\-]+", name.strip()) if w]
        if words:
            add(name, r"\b" + r"[\s\-]+".join(re.escape(w) for w in words) + r"\b", "name", "a name they are known by")
        for word in words:
            # Parts of three letters or more, except a part the subject's own name shares (a family name).
            if len(word) >= 3 and not (set(name_tokens(word)) & own_tokens):
                add(word, rf"\b{re.escape(word)}\b", "name", "part of a name they are known by")
    for address in known.addresses:
        add(address, _flexible_words(address), "address", "their address, as held")
        for line in re.split(r"[,\n]+", address):
            line = line.strip()
            if re.search(r"\d", line):
                add(line, _flexible_words(line), "address", "part of their address, as held")
                street = re.sub(r"^(?:flat\s+\w+\s+)?[\d/\-]+[a-z]?\s+", "", line, flags=re.IGNORECASE)
                if street != line and len(street.split()) >= 2 and not re.search(r"\d", street):
                    add(street, _flexible_words(street), "address", "the street of their address, as held")
        for postcode in POSTCODE.finditer(address):
            outward, inward = _compact(postcode.group())[:-3], _compact(postcode.group())[-3:]
            add(postcode.group(), rf"\b{re.escape(outward)}\s*{re.escape(inward)}\b", "postcode", "the postcode of their address")
    for phone in known.phones:
        national = _national_digits(phone)
        if len(national) >= 6:
            prefix = _UK_PREFIX if _is_uk(phone) else ""
            add(phone, rf"(?<![\d+]){prefix}{_SEP.join(national)}(?!\d)", "phone", "their phone number, as held")
    for email in known.emails:
        if email.strip():
            add(email, rf"(?<![\w.+\-]){re.escape(email.strip())}(?![\w\-])", "email", "their email address, as held")
    for reference in known.references:
        characters = re.sub(r"[^0-9A-Za-z]", "", reference)
        if len(characters) >= 4:
            add(
                reference,
                rf"(?<![0-9A-Za-z]){_REFERENCE_SEPARATORS.join(re.escape(c) for c in characters)}(?![0-9A-Za-z])",
                "reference number",
                "a reference number held for them",
            )
    return rules


def _flexible_words(text: str) -> str:
    """The text's words in order, with any spacing (and optional commas) between them."""
    words = [w for w in re.split(r"[\s,]+", text.strip()) if w]
    return r"\b" + r"[\s,]+".join(re.escape(w) for w in words) + r"(?!\w)"


def _compact(postcode: str) -> str:
    return re.sub(r"\s", "", postcode).upper()


def _is_uk(phone: str) -> bool:
    compact = re.sub(r"[^\d+]", "", phone)
    return compact.startswith(("0", "+44", "0044"))


def _national_digits(phone: str) -> str:
    """The digits after the UK prefix (0, +44 or 0044), so that every way of writing the number compares equal."""
    compact = re.sub(r"[^\d+]", "", phone)
    for prefix in ("+44", "0044", "0"):
        if compact.startswith(prefix):
            return compact[len(prefix) :].lstrip("0") if prefix != "0" else compact[1:]
    return compact.lstrip("+")
