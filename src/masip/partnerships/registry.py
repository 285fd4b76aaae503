"""What higher contexts contribute to a partnership's settings, registered here because
`partnerships` sits below them and imports none of them (docs/architecture.md, "Floors").

Each is filled in the contributing app's `AppConfig.ready()`:

- instrument codes (assessments): `register_instrument_codes(source)`, where
  `source() -> iterable of codes` lists the instruments an operating model may name.
  The known codes are the union of every source's, in registration order.
- agenda rule checks (meetings): `register_agenda_rule_check(check)`, where
  `check(rule_json) -> str | None` returns why a meeting series' agenda rule is not
  valid, or None. Checks run in registration order; the first message is shown.
- partnership set-up (access): `register_on_partnership_saved(handler)`, where
  `handler(partnership)` runs after a partnership is saved through the admin (the
  shipped need-to-know rules). Handlers run in registration order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

InstrumentCodes = Callable[[], Iterable[str]]
AgendaRuleCheck = Callable[[Any], "str | None"]
PartnershipSaved = Callable[[Any], None]

_INSTRUMENT_CODES: list[InstrumentCodes] = []
_AGENDA_RULE_CHECKS: list[AgendaRuleCheck] = []
_ON_PARTNERSHIP_SAVED: list[PartnershipSaved] = []


def _append_once(registry: list, item: Any) -> Any:
    if item not in registry:
        registry.append(item)
    return item


def register_instrument_codes(source: InstrumentCodes) -> InstrumentCodes:
    return _append_once(_INSTRUMENT_CODES, source)


def register_agenda_rule_check(check: AgendaRuleCheck) -> AgendaRuleCheck:
    return _append_once(_AGENDA_RULE_CHECKS, check)


def register_on_partnership_saved(handler: PartnershipSaved) -> PartnershipSaved:
    return _append_once(_ON_PARTNERSHIP_SAVED, handler)


def instrument_codes() -> list[str]:
    """Every instrument code the registered sources know, without repeats."""
    return list(dict.fromkeys(code for source in _INSTRUMENT_CODES for code in source()))


def agenda_rule_error(rule: Any) -> str | None:
    """Why this agenda rule is not valid (the first registered check's message), or None."""
    return next((message for check in _AGENDA_RULE_CHECKS if (message := check(rule))), None)


def partnership_saved(partnership: Any) -> None:
    for handler in _ON_PARTNERSHIP_SAVED:
        handler(partnership)
