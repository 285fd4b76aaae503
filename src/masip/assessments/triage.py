"""What assessments contribute to triage (referrals.triage_context): the signed-off
screening results, what the operating model requires before acceptance, and the rule itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from masip.assessments import services
from masip.assessments.instruments import definition as instrument_definition
from masip.assessments.models import AssessmentStatus
from masip.assessments.selectors import assessments_of_referral
from masip.partnerships.models import AgencyKind
from masip.referrals.triage_context import TriagePanel, register_acceptance_check, register_panel

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.referrals.models import Referral


def _tool(code: str) -> str:
    return services.short_name(instrument_definition(code))


@register_panel(order=10)
def screening_panel(referral: Referral, user: User) -> TriagePanel:
    assessments = list(assessments_of_referral(referral))
    signed_off, seen = [], set()
    for a in sorted(
        (a for a in assessments if a.status == AssessmentStatus.SIGNED_OFF),
        key=lambda a: a.signed_off_at or a.started_at, reverse=True,
    ):
        if a.instrument_code not in seen:  # the latest of each tool stands
            seen.add(a.instrument_code)
            signed_off.append({"assessment": a, "summary": services.result_summary(a)})
    drafts = [a for a in assessments if a.status == AssessmentStatus.DRAFT]
    model = referral.partnership.operating_model_on()
    required = services.required_before_acceptance(referral)
    missing = services.missing_before_acceptance(referral) if required else []
    sources = model.required_before_acceptance_sources if model else []
    offered = services.offered_instruments(referral.partnership, on_case=False)
    return TriagePanel(
        "assessments/_triage_screening.html",
        {
            "referral": referral,
            "signed_off": signed_off,
            "drafts": drafts,
            "rule_tools": [_tool(c) for c in (model.required_before_acceptance if model else [])],
            "rule_sources": [AgencyKind(k).label.lower() for k in sources],
            "applies": bool(required),
            "missing": [
                {
                    "tool": _tool(code),
                    "start_url": reverse("assessments:start_referral", args=[referral.pk]) + f"?instrument={code}",
                    "draft": next((a for a in drafts if a.instrument_code == code), None),
                }
                for code in missing
            ],
            "source": referral.get_source_agency_kind_display().lower(),
            "can_assess": bool(offered),
        },
        subjects=[s["assessment"] for s in signed_off],
    )


@register_acceptance_check
def required_assessments_signed_off(referral: Referral) -> str | None:
    missing = services.missing_before_acceptance(referral)
    if not missing:
        return None
    tools = ", ".join(_tool(code) for code in missing)
    return (
        f"{referral.partnership} signs off the {tools} before accepting a referral from "
        f"{referral.get_source_agency_kind_display().lower()}: sign it off first (start it from the triage page)."
    )
