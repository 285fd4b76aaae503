"""What victims registers with the lower floors (VictimsConfig.ready()): support begun from a
referral follows it into its case (cases/registry.py), and the referral page's victim-support
section (referrals/registry.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from masip.cases.registry import register_on_referral_taken
from masip.referrals.registry import register_detail_context
from masip.victims import selectors, services

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.referrals.models import Referral


def referral_page(referral: Referral, user: User) -> dict[str, Any]:
    """Each victim's support from the referral, and whether this user records it."""
    return {
        "victim_support": selectors.referral_support_rows(referral),
        "may_record_support": services.may_record(user, referral) and referral.case_id is None,
    }


def register() -> None:
    register_on_referral_taken(services.support_follows_referral)
    register_detail_context(referral_page)
