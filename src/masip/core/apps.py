from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


def ensure_folders() -> None:
    """Create the folders the app writes to: the SQLite database's, and STATIC_ROOT
    (WhiteNoise warns on every start when it is missing). Done when Django starts,
    not when the settings are read, so reading settings leaves no trace."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and str(database["NAME"]) not in ("", ":memory:"):
        if not str(database["NAME"]).startswith("file:"):
            Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


class CoreConfig(AppConfig):
    name = "masip.core"
    verbose_name = "Core"

    def ready(self) -> None:
        from masip.core import (
            checks,  # noqa: F401  (registers system checks)
            lookups,  # noqa: F401  (bounds `__in` on integer columns)
        )

        ensure_folders()
