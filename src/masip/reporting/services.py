"""Every change to the programme registers and returns goes through these functions, one transaction each.

Unit staff record training and consultancy; the unit manager corrects them,
keeps the staffing register and signs off the quarterly return. Each write
leaves its audit event in the same transaction; an edit carries the version
its form was opened at (docs/decisions/0003).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from masip.access import policy
from masip.audit.actions import AuditAction
from masip.audit.history import stale_edit
from masip.audit.models import Operation
from masip.audit.services import disclosed_file, log_changes, log_event
from masip.partnerships.models import Agency, AgencyKind, Partnership
from masip.reporting import figures as fig
from masip.reporting.models import (
    Consultancy,
    ConsultancyKind,
    Post,
    PostHolding,
    QuarterlyReturn,
    TrainingDirection,
    TrainingEvent,
)
from masip.reporting.periods import Quarter

if TYPE_CHECKING:
    from masip.accounts.models import User


def _casework(user: User, partnership: Partnership) -> None:
    if not policy.does_casework_in(user, partnership):
        raise PermissionDenied("Only the unit's staff record this.")


def _manager(user: User, partnership: Partnership) -> None:
    if not policy.manages(user, partnership):
        raise PermissionDenied("Only the unit manager may do this.")


def _not_future(errors: dict[str, str], name: str, value: date | None, label: str) -> None:
    if value is not None and value > timezone.localdate():
        errors[name] = f"{label} must be today or in the past"


def _snapshot(record: Any, names: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for name in names:
        value = getattr(record, name)
        if isinstance(value, list):
            value = ", ".join(value)
        elif hasattr(value, "pk"):
            value = str(value)
        out[name] = "" if value is None else str(value)
    return out


def _save_versioned(
    *, record: Any, changes: dict[str, Any], names: tuple[str, ...], acting_user: User, action: str, reason: str = ""
) -> Any:
    before = _snapshot(record, names)
    for name, value in changes.items():
        setattr(record, name, value)
    after = _snapshot(record, names)
    if after != before:
        record.version += 1
        record.save()
        log_changes(
            actor=acting_user, action=action, record=record, partnership=record_partnership(record),
            before=before, after=after, reason=reason, details={"version": record.version},
        )
    return record


def record_partnership(record: Any) -> Partnership:
    return record.post.partnership if isinstance(record, PostHolding) else record.partnership


def _check_version(record: Any, expected_version: int, *, what: str, labels: dict[str, str], action: str) -> None:
    if record.version != expected_version:
        raise stale_edit(
            record, expected_version=expected_version, current_version=record.version, what=what,
            labels=labels, actions=(action,),
        )


# -- training and consultancy ------------------------------------------------------------


@dataclass
class TrainingInput:
    direction: str
    held_on: date
    topic: str
    trainer: str
    place: str
    audience_kinds: list[str]
    number_trained: int
    number_is_lower_bound: bool = False
    notes: str = ""


TRAINING_FIELDS = (
    "direction", "held_on", "topic", "trainer", "place", "audience_kinds", "number_trained",
    "number_is_lower_bound", "notes",
)
TRAINING_LABELS = {
    "held_on": "date held", "audience_kinds": "audience", "number_trained": "number trained",
    "number_is_lower_bound": "approximate count",
}


def _check_training(data: TrainingInput) -> None:
    errors: dict[str, str] = {}
    if data.direction not in TrainingDirection.values:
        errors["direction"] = "Select whether the unit delivered or received the training"
    _not_future(errors, "held_on", data.held_on, "Date held")
    unknown = [k for k in data.audience_kinds if k not in AgencyKind.values]
    if unknown:
        errors["audience_kinds"] = "Select the audience's agencies from the list"
    elif data.direction == TrainingDirection.OUTWARD and not data.audience_kinds:
        errors["audience_kinds"] = "Select at least one agency the audience came from"
    if data.number_trained is None or data.number_trained < 1:
        errors["number_trained"] = "Number trained must be 1 or more"
    if not data.topic.strip():
        errors["topic"] = "Enter the topic"
    if not data.trainer.strip():
        errors["trainer"] = "Enter who gave the training"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def training_record(*, partnership: Partnership, data: TrainingInput, acting_user: User) -> TrainingEvent:
    _casework(acting_user, partnership)
    _check_training(data)
    event = TrainingEvent.objects.create(partnership=partnership, recorded_by=acting_user, **vars(data))
    log_event(
        actor=acting_user, operation=Operation.COLLECTION, action=AuditAction.TRAINING_RECORD, partnership=partnership,
        subjects=[event], details={"version": event.version},
    )
    return event


@transaction.atomic
def training_correct(
    *, event: TrainingEvent, data: TrainingInput, reason: str, expected_version: int, acting_user: User
) -> TrainingEvent:
    """A manager's correction of a recorded training event."""
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    _manager(acting_user, event.partnership)
    _check_version(event, expected_version, what="this training event", labels=TRAINING_LABELS, action=AuditAction.TRAINING_CORRECT)
    _check_training(data)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why you are correcting it"})
    return _save_versioned(
        record=event, changes=vars(data), names=TRAINING_FIELDS, acting_user=acting_user, action=AuditAction.TRAINING_CORRECT,
        reason=reason.strip(),
    )


