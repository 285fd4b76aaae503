"""Every change to criminal-justice records goes through these functions, one transaction each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from masip.access import policy
from masip.audit.actions import AuditAction
from masip.audit.history import stale_edit
from masip.audit.models import Operation
from masip.audit.services import log_changes, log_event
from masip.cases.models import Case, CasePartyRole, TriggerKind
from masip.cases.retention import ANONYMISED
from masip.justice.models import (
    EVENTS_WITH_OFFENCE,
    ChargedOffence,
    EventKind,
    JusticeEvent,
    NfaReason,
    OrderKind,
    OrderStatus,
    ProtectiveOrder,
    SentenceKind,
    spo_earliest_end,
)
from masip.monitoring.rereview import review_trigger_raise

if TYPE_CHECKING:
    from masip.accounts.models import User


def _casework_only(user: User, case: Case) -> None:
    if not policy.does_casework_in(user, case.partnership):
        raise PermissionDenied("You are not a member of this partnership's unit.")


@dataclass
class EventInput:
    kind: str
    occurred_on: date
    offence: str
    offence_detail: str = ""
    nfa_reason: str = ""
    sentence_kind: str = ""
    custody_months: int | None = None
    court: str = ""
    notes: str = ""


def event_errors(case: Case, data: EventInput, *, today: date | None = None) -> dict[str, str]:
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if data.kind not in EventKind.values:
        errors["kind"] = "Select what happened"
    if data.occurred_on > today:
        errors["occurred_on"] = "Date must be today or in the past"
    elif case.suspect and case.suspect.date_of_birth and data.occurred_on < case.suspect.date_of_birth:
        errors["occurred_on"] = "Date must be after the suspect's date of birth"
    if data.kind in EVENTS_WITH_OFFENCE and data.offence not in ChargedOffence.values:
        errors["offence"] = "Select the offence"
    if data.offence == ChargedOffence.OTHER and not data.offence_detail.strip():
        errors["offence_detail"] = "Enter the offence"
    if data.kind == EventKind.NFA and data.nfa_reason not in NfaReason.values:
        errors["nfa_reason"] = "Select why no further action was taken"
    if data.kind == EventKind.SENTENCE:
        if data.sentence_kind not in SentenceKind.values:
            errors["sentence_kind"] = "Select the sentence"
        elif data.sentence_kind == SentenceKind.CUSTODY and not data.custody_months:
            errors["custody_months"] = "Enter the length of the custodial sentence in months"
    return errors


@transaction.atomic
def justice_event_record(*, case: Case, acting_user: User, data: EventInput) -> JusticeEvent:
    """Record a criminal-justice event. A charge is a new offence: it raises a re-review trigger."""
    _casework_only(acting_user, case)
    errors = event_errors(case, data)
    if errors:
        raise ValidationError(errors)
    kind = EventKind(data.kind)
    event = JusticeEvent.objects.create(
        partnership=case.partnership,
        case=case,
        suspect_id=case.suspect_id,
        kind=kind,
        occurred_on=data.occurred_on,
        offence=data.offence,
        offence_detail=data.offence_detail.strip() if data.offence == ChargedOffence.OTHER else "",
        nfa_reason=data.nfa_reason if kind == EventKind.NFA else "",
        sentence_kind=data.sentence_kind if kind == EventKind.SENTENCE else "",
        custody_months=data.custody_months
        if kind == EventKind.SENTENCE and data.sentence_kind == SentenceKind.CUSTODY
        else None,
        court=data.court.strip(),
        notes=data.notes.strip(),
        recorded_by=acting_user,
        recorded_agency_id=acting_user.agency_id,
    )
    log_event(
        actor=acting_user,
        operation=Operation.COLLECTION,
        action=AuditAction.JUSTICE_EVENT,
        partnership=case.partnership,
        subjects=[case, event],
        details={"kind": kind.value, "offence": data.offence},
    )
    if kind == EventKind.CHARGE:
        review_trigger_raise(
            case=case,
            kind=TriggerKind.NEW_OFFENCE,
            acting_user=acting_user,
            reason=f"Charged on {data.occurred_on:%-d %b %Y}: {event.offence_label}.",
        )
    return event


@dataclass
class OrderInput:
    kind: str
    status: str
    basis: str = ""
    interim: bool = False
    replaces_id: int | None = None
    protected_person_id: int | None = None
    applied_on: date | None = None
    decided_on: date | None = None
    ends_on: date | None = None
    until_further_order: bool = False
    conditions: str = ""
    served_on: date | None = None
    notified_on: date | None = None
    court: str = ""


def order_errors(
    case: Case, data: OrderInput, *, exclude_pk: int | None = None, today: date | None = None
) -> dict[str, str]:
    """What is wrong with an order as entered: dates in order, the SPO minimum duration, ..."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if data.kind not in OrderKind.values:
        return {"kind": "Select the kind of order"}
    if data.status not in OrderStatus.values:
        errors["status"] = "Select where the order stands"
    for name, label in (
        ("applied_on", "Date applied for"),
        ("decided_on", "Date made or refused"),
        ("served_on", "Date served"),
        ("notified_on", "Date the subject notified the police"),
    ):
        value = getattr(data, name)
        if value is not None and value > today:
            errors[name] = f"{label} must be today or in the past"
    if data.kind == OrderKind.RESTRAINING_ORDER and not data.basis:
        errors["basis"] = "Select whether the order was made on conviction or on acquittal"
    if data.kind == OrderKind.SPO and data.status == OrderStatus.APPLIED and not data.applied_on:
        errors["applied_on"] = "Enter the date the police applied for the order"
    if (
        data.status in (OrderStatus.GRANTED, OrderStatus.REFUSED)
        and not data.decided_on
        and "decided_on" not in errors
    ):
        errors["decided_on"] = (
            "Enter the date the order was made"
            if data.status == OrderStatus.GRANTED
            else "Enter the date the application was refused"
        )
    if (
        data.applied_on
        and data.decided_on
        and data.decided_on < data.applied_on
        and "decided_on" not in errors
    ):
        errors["decided_on"] = "Date made or refused must be on or after the date applied for"
    if data.status == OrderStatus.GRANTED and data.decided_on:
        if data.ends_on and data.until_further_order:
            errors["ends_on"] = "Enter an end date or choose until further order, not both"
        elif data.ends_on and data.ends_on < data.decided_on:
            errors["ends_on"] = "The end date must be on or after the date the order was made"
        elif data.kind == OrderKind.SPO and not data.interim:
            earliest = spo_earliest_end(data.decided_on)
            if not data.until_further_order and (data.ends_on is None or data.ends_on < earliest):
                errors["ends_on"] = (
                    "A Stalking Protection Order must last at least two years or until further order: "
                    f"for an order made on {data.decided_on:%-d %B %Y} the end date must be {earliest:%-d %B %Y} "
                    "or later (Stalking Protection Act 2019, s.3(2))"
                )
    if data.status != OrderStatus.GRANTED and (data.served_on or data.notified_on):
        errors["served_on"] = "Only an order that was made can be served"
    if data.served_on and data.decided_on and data.served_on < data.decided_on and "served_on" not in errors:
        errors["served_on"] = "Date served must be on or after the date the order was made"
    if data.notified_on and not data.served_on:
        errors["notified_on"] = "Enter the date the order was served first"
    elif (
        data.notified_on
        and data.served_on
        and data.notified_on < data.served_on
        and "notified_on" not in errors
    ):
        errors["notified_on"] = "Date the subject notified the police must be on or after the date served"
    if data.notified_on and data.kind != OrderKind.SPO:
        errors["notified_on"] = "Only a Stalking Protection Order carries notification requirements"
    if data.replaces_id is not None:
        interims = ProtectiveOrder.objects.filter(case=case, kind=OrderKind.SPO, interim=True, pk=data.replaces_id)
        if exclude_pk is not None:
            interims = interims.exclude(pk=exclude_pk)
        if data.kind != OrderKind.SPO or data.interim:
            errors["replaces"] = "Only a full Stalking Protection Order replaces an interim one"
        elif not interims.exists():
            errors["replaces"] = "Select an interim Stalking Protection Order recorded on this case"
    if (
        data.protected_person_id is not None
        and not case.parties.filter(role=CasePartyRole.VICTIM, person_id=data.protected_person_id).exists()
    ):
        errors["protected_person"] = "Select a victim of this case"
    return errors


