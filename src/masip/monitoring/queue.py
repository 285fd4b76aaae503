"""The monitoring queue: what needs attention today, for one user in one partnership.

Each section is a function registered here with `@register(order=...)`, like
the case page's panels; the context that owns what a section lists defines and
registers it (imported by its AppConfig.ready()), so monitoring imports none of
them. A section returns a `QueueSection` of items (or None to show nothing);
each runs a fixed number of queries. The sections, in order:

    10 triggers        re-review triggers             monitoring (here)
    20 reassessments   reassessments due              monitoring (here)
    30 follow_ups      referrals to follow up         interventions/queue.py
    40 safety_plans    safety plans to review         victims/queue.py
    45 plan_reviews    risk management plans          plans/queue.py
    50 orders          order notifications awaited    justice/queue.py
    60 tracking        tracking periods ending        monitoring (here)

Scope: "mine" is the user's caseload (cases they lead or are allocated to);
"all" is every case in the partnership.

Bounded: the queue shows the first QUEUE_SECTION_LIMIT items of each section
(earliest due first) and how many there are in all, with a link to the section's
own page, which is paginated. A section reads its rows through `ctx.take(rows)`,
which slices the query (and counts it only when there are more), so the page's
cost does not grow with the caseload.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.paginator import Page
from django.db.models import Q, QuerySet
from django.urls import reverse

from masip.cases.models import Case, CaseStatus, ReviewTrigger
from masip.core.pagination import Paginator
from masip.monitoring.tracking import case_tracking, tracked_cases_q
from masip.partnerships.models import Partnership
from masip.partnerships.revisiting import LIFE_OF_CASE, UNTIL_CONCLUDED, RevisitingPolicy

# Tracking periods ending within this many days are listed, so the unit can
# decide in time whether anything must happen before tracking stops.
TRACKING_ENDING_WITHIN_DAYS = 14
QUEUE_SECTION_LIMIT = 25  # items per section on the queue page
SECTION_PAGE_SIZE = 50  # items per page on a section's own page


@dataclass(frozen=True)
class QueueItem:
    case: Case
    what: str
    due: date | None = None
    url: str = ""
    overdue: bool = False


@dataclass
class QueueSection:
    key: str
    title: str
    items: list[QueueItem] = field(default_factory=list)
    empty_text: str = "Nothing waiting."
    total: int | None = None  # how many there are in all (None: as many as listed)
    page: Page | None = None  # on the section's own page

    @property
    def count(self) -> int:
        return len(self.items) if self.total is None else self.total

    @property
    def more(self) -> bool:
        return self.page is None and self.count > len(self.items)


@dataclass
class Taken:
    """The rows a section shows, how many there are in all, and the page (on its own page)."""

    rows: list[Any]
    total: int
    page: Page | None = None

    def __iter__(self):
        return iter(self.rows)


@dataclass(frozen=True)
class QueueContext:
    user: Any
    partnership: Partnership
    today: date
    mine: bool
    section: str | None = None  # one section's own page, or None for the whole queue
    page: int | str | None = None
    limit: int | None = None  # QUEUE_SECTION_LIMIT

    def take(self, rows: QuerySet | list) -> Taken:
        """The rows to show, in the order given: the first `limit` on the queue (one extra
        row read says whether to count the rest); a page of them on the section's page."""
        if self.section is not None:
            page = Paginator(rows, SECTION_PAGE_SIZE).get_page(self.page)  # a bad page number: the first or last
            return Taken(list(page.object_list), page.paginator.count, page)
        limit = self.limit or QUEUE_SECTION_LIMIT
        head = list(rows[: limit + 1])
        if len(head) <= limit:
            return Taken(head, len(head))
        return Taken(head[:limit], len(rows) if isinstance(rows, list) else rows.count())

    def cases(self) -> QuerySet[Case]:
        qs = Case.objects.filter(partnership=self.partnership)
        if self.mine:
            qs = qs.filter(Q(lead_officer=self.user) | Q(allocations__user=self.user, allocations__ended_on__isnull=True)).distinct()
        return qs

    def case_ids(self):
        return self.cases().values("pk")


QueueSource = Callable[[QueueContext], QueueSection | None]
_SECTIONS: list[tuple[int, QueueSource]] = []
_KEYS: dict[str, QueueSource] = {}


