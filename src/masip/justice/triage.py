"""What criminal justice contributes to triage (referrals.triage_context): orders in force
against the suspect or protecting a victim named in the referral, and applications pending."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from masip.justice.models import OrderStatus, ProtectiveOrder
from masip.justice.selectors import orders_visible_to
from masip.referrals.choices import PartyRole
from masip.referrals.triage_context import TriagePanel, register_panel

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.referrals.models import Referral


@register_panel(order=30)
def orders_panel(referral: Referral, user: User) -> TriagePanel:
    confirmed = [p for p in referral.parties.all() if not p.match_pending]
    suspect_ids = [p.person_id for p in confirmed if p.role == PartyRole.SUSPECT]
    victim_ids = [p.person_id for p in confirmed if p.role == PartyRole.VICTIM]
    today = timezone.localdate()
    orders: list[ProtectiveOrder] = []
    if suspect_ids or victim_ids:
        # Each order row is about one case; a suspect or victim has few, so this reads few rows.
        orders = list(
            orders_visible_to(user)
            .filter(partnership=referral.partnership, status__in=[OrderStatus.GRANTED, OrderStatus.APPLIED])
            .filter(Q(suspect_id__in=suspect_ids) | Q(protected_person_id__in=victim_ids))
            .select_related("case", "suspect", "protected_person")
            .order_by("-decided_on", "-applied_on", "-id")[:50]
        )
    in_force = [o for o in orders if o.status == OrderStatus.GRANTED and o.was_in_force_on(today)]
    pending = [o for o in orders if o.status == OrderStatus.APPLIED]
    return TriagePanel(
        "justice/_triage_orders.html",
        {"in_force": in_force, "pending": pending, "suspect_ids": suspect_ids},
        subjects=[*in_force, *pending],
    )
