"""Cases as records people are parties to (registered with people/records.py in
CasesConfig.ready(), order 20): a person's subject access pack and whether they are
a victim."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from masip.cases.models import CaseParty
from masip.people.records import PartyRecords, Redact, register_party_records
from masip.people.subject_access import EXCLUDED_FOR_ROLE


def case_rows(person: Any) -> list[CaseParty]:
    return list(
        CaseParty.objects.filter(person=person)
        .select_related("case")
        .prefetch_related("case__parties__person__aliases", "case__information_entries__source_agency")
    )


def case_others(row: CaseParty) -> Iterable[tuple[Any, str]]:
    for other in row.case.parties.all():
        yield other.person, f"{other.get_role_display().lower()} in {row.case.reference}"


def case_section(cp: CaseParty, redact: Redact) -> dict[str, Any]:
    return {
        "reference": cp.case.reference,
        "your_role": cp.get_role_display(),
        "opened": cp.case.opened_on.isoformat(),
        "closed": cp.case.closed_on.isoformat() if cp.case.closed_on else None,
        "information_held": [
            {
                "from": str(e.source_agency),
                "category": e.get_category_display(),
                "recorded": e.recorded_at.date().isoformat(),
                "title": redact(e.title, f"{cp.case.reference}: information from {e.source_agency}"),
                "detail": redact(e.body, f"{cp.case.reference}: information from {e.source_agency}"),
            }
            for e in cp.case.information_entries.all()
            if e.category not in EXCLUDED_FOR_ROLE.get(cp.role, set())
        ],
    }


def victim_on_a_case(person: Any) -> bool:
    return CaseParty.objects.filter(person=person, role="victim").exists()


CASES = PartyRecords(
    key="cases", party_rows=case_rows, others=case_others, section=case_section, is_victim=victim_on_a_case,
)


def register() -> None:
    register_party_records(CASES, order=20)
