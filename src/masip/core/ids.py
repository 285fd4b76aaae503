"""Record ids (and other positive whole numbers) typed, posted or put in a URL by a user.

Everywhere an id comes from user input it is read here, never with `int()` on
the raw text: `str.isdigit()` accepts "²" (which `int()` then refuses) and
`int()` accepts "١٢" (Arabic-Indic digits) and numbers far beyond what a
database column holds (SQLite raises OverflowError past 64 bits; PostgreSQL
refuses an OFFSET past bigint). Anything that is not a plain id is "no id",
which the caller treats like an id that matches nothing.
"""

from __future__ import annotations

import re
from typing import Any

# The largest value of a 64-bit signed integer: SQLite's INTEGER and
# PostgreSQL's bigint, so the largest id either database can hold.
MAX_ID = 2**63 - 1

_ASCII_WHOLE_NUMBER = re.compile(r"[0-9]{1,19}")  # MAX_ID has 19 digits


def parse_id(value: Any, *, maximum: int = MAX_ID) -> int | None:
    """The id in `value` (text of ASCII digits, or an int), if it is from 1 to `maximum`; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not _ASCII_WHOLE_NUMBER.fullmatch(text):
            return None
        number = int(text)
    else:
        return None
    return number if 1 <= number <= maximum else None


def parse_ids(values: Any) -> list[int]:
    """The ids among `values` (e.g. a repeated query parameter), in order, dropping what is not an id."""
    return [number for number in (parse_id(v) for v in values or ()) if number is not None]
