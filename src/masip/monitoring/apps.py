from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "masip.monitoring"
    verbose_name = "Incidents, episodes and revisiting cases"

    def ready(self) -> None:
        from masip.monitoring import panels, timeline  # noqa: F401  (registers case page panels and timeline entries)