_ORDER_FIELDS = [
    "status",
    "basis",
    "interim",
    "applied_on",
    "decided_on",
    "ends_on",
    "until_further_order",
    "conditions",
    "served_on",
    "notified_on",
    "court",
    "replaces_id",
    "protected_person_id",
]

ORDER_FIELD_LABELS = {
    "status": "status",
    "applied_on": "date applied for",
    "decided_on": "date made or refused",
    "ends_on": "end date",
    "until_further_order": "until further order",
    "served_on": "date served",
    "notified_on": "date the subject notified the police",
    "conditions": "conditions",
    "court": "court",
    "replaces_id": "the interim order it replaces",
    "protected_person_id": "the person protected",
}


def _apply(order: ProtectiveOrder, data: OrderInput) -> None:
    order.status = data.status
    order.basis = data.basis if data.kind == OrderKind.RESTRAINING_ORDER else ""
    order.interim = data.interim if data.kind == OrderKind.SPO else False
    order.replaces_id = data.replaces_id
    order.protected_person_id = data.protected_person_id
    order.applied_on, order.decided_on = data.applied_on, data.decided_on
    granted = data.status == OrderStatus.GRANTED
    order.ends_on = data.ends_on if granted and not data.until_further_order else None
    order.until_further_order = granted and data.until_further_order
    order.conditions, order.court = data.conditions.strip(), data.court.strip()
    order.served_on = data.served_on if granted else None
    order.notified_on = data.notified_on if granted and data.kind == OrderKind.SPO else None


