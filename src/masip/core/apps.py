from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "masip.core"
    verbose_name = "Core"

    def ready(self) -> None:
        from masip.core import (
            checks,  # noqa: F401  (registers system checks)
            lookups,  # noqa: F401  (bounds `__in` on integer columns)
        )