@dataclass
class ConsultancyInput:
    kind: str
    agency_kind: str
    agency_name: str
    given_on: date
    notes: str = ""


CONSULTANCY_FIELDS = ("kind", "agency_kind", "agency_name", "given_on", "notes")
CONSULTANCY_LABELS = {"agency_kind": "agency", "agency_name": "agency name", "given_on": "date given"}


def _check_consultancy(data: ConsultancyInput) -> None:
    errors: dict[str, str] = {}
    if data.kind not in ConsultancyKind.values:
        errors["kind"] = "Select the kind of consultancy"
    if data.agency_kind not in AgencyKind.values:
        errors["agency_kind"] = "Select the agency advised"
    _not_future(errors, "given_on", data.given_on, "Date given")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def consultancy_record(*, partnership: Partnership, data: ConsultancyInput, acting_user: User) -> Consultancy:
    _casework(acting_user, partnership)
    _check_consultancy(data)
    item = Consultancy.objects.create(partnership=partnership, recorded_by=acting_user, **vars(data))
    log_event(
        actor=acting_user, operation=Operation.COLLECTION, action=AuditAction.CONSULTANCY_RECORD, partnership=partnership,
        subjects=[item], details={"version": item.version},
    )
    return item


@transaction.atomic
def consultancy_correct(
    *, item: Consultancy, data: ConsultancyInput, reason: str, expected_version: int, acting_user: User
) -> Consultancy:
    item = Consultancy.objects.select_for_update().get(pk=item.pk)
    _manager(acting_user, item.partnership)
    _check_version(item, expected_version, what="this consultancy record", labels=CONSULTANCY_LABELS,
                   action=AuditAction.CONSULTANCY_CORRECT)
    _check_consultancy(data)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why you are correcting it"})
    return _save_versioned(
        record=item, changes=vars(data), names=CONSULTANCY_FIELDS, acting_user=acting_user,
        action=AuditAction.CONSULTANCY_CORRECT, reason=reason.strip(),
    )


# -- staffing ------------------------------------------------------------------------------


@dataclass
class PostInput:
    agency: Agency
    role: str
    programme_funded: bool
    fte: Decimal
    starts_on: date
    ends_on: date | None = None


POST_FIELDS = ("agency", "role", "programme_funded", "fte", "starts_on", "ends_on")
POST_LABELS = {"programme_funded": "funded by the programme", "fte": "FTE", "starts_on": "start date",
               "ends_on": "end date"}


def _check_post(partnership: Partnership, data: PostInput) -> None:
    errors: dict[str, str] = {}
    if data.agency is None or not partnership.partner_agencies.filter(agency=data.agency).exists():
        errors["agency"] = "Select an agency of this partnership"
    if data.fte is None or not (Decimal("0.01") <= data.fte <= Decimal("1")):
        errors["fte"] = "FTE must be between 0.01 and 1, like 0.5 for half time"
    if not data.role.strip():
        errors["role"] = "Enter the post's role"
    if data.ends_on is not None and data.starts_on is not None and data.ends_on < data.starts_on:
        errors["ends_on"] = "End date must be on or after the start date"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def post_create(*, partnership: Partnership, data: PostInput, acting_user: User) -> Post:
    _manager(acting_user, partnership)
    _check_post(partnership, data)
    post = Post.objects.create(partnership=partnership, **vars(data))
    log_event(actor=acting_user, operation=Operation.COLLECTION, action=AuditAction.POST_CREATE, partnership=partnership,
              subjects=[post], details={"version": post.version})
    return post


