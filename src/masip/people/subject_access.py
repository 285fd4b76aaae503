"""Subject access: everything held about one person, with third parties' personal data redacted.

The pack is a draft for the information governance team, who apply any
exemptions (for example where disclosure would prejudice an investigation,
DPA 2018 s.45) before release. Producing it is a disclosure in the audit log.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from masip.access.models import Category
from masip.audit.models import Operation
from masip.audit.services import log_event
from masip.cases.models import CaseParty
from masip.people.matching import name_tokens
from masip.people.models import ContactDetail, Person
from masip.referrals.models import ReferralParty

REDACTED = "[third party]"

# Categories that are about the other side of a case, left out of a pack by role:
# a suspect's pack never carries the victim's contact details or advocacy notes
# (victim safety comes first); a victim's never carries the suspect's records.
EXCLUDED_FOR_ROLE = {
    "suspect": {Category.VICTIM_CONTACT, Category.ADVOCACY_NOTES, Category.SAFEGUARDING_CHILDREN},
    "victim": {Category.POLICE_INTELLIGENCE, Category.HEALTH_CLINICAL, Category.PROBATION},
}


@dataclass
class Redactor:
    """Replaces third parties' names (full names, aliases, and each name of three letters or more)."""

    pattern: re.Pattern | None

    @classmethod
    def for_names(cls, names: list[str]) -> Redactor:
        words: set[str] = set()
        for name in names:
            if name.strip():
                words.add(re.escape(name.strip()))
            words.update(re.escape(t) for t in re.split(r"\s+", name) if len(t) >= 3)
        if not words:
            return cls(None)
        # Longest first so a full name is replaced before its parts.
        alternatives = "|".join(sorted(words, key=len, reverse=True))
        return cls(re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE))

    def __call__(self, text: str) -> str:
        if not text or self.pattern is None:
            return text
        return self.pattern.sub(REDACTED, text)


def subject_access_pack(person: Person) -> dict[str, Any]:
    referral_parties = list(
        ReferralParty.objects.filter(person=person)
        .select_related("referral")
        .prefetch_related("referral__parties__person__aliases", "referral__reported_incidents", "referral__triage_decisions")
    )
    case_parties = list(
        CaseParty.objects.filter(person=person)
        .select_related("case")
        .prefetch_related("case__parties__person__aliases", "case__information_entries__source_agency")
    )
    third_parties: dict[int, Person] = {}
    for rp in referral_parties:
        for other in rp.referral.parties.all():
            third_parties[other.person_id] = other.person
    for cp in case_parties:
        for other in cp.case.parties.all():
            third_parties[other.person_id] = other.person
    third_parties.pop(person.pk, None)
    own_names = {t for n in [person.full_name, *(a.name for a in person.aliases.all())] for t in name_tokens(n)}
    names = []
    for other in third_parties.values():
        for name in [other.full_name, *(a.name for a in other.aliases.all())]:
            # Never redact the subject's own name where a third party shares part of it.
            names.append(" ".join(t for t in name.split() if t.lower() not in own_names) if own_names else name)
    redact = Redactor.for_names(names)

    return {
        "generated_at": timezone.now().isoformat(),
        "partnership": person.partnership.name,
        "person": {
            "name": person.full_name,
            "description": redact(person.description),
            "other_names": [a.name for a in person.aliases.all()],
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
            "age_range": person.get_age_range_display() if person.age_range else None,
            "sex": person.get_sex_display(),
            "reference_numbers": [f"{i.get_scheme_display()}: {i.value}" for i in person.identifiers.all()],
            "contact_details": [
                {"kind": c.get_kind_display(), "value": c.value, "current": c.is_current, "recorded": c.recorded_at.date().isoformat()}
                for c in ContactDetail.objects.filter(person=person).order_by("-recorded_at")
            ],
        },
        "referrals": [
            {
                "reference": rp.referral.reference,
                "received": rp.referral.received_on.isoformat(),
                "your_role": rp.get_role_display(),
                "how_received": rp.referral.get_channel_display(),
                "offence": rp.referral.get_current_offence_display(),
                "what_was_reported": redact(rp.referral.summary),
                "incidents": [
                    {"date": i.occurred_on.isoformat(), "what_happened": redact(i.description)}
                    for i in rp.referral.reported_incidents.all()
                ],
                "triage_decisions": [
                    {
                        "decided": d.decided_at.date().isoformat(),
                        "is_stalking": d.get_is_stalking_display(),
                        "outcome": d.get_outcome_display(),
                        "detail": redact(d.outcome_detail),
                        "markers": [f"{name}: {redact(note)}" for name, ticked, note in d.markers if ticked],
                    }
                    for d in rp.referral.triage_decisions.all()
                ],
            }
            for rp in referral_parties
        ],
        "cases": [
            {
                "reference": cp.case.reference,
                "your_role": cp.get_role_display(),
                "opened": cp.case.opened_on.isoformat(),
                "closed": cp.case.closed_on.isoformat() if cp.case.closed_on else None,
                "information_held": [
                    {
                        "from": str(e.source_agency),
                        "category": e.get_category_display(),
                        "recorded": e.recorded_at.date().isoformat(),
                        "title": redact(e.title),
                        "detail": redact(e.body),
                    }
                    for e in cp.case.information_entries.all()
                    if e.category not in EXCLUDED_FOR_ROLE.get(cp.role, set())
                ],
            }
            for cp in case_parties
        ],
        "third_parties_redacted": len(third_parties),
    }


def subject_access_export(*, person: Person, acting_user: Any, request_reference: str, fmt: str) -> tuple[bytes, str]:
    """Produce the pack as JSON or PDF and log the disclosure. Returns (content, content type)."""
    pack = subject_access_pack(person)
    log_event(
        actor=acting_user, operation=Operation.DISCLOSURE, action="person.subject_access",
        partnership=person.partnership, subjects=[person], recipient="The data subject (subject access request)",
        reason=f"Subject access request {request_reference}", details={"format": fmt},
    )
    if fmt == "json":
        return json.dumps(pack, indent=2).encode(), "application/json"
    from weasyprint import HTML

    html = render_to_string("people/subject_access_pdf.html", {"pack": pack, "request_reference": request_reference})
    return HTML(string=html).write_pdf(), "application/pdf"
