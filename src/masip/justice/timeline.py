"""Timeline entries for criminal-justice events and each stage of an order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from masip.cases.timeline import TimelineEntry, at_start_of, register
from masip.justice.models import OrderStatus
from masip.justice.selectors import events_for_case, orders_for_case

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


@register
def justice_entries(case: Case, user: User) -> list[TimelineEntry]:
    entries = []
    for event in events_for_case(case):
        lines = tuple(x for x in (event.court, event.notes) if x)
        entries.append(
            TimelineEntry(
                when=at_start_of(event.occurred_on),
                kind="justice",
                title=event.headline,
                lines=lines,
                actor=str(event.recorded_by),
                date_only=True,
            )
        )
    for order in orders_for_case(case):
        url = reverse("justice:order_detail", args=[order.pk])
        if order.applied_on:
            entries.append(
                TimelineEntry(
                    when=at_start_of(order.applied_on),
                    kind="justice",
                    title=f"{order.label} applied for",
                    url=url,
                    date_only=True,
                )
            )
        if order.decided_on:
            verb = "made" if order.status == OrderStatus.GRANTED else "refused"
            made_lines = [order.duration_text] if order.duration_text else []
            entries.append(
                TimelineEntry(
                    when=at_start_of(order.decided_on),
                    kind="justice",
                    title=f"{order.label} {verb}",
                    url=url,
                    lines=tuple(made_lines),
                    date_only=True,
                )
            )
        if order.served_on:
            served_lines = []
            if order.notification_deadline:
                served_lines.append(f"Subject must notify the police by {order.notification_deadline:%-d %b %Y}")
            entries.append(
                TimelineEntry(
                    when=at_start_of(order.served_on),
                    kind="justice",
                    title=f"{order.label} served",
                    url=url,
                    lines=tuple(served_lines),
                    date_only=True,
                )
            )
        if order.notified_on:
            entries.append(
                TimelineEntry(
                    when=at_start_of(order.notified_on),
                    kind="justice",
                    title="Subject notified the police of name and home address",
                    url=url,
                    date_only=True,
                )
            )
    return entries
