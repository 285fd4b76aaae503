from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "masip.victims"
    verbose_name = "Victim support"

    def ready(self) -> None:
        from masip.victims import panels, timeline  # noqa: F401  (registers case page panels and timeline entries)
