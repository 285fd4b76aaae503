"""What the audit screens need from the contexts they report on, registered by those
contexts: `audit` sits low in the house (docs/architecture.md, "Floors") and imports
none of cases, people or accounts.

Each is filled in the owning app's `AppConfig.ready()`:

- audited records: `register_audited_kind(kind, find=, covers=, name=)`; cases
  registers "case", people registers "person" (the `kind` in the export URL).
  `find(viewer, pk)` returns the record in a partnership the viewer manages, raising
  Http404 otherwise; `covers(record)` lists the `(object_type, ids)` whose log entries
  are about the record (a case's cover its referrals and people); `name(record)` is
  the name an export file is given (a case's reference). One entry per kind.
- the case page guard: `register_case_page(guard)`; cases registers its
  `cases.access.case_page`, the one entry point of every URL under a case
  (tests/test_case_entry.py). Audit's pages under a case are wrapped in it when
  audit's URLconf loads, which is after every `ready()`. One guard.
- account locks: `register_lock_lookup(lookup)`; accounts registers
  `lookup(usernames) -> {username: locked until}` for the staff page. Lookups are
  merged in registration order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404


@dataclass(frozen=True)
class AuditedKind:
    find: Callable[[Any, int], Any]
    covers: Callable[[Any], list[tuple[str, list[int]]]]
    name: Callable[[Any], str]


LockLookup = Callable[[Iterable[str]], dict[str, Any]]

_KINDS: dict[str, AuditedKind] = {}
_CASE_PAGE: dict[str, Callable[..., Callable]] = {}
_LOCK_LOOKUPS: list[LockLookup] = []


def register_audited_kind(
    kind: str, *, find: Callable[[Any, int], Any], covers: Callable[[Any], list[tuple[str, list[int]]]],
    name: Callable[[Any], str],
) -> None:
    _KINDS[kind] = AuditedKind(find=find, covers=covers, name=name)


def register_case_page(guard: Callable[..., Callable]) -> None:
    _CASE_PAGE["guard"] = guard


def register_lock_lookup(lookup: LockLookup) -> LockLookup:
    if lookup not in _LOCK_LOOKUPS:
        _LOCK_LOOKUPS.append(lookup)
    return lookup


def audited_kind(kind: str) -> AuditedKind:
    """The registered kind, or Http404 for a kind nobody registered."""
    try:
        return _KINDS[kind]
    except KeyError:
        raise Http404("Nothing to audit") from None


def case_page(**options: Any) -> Callable[[Callable], Callable]:
    """The registered case page guard, configured with `options`."""
    try:
        guard = _CASE_PAGE["guard"]
    except KeyError:
        raise ImproperlyConfigured("No case page guard is registered with masip.audit (is masip.cases installed?)") from None
    return guard(**options)


def locked_usernames(usernames: Iterable[str]) -> dict[str, Any]:
    names = list(usernames)
    locked: dict[str, Any] = {}
    for lookup in _LOCK_LOOKUPS:
        locked.update(lookup(names))
    return locked