@transaction.atomic
def post_update(*, post: Post, data: PostInput, expected_version: int, acting_user: User) -> Post:
    post = Post.objects.select_for_update().get(pk=post.pk)
    _manager(acting_user, post.partnership)
    _check_version(post, expected_version, what="this post", labels=POST_LABELS, action=AuditAction.POST_UPDATE)
    _check_post(post.partnership, data)
    first_holding = post.holdings.order_by("starts_on").first()
    if first_holding is not None and data.starts_on > first_holding.starts_on:
        raise ValidationError({"starts_on": f"Start date must be on or before the first holder started "
                                            f"({first_holding.starts_on:%-d %B %Y})"})
    return _save_versioned(record=post, changes=vars(data), names=POST_FIELDS, acting_user=acting_user,
                           action=AuditAction.POST_UPDATE)


@dataclass
class HoldingInput:
    user: User
    holder_name: str
    starts_on: date
    ends_on: date | None = None


HOLDING_FIELDS = ("user", "holder_name", "starts_on", "ends_on")
HOLDING_LABELS = {"user": "member of staff", "holder_name": "name", "starts_on": "start date", "ends_on": "end date"}


def _check_holding(post: Post, data: HoldingInput, *, exclude: int | None = None) -> None:
    errors: dict[str, str] = {}
    if data.user is None and not data.holder_name.strip():
        errors["user"] = "Select the member of staff, or enter the name of someone without an account"
    if data.starts_on < post.starts_on:
        errors["starts_on"] = f"Start date must be on or after the post began ({post.starts_on:%-d %B %Y})"
    if post.ends_on is not None and data.starts_on > post.ends_on:
        errors["starts_on"] = f"Start date must be on or before the post ended ({post.ends_on:%-d %B %Y})"
    if data.ends_on is not None and data.ends_on < data.starts_on:
        errors["ends_on"] = "End date must be on or after the start date"
    if errors:
        raise ValidationError(errors)
    # Posts are single-holder (a job share is two posts): holdings must not overlap.
    others = post.holdings.exclude(pk=exclude) if exclude else post.holdings.all()
    for other in others:
        if other.starts_on <= (data.ends_on or date.max) and data.starts_on <= (other.ends_on or date.max):
            until = f" to {other.ends_on:%-d %B %Y}" if other.ends_on else " (still in post)"
            raise ValidationError({"starts_on": f"{other.holder} holds this post from "
                                                f"{other.starts_on:%-d %B %Y}{until}: end that first"})


@transaction.atomic
def holding_add(*, post: Post, data: HoldingInput, acting_user: User) -> PostHolding:
    post = Post.objects.select_for_update().get(pk=post.pk)
    _manager(acting_user, post.partnership)
    _check_holding(post, data)
    holding = PostHolding.objects.create(post=post, **vars(data))
    log_event(actor=acting_user, operation=Operation.COLLECTION, action=AuditAction.POST_HOLDING_ADD,
              partnership=post.partnership, subjects=[holding, post], details={"version": holding.version})
    return holding


@transaction.atomic
def holding_update(*, holding: PostHolding, data: HoldingInput, expected_version: int, acting_user: User) -> PostHolding:
    post = Post.objects.select_for_update().get(pk=holding.post_id)
    holding = PostHolding.objects.select_for_update().get(pk=holding.pk)
    _manager(acting_user, post.partnership)
    _check_version(holding, expected_version, what="who holds this post", labels=HOLDING_LABELS,
                   action=AuditAction.POST_HOLDING_UPDATE)
    _check_holding(post, data, exclude=holding.pk)
    return _save_versioned(record=holding, changes=vars(data), names=HOLDING_FIELDS, acting_user=acting_user,
                           action=AuditAction.POST_HOLDING_UPDATE)


