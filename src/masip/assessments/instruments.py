"""The instrument registry for this deployment: the shipped definitions, plus any
licensed wording a partnership has loaded (settings.MASIP_INSTRUMENT_WORDING_FILES).

Loaded once per process. A broken definition stops start-up (and fails
`manage.py check`), rather than letting a half-loaded tool be used.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.conf import settings

from masip.assessments.engine import InstrumentDefinition, InstrumentRegistry, load_directory


@lru_cache(maxsize=1)
def registry() -> InstrumentRegistry:
    directory = Path(getattr(settings, "MASIP_INSTRUMENTS_DIR", settings.PROJECT_DIR / "instruments"))
    wording = [Path(p) for p in getattr(settings, "MASIP_INSTRUMENT_WORDING_FILES", [])]
    return load_directory(directory, wording_files=wording)


def instrument_codes() -> tuple[str, ...]:
    return registry().codes()


def definition(code: str, version: int | None = None) -> InstrumentDefinition:
    return registry().latest(code) if version is None else registry().get(code, version)


def names() -> dict[str, str]:
    return {code: registry().latest(code).name for code in registry().codes()}
