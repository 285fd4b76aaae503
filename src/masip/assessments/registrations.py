"""What assessments registers with the lower floors (AssessmentsConfig.ready()): the
instrument codes an operating model may name (partnerships/registry.py), the screening
assessments on a referral's page (referrals/registry.py), and the assessments that
follow a referral into its case (cases/registry.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from masip.assessments.instruments import instrument_codes
from masip.assessments.selectors import assessments_of_referral
from masip.assessments.services import assessments_follow_referral, offered_instruments
from masip.cases.registry import register_on_referral_taken
from masip.partnerships.registry import register_instrument_codes
from masip.referrals.registry import register_detail_context

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.referrals.models import Referral


def referral_page(referral: Referral, user: User) -> dict[str, Any]:
    """The referral page's screening assessments, and whether one can be started."""
    return {
        "assessments": list(assessments_of_referral(referral)),
        "can_assess": bool(offered_instruments(referral.partnership, on_case=False)),
    }


def register() -> None:
    register_instrument_codes(instrument_codes)
    register_detail_context(referral_page)
    register_on_referral_taken(assessments_follow_referral)