@transaction.atomic
def order_record(*, case: Case, acting_user: User, data: OrderInput) -> ProtectiveOrder:
    """Record bail conditions, a restraining order or a Stalking Protection Order (applied, made or refused)."""
    _casework_only(acting_user, case)
    errors = order_errors(case, data)
    if errors:
        raise ValidationError(errors)
    order = ProtectiveOrder(
        partnership=case.partnership,
        case=case,
        suspect_id=case.suspect_id,
        kind=data.kind,
        recorded_by=acting_user,
        recorded_agency_id=acting_user.agency_id,
    )
    _apply(order, data)
    order.save()
    log_event(
        actor=acting_user,
        operation=Operation.COLLECTION,
        action=AuditAction.JUSTICE_ORDER,
        partnership=case.partnership,
        subjects=[case, order],
        details={"kind": data.kind, "status": data.status},
    )
    return order


@transaction.atomic
def order_update(
    *, order: ProtectiveOrder, acting_user: User, data: OrderInput, expected_version: int
) -> ProtectiveOrder:
    """Record progress on an order: made or refused, served, notified, varied. Field-level history is logged.

    expected_version is the version the update form was opened at: an update based
    on an older one is refused with what changed meanwhile.
    """
    _casework_only(acting_user, order.case)
    order = (
        ProtectiveOrder.objects.select_for_update(of=("self",))
        .select_related("case__partnership", "case__suspect")
        .get(pk=order.pk)
    )
    if order.version != expected_version:
        raise stale_edit(
            order, expected_version=expected_version, current_version=order.version, what="this order",
            labels=ORDER_FIELD_LABELS, actions=("justice.order_update",),
        )
    data.kind = order.kind
    errors = order_errors(order.case, data, exclude_pk=order.pk)
    if errors:
        raise ValidationError(errors)
    before = {f: str(getattr(order, f)) for f in _ORDER_FIELDS}
    _apply(order, data)
    after = {f: str(getattr(order, f)) for f in _ORDER_FIELDS}
    if after != before:
        order.version += 1
    order.save()
    log_changes(
        actor=acting_user,
        action=AuditAction.JUSTICE_ORDER_UPDATE,
        record=order,
        partnership=order.partnership,
        before=before,
        after=after,
        extra_subjects=[order.case],
        details={"version": order.version},
    )
    return order


def case_anonymise_justice_records(case: Case) -> dict[str, int]:
    """Blank the free text of the case's criminal-justice events and orders, keeping the figures
    (kinds, dates, offences, outcomes) - for anonymisation at retention review (registered with
    cases.retention). The caller holds the transaction and logs."""
    return {
        "justice": JusticeEvent.objects.filter(case=case).update(notes="", offence_detail="", court="")
        + ProtectiveOrder.objects.filter(case=case).update(conditions=ANONYMISED, court="", protected_person=None),
    }