# -- the quarterly return --------------------------------------------------------------------


@transaction.atomic
def return_file(
    *, partnership: Partnership, quarter: Quarter, figures: dict[str, dict], acting_user: User,
    for_publication: bool = False, note: str = "",
) -> QuarterlyReturn:
    """The unit manager signs off the return as computed now; a later filing is a new revision."""
    _manager(acting_user, partnership)
    if not quarter.is_past(timezone.localdate()):
        raise ValidationError("A return can be filed only once its quarter has ended.")
    if set(figures) != set(fig.FIGURES):
        raise ValidationError("The return's figures are incomplete.")
    latest = (
        QuarterlyReturn.objects.select_for_update()
        .filter(partnership=partnership, year=quarter.year, quarter=quarter.number)
        .aggregate(m=Max("revision"))["m"]
        or 0
    )
    try:
        filed = QuarterlyReturn.objects.create(
            partnership=partnership, year=quarter.year, quarter=quarter.number, revision=latest + 1,
            figures=figures, for_publication=for_publication, filed_by=acting_user, note=note.strip(),
        )
    except IntegrityError as exc:  # filed by someone else in the same instant
        raise ValidationError("This return was filed by someone else just now: reload the page.") from exc
    log_event(
        actor=acting_user, operation=Operation.COLLECTION, action=AuditAction.RETURN_FILE, partnership=partnership,
        subjects=[filed], details={"quarter": quarter.code, "revision": filed.revision,
                                   "figures": {k: fig.display(v) for k, v in figures.items()}},
    )
    return filed


def export_disclosed(*, acting_user: User, partnership: Partnership | None, what: str, fmt: str, recipient: str,
                     render: Callable[[], bytes], details: dict | None = None, subjects: tuple = ()) -> bytes:
    """An export leaves the unit: rendered, then a disclosure in the audit trail before the file is handed over."""
    return disclosed_file(
        actor=acting_user, action=f"reporting.export.{what}", partnership=partnership, subjects=subjects,
        recipient=recipient, details={"format": fmt, **(details or {})}, render=render,
    )


# -- how the partnership collects each figure ---------------------------------------------------

COLLECTION_FIELDS = ("collected", "note")


def collection_version(partnership: Partnership) -> int:
    """The version of the partnership's collection bases as a whole: moves on with any change to one."""
    from django.db.models import Sum

    from masip.reporting.models import CollectionBasis

    return CollectionBasis.objects.filter(partnership=partnership).aggregate(v=Sum("version"))["v"] or 0


@transaction.atomic
def collection_update(
    *, partnership: Partnership, bases: dict[str, tuple[bool, str]], expected_version: int, acting_user: User
) -> None:
    """Record which return figures the partnership collects, and how (the note travels with the figure)."""
    from masip.reporting.models import CollectionBasis

    _manager(acting_user, partnership)
    rows = {b.figure: b for b in CollectionBasis.objects.select_for_update().filter(partnership=partnership)}
    current = sum(b.version for b in rows.values())
    if current != expected_version:
        raise stale_edit(None, expected_version=expected_version, current_version=current,
                         what="how this partnership collects its return")
    unknown = set(bases) - set(fig.FIGURES)
    if unknown:
        raise ValidationError("Unknown figure.")
    for code, (collected, note) in bases.items():
        basis = rows.get(code)
        if basis is None:
            if collected and not note.strip():
                continue  # the default: collected, no note
            basis = CollectionBasis(partnership=partnership, figure=code, version=0)
            before = {"collected": "True", "note": ""}
        else:
            before = {"collected": str(basis.collected), "note": basis.note}
        after = {"collected": str(bool(collected)), "note": note.strip()}
        if after == before:
            continue
        basis.collected, basis.note = bool(collected), note.strip()
        basis.version += 1
        basis.save()
        log_changes(
            actor=acting_user, action=AuditAction.RETURN_COLLECTION, record=basis, partnership=partnership,
            before=before, after=after, reason=fig.LABELS[code], details={"version": basis.version},
        )