def register(order: int = 50, *, key: str) -> Callable[[QueueSource], QueueSource]:
    """`key` is the section's key (its QueueSection.key), which names its own page."""

    def decorate(source: QueueSource) -> QueueSource:
        if all(existing is not source for _, existing in _SECTIONS):
            _SECTIONS.append((order, source))
            _SECTIONS.sort(key=lambda item: item[0])
        _KEYS[key] = source
        return source

    return decorate


def section_keys() -> list[str]:
    return list(_KEYS)


def monitoring_queue(
    user: Any, partnership: Partnership, *, today: date, mine: bool, section: str | None = None,
    page: int | str | None = None,
) -> list[QueueSection]:
    """Every section, each bounded; or, with `section` (a registered key), that section's page."""
    if section is not None and section not in _KEYS:
        section = None
    context = QueueContext(user=user, partnership=partnership, today=today, mine=mine, section=section, page=page)
    sources = [_KEYS[section]] if section is not None else [source for _, source in _SECTIONS]
    return [s for source in sources if (s := source(context)) is not None]


def _case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


@register(order=10, key="triggers")
def open_triggers(ctx: QueueContext) -> QueueSection:
    triggers = ctx.take(
        ReviewTrigger.objects.filter(case__in=ctx.case_ids(), resolved_at__isnull=True)
        .select_related("case__suspect")
        .order_by("raised_at", "id")
    )
    return QueueSection(
        "triggers",
        "Re-review triggers",
        [
            QueueItem(t.case, f"{t.get_kind_display()}: {t.reason}", t.raised_at.date(), _case_url(t.case))
            for t in triggers
        ],
        "No case is waiting for a re-review.",
        total=triggers.total, page=triggers.page,
    )


@register(order=20, key="reassessments")
def reassessments_due(ctx: QueueContext) -> QueueSection:
    cases = ctx.take(
        ctx.cases()
        .filter(tracked_cases_q(ctx.partnership, ctx.today), reassessment_due=True)  # closed and untracked: no
        .select_related("suspect")
        .order_by("opened_on", "id")
    )
    items = [QueueItem(case, case.reassessment_reason or "Reassessment due", None, _case_url(case)) for case in cases]
    return QueueSection(
        "reassessments", "Reassessments due", items, "No reassessment is due.", total=cases.total, page=cases.page
    )


@register(order=60, key="tracking")
def tracking_ending(ctx: QueueContext) -> QueueSection:
    """Closed cases whose tracking period after closure ends within the next two weeks."""
    models = list(ctx.partnership.operating_models.order_by("-effective_from", "-version"))
    longest = max(
        (m.tracking_months_after_closure for m in models if m.revisiting_policy == LIFE_OF_CASE), default=0
    )
    if longest == 0:
        current = RevisitingPolicy.of(ctx.partnership.operating_model_on(ctx.today))
        return QueueSection(
            "tracking",
            "Tracking periods ending",
            [],
            "This partnership tracks a closed case until the investigation concludes, not for a fixed period."
            if current.kind == UNTIL_CONCLUDED
            else "This partnership does not track cases after closure.",
        )
    candidates = (
        ctx.cases()
        .filter(status=CaseStatus.CLOSED, closed_on__gte=ctx.today - timedelta(days=31 * longest + 1))
        .select_related("suspect", "partnership")
        .order_by("closed_on", "id")
    )
    items = []
    for case in candidates:
        closed_on = case.closed_on
        assert closed_on is not None  # the filter above (closed_on__gte) leaves no case without one
        model = next((m for m in models if m.effective_from <= closed_on), None)
        until = case_tracking(case, model=model).until
        if until is not None and ctx.today <= until <= ctx.today + timedelta(
            days=TRACKING_ENDING_WITHIN_DAYS
        ):
            items.append(
                QueueItem(
                    case,
                    f"Closed {case.closed_on:%-d %b %Y}; tracking ends {until:%-d %b %Y}",
                    until,
                    _case_url(case),
                )
            )
    items.sort(key=lambda i: i.due or date.min)  # every item here is due: its tracking's end
    # Bounded already: only cases closed within the longest tracking period are read.
    shown = ctx.take(items)
    return QueueSection(
        "tracking", "Tracking periods ending", shown.rows, "No tracking period ends in the next two weeks.",
        total=shown.total, page=shown.page,
    )
