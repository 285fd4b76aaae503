"""Facts a case or referral already records that an instrument item may mirror.

An item marked `from_record: <fact>` in its definition takes its answer from
here where the record knows the fact, so a rule that reads the item follows
the record rather than a value picked on the form (the SASH's ex-partner
items are asked only where the suspect is an ex-partner - and whether they
are is on the case, per victim). Where the record does not know, the
assessor answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from masip.assessments.engine import RECORD_FACTS, InstrumentDefinition
from masip.referrals.choices import Relationship

if TYPE_CHECKING:
    from masip.cases.models import Case
    from masip.referrals.models import Referral


def _relationships(subject: Case | Referral) -> list[str]:
    """The suspect's relationship to each victim of a case or referral ("" where not recorded)."""
    return list(
        subject.parties.filter(role="victim").values_list("relationship_to_suspect", flat=True)
    )


def _suspect_is_ex_partner(subject: Case | Referral) -> str | None:
    relationships = _relationships(subject)
    if Relationship.EX_INTIMATE in relationships:
        return "yes"
    if relationships and all(r and r != Relationship.UNKNOWN for r in relationships):
        return "no"
    return None  # a victim's relationship to the suspect is not known


_FACTS = {"suspect_is_ex_partner": _suspect_is_ex_partner}
assert set(_FACTS) == set(RECORD_FACTS), "every fact an instrument may name is computed here"


def record_facts(definition: InstrumentDefinition, subject: Case | Referral) -> dict[str, str]:
    """The answers the record gives, by item id, for the definition's `from_record` items it knows."""
    answers = {}
    for item in definition.items:
        if item.from_record:
            value = _FACTS[item.from_record](subject)
            if value is not None:
                answers[item.id] = value
    return answers


def describe(definition: InstrumentDefinition, item_id: str, value: str, subject: Case | Referral) -> str:
    """Where the record's answer comes from, in the user's words."""
    item = definition.item(item_id)
    where = "case" if subject.__class__.__name__ == "Case" else "referral"
    return (
        f"{item.option_label(value)}: from the {where}, which records how the suspect is related to each "
        "victim. The answer follows the record."
    )
