"""The rules of interventions as plain functions: engagement states and who may be offered direct work."""

from __future__ import annotations

from datetime import date

from masip.interventions.models import Engagement

# Engagement is voluntary: an offer is accepted or declined; someone engaged
# completes or disengages; someone who declined can be offered again later and
# someone who disengaged can re-engage. Completion is final.
ENGAGEMENT_TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({Engagement.OFFERED}),
    Engagement.OFFERED: frozenset({Engagement.ACCEPTED, Engagement.DECLINED}),
    Engagement.ACCEPTED: frozenset({Engagement.DISENGAGED, Engagement.COMPLETED}),
    Engagement.DECLINED: frozenset({Engagement.OFFERED}),
    Engagement.DISENGAGED: frozenset({Engagement.ACCEPTED}),
    Engagement.COMPLETED: frozenset(),
}


def next_engagement_states(current: str | None) -> list[str]:
    allowed = ENGAGEMENT_TRANSITIONS[current or None]
    return [state for state in Engagement.values if state in allowed]


def engagement_refusal(
    current: str | None, new: str, *, current_on: date | None, new_on: date, today: date
) -> tuple[str, str] | None:
    """Why the engagement cannot move from `current` (dated `current_on`) to `new` on `new_on`:
    (the field at fault - "state" or "on" - and the message), or None."""
    if new not in Engagement.values:
        return "state", "Select the engagement state"
    allowed = ENGAGEMENT_TRANSITIONS[current or None]
    if new not in allowed:
        now = Engagement(current).label.lower() if current else "not yet offered"
        if not allowed:
            return "state", f"The intervention is {now}: its engagement cannot change"
        options = " or ".join(Engagement(s).label.lower() for s in next_engagement_states(current))
        return (
            "state",
            f"The intervention is {now}: it can next be {options}, not {Engagement(new).label.lower()}",
        )
    if new_on > today:
        return "on", "Date must be today or in the past"
    if current_on is not None and new_on < current_on:
        return "on", f"Date must be on or after the last change ({current_on:%-d %B %Y})"
    return None


def direct_intervention_refusal(operating_model, *, partnership_name: str, area: str) -> str | None:
    """Why the unit may not offer a direct intervention in `area` under its operating model, or None."""
    if operating_model is None:
        return f"{partnership_name} has no operating model, so it cannot offer direct interventions."
    if operating_model.offers_direct_interventions_in(area):
        return None
    where = " and ".join(operating_model.direct_intervention_areas)
    place = (
        f"this case's area ({area}, where the suspect lives)"
        if area
        else "this case, whose area (where the suspect lives) is not recorded"
    )
    return (
        f"{partnership_name} offers direct interventions only in {where} "
        f"(operating model v{operating_model.version}, from {operating_model.effective_from:%-d %B %Y}), "
        f"not in {place}. Record an indirect intervention, such as a referral to an external service, instead, "
        "or correct the case's area on the case page if it is wrong."
    )
