"""The monitoring queue: what needs attention today, for one user in one partnership.

Each section is a function registered here, like the case page's panels, so
another context can add its own. A section returns a `QueueSection` of items
(or None to show nothing); each runs a fixed number of queries.

Scope: "mine" is the user's caseload (cases they lead or are allocated to);
"all" is every case in the partnership.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery

from masip.cases.models import Case, CaseStatus, ReviewTrigger
from masip.partnerships.models import Partnership

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
            qs = qs.filter(Q(lead_officer=self.user) | Q(allocations__user=self.user)).distinct()
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
    from django.urls import reverse

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
    from masip.monitoring.tracking import tracked_cases_q

    cases = (
        ctx.cases()
        .filter(tracked_cases_q(ctx.partnership, ctx.today), reassessment_due=True)  # closed and untracked: no
        .select_related("suspect")
        .order_by("opened_on", "id")
    )
    items = [QueueItem(case, case.reassessment_reason or "Reassessment due", None, _case_url(case)) for case in cases]
    return QueueSection("reassessments", "Reassessments due", items, "No reassessment is due.")


@register(order=30)
def follow_ups_due(ctx: QueueContext) -> QueueSection:
    from django.urls import reverse

    from masip.interventions.models import SERVICE_STATUS_FINAL, Intervention

    due = (
        Intervention.objects.filter(case__in=ctx.case_ids(), follow_up_on__lte=ctx.today)
        .exclude(service_status__in=[*SERVICE_STATUS_FINAL, ""])
        .select_related("case__suspect", "intervention_type")
        .order_by("follow_up_on", "id")
    )
    return QueueSection(
        "follow_ups",
        "Referrals to follow up",
        [
            QueueItem(
                i.case,
                f"{i.intervention_type}: {i.external_service or 'external service'} - {i.get_service_status_display().lower()}",
                i.follow_up_on,
                reverse("interventions:follow_up", args=[i.pk]),
                overdue=i.follow_up_on < ctx.today,
            )
            for i in due
        ],
        "No referral needs following up today.",
    )


@register(order=40)
def safety_plan_reviews_due(ctx: QueueContext) -> QueueSection:
    """Victims' safety plans whose latest version is due for review (victim support still open)."""
    from django.urls import reverse

    from masip.victims.models import SafetyPlan, SupportStatus

    latest_version = (
        SafetyPlan.objects.filter(support=OuterRef("support"))
        .values("support")
        .annotate(v=Max("version"))
        .values("v")
    )
    plans = (
        SafetyPlan.objects.filter(
            support__case__in=ctx.case_ids(),
            support__status=SupportStatus.ACCEPTED,
            review_on__lte=ctx.today,
            version=Subquery(latest_version),
        )
        .select_related("support__case__suspect", "support__victim")
        .order_by("review_on", "id")
    )
    return QueueSection(
        "safety_plans",
        "Safety plans to review",
        [
            QueueItem(
                p.support.case,
                f"Safety plan v{p.version} for {p.support.victim.display_name}",
                p.review_on,
                reverse("victims:support", args=[p.support.case_id, p.support.victim_id]),
                overdue=p.review_on < ctx.today,
            )
            for p in plans
        ],
        "No safety plan is due for review.",
    )


@register(order=45)
def plan_reviews_due(ctx: QueueContext) -> QueueSection | None:
    """Risk management plans (meetings context) with a strategy due for review."""
    from django.apps import apps
    from django.urls import reverse

    if not apps.is_installed("masip.meetings"):
        return None
    from masip.meetings.models import PlanStrategy

    due = (
        PlanStrategy.objects.filter(
            plan__is_current=True, plan__case__in=ctx.case_ids(), review_on__lte=ctx.today
        )
        .values("plan__case_id")
        .annotate(first=Min("review_on"), strategies=Count("id"))
    )
    first = {row["plan__case_id"]: (row["first"], row["strategies"]) for row in due}
    cases = Case.objects.filter(pk__in=first).select_related("suspect")
    items = [
        QueueItem(
            case,
            f"Risk management plan: {first[case.pk][1]} strateg{'y' if first[case.pk][1] == 1 else 'ies'} due for review",
            first[case.pk][0],
            reverse("meetings:plan", args=[case.pk]),
            overdue=first[case.pk][0] < ctx.today,
        )
        for case in cases
    ]
    items.sort(key=lambda i: (i.due, i.case.pk))
    return QueueSection(
        "plan_reviews", "Risk management plans to review", items, "No plan is due for review."
    )


@register(order=50)
def order_deadlines(ctx: QueueContext) -> QueueSection:
    """Stalking Protection Orders served whose subject has not yet notified the police."""
    from django.urls import reverse

    from masip.justice.models import OrderKind, OrderStatus, ProtectiveOrder, spo_notification_deadline

    orders = (
        ProtectiveOrder.objects.filter(
            case__in=ctx.case_ids(),
            kind=OrderKind.SPO,
            status=OrderStatus.GRANTED,
            replaces__isnull=True,
            served_on__isnull=False,
            notified_on__isnull=True,
            served_on__gte=ctx.today
            - timedelta(days=60),  # long-past deadlines are for the police, not a daily list
        )
        .select_related("case__suspect")
        .order_by("served_on", "id")
    )
    items = []
    for order in orders:
        deadline = spo_notification_deadline(order.served_on)
        items.append(
            QueueItem(
                order.case,
                f"{order.label}: subject to notify name and home address by {deadline:%-d %b %Y}",
                deadline,
                reverse("justice:order_detail", args=[order.pk]),
                overdue=deadline < ctx.today,
            )
        )
    return QueueSection("orders", "Order notifications", items, "No order notification is awaited.")


@register(order=60)
def tracking_ending(ctx: QueueContext) -> QueueSection:
    """Closed cases whose tracking period after closure ends within the next two weeks."""
    from masip.monitoring.tracking import case_tracking
    from masip.partnerships.revisiting import LIFE_OF_CASE, UNTIL_CONCLUDED, RevisitingPolicy

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
