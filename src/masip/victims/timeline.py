"""Timeline entries for victim support: support offered, accepted, declined or ended and
safety-plan versions for everyone working the case; contacts, referrals, court
support and surveys only for those who may see them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from masip.cases.timeline import TimelineEntry, at_start_of, register
from masip.victims.models import SupportStatus
from masip.victims.selectors import victims_for_case

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


@register
def victim_entries(case: Case, user: User) -> list[TimelineEntry]:
    entries = []
    for item in victims_for_case(user, case):
        support = item.support
        if support is None:
            continue
        name = item.victim.display_name
        url = reverse("victims:support", args=[case.pk, item.victim.pk])

        def add(day, title, *, detail="", actor="", lines=(), url=url):
            entries.append(
                TimelineEntry(
                    when=at_start_of(day),
                    kind="victim",
                    title=title,
                    detail=detail,
                    actor=actor,
                    url=url,
                    lines=tuple(lines),
                    date_only=True,
                )
            )

        add(support.offered_on, f"Advocate support offered to {name}")
        if support.accepted_on:
            add(
                support.accepted_on,
                f"{name} accepted advocate support",
                lines=[f"Advocate: {support.advocate}"],
            )
        if support.status == SupportStatus.DECLINED:
            add(support.offered_on, f"{name} declined advocate support")
        if support.ended_on:
            add(
                support.ended_on,
                f"Advocate support for {name} ended",
                detail=support.end_reason if item.notes_visible else "",
            )
        plans = item.plans if item.notes_visible else ([item.latest_plan] if item.latest_plan else [])
        for plan in plans:
            lines = [m.get_kind_display() for m in plan.measures.all()] if item.notes_visible else []
            add(
                plan.agreed_on,
                f"Safety plan version {plan.version} agreed with {name}",
                actor=str(plan.recorded_by),
                lines=lines,
            )
        for contact in item.contacts:
            add(
                contact.contact_on,
                f"Advocate contact with {name}: {contact.get_purpose_display().lower()}",
                actor=str(contact.recorded_by),
                lines=[contact.get_mode_display()],
            )
        for referral in item.referrals:
            add(
                referral.made_on,
                f"{name} referred to {referral.to_service}",
                lines=[referral.get_kind_display()],
            )
        for court in item.court_support:
            add(court.on, f"Court support for {name}: {court.get_kind_display().lower()}")
        for survey in item.surveys:
            add(
                survey.on,
                f"Victim perception survey {'completed' if survey.consent_given else 'offered and declined'} by {name}",
            )
    return entries
