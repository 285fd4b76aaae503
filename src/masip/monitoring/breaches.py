"""The orders an incident may breach: a breach of bail conditions, a restraining order or a
Stalking Protection Order is recorded as an incident (`Incident.breach_of`).

Orders are criminal justice's records: the justice context registers a
`BreachableOrders` with `register_breachable_orders()` when the app is ready,
so monitoring imports nothing of it. Without one, the incident form offers no
order and an incident names none.

An order given here has a `pk`, a `label` and a `short_label`, and
`was_in_force_on(day)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from masip.cases.models import Case


@dataclass(frozen=True)
class BreachableOrders:
    # The orders the incident form offers for a case (those granted), oldest first: offered(case).
    offered: Callable[..., list[Any]]
    # An order recorded on the case, whatever its state, or None: find(case, pk).
    find: Callable[..., Any | None]


_SOURCES: list[BreachableOrders] = []


def register_breachable_orders(source: BreachableOrders) -> BreachableOrders:
    """Called from the justice context's AppConfig.ready(); registering again replaces the last one."""
    _SOURCES[:] = [source]
    return source


def orders_offered(case: Case) -> list[Any]:
    return _SOURCES[0].offered(case) if _SOURCES else []


def order_on_case(case: Case, pk: int) -> Any | None:
    return _SOURCES[0].find(case, pk) if _SOURCES else None
