"""Caseload per full-time equivalent on a day, from posts, who held them and case allocations.

Plain functions over plain rows (hypothesis 10 in DOMAIN.md expects a
relation between caseload per staff member and re-offending, so the figure
must be computable for any past day).

A case is open on a day if it was opened on or before it and not closed
before the end of it. Someone works a case on a day if they lead it or were
allocated to it on or before that day. (Allocations carry a start date only:
when someone comes off a case the allocation is removed, so a past day's
caseload counts today's team.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class CaseRow:
    id: int
    opened_on: date
    closed_on: date | None
    lead_user_id: int | None
    allocations: tuple[tuple[int, date, date | None], ...] = ()  # (user id, allocated on, ended on or None)

    def open_on(self, day: date) -> bool:
        return self.opened_on <= day and (self.closed_on is None or self.closed_on > day)

    def workers_on(self, day: date) -> set[int]:
        users = {user for user, since, until in self.allocations if since <= day and (until is None or until > day)}
        if self.lead_user_id is not None:
            users.add(self.lead_user_id)
        return users


@dataclass(frozen=True)
class HoldingRow:
    post_id: int
    post_label: str
    fte: Decimal
    post_starts_on: date
    post_ends_on: date | None
    user_id: int | None
    holder: str
    starts_on: date
    ends_on: date | None

    def holds_on(self, day: date) -> bool:
        return (
            self.post_starts_on <= day
            and (self.post_ends_on is None or self.post_ends_on >= day)
            and self.starts_on <= day
            and (self.ends_on is None or self.ends_on >= day)
        )


@dataclass(frozen=True)
class PostRow:
    id: int
    label: str
    fte: Decimal
    starts_on: date
    ends_on: date | None

    def exists_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


@dataclass
class HolderLoad:
    holder: str
    post_label: str
    fte: Decimal
    cases: int

    @property
    def per_fte(self) -> Decimal | None:
        return (Decimal(self.cases) / self.fte).quantize(Decimal("0.1")) if self.fte else None


@dataclass
class Caseload:
    day: date
    open_cases: int
    fte_in_post: Decimal
    vacant_fte: Decimal
    vacant_posts: list[str] = field(default_factory=list)
    holders: list[HolderLoad] = field(default_factory=list)

    @property
    def per_fte(self) -> Decimal | None:
        if not self.fte_in_post:
            return None
        return (Decimal(self.open_cases) / self.fte_in_post).quantize(Decimal("0.1"))


def caseload_on(day: date, *, posts: Iterable[PostRow], holdings: Iterable[HoldingRow], cases: Iterable[CaseRow]) -> Caseload:
    open_cases = [c for c in cases if c.open_on(day)]
    held = [h for h in holdings if h.holds_on(day)]
    filled_posts = {h.post_id for h in held}
    existing = [p for p in posts if p.exists_on(day)]
    vacant = [p for p in existing if p.id not in filled_posts]
    # A post shared by two part-timers counts its FTE once; each holder's own load uses the post's FTE.
    fte_in_post = sum((p.fte for p in existing if p.id in filled_posts), Decimal(0))
    holders = []
    for h in sorted(held, key=lambda h: (h.post_label, h.holder)):
        count = sum(1 for c in open_cases if h.user_id is not None and h.user_id in c.workers_on(day))
        holders.append(HolderLoad(holder=h.holder, post_label=h.post_label, fte=h.fte, cases=count))
    return Caseload(
        day=day,
        open_cases=len(open_cases),
        fte_in_post=fte_in_post,
        vacant_fte=sum((p.fte for p in vacant), Decimal(0)),
        vacant_posts=[p.label for p in vacant],
        holders=holders,
    )
