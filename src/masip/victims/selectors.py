"""Reads of victim support, filtered by the access policy (see models.py for who sees what)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch
from django.http import Http404

from masip.access.models import Category
from masip.access.sharing import sharing_view
from masip.cases.models import CasePartyRole
from masip.referrals.selectors import victims_of
from masip.victims.models import AdvocateContact, SafetyPlan, VictimSupport

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case, CaseParty
    from masip.people.models import Person
    from masip.referrals.models import Referral


@dataclass
class VictimSupportView:
    party: CaseParty  # the CaseParty of the victim
    support: VictimSupport | None
    notes_visible: bool  # advocacy notes: contacts, plan measures, court support, surveys
    latest_plan: SafetyPlan | None = None
    plans: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    referrals: list = field(default_factory=list)  # those the user may see
    court_support: list = field(default_factory=list)
    surveys: list = field(default_factory=list)

    @property
    def victim(self) -> Any:
        return self.party.person

    @property
    def last_contact(self):
        return self.contacts[0] if self.contacts else None


def victims_for_case(user: User, case: Case, *, person_id: int | None = None) -> list[VictimSupportView]:
    """Each victim of the case with their support, showing only what the user may see (a fixed number of queries)."""
    view = sharing_view(user, case.partnership)
    parties = [p for p in case.parties.all() if p.role == CasePartyRole.VICTIM]
    if person_id is not None:
        parties = [p for p in parties if p.person_id == person_id]
    supports = {
        s.victim_id: s
        for s in VictimSupport.objects.filter(case=case)
        .select_related("advocate", "source_agency")
        .prefetch_related(
            Prefetch("contacts", queryset=AdvocateContact.objects.select_related("recorded_by")),
            Prefetch(
                "safety_plans",
                queryset=SafetyPlan.objects.prefetch_related("measures").select_related("recorded_by"),
            ),
            "referrals",
            "court_support",
            "surveys",
        )
    }
    result = []
    for party in parties:
        support = supports.get(party.person_id)
        if support is None:
            result.append(VictimSupportView(party, None, notes_visible=False))
            continue
        notes = view.can_see(Category.ADVOCACY_NOTES, support.source_agency_id)
        plans = list(support.safety_plans.all())
        result.append(
            VictimSupportView(
                party,
                support,
                notes_visible=notes,
                latest_plan=plans[0] if plans else None,
                plans=plans if notes else [],
                contacts=list(support.contacts.all()) if notes else [],
                referrals=[
                    r for r in support.referrals.all() if view.can_see(r.category, support.source_agency_id)
                ],
                court_support=list(support.court_support.all()) if notes else [],
                surveys=list(support.surveys.all()) if notes else [],
            )
        )
    return result


def victim_get(user: User, case: Case, person_id: int) -> VictimSupportView:
    """One victim of the case (the case is already checked); anyone else is not found."""
    found = victims_for_case(user, case, person_id=person_id)
    if not found:
        raise Http404("No such victim in this case")
    return found[0]


@dataclass
class ReferralSupportRow:
    """A victim of a referral and their support, wherever it is now recorded (the referral or a case)."""

    victim: Person
    support: VictimSupport | None


def referral_support_rows(referral: Referral) -> list[ReferralSupportRow]:
    """Each victim of the referral, with the support begun from it (one query for all of them)."""
    parties = victims_of(referral)
    supports = {
        s.victim_id: s
        for s in VictimSupport.objects.filter(referral=referral).select_related("advocate", "case").order_by("-id")
    }
    return [ReferralSupportRow(victim=p.person, support=supports.get(p.person_id)) for p in parties]


def referral_victim_get(referral: Referral, person_id: int) -> ReferralSupportRow:
    """A victim of the referral the URL names (anyone else: not found)."""
    for row in referral_support_rows(referral):
        if row.victim.pk == person_id:
            return row
    raise Http404("No such victim in this referral")
