"""Calendar quarters, and the instant a quarter's records were as they stood at its end."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

_MONTHS = ("January", "April", "July", "October")
_END_MONTHS = ("March", "June", "September", "December")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1: January to March ... 4: October to December

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError("A quarter is numbered 1 to 4")

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """'2026-Q3' (as in URLs and exports)."""
        match = re.fullmatch(r"(\d{4})-Q([1-4])", text.strip().upper())
        if not match:
            raise ValueError(f"Not a quarter: {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def cutoff(self, tz: tzinfo) -> datetime:
        """The first instant after the quarter (local midnight): records made from then on do not count."""
        return datetime.combine(self.next().start, time.min, tzinfo=tz)

    def is_past(self, today: date) -> bool:
        return self.end < today

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"{_MONTHS[self.number - 1]} to {_END_MONTHS[self.number - 1]} {self.year}"

    def __str__(self) -> str:
        return self.label


def past_quarters(today: date, count: int) -> list[Quarter]:
    """The last `count` complete quarters, newest first."""
    quarter = Quarter.containing(today).previous()
    out = []
    for _ in range(count):
        out.append(quarter)
        quarter = quarter.previous()
    return out
