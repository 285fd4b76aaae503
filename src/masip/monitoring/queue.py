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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from masip.cases.models import Case, CaseStatus, ReviewTrigger
from masip.monitoring.tracking import case_tracking, tracked_cases_q
from masip.partnerships.models import Partnership
from masip.partnerships.revisiting import LIFE_OF_CASE, UNTIL_CONCLUDED, RevisitingPolicy

# Tracking periods ending within this many days are listed, so the unit can
# decide in time whether anything must happen before tracking stops.
TRACKING_ENDING_WITHIN_DAYS = 14


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


@dataclass(frozen=True)
class QueueContext:
    user: Any
    partnership: Partnership
    today: date
    mine: bool

    def cases(self) -> QuerySet[Case]:
        qs = Case.objects.filter(partnership=self.partnership)
        if self.mine:
            qs = qs.filter(Q(lead_officer=self.user) | Q(allocations__user=self.user, allocations__ended_on__isnull=True)).distinct()
        return qs

    def case_ids(self):
        return self.cases().values("pk")


QueueSource = Callable[[QueueContext], QueueSection | None]
_SECTIONS: list[tuple[int, QueueSource]] = []


def register(order: int = 50) -> Callable[[QueueSource], QueueSource]:
    def decorate(source: QueueSource) -> QueueSource:
        if all(existing is not source for _, existing in _SECTIONS):
            _SECTIONS.append((order, source))
            _SECTIONS.sort(key=lambda item: item[0])
        return source

    return decorate


def monitoring_queue(user: Any, partnership: Partnership, *, today: date, mine: bool) -> list[QueueSection]:
    context = QueueContext(user=user, partnership=partnership, today=today, mine=mine)
    return [s for _, source in _SECTIONS if (s := source(context)) is not None]


def _case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


@register(order=10)
def open_triggers(ctx: QueueContext) -> QueueSection:
    triggers = (
        ReviewTrigger.objects.filter(case__in=ctx.case_ids(), resolved_at__isnull=True)
        .select_related("case__suspect")
        .order_by("raised_at")
    )
    return QueueSection(
        "triggers",
        "Re-review triggers",
        [
            QueueItem(t.case, f"{t.get_kind_display()}: {t.reason}", t.raised_at.date(), _case_url(t.case))
            for t in triggers
        ],
        "No case is waiting for a re-review.",
    )


@register(order=20)
def reassessments_due(ctx: QueueContext) -> QueueSection:
    cases = (
        ctx.cases()
        .filter(tracked_cases_q(ctx.partnership, ctx.today), reassessment_due=True)  # closed and untracked: no
        .select_related("suspect")
        .order_by("opened_on", "id")
    )
    items = [QueueItem(case, case.reassessment_reason or "Reassessment due", None, _case_url(case)) for case in cases]
    return QueueSection("reassessments", "Reassessments due", items, "No reassessment is due.")


@register(order=60)
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
        model = next((m for m in models if m.effective_from <= case.closed_on), None)
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
    items.sort(key=lambda i: i.due)
    return QueueSection(
        "tracking", "Tracking periods ending", items, "No tracking period ends in the next two weeks."
    )
