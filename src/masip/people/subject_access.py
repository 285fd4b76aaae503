"""Subject access: everything held about one person, with third parties' personal data redacted.

The pack is a draft for the information governance team, who apply any
exemptions (for example where disclosure would prejudice an investigation,
DPA 2018 s.45) before release. Producing it is a disclosure in the audit log.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone

from masip.access.models import Category
from masip.audit.actions import AuditAction
from masip.audit.services import disclosed_file
from masip.core.documents import render_pdf
from masip.people.models import ContactDetail, ContactKind, Person
from masip.people.records import party_records
from masip.people.redaction import Identifiers, Redactor, ThirdParty

# Categories that are about the other side of a case, left out of a pack by role:
# a suspect's pack never carries the victim's contact details or advocacy notes
# (victim safety comes first); a victim's never carries the suspect's records.
EXCLUDED_FOR_ROLE = {
    "suspect": {Category.VICTIM_CONTACT, Category.ADVOCACY_NOTES, Category.SAFEGUARDING_CHILDREN},
    "victim": {Category.POLICE_INTELLIGENCE, Category.HEALTH_CLINICAL, Category.PROBATION},
}


def subject_access_pack(person: Person) -> dict[str, Any]:
    """The pack: the person, then a section per registered record kind (referrals, then
    cases: people/records.py), with every other party's personal data redacted."""
    sources = party_records()
    rows = {source.key: source.party_rows(person) for source in sources}
    third_parties: dict[int, Person] = {}
    roles: dict[int, list[str]] = {}
    for source in sources:
        for row in rows[source.key]:
            for other, role in source.others(row):
                third_parties[other.pk] = other
                roles.setdefault(other.pk, []).append(role)
    third_parties.pop(person.pk, None)
    held = _identifiers_held([person.pk, *third_parties])
    redactor = Redactor.for_people(
        [
            ThirdParty(f"Third party {n}", ", ".join(dict.fromkeys(roles[pk])), held[pk])
            for n, pk in enumerate(third_parties, start=1)
        ],
        own=held[person.pk],
    )

    def redact(text: str, where: str) -> str:
        return redactor(text, where=where)

    return {
        "generated_at": timezone.now().isoformat(),
        "partnership": person.partnership.name,
        "person": {
            "name": person.full_name,
            "description": redact(person.description, "About you: description"),
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
        **{source.key: [source.section(row, redact) for row in rows[source.key]] for source in sources},
        "third_parties_redacted": len(third_parties),
        # For the information governance reviewer, not the subject: remove before release.
        "redactions": {
            "note": "For the information governance reviewer: what was replaced and why. Remove before release.",
            "third_parties": [
                {"label": f"Third party {n}", "known_as": ", ".join(dict.fromkeys(roles[pk]))}
                for n, pk in enumerate(third_parties, start=1)
            ],
            "made": redactor.report(),
        },
    }


def _identifiers_held(person_ids: list[int]) -> dict[int, Identifiers]:
    """Everything the system holds that identifies each person: names, aliases, contact details, references."""
    people = Person.objects.filter(pk__in=person_ids).prefetch_related("aliases", "identifiers", "contact_details")
    held = {}
    for p in people:
        contacts = list(p.contact_details.all())
        held[p.pk] = Identifiers(
            names=tuple(n for n in [p.full_name, *(a.name for a in p.aliases.all())] if n.strip()),
            addresses=tuple(c.value for c in contacts if c.kind == ContactKind.ADDRESS),
            phones=tuple(c.value for c in contacts if c.kind == ContactKind.PHONE),
            emails=tuple(c.value for c in contacts if c.kind == ContactKind.EMAIL),
            references=tuple(i.value for i in p.identifiers.all()),
        )
    return held


def subject_access_export(*, person: Person, acting_user: Any, request_reference: str, fmt: str) -> tuple[bytes, str]:
    """Produce the pack as JSON or PDF and log the disclosure. Returns (content, content type)."""
    pack = subject_access_pack(person)
    pack["redactions"]["request_reference"] = request_reference

    def render() -> bytes:
        if fmt == "json":
            return json.dumps(pack, indent=2).encode()
        return render_pdf("people/subject_access_pdf.html", {"pack": pack, "request_reference": request_reference})

    content = disclosed_file(
        actor=acting_user, action=AuditAction.PERSON_SUBJECT_ACCESS, partnership=person.partnership, subjects=[person],
        recipient="The data subject (subject access request)", reason=f"Subject access request {request_reference}",
        details={"format": fmt}, render=render,
    )
    return content, "application/json" if fmt == "json" else "application/pdf"
