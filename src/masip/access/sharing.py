"""Need-to-know within a case: which categories of information, recorded by
which agency, a member of staff may see, and whether one agency may share a
category with another under an information sharing agreement (ISA).

A user sees an item of information when
- it was recorded by their own agency, or
- their agency's kind needs to know its category in this partnership
  (NeedToKnowRule) AND a valid ISA covering the category has both agencies
  as parties on the day of the request.

Health and clinical detail is the health partners' (only health needs to
know it by default); another agency sees a summary a health user shares for a
stated purpose. Victim contact details are collected by the unit itself, so
need-to-know alone governs them, and they are never part of any output meant
for a perpetrator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from masip.access import policy
from masip.access.models import Category, InformationSharingAgreement, NeedToKnowRule
from masip.partnerships.models import Agency, Partnership

if TYPE_CHECKING:
    from masip.access.policy import StaffUser

_CACHE_ATTR = "_masip_sharing_view"


@dataclass(frozen=True)
class SharingView:
    """What one user may see in one partnership today, computed once per request."""

    agency_id: int | None
    need_to_know: frozenset[str]  # categories the user's agency kind needs
    shared_with_me: dict[str, frozenset[int]]  # category -> agencies whose information reaches the user under an ISA

    def visible_q(self, *, category_field: str = "category", agency_field: str = "source_agency_id") -> Q:
        condition = Q(pk__in=[])
        if self.agency_id is not None:
            condition |= Q(**{agency_field: self.agency_id})
        for category, agencies in self.shared_with_me.items():
            if category in self.need_to_know and agencies:
                condition |= Q(**{category_field: category, f"{agency_field}__in": agencies})
        return condition

    def can_see(self, category: str, source_agency_id: int | None) -> bool:
        if source_agency_id is not None and source_agency_id == self.agency_id:
            return True
        return category in self.need_to_know and source_agency_id in self.shared_with_me.get(category, ())


def need_to_know_kinds(partnership: Partnership, category: str) -> list[str]:
    return list(
        NeedToKnowRule.objects.filter(partnership=partnership, category=category).values_list("agency_kind", flat=True)
    )


def sharing_view(user: StaffUser, partnership: Partnership, *, on: date | None = None) -> SharingView:
    """Cached on the user object for the request (two queries)."""
    on = on or timezone.localdate()
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    key = (partnership.pk, on)
    if key in cache:
        return cache[key]
    if not policy.does_casework_in(user, partnership):
        view = SharingView(None, frozenset(), {})
    else:
        kind = user.agency_kind
        needs = frozenset(
            NeedToKnowRule.objects.filter(partnership=partnership, agency_kind=kind).values_list("category", flat=True)
        )
        shared: dict[str, set[int]] = {}
        if user.agency_id:
            for agreement in valid_agreements(partnership, on).filter(parties=user.agency_id):
                others = {a.pk for a in agreement.parties.all()} - {user.agency_id}
                for category in agreement.categories:
                    shared.setdefault(category, set()).update(others)
        view = SharingView(user.agency_id, needs, {c: frozenset(a) for c, a in shared.items()})
    cache[key] = view
    return view


def valid_agreements(partnership: Partnership, on: date):
    return (
        InformationSharingAgreement.objects.filter(partnership=partnership, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .prefetch_related("parties")
    )


def can_see_victim_contact(user: StaffUser, partnership: Partnership) -> bool:
    return Category.VICTIM_CONTACT in sharing_view(user, partnership).need_to_know


def sharing_refusal(
    partnership: Partnership, *, sender: Agency, recipient: Agency, category: str, on: date | None = None
) -> str | None:
    """Why `sender` may not share `category` with `recipient` today, or None if an ISA covers it."""
    on = on or timezone.localdate()
    if sender.pk == recipient.pk:
        return None
    if not partnership.partner_agencies.filter(agency=recipient).exists():
        return f"The agency chosen is not a partner agency of {partnership}."
    for agreement in valid_agreements(partnership, on):
        parties = {a.pk for a in agreement.parties.all()}
        if category in agreement.categories and {sender.pk, recipient.pk} <= parties:
            return None
    label = Category(category).label.lower()
    lapsed = (
        InformationSharingAgreement.objects.filter(
            partnership=partnership, parties=sender, valid_to__lt=on
        ).filter(parties=recipient).order_by("-valid_to").first()
    )
    message = (
        f"No information sharing agreement covers sharing {label} information between {sender} and "
        f"{recipient} on {on:%d %B %Y}."
    )
    if lapsed is not None and category in lapsed.categories:
        message += f" '{lapsed}' expired on {lapsed.valid_to:%d %B %Y}."
    return message + " Ask your unit manager to put an agreement in place before sharing."
