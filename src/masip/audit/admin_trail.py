"""Every row the Django admin adds, changes or deletes is logged in the audit trail.

The admin site marks the request it is serving (core/admin_site.py); while it
is marked, these signal handlers log each save and delete - of the page's
object, its inline rows, and anything a save does in turn - with its field
changes, in the same transaction as the write. Recording the writes rather
than the admin's own messages means no admin page, action or inline can
change data without a trace, whatever it is and whoever registered it.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from masip.audit.models import Operation
from masip.audit.services import SENSITIVE_KEYS, diff, log_event, subject
from masip.core.admin_site import current_admin_request
from masip.partnerships.models import MeetingSeries, Partnership

# The admin's own history, the audit trail itself, sessions and content types are not reference data.
NOT_RECORDED = frozenset({"admin", "audit", "sessions", "contenttypes"})
WITHHELD = SENSITIVE_KEYS | {"password"}
_BEFORE = "_masip_admin_before"


def _recorded(model: type[models.Model]) -> bool:
    return model._meta.app_label not in NOT_RECORDED


def _value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def _snapshot(instance: models.Model) -> dict[str, str]:
    return {f.attname: _value(getattr(instance, f.attname)) for f in instance._meta.concrete_fields}


def _protected(instance: models.Model) -> set[str]:
    return {f.attname for f in instance._meta.concrete_fields if f.attname.lower() in WITHHELD}


def _partnership_id(instance: models.Model) -> int | None:
    if isinstance(instance, Partnership):
        return instance.pk
    if isinstance(instance, MeetingSeries):
        return instance.operating_model.partnership_id
    return getattr(instance, "partnership_id", None)


def _log(request, instance: models.Model, *, operation: str, verb: str, changes=()) -> None:
    target = subject(instance)
    log_event(
        actor=request.user,
        operation=operation,
        action=f"admin.{verb}",
        partnership=_partnership_id(instance),
        subjects=[target],
        changes=[(target, name, old, new) for name, old, new in changes],
        details={"model": instance._meta.label_lower},
        path=request.get_full_path(),
    )


def before_save(sender, instance, raw=False, **kwargs) -> None:
    if raw or current_admin_request() is None or not _recorded(sender):
        return
    previous = sender._base_manager.filter(pk=instance.pk).first() if instance.pk is not None else None
    setattr(instance, _BEFORE, _snapshot(previous) if previous is not None else None)


def after_save(sender, instance, created, raw=False, **kwargs) -> None:
    request = current_admin_request()
    if raw or request is None or not _recorded(sender):
        return
    before = getattr(instance, _BEFORE, None)
    after = _snapshot(instance)
    changes = diff({} if created or before is None else before, after, protected=_protected(instance))
    if created:
        changes = [(name, old, new) for name, old, new in changes if new]
        _log(request, instance, operation=Operation.COLLECTION, verb="add", changes=changes)
    elif changes:
        _log(request, instance, operation=Operation.ALTERATION, verb="change", changes=changes)


def after_delete(sender, instance, **kwargs) -> None:
    request = current_admin_request()
    if request is None or not _recorded(sender):
        return
    # What was deleted, not a copy of it (as for any erasure).
    _log(request, instance, operation=Operation.ERASURE, verb="delete")


def after_m2m_change(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    request = current_admin_request()
    if request is None or action not in ("post_add", "post_remove") or not pk_set or not _recorded(type(instance)):
        return
    field = next(
        (f.name for f in instance._meta.many_to_many if f.remote_field.through is sender),
        sender._meta.model_name,
    )
    ids = ", ".join(str(pk) for pk in sorted(pk_set))
    old, new = ("", f"added {ids}") if action == "post_add" else (f"removed {ids}", "")
    _log(request, instance, operation=Operation.ALTERATION, verb="change", changes=[(field, old, new)])


def connect() -> None:
    pre_save.connect(before_save, dispatch_uid="masip.audit.admin_trail.pre_save")
    post_save.connect(after_save, dispatch_uid="masip.audit.admin_trail.post_save")
    post_delete.connect(after_delete, dispatch_uid="masip.audit.admin_trail.post_delete")
    m2m_changed.connect(after_m2m_change, dispatch_uid="masip.audit.admin_trail.m2m_changed")
