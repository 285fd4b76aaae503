"""Criminal justice's section of the monitoring queue: Stalking Protection Order notifications awaited.

Registered with `masip.monitoring.queue` when the app is ready (justice/apps.py).
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from masip.justice.models import OrderKind, OrderStatus, ProtectiveOrder, spo_notification_deadline
from masip.monitoring.queue import QueueContext, QueueItem, QueueSection, register


@register(order=50, key="orders")
def order_deadlines(ctx: QueueContext) -> QueueSection:
    """Stalking Protection Orders served whose subject has not yet notified the police."""
    orders = ctx.take(
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
        if order.served_on is None:  # none: the query asks for served orders
            continue
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
    return QueueSection(
        "orders", "Order notifications", items, "No order notification is awaited.",
        total=orders.total, page=orders.page,
    )
